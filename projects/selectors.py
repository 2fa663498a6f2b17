"""Read-side questions the public pages ask: facet counts, key figures and timeline geometry.

Views stay thin: they call these selectors and hand the results to templates. Every selector
runs a fixed number of SQL queries whatever the number of projects.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.filters import ProjectFilterSet
from projects.models import (
    Budget,
    Phase,
    PhaseKind,
    Program,
    Project,
    ProjectStatus,
)
from sectors.models import Sector

# The year facet counts this range in one pass over the phases; years without projects are
# hidden. The source document covers 2010-2020; officials may add later years.
FACET_YEARS = range(2000, 2041)
TIMELINE_FIRST_YEAR = 2010


@dataclass
class Facets:
    """Counts beside each filter choice, each computed with the other filters applied."""

    sectors: list  # Sector objects annotated with project_count
    programs: list  # Program objects annotated with project_count
    statuses: list  # (value, label, count)
    years: list  # (year, count), years with projects only
    undated: int
    # The number of projects the whole filter selects, read off the status facet (None: unknown).
    matching: int | None = None


def sectors_with_project_counts(projects=None):
    """Every sector annotated with ``project_count``: how many of ``projects`` (by default the
    published ones) it has."""
    if projects is None:
        projects = Project.objects.published()
    # Explicit order: Meta.ordering does not apply to aggregating queries.
    return Sector.objects.annotate(
        project_count=Count("projects", filter=Q(projects__in=projects))
    ).order_by("position", "slug")


def programs_with_project_counts(projects=None):
    """Every program, with its goal, annotated with ``project_count``: how many of ``projects``
    (by default the published ones) it has."""
    if projects is None:
        projects = Project.objects.published()
    return (
        Program.objects.select_related("strategy")
        .annotate(project_count=Count("projects", filter=Q(projects__in=projects)))
        .order_by("strategy__position", "position", "slug")
    )


def project_facets(filterset: ProjectFilterSet) -> Facets:
    """Facet counts for the current filter: choosing IT shows how many IT projects run each
    year, and the sector counts show what each other sector would add or give."""
    without_sector = filterset.queryset_without("sector")
    sectors = list(sectors_with_project_counts(without_sector))
    programs = list(programs_with_project_counts(filterset.queryset_without("program")))
    status_counts = dict(
        filterset.queryset_without("status")
        .order_by()
        .values_list("current_status")
        .annotate(count=Count("pk"))
    )
    statuses = [
        (value, label, status_counts.get(value, 0)) for value, label in ProjectStatus.choices
    ]
    years, undated = year_facet(filterset.queryset_without("year"))
    return Facets(
        sectors=sectors,
        programs=programs,
        statuses=statuses,
        matching=matching_count(filterset, status_counts),
        years=years,
        undated=undated,
    )


def offered_facets(facets: Facets, filterset: ProjectFilterSet) -> set[str]:
    """The facets worth offering as filters: those with a choice that would narrow the result.

    A facet that is not applied counts over the current selection, so one of its choices
    narrows when it holds some but not all of the selected projects (0 < count < total).
    When every project has the same value (every status "not stated", say), no choice can,
    and the form leaves the facet out. A facet that is applied, or that the query gave a bad
    value for, is always offered, so that the reader can change it and see the message.
    """
    total = facets.matching
    counts = {
        "sector": [sector.project_count for sector in facets.sectors],
        "year": [count for _, count in facets.years] + [facets.undated],
        "status": [count for _, _, count in facets.statuses],
        "program": [program.project_count for program in facets.programs],
    }
    applied = set(filterset.applied)
    errors = set(filterset.form.errors)
    return {
        name
        for name, values in counts.items()
        if name in applied
        or name in errors
        or total is None
        or any(0 < count < total for count in values)
    }


def matching_count(filterset: ProjectFilterSet, status_counts: dict) -> int:
    """How many projects the whole filter selects, read off the status facet: it counts the
    filtered set without the status filter, by status, so with no status chosen the total is
    its sum, and with one chosen it is that status's count."""
    status = filterset.applied.get("status")
    return sum(status_counts.values()) if status is None else status_counts.get(status, 0)


def year_facet(projects) -> tuple[list, int]:
    """(year, number of ``projects`` active in it) for the years with any, and the number of
    undated ones, from one pass over the projects joined to their phases.

    The overlap rule is ``phase_overlaps`` (actual dates once reported, else planned), applied
    here to the fetched years: one narrow query
    and a loop cost far less at ten thousand projects than 41 ``COUNT(DISTINCT)`` aggregates,
    each of which sorts every phase row (and whose ORM expressions take long to build).
    """
    first, last = FACET_YEARS[0], FACET_YEARS[-1]
    active = defaultdict(set)
    undated = 0
    rows = projects.order_by().values_list(
        "pk",
        "phases__kind",
        "phases__start_year",
        "phases__end_year",
        "phases__actual_start_year",
        "phases__actual_end_year",
    )
    for pk, kind, start, end, actual_start, actual_end in rows:
        if start is None:  # no phase at all: the one row of the outer join is empty
            undated += 1
            continue
        if actual_start is not None:  # reported: the actual dates count, not the plan's
            start, end = actual_start, actual_end
        if kind == PhaseKind.MILESTONE:
            end = start
        elif end is None:  # an open-ended period runs on
            end = last
        for year in range(max(start, first), min(end, last) + 1):
            active[year].add(pk)
    return [(year, len(active[year])) for year in FACET_YEARS if active.get(year)], undated


@dataclass
class KeyFigures:
    """The headline numbers of the portfolio for the home page."""

    projects: int
    first_year: int | None
    last_year: int | None
    with_budget: int
    budget_total_krw: int | None


def key_figures() -> KeyFigures:
    """Headline numbers over the published portfolio, in three queries."""
    published = Project.objects.published()
    counts = published.aggregate(
        projects=Count("pk"),
        with_budget=Count("pk", filter=Exists(Budget.objects.filter(project=OuterRef("pk")))),
    )
    years = Phase.objects.filter(project__in=published).aggregate(
        first=Min("start_year"), last=Max(Coalesce("end_year", "start_year"))
    )
    budgets = Budget.objects.filter(project__in=published).aggregate(total=Sum("amount_krw"))
    return KeyFigures(
        projects=counts["projects"],
        first_year=years["first"],
        last_year=years["last"],
        with_budget=counts["with_budget"],
        budget_total_krw=budgets["total"],
    )


@dataclass
class TimelineBar:
    """One phase's planned or actual dates drawn on a year axis; x and width are in year units
    from the axis start. Planned bars are drawn as outlines, actual ones filled."""

    phase: Phase
    x: float
    width: float
    is_milestone: bool
    is_open_ended: bool
    y: float = 0.3
    height: float = 0.4
    is_actual: bool = False

    @property
    def css_class(self) -> str:
        """E.g. "bar planned open", "milestone actual met"."""
        classes = ["milestone" if self.is_milestone else "bar"]
        classes.append("actual" if self.is_actual else "planned")
        if self.is_open_ended:
            classes.append("open")
        if self.is_milestone:
            classes.append(self.phase.milestone_state)
        return " ".join(classes)


@dataclass
class TimelineRow:
    """One project on the timeline with its bars."""

    project: Project
    bars: list = field(default_factory=list)

    @property
    def phases(self) -> list:
        """The row's phases, once each (a phase may have a planned and an actual bar)."""
        return [bar.phase for bar in self.bars if not bar.is_actual]


@dataclass
class Timeline:
    """A year axis and the projects drawn on it."""

    first_year: int
    last_year: int
    rows: list

    @property
    def years(self):
        return list(range(self.first_year, self.last_year + 1))

    @property
    def year_count(self):
        return self.last_year - self.first_year + 1


def _bar(phase, first, last, *, actual: bool) -> TimelineBar:
    """The planned (or actual) dates of ``phase`` as a bar on an axis from ``first`` to ``last``."""
    is_milestone = phase.kind == PhaseKind.MILESTONE
    if actual:
        start, month = phase.actual_start_year, phase.actual_start_month
        open_ended = phase.actual_is_open_ended
        last_year = phase.actual_end_year or phase.actual_start_year
    else:
        start, month = phase.start_year, phase.start_month
        open_ended = phase.is_open_ended
        last_year = phase.last_year
    # A milestone sits inside its year at its month, when the month is known.
    month_offset = ((month or 7) - 1) / 12 if is_milestone else 0
    end = last + 1 if open_ended else last_year + 1
    return TimelineBar(
        phase=phase,
        x=start - first + month_offset,
        width=0 if is_milestone else end - start,
        is_milestone=is_milestone,
        is_open_ended=open_ended,
        is_actual=actual,
    )


def build_timeline(projects, first_year: int | None = None, last_year: int | None = None):
    """Lay the (prefetched) phases of ``projects`` out on one axis: each phase's planned dates,
    and beside them its actual dates where an official reported them. Undated projects get no
    row.

    The axis runs from ``first_year`` (default: the earliest date, planned or actual, but not
    after 2010) to the latest year any phase reaches (this year, when an actually started phase
    is still running); an open-ended phase runs to the end of the axis.
    """
    dated = [project for project in projects if project.span is not None]
    if not dated:
        return None
    phases = [phase for project in dated for phase in project.phases.all()]
    start = min(
        min(phase.start_year, phase.actual_start_year or phase.start_year) for phase in phases
    )
    end = max(max(phase.last_year, phase.active_last_year) for phase in phases)
    if any(phase.actual_is_open_ended for phase in phases):
        end = max(end, timezone.localdate().year)
    first = first_year if first_year is not None else min(start, TIMELINE_FIRST_YEAR)
    last = max(last_year or end, end, first)
    rows = []
    for project in dated:
        row = TimelineRow(project)
        lanes = []
        for phase in project.phases.all():
            planned = _bar(phase, first, last, actual=False)
            row.bars.append(planned)
            if phase.has_actual_dates:
                actual = _bar(phase, first, last, actual=True)
                row.bars.append(actual)
                lanes.append((planned, actual))
            else:
                lanes.append((planned, None))
        periods = [pair for pair in lanes if not pair[0].is_milestone]
        if len(periods) > 1:  # two lanes, so that overlapping periods stay visible
            for index, (planned, _actual) in enumerate(periods):
                planned.y, planned.height = (0.1 if index % 2 == 0 else 0.55), 0.35
        for planned, actual in lanes:
            if actual is not None and not actual.is_milestone:
                # The actual bar sits inside its planned outline's lane, so the two compare.
                actual.y, actual.height = planned.y + planned.height / 4, planned.height / 2
        rows.append(row)
    return Timeline(first_year=first, last_year=last, rows=rows)
