"""The public record of every change: the change log read off the audit trail.

Every version django-simple-history records of a published project, phase, budget or quantity
(and of a project's links to sectors, places and organisations) is a change, except the first
version of a record that the document load created (no official made it: it is the plan). Each
change is described from the diff against the version before it (``diff_against``), in the
reader's language, with the kind, reason and source the official gave (projects/history.py).

The selectors run a fixed number of queries for a page whatever the number of projects and
versions: one for the page of (table, version) rows across the four history tables, one to count
them, one per history table on the page (its versions and their predecessors together), one per
many-to-many table, and one per kind of object a changed foreign key names.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (
    CharField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from projects.history import ChangeKind, versioned_links
from projects.models import (
    Budget,
    Organisation,
    Phase,
    Place,
    Program,
    ProgressUpdate,
    Project,
    Quantity,
    SourceDocument,
    Span,
)
from projects.progress import report_date
from sectors.models import Sector

#: The history tables of the change log, by the tag that names them in anchors and queries.
TRACKED = {
    "project": Project,
    "phase": Phase,
    "budget": Budget,
    "quantity": Quantity,
    "progress": ProgressUpdate,
}
#: Fields whose changes say nothing to a reader (bookkeeping, internal keys, ordering).
HIDDEN_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "position",
    "key",
    "project",
    "entered_by",
    "version",
}
#: A project's current status, date and percentage are copied from its latest published
#: progress report (projects/progress.py); the report's own entry tells that change.
HIDDEN_PROJECT_FIELDS = {"current_status", "status_as_of", "progress_percent"}
#: What a progress report's entry lists when it is added.
PROGRESS_DETAILS = (
    "as_of",
    "status",
    "progress_percent",
    "note_en",
    "note_ko",
    "source_title",
    "source_url",
)
#: A project's versioned many-to-many links and the model each points to.
LINKS = {"sectors": Sector, "places": Place, "organisations": Organisation}
#: Foreign keys a change may name, and the model to look their names up in.
FOREIGN_KEYS = {"program": Program, "primary_sector": Sector, "source_document": SourceDocument}
#: Long texts (summaries, verbatim sources) are quoted in the log up to this length.
TEXT_PREVIEW = 300


@dataclass
class FieldChange:
    """One field of one change: its label in the reader's language and the two values."""

    label: str
    old: str
    new: str


@dataclass
class ChangeEntry:
    """One change to published content, as the change log and the feed show it."""

    tag: str
    history_id: int
    when: datetime
    project: Project
    action: str  # "+" added, "~" changed, "-" deleted (simple-history's history_type)
    subject: str  # what was changed: the project, or one of its phases, budgets or quantities
    changes: list = field(default_factory=list)
    kind: str = ""
    reason: str = ""
    source: str = ""
    user: object = None

    @property
    def anchor(self) -> str:
        return f"change-{self.tag}-{self.history_id}"

    @property
    def kind_label(self) -> str:
        return ChangeKind(self.kind).label if self.kind in ChangeKind.values else ""

    @property
    def summary(self) -> str:
        """The change in one line: "Phase “Construction”: End year: 2016 → 2018"."""
        if self.action == "+":
            added = _("%(subject)s added") % {"subject": self.subject}
            if self.changes:  # a progress report: what it says
                details = "; ".join(f"{change.label}: {change.new}" for change in self)
                return f"{added}: {details}"
            return added
        if self.action == "-":
            return _("%(subject)s deleted") % {"subject": self.subject}
        details = "; ".join(f"{change.label}: {change.old} → {change.new}" for change in self)
        return f"{self.subject}: {details}"

    def __iter__(self):
        return iter(self.changes)


def is_plan_version():
    """The condition for the versions that are not changes: the first version of a record
    the document load created (recorded with no official, see projects/audit.py)."""
    return Q(history_type="+", history_user__isnull=True)


def change_rows(projects, date_from: date | None = None, date_to: date | None = None):
    """Every change to ``projects`` (a queryset of published projects) as ordered rows
    ``(history_id, history_date, tag, project_id)``, newest first: one SQL union, ready to
    paginate."""
    selected = []
    for tag, model in TRACKED.items():
        history = model.history.all()
        if model is Project:
            history = history.filter(id__in=projects.values("pk")).annotate(project_ref=F("id"))
        else:
            history = history.filter(project_id__in=projects.values("pk")).annotate(
                project_ref=F("project_id")
            )
        history = history.exclude(is_plan_version())
        if model is ProgressUpdate:  # a draft report is not public, nor are its versions
            history = history.filter(is_published=True)
        if date_from is not None:
            history = history.filter(history_date__date__gte=date_from)
        if date_to is not None:
            history = history.filter(history_date__date__lte=date_to)
        selected.append(
            history.order_by()  # a part of a union has no order of its own
            .annotate(tag=Value(tag, output_field=CharField()))
            .values_list("history_id", "history_date", "tag", "project_ref")
        )
    first, *rest = selected
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


def versions_with_predecessors(model, history_ids):
    """The versions ``history_ids`` of ``model`` and the version just before each (the one
    its diff is taken against), in one query, ordered by record and time."""
    history = model.history
    earlier = (
        history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    predecessors = history.filter(history_id__in=history_ids).annotate(
        predecessor=Subquery(earlier)
    )
    return list(
        history.filter(
            Q(history_id__in=history_ids) | Q(history_id__in=predecessors.values("predecessor"))
        )
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )


def link_rows(project_versions):
    """{history_id: {link name: {linked object, ...}}} for the given project versions: one
    query per many-to-many table, with the linked objects joined."""
    links = defaultdict(lambda: defaultdict(set))
    history_ids = [version.history_id for version in project_versions]
    if not history_ids:
        return links
    m2m_models = versioned_links(Project)
    for name, target in LINKS.items():
        target_name = target._meta.model_name
        rows = (
            m2m_models[name]
            .objects.filter(history_id__in=history_ids)
            .select_related(target_name)
            .only("history_id", f"{target_name}__slug", *name_fields(target, target_name))
        )
        for row in rows:
            linked = getattr(row, target_name)
            if linked is not None:
                links[row.history_id][name].add(linked)
    return links


def name_fields(model, prefix):
    names = ("name_en", "name_ko") if model is not SourceDocument else ()
    return [f"{prefix}__{name}" for name in names if hasattr(model, name)]


def display_name(obj) -> str:
    name = getattr(obj, "name", None) or getattr(obj, "title", None)
    return str(name or obj)


def not_stated() -> str:
    return pgettext("a blank value in the change log", "not stated")


def display_value(model, name, value, named) -> str:
    """A field's value as a reader reads it: choices by their label, yes or no, names for
    foreign keys, grouped digits for amounts (never for years), long texts shortened."""
    model_field = model._meta.get_field(name)
    if value is None or value == "":
        return not_stated()
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in FOREIGN_KEYS:
        obj = named.get((FOREIGN_KEYS[name], value))
        return display_name(obj) if obj is not None else str(value)
    if name in {"amount_krw", "value"}:
        return number_format(value, force_grouping=True)
    text = str(value)
    return text if len(text) <= TEXT_PREVIEW else text[: TEXT_PREVIEW - 1] + "…"


def subject_of(tag, version, project) -> str:
    """What a version is of, in the reader's language: the project, or its phase, budget or
    quantity by name."""
    if tag == "project":
        return pgettext("the subject of a change", "Project")
    instance = version.instance
    if tag == "phase":
        return _("Phase “%(name)s” (%(when)s)") % {"name": instance.name, "when": instance.when}
    if tag == "budget":
        amount = number_format(instance.amount_krw, force_grouping=True)
        covers = instance.covers or _("budget")
        return _("Budget “%(covers)s” (%(amount)s won)") % {"covers": covers, "amount": amount}
    if tag == "progress":
        return _("Progress report as of %(date)s") % {"date": report_date(instance.as_of)}
    label = instance.label or instance.unit
    return _("Figure “%(label)s”") % {"label": label}


def deltas_of(model, version, earlier):
    """The fields ``version`` changed since ``earlier`` (simple-history's ``diff_against``,
    raw values; a project's links are compared apart, from their fetched rows)."""
    names = {model_field.name for model_field in model._meta.get_fields()}
    excluded = [name for name in HIDDEN_FIELDS if name in names]
    if model is Project:
        excluded += list(LINKS) + [name for name in HIDDEN_PROJECT_FIELDS if name in names]
    return version.diff_against(earlier, excluded_fields=excluded).changes


def field_changes(model, version, earlier, deltas, links, named) -> list:
    """The changes of one version in the reader's words, with the links of a project."""
    changes = [
        FieldChange(
            label=capfirst(model._meta.get_field(change.field).verbose_name),
            old=display_value(model, change.field, change.old, named),
            new=display_value(model, change.field, change.new, named),
        )
        for change in deltas
    ]
    if model is Project:
        for name in LINKS:
            old = links[earlier.history_id][name]
            new = links[version.history_id][name]
            if {obj.pk for obj in old} != {obj.pk for obj in new}:
                changes.append(
                    FieldChange(
                        label=capfirst(Project._meta.get_field(name).verbose_name),
                        old=", ".join(sorted(map(display_name, old))) or not_stated(),
                        new=", ".join(sorted(map(display_name, new))) or not_stated(),
                    )
                )
    return changes


def progress_details(version, named) -> list:
    """What a newly entered progress report says, as (label, "", value) changes."""
    details = []
    for name in PROGRESS_DETAILS:
        value = getattr(version, name)
        if value in (None, ""):
            continue
        if name == "as_of":
            shown = report_date(value)
        else:
            shown = display_value(ProgressUpdate, name, value, named)
        label = capfirst(ProgressUpdate._meta.get_field(name).verbose_name)
        details.append(FieldChange(label=label, old="", new=shown))
    return details


def named_objects(deltas) -> dict:
    """{(model, pk): object} for the programs, sectors and documents that changed foreign keys
    name (old and new): one query per model that is needed, none when no such key changed."""
    wanted = defaultdict(set)
    for changes in deltas:
        for change in changes:
            model = FOREIGN_KEYS.get(change.field)
            if model is not None:
                wanted[model].update(pk for pk in (change.old, change.new) if pk is not None)
    named = {}
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            named[(model, obj.pk)] = obj
    return named


def build_entries(rows, projects_by_pk=None) -> list[ChangeEntry]:
    """The change entries of ``rows`` (from ``change_rows``), newest first. A version that
    changed nothing a reader sees (only its ordering, say) is left out."""
    rows = list(rows)
    ids_by_tag = defaultdict(list)
    for history_id, _date, tag, _project in rows:
        ids_by_tag[tag].append(history_id)
    versions_by_tag = {
        tag: versions_with_predecessors(TRACKED[tag], ids) for tag, ids in ids_by_tag.items()
    }
    predecessor = {}
    version_by_key = {}
    for tag, versions in versions_by_tag.items():
        before = None
        for version in versions:
            version_by_key[(tag, version.history_id)] = version
            same_record = before is not None and before.id == version.id
            predecessor[(tag, version.history_id)] = before if same_record else None
            before = version
    links = link_rows(versions_by_tag.get("project", []))
    if projects_by_pk is None:
        project_ids = {project_id for *_rest, project_id in rows}
        projects_by_pk = Project.objects.in_bulk(project_ids)
    # First the raw differences of every version, so that the names of changed foreign keys
    # are looked up together; then each entry in words.
    found = []
    for history_id, _date, tag, project_id in rows:
        version = version_by_key.get((tag, history_id))
        project = projects_by_pk.get(project_id)
        if version is None or project is None:
            continue
        earlier = predecessor[(tag, history_id)]
        action = version.history_type
        if action == "~" and earlier is None:
            action = "+"  # a record whose first version was lost: shown as it is
        deltas = deltas_of(TRACKED[tag], version, earlier) if action == "~" else []
        found.append((tag, version, earlier, project, action, deltas))
    named = named_objects(deltas for *_rest, deltas in found)
    entries = []
    for tag, version, earlier, project, action, deltas in found:
        changes = []
        if action == "~":
            changes = field_changes(TRACKED[tag], version, earlier, deltas, links, named)
            if not changes:
                continue
        elif action == "+" and tag == "progress":
            changes = progress_details(version, named)
        entries.append(
            ChangeEntry(
                tag=tag,
                history_id=version.history_id,
                when=version.history_date,
                project=project,
                action=action,
                subject=subject_of(tag, version, project),
                changes=changes,
                # Entering a report is a progress report, whatever else its form says.
                kind=ChangeKind.PROGRESS_REPORT if tag == "progress" else version.change_kind,
                reason=version.history_change_reason or "",
                source=version.change_source,
                user=version.history_user,
            )
        )
    return entries


# --- Where each fact on a project page comes from -------------------------------------------


@dataclass
class Provenance:
    """How a fact of a project page stands against the plan: changed or added by an official
    (with the latest change), or as the document gives it (``None`` is used for that)."""

    entry_anchor: str
    when: datetime
    kind: str
    reason: str
    plan_value: str | None  # what the plan said; None when the plan did not have it

    @property
    def kind_label(self) -> str:
        return ChangeKind(self.kind).label if self.kind in ChangeKind.values else ""


#: The facts of each part whose change the project page marks (a phase's kind comes along, to
#: read its dates): the same number of columns for each, so that one union fetches them all.
MARKED_FACTS = {
    "phase": (Phase, ("start_year", "start_month", "end_year", "end_month", "kind")),
    "budget": (Budget, ("amount_krw",)),
    "quantity": (Quantity, ("value",)),
}
FACT_COLUMNS = 5


def part_versions(project):
    """Every version of the phases, budgets and quantities of ``project``, in one union query:
    rows of (tag, id, history_id, history_date, history_type, history_user_id, change_kind,
    history_change_reason, fact1 ... fact5), ordered by record and time."""
    selected = []
    for tag, (model, facts) in MARKED_FACTS.items():
        padding = {
            f"fact{index}": Value(None, output_field=CharField() if index == 5 else IntegerField())
            for index in range(len(facts) + 1, FACT_COLUMNS + 1)
        }
        columns = {f"fact{index}": F(name) for index, name in enumerate(facts, start=1)}
        selected.append(
            model.history.filter(project_id=project.pk)
            .order_by()
            .annotate(tag=Value(tag, output_field=CharField()), **columns, **padding)
            .values_list(
                "tag",
                "id",
                "history_id",
                "history_date",
                "history_type",
                "history_user_id",
                "change_kind",
                "history_change_reason",
                *(f"fact{index}" for index in range(1, FACT_COLUMNS + 1)),
            )
        )
    first, *rest = selected
    return first.union(*rest, all=True).order_by("tag", "id", "history_date", "history_id")


@dataclass
class ProjectProvenance:
    """The marks of a project page: per part (``marks[(tag, pk)]``) and for its years."""

    marks: dict
    span: Provenance | None = None

    def of(self, tag, pk):
        return self.marks.get((tag, pk))


def project_provenance(project) -> ProjectProvenance:
    """The parts of ``project`` (phases, budgets, quantities, its phases prefetched) whose
    marked facts differ from the plan's, or that the plan did not have, and whether its years
    differ from the plan's, in one query. A part with no version at all is the document's,
    unchanged."""
    by_record = defaultdict(list)
    for row in part_versions(project):
        by_record[(row[0], row[1])].append(row)
    marks = {}
    plan_phases = [
        (phase.start_year, phase.start_month, phase.end_year, phase.end_month, phase.kind)
        for phase in project.phases.all()
        if ("phase", phase.pk) not in by_record
    ]
    for (tag, pk), versions in by_record.items():
        facts = [row[8 : 8 + len(MARKED_FACTS[tag][1])] for row in versions]
        first = versions[0]
        from_plan = first[4] == "+" and first[5] is None
        if tag == "phase" and from_plan:
            plan_phases.append(facts[0])
        deleted = versions[-1][4] == "-"
        if from_plan and facts[-1] == facts[0] and not deleted:
            continue
        # The latest version that moved a marked fact (or deleted the part) is the change.
        change = versions[-1]
        for index in range(len(versions) - 1, 0, -1):
            if facts[index] != facts[index - 1]:
                change = versions[index]
                break
        marks[(tag, pk)] = Provenance(
            entry_anchor=f"change-{tag}-{change[2]}",
            when=change[3],
            kind=change[6],
            reason=change[7] or "",
            plan_value=plan_reading(tag, facts[0]) if from_plan else None,
        )
    provenance = ProjectProvenance(marks)
    plan_span = span_of(plan_phases)
    phase_marks = [mark for (tag, _pk), mark in marks.items() if tag == "phase"]
    # A project the document does not have has no plan's years to compare with.
    if phase_marks and project.source_document_id and plan_span != project.span:
        latest = max(phase_marks, key=lambda mark: mark.when)
        provenance.span = Provenance(
            entry_anchor=latest.entry_anchor,
            when=latest.when,
            kind=latest.kind,
            reason=latest.reason,
            plan_value=str(plan_span) if plan_span else _("no dates"),
        )
    return provenance


def mark_provenance(project) -> ProjectProvenance:
    """Put each prefetched phase's, budget's and quantity's mark on it as ``provenance`` (None
    for a fact as the document gives it), for the project page to show; returns them all."""
    provenance = project_provenance(project)
    for tag, parts in (
        ("phase", project.phases.all()),
        ("budget", project.budgets.all()),
        ("quantity", project.quantities.all()),
    ):
        for part in parts:
            part.provenance = provenance.of(tag, part.pk)
    return provenance


def span_of(phase_facts) -> Span | None:
    """The span of phases given as (start_year, start_month, end_year, end_month, kind)."""
    phases = [
        Phase(start_year=start, start_month=sm, end_year=end, end_month=em, kind=kind)
        for start, sm, end, em, kind in phase_facts
    ]
    if not phases:
        return None
    start = min(phase.start_year for phase in phases)
    if any(phase.is_open_ended for phase in phases):
        return Span(start, None)
    return Span(start, max(phase.last_year for phase in phases))


def plan_reading(tag, facts) -> str:
    """The plan's value of a part's marked facts, as the project page writes it."""
    if tag == "phase":
        start_year, start_month, end_year, end_month, kind = facts
        return Phase(
            start_year=start_year,
            start_month=start_month,
            end_year=end_year,
            end_month=end_month,
            kind=kind,
        ).when
    if tag == "budget":
        return _("%(amount)s won") % {"amount": number_format(facts[0], force_grouping=True)}
    return number_format(facts[0], force_grouping=True)


# --- The plan's age ---------------------------------------------------------------------------


def plan_latest_month(document_ref: str):
    """An expression for the latest month (``year * 100 + month``) that the document named by
    ``document_ref`` (an ``OuterRef`` path to a ``SourceDocument``) mentions in its phases, as
    the plan gave them: the first version of a phase where it has one (an official may have
    changed it since), its stored dates where it has none. None when it mentions no month."""
    historical = Phase.history.model
    plan_versions = historical.objects.filter(
        is_plan_version(), project__source_document=OuterRef(document_ref)
    )
    unversioned = Phase.objects.filter(project__source_document=OuterRef(document_ref)).exclude(
        pk__in=historical.objects.values("id")
    )
    latest = []
    for rows in (plan_versions, unversioned):
        for year, month in (("start_year", "start_month"), ("end_year", "end_month")):
            value = (
                rows.filter(**{f"{month}__isnull": False})
                .annotate(month_number=F(year) * 100 + F(month))
                .order_by("-month_number")
                .values("month_number")[:1]
            )
            latest.append(Coalesce(Subquery(value, output_field=IntegerField()), 0))
    # Each part is coalesced to 0, so that SQLite's MAX() sees no NULL; 0 means "no month".
    return Greatest(*latest)


def month_of(number) -> date | None:
    """The first day of the month ``plan_latest_month`` gives, None for none."""
    if not number:
        return None
    return date(number // 100, number % 100, 1)
