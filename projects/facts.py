"""Facts derived from a project's parts, kept current on write (issue 19).

A list row, a sort and a facet must not read every phase and budget of the portfolio, so what
they need is derived once, when a project, phase or budget is saved or deleted: the span and the
budget total as columns of ``Project`` (``span_start``, ``span_end``, ``span_open_ended``,
``budget_sum_krw``) and one ``ProjectYear`` row per year the project is active in (one row with
no year for an undated project). The receivers are connected by ``projects.signals`` to the same
``post_save``/``post_delete`` signals that move the page cache's content version; bulk loaders
(``benchmarks/generate.py``, the test factories) call ``refresh_project_facts`` themselves.

The year rule is ``projects.models.phase_overlaps`` (actual dates once reported, else the
planned ones; ``Project.span`` likewise), applied here in Python:
``tests/test_query_counts.py`` checks the two against each other for every facet year.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum

BATCH = 2000


def active_years(kind: str, start: int, end: int | None, horizon: int) -> range:
    """The years a phase runs (``phase_overlaps``): a milestone its own year, a period from its
    start to its end, an open-ended one up to ``horizon`` (or its start, if later)."""
    from projects.models import PhaseKind

    if kind == PhaseKind.MILESTONE:
        return range(start, start + 1)
    return range(start, (end if end is not None else max(horizon, start)) + 1)


def refresh_project_facts(project_ids: Iterable[int], apps=None):
    """Recompute the derived columns and year rows of these projects (missing ones are
    skipped), in a fixed number of queries per batch of 2,000. ``apps``: a migration's
    historical models."""
    ids = sorted(set(project_ids))
    for first in range(0, len(ids), BATCH):
        _refresh_batch(ids[first : first + BATCH], apps)


def _refresh_batch(ids: list[int], apps=None):
    from projects.models import DERIVED_FIELDS, OPEN_END_HORIZON

    if apps is None:
        from django.apps import apps
    Project, Phase, Budget, ProjectYear = (
        apps.get_model("projects", name) for name in ("Project", "Phase", "Budget", "ProjectYear")
    )

    with transaction.atomic():
        existing = set(Project.objects.filter(pk__in=ids).values_list("pk", flat=True))
        years: dict[int, set] = defaultdict(set)
        spans: dict[int, list] = {}
        phases = Phase.objects.filter(project__in=existing).values_list(
            "project_id", "kind", "start_year", "end_year", "actual_start_year", "actual_end_year"
        )
        for project_id, kind, start, end, actual_start, actual_end in phases:
            if actual_start is not None:  # reported: the actual dates count (phase_overlaps)
                start, end = actual_start, actual_end
            years[project_id].update(active_years(kind, start, end, OPEN_END_HORIZON))
            span = spans.setdefault(project_id, [start, start, False])
            span[0] = min(span[0], start)
            span[1] = max(span[1], end or start)
            span[2] = span[2] or (kind == "period" and end is None)
        budgets = dict(
            Budget.objects.filter(project__in=existing)
            .order_by()
            .values_list("project")
            .annotate(total=Sum("amount_krw"))
        )
        ProjectYear.objects.filter(project__in=ids).delete()
        ProjectYear.objects.bulk_create(
            ProjectYear(project_id=project_id, year=year)
            for project_id in sorted(existing)
            for year in (sorted(years[project_id]) if project_id in years else [None])
        )
        sector_positions = dict(
            Project.objects.filter(pk__in=existing).values_list("pk", "primary_sector__position")
        )
        projects = []
        for project_id in sorted(existing):
            start, end, open_ended = spans.get(project_id, (None, None, False))
            projects.append(
                Project(
                    pk=project_id,
                    span_start=start,
                    span_end=end,
                    span_open_ended=open_ended,
                    budget_sum_krw=budgets.get(project_id),
                    primary_sector_position=sector_positions[project_id],
                )
            )
        # bulk_update sends no signal and leaves updated_at alone: derived facts are no edit.
        Project.objects.bulk_update(projects, DERIVED_FIELDS, batch_size=500)


def refresh_all_project_facts():
    """Recompute every project's facts (after a bulk load, or to repair)."""
    from projects.models import Project

    refresh_project_facts(Project.objects.values_list("pk", flat=True))


def _deleted_with_its_project(origin) -> bool:
    from projects.models import Project

    model = getattr(origin, "model", type(origin))
    return model is Project


def part_changed(sender, instance, origin=None, **kwargs):
    """Signal receiver (phase or budget saved or deleted): refresh its project's facts, unless
    the part goes because its project does (the rows go with the project)."""
    if origin is not None and _deleted_with_its_project(origin):
        return
    refresh_project_facts([instance.project_id])


def project_saved(sender, instance, created=False, raw=False, **kwargs):
    """Signal receiver: a new project gets its facts (an undated row) at once; a saved one
    its primary sector's position (the primary sector may have changed)."""
    if created:
        refresh_project_facts([instance.pk])
        return
    from projects.models import Project
    from sectors.models import Sector

    position = Sector.objects.filter(pk=OuterRef("primary_sector_id")).values("position")[:1]
    Project.objects.filter(pk=instance.pk).update(primary_sector_position=Subquery(position))


def sector_saved(sender, instance, raw=False, **kwargs):
    """Signal receiver: a sector moved in the sectors' order moves its projects on the
    timeline (an update: no edit of the projects, no signal)."""
    from projects.models import Project

    Project.objects.filter(primary_sector=instance).exclude(
        primary_sector_position=instance.position
    ).update(primary_sector_position=instance.position)
