"""The portfolio: goals, programs, projects, their phases, budgets and the facts around them.

Everything here holds what the source document says and nothing more: a fact the document does
not state stays empty (null or blank) so that the site can say "not stated in the source".
Content that readers see comes in English and Korean (``*_en`` / ``*_ko`` columns).
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from busanportal.i18n import translated
from busanportal.models import SluggedModel, SlugManager, slug_natural_key
from projects.concurrency import version_field
from projects.history import portfolio_history

MIN_YEAR = 1900
MAX_YEAR = 2100
# No single line of a city plan is near a quadrillion won; a larger figure is a typing error.
MAX_BUDGET_KRW = 1_000_000_000_000_000
#: The earliest date a report or a milestone may carry (the same floor as the years).
MIN_DATE = datetime.date(MIN_YEAR, 1, 1)
#: Notes of progress reports: long enough for a paragraph, short enough to read.
MAX_NOTE_LENGTH = 4000


def no_control_characters(value: str):
    """Refuse invisible control characters (tabs and line breaks excepted): they break the Atom
    feeds' XML and the HTML, and are never meant."""
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value or ""):
        raise ValidationError(
            _("Remove the invisible control characters from this text."),
            code="control_characters",
        )


def not_in_the_future(value: datetime.date):
    """A date that has already come: a report or a milestone met cannot be dated ahead."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            _("This date is in the future; enter a date up to today."), code="future_date"
        )


def not_before_min_date(value: datetime.date):
    if value is not None and value < MIN_DATE:
        raise ValidationError(
            _("Enter a date from %(min)s on.") % {"min": MIN_DATE.isoformat()}, code="too_early"
        )


#: Web addresses of sources: http or https only (no javascript:, data: or file: links).
web_address = URLValidator(schemes=["http", "https"])


def _year_message():
    return gettext("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}


# Formatted when shown, in the language of the request.
YEAR_MESSAGE = lazy(_year_message, str)()
MONTH_MESSAGE = _("Enter a month from 1 to 12.")
#: Field validators for a calendar year and month (the database checks the same ranges).
YEAR_VALIDATORS = [
    MinValueValidator(MIN_YEAR, message=YEAR_MESSAGE),
    MaxValueValidator(MAX_YEAR, message=YEAR_MESSAGE),
]
MONTH_VALIDATORS = [
    MinValueValidator(1, message=MONTH_MESSAGE),
    MaxValueValidator(12, message=MONTH_MESSAGE),
]


def not_after_this_year(value):
    """An actual date has come: its year is this year at the latest."""
    this_year = timezone.localdate().year
    if value is not None and value > this_year:
        raise ValidationError(
            _("Enter a year up to this year (%(max)s): actual dates are dates that have come.")
            % {"max": this_year},
            code="future_year",
        )


#: An actual year: a calendar year in the portal's range that has come.
ACTUAL_YEAR_VALIDATORS = [*YEAR_VALIDATORS, not_after_this_year]


class SourceDocument(SluggedModel):
    """The published document the portfolio's facts come from."""

    title_en = models.CharField(_("title (English)"), max_length=300)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    publisher_en = models.CharField(_("publisher (English)"), max_length=200)
    publisher_ko = models.CharField(_("publisher (Korean)"), max_length=200, blank=True)
    introduction = models.TextField(
        _("introduction (verbatim)"), blank=True, help_text=_("The document's lead paragraph.")
    )
    url = models.URLField(_("web address"), blank=True, help_text=_("Blank when not known."))
    covers_from_year = models.PositiveSmallIntegerField(
        _("covers from year"),
        null=True,
        blank=True,
        help_text=_("Earliest year the document mentions."),
    )
    covers_to_year = models.PositiveSmallIntegerField(
        _("covers to year"),
        null=True,
        blank=True,
        help_text=_("Latest year the document mentions."),
    )
    published_on = models.DateField(
        _("published on"),
        null=True,
        blank=True,
        help_text=_("Leave blank: the document does not state when it was published."),
    )

    title = translated("title")
    publisher = translated("publisher")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return self.title_en


class PlanHeading(SluggedModel):
    """A heading of the plan: a strategic goal or a program, titled and quoted as the document
    has it, in the document's order."""

    title_en = models.CharField(_("title (English)"), max_length=300)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    source_text = models.TextField(_("source text (verbatim)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    title = translated("title")

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def __str__(self):
        return self.title_en


class Strategy(PlanHeading):
    """One of the plan's strategic goals (the document's top-level headings)."""

    class Meta(PlanHeading.Meta):
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")


class Program(PlanHeading):
    """A program under a goal (the document's sub-headings); projects belong to one."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.PROTECT, related_name="programs", verbose_name=_("goal")
    )

    natural_key = slug_natural_key("projects.strategy")

    class Meta(PlanHeading.Meta):
        verbose_name = _("program")
        verbose_name_plural = _("programs")


class NamedThing(SluggedModel):
    """Something a project names: a place or an organisation, in English and Korean."""

    name_en = models.CharField(_("name (English)"), max_length=300)
    name_ko = models.CharField(_("name (Korean)"), max_length=300, blank=True)

    name = translated("name")

    class Meta:
        abstract = True
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en


class Place(NamedThing):
    """A named place in Busan that a project is located in or refers to."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)

    class Meta(NamedThing.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")


class Organisation(NamedThing):
    """A company, institute or body that a project names."""

    acronym = models.CharField(_("acronym"), max_length=40, blank=True)

    class Meta(NamedThing.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")


class ProjectStatus(models.TextChoices):
    """How far along a project is: the project statuses of the Open Contracting for
    Infrastructure Data Standard (OC4IDS), as a progress report states them. The document
    states none, so every project starts as "not stated"."""

    NOT_STATED = "not-stated", _("Not stated")
    IDENTIFICATION = "identification", _("Identification")
    PREPARATION = "preparation", _("Preparation")
    IMPLEMENTATION = "implementation", _("Implementation")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


#: How a status reads at the head of a sentence ("In implementation · 40% · as of …").
STATUS_PHRASES = {
    ProjectStatus.NOT_STATED: _("Status not stated"),
    ProjectStatus.IDENTIFICATION: _("In identification"),
    ProjectStatus.PREPARATION: _("In preparation"),
    ProjectStatus.IMPLEMENTATION: _("In implementation"),
    ProjectStatus.COMPLETED: _("Completed"),
    ProjectStatus.SUSPENDED: _("Suspended"),
    ProjectStatus.CANCELLED: _("Cancelled"),
}


@dataclass(frozen=True)
class Span:
    """The years a project runs: the union of its phases. ``end`` is None when open-ended."""

    start: int
    end: int | None

    def __str__(self):
        if self.end is None:
            return f"{self.start}–"
        if self.end == self.start:
            return str(self.start)
        return f"{self.start}–{self.end}"


#: Project columns derived from its parts (projects.facts); not part of its edit history.
DERIVED_FIELDS = [
    "span_start",
    "span_end",
    "span_open_ended",
    "budget_sum_krw",
    "primary_sector_position",
]
#: Sort orders on the derived columns, each matched by a partial index of the published projects.
PUBLISHED = Q(is_published=True)


def published_order_index(name: str, *leading: str, featured: bool = False) -> models.Index:
    """A narrow partial index of the published projects in one list order (``leading`` keys,
    then the document's order), holding the id: a page of that order is an index scan."""
    condition = PUBLISHED & Q(is_featured=True) if featured else PUBLISHED
    return models.Index(
        fields=[*leading, "position", "slug"], name=name, condition=condition, include=["id"]
    )


class ProjectQuerySet(models.QuerySet):
    """The domain's questions about projects, named once and used by every view."""

    def published(self):
        """Projects the public may see: every public page, export, API and feed starts here."""
        return self.filter(is_published=True)

    def active_in(self, year: int):
        """Projects with a phase overlapping ``year`` (open-ended periods run on; milestones
        count for their own year): from the derived year rows (``ProjectYear``) within their
        horizon, from the phases beyond it."""
        if year > OPEN_END_HORIZON:
            phases = Phase.objects.overlapping(year).filter(project=OuterRef("pk"))
            return self.filter(Exists(phases))
        return self.filter(Exists(ProjectYear.objects.filter(project=OuterRef("pk"), year=year)))

    def undated(self):
        """Projects the document gives no date for (no phase at all)."""
        return self.filter(span_start__isnull=True)

    def in_sectors(self, slugs):
        """Projects in any of the sectors named by ``slugs``."""
        through = Project.sectors.through
        return self.filter(
            Exists(through.objects.filter(project=OuterRef("pk"), sector__slug__in=list(slugs)))
        )

    def matching(self, text: str):
        """Projects the search ``text`` finds: every word in the project's search text (its
        titles, summaries, source text and the names of its sectors, program, goal, places and
        organisations, both languages), and on PostgreSQL also by full-text and trigram
        similarity (see ``projects.search``)."""
        from projects.search import filter_matching

        return filter_matching(self, text)

    def by_relevance(self, text: str):
        """Order by how well each project matches ``text``: an exact title first."""
        from projects.search import order_by_relevance

        return order_by_relevance(self, text)

    def with_start_year(self):
        """Annotate ``first_year``: the earliest phase start (actual where reported, as in
        ``phase_overlaps``), None when undated."""
        start = Coalesce("actual_start_year", "start_year")
        earliest = (
            Phase.objects.filter(project=OuterRef("pk"))
            .annotate(active_start=start)
            .order_by("active_start")
        )
        return self.annotate(first_year=Subquery(earliest.values("active_start")[:1]))

    def with_budget_total(self):
        """Annotate ``budget_total_krw``: the sum of stated budgets, None when none is stated."""
        if "budget_total_krw" in self.query.annotations:
            return self
        totals = (
            Budget.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(total=Sum("amount_krw"))
            .values("total")
        )
        return self.annotate(budget_total_krw=Subquery(totals[:1]))

    def for_listing(self):
        """Everything a list row shows, in a fixed number of queries: the span and the budget
        total come from the derived columns, so the phases are not fetched."""
        return self.select_related("program__strategy", "primary_sector").prefetch_related(
            "sectors"
        )

    def with_phases(self):
        """The phases too (prefetched), for pages that draw them."""
        return self.prefetch_related("phases")

    def for_detail(self):
        """Everything a project page shows but its sectors, places and organisations
        (``selectors.project_labels`` reads those in one query), fetched in a fixed number of
        queries; its published progress reports, newest first, as ``published_reports``, and
        its published related projects, each with its years, as ``related_published``."""
        reports = ProgressUpdate.objects.published().latest_first()
        related = models.Prefetch(
            "related",
            queryset=Project.objects.published(),
            to_attr="related_published",
        )
        return (
            self.select_related("program__strategy", "primary_sector", "source_document")
            .with_phases()
            .prefetch_related(
                "budgets",
                "quantities",
                models.Prefetch("progress_updates", queryset=reports, to_attr="published_reports"),
                related,
            )
        )


class ProjectManager(SlugManager.from_queryset(ProjectQuerySet)):
    """Project manager with natural-key lookup for fixtures."""


class Project(SluggedModel):
    """A project of the plan: one bullet of the document, or one of its featured highlights."""

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("Used in the project's web address. Do not change it once published."),
    )
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    summary_en = models.TextField(
        _("summary (English)"), blank=True, help_text=_("Plain-language summary for citizens.")
    )
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    source_text = models.TextField(
        _("source text (verbatim)"),
        blank=True,
        help_text=_("The exact words of the source document. Do not edit imported text."),
    )
    source_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
        verbose_name=_("source document"),
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
        verbose_name=_("program"),
        help_text=_(
            "Blank for the featured highlights, which the document lists under no program."
        ),
    )
    primary_sector = models.ForeignKey(
        "sectors.Sector",
        on_delete=models.PROTECT,
        related_name="primary_projects",
        verbose_name=_("primary sector"),
    )
    sectors = models.ManyToManyField(
        "sectors.Sector",
        related_name="projects",
        verbose_name=_("sectors"),
        help_text=_("Every sector the project belongs to, the primary one included."),
    )
    places = models.ManyToManyField(
        Place, related_name="projects", blank=True, verbose_name=_("places")
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="projects", blank=True, verbose_name=_("organisations")
    )
    related = models.ManyToManyField(
        "self",
        symmetrical=True,
        blank=True,
        verbose_name=_("related projects"),
        help_text=_(
            "Entries of the plan that name the same undertaking (e.g. a highlight and the "
            "bullet that dates it). The link shows on both pages."
        ),
    )
    # The latest published progress report's facts, copied here by
    # ``projects.progress.refresh_current_progress`` whenever a report is saved or deleted, so
    # that the status filter, facet and every list read one indexed column instead of a
    # subquery per project. Never edited directly.
    current_status = models.CharField(
        _("current status"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.NOT_STATED,
        editable=False,
        help_text=_("The status of the latest published progress report."),
    )
    status_as_of = models.DateField(
        _("status as of"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The date of the latest published progress report."),
    )
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The progress of the latest published progress report, when it gives one."),
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published projects appear on the public site, exports, API and feeds."),
    )
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown among the highlights on the home page.")
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order in the source document.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    version = version_field()
    # Derived, never edited: kept current by projects.search whenever a name it holds changes.
    search_text = models.TextField(
        _("search text"),
        blank=True,
        editable=False,
        help_text=_("Every name the search matches, in both languages, normalised."),
    )
    # Facts derived from the phases and budgets, kept current by projects.facts on every write,
    # so that lists sort and show them from narrow indexed columns (issue 19). Never edited.
    span_start = models.PositiveSmallIntegerField(
        _("first year (derived)"), null=True, editable=False
    )
    span_end = models.PositiveSmallIntegerField(
        _("last year (derived)"),
        null=True,
        editable=False,
        help_text=_("The latest year a phase reaches (an open end counts its start)."),
    )
    span_open_ended = models.BooleanField(_("open-ended (derived)"), default=False, editable=False)
    budget_sum_krw = models.BigIntegerField(_("budget total (derived)"), null=True, editable=False)
    # The timeline's order (grouped by primary sector, in the sectors' order) as a column of its
    # own, so that a page of it is an index scan, not a sort of every project joined to its
    # sector. Kept by projects.signals on a project's save and a sector's.
    primary_sector_position = models.PositiveSmallIntegerField(
        _("primary sector position (derived)"), null=True, editable=False
    )

    # The links to sectors, places and organisations are versioned too, so that a change of a
    # project's sectors is in its public change log. Derived columns are not versioned: the
    # derived facts are copies of the phases and budgets, the current-progress columns copies
    # of the reports (whose own history records them), the search text is built from the rest.
    history = portfolio_history(
        m2m_fields=["sectors", "places", "organisations"],
        excluded_fields=[
            *DERIVED_FIELDS,
            "current_status",
            "status_as_of",
            "progress_percent",
            "search_text",
        ],
    )
    objects = ProjectManager()

    title = translated("title")
    summary = translated("summary")

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["is_published", "position"], name="project_published_pos"),
            # Narrow sort keys of the published list (issue 19): the page's ids come from an
            # index scan, its rows are fetched afterwards. The descending orders (NULLS LAST)
            # have PostgreSQL-only indexes (migration 0006): SQLite cannot index NULLS LAST.
            published_order_index("project_pub_order"),
            published_order_index("project_pub_start", "span_start"),
            published_order_index("project_pub_budget", "budget_sum_krw"),
            published_order_index("project_pub_timeline", "primary_sector_position"),
            # The home page's highlights, a handful among 100,000.
            published_order_index("project_pub_featured", featured=True),
            models.Index(fields=["current_status"], name="project_current_status"),
            models.Index(fields=["title_en"], name="project_title_en"),
            models.Index(fields=["title_ko"], name="project_title_ko"),
            models.Index(fields=["updated_at"], name="project_updated"),
        ]

    def __str__(self):
        return self.title_en

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.slug])

    natural_key = slug_natural_key(
        "sectors.sector",
        "projects.program",
        "projects.place",
        "projects.organisation",
        "projects.sourcedocument",
    )

    @property
    def span(self) -> Span | None:
        """The union of the phases' years (actual where reported, else planned: see
        ``phase_overlaps``); None for an undated project. Uses the prefetched phases, else the
        derived columns kept by ``projects.facts``."""
        if "phases" not in getattr(self, "_prefetched_objects_cache", {}):
            if self.span_start is None:
                return None
            return Span(self.span_start, None if self.span_open_ended else self.span_end)
        phases = list(self.phases.all())
        if not phases:
            return None
        start = min(phase.active_start_year for phase in phases)
        if any(phase.active_is_open_ended for phase in phases):
            return Span(start, None)
        return Span(start, max(phase.active_last_year for phase in phases))

    @property
    def current_status_phrase(self):
        """The current status as the head of a sentence, e.g. "In implementation"."""
        return STATUS_PHRASES[ProjectStatus(self.current_status)]

    @property
    def has_progress_report(self) -> bool:
        """Whether a published progress report exists (else the plan is all there is)."""
        return self.status_as_of is not None

    @property
    def budget_total(self) -> int | None:
        """Sum of stated budgets in won, None when the source states none. Uses the
        ``budget_total_krw`` annotation when the queryset has it, the prefetched budgets when
        prefetched, else the derived column."""
        if hasattr(self, "budget_total_krw"):
            return self.budget_total_krw
        if "budgets" not in getattr(self, "_prefetched_objects_cache", {}):
            return self.budget_sum_krw
        amounts = [budget.amount_krw for budget in self.budgets.all()]
        return sum(amounts) if amounts else None


class PhaseKind(models.TextChoices):
    """A phase is either a period (a span of years) or a milestone (a point in time)."""

    PERIOD = "period", _("Period")
    MILESTONE = "milestone", _("Milestone")


class MilestoneState(models.TextChoices):
    """Whether a milestone was reached (Open Contracting's milestone statuses)."""

    SCHEDULED = "scheduled", _("Scheduled")
    MET = "met", _("Met")
    NOT_MET = "not-met", _("Not met")
    PARTIALLY_MET = "partially-met", _("Partially met")


def _planned_overlap(year: int, p: str) -> Q:
    return Q(**{f"{p}start_year__lte": year}) & (
        Q(**{f"{p}kind": PhaseKind.PERIOD, f"{p}end_year__gte": year})
        | Q(**{f"{p}kind": PhaseKind.PERIOD, f"{p}end_year__isnull": True})
        | Q(**{f"{p}kind": PhaseKind.MILESTONE, f"{p}start_year": year})
    )


def _actual_overlap(year: int, p: str) -> Q:
    # An actual start with no actual end is a phase still running: it runs on.
    return Q(**{f"{p}actual_start_year__lte": year}) & (
        Q(**{f"{p}kind": PhaseKind.PERIOD, f"{p}actual_end_year__gte": year})
        | Q(**{f"{p}kind": PhaseKind.PERIOD, f"{p}actual_end_year__isnull": True})
        | Q(**{f"{p}kind": PhaseKind.MILESTONE, f"{p}actual_start_year": year})
    )


def phase_overlaps(year: int, prefix: str = "") -> Q:
    """The condition for a phase running in ``year``, on its actual dates once an official has
    reported them (an actual start), otherwise on the plan's: a period that started by then and
    has not ended before it (or has no end), or a milestone in that very year. ``prefix`` lets
    the same rule be applied across a relation (e.g. ``"phases__"``)."""
    p = prefix
    return (Q(**{f"{p}actual_start_year__isnull": True}) & _planned_overlap(year, p)) | (
        Q(**{f"{p}actual_start_year__isnull": False}) & _actual_overlap(year, p)
    )


def phase_when(kind, start_year, start_month, end_year, end_month) -> str:
    """A phase's dates as the source gives them, e.g. '2015-08', '2014–2018', '2015–' (also
    for the exports, which read the columns without building phases)."""
    start = f"{start_year}-{start_month:02d}" if start_month else str(start_year)
    if kind == PhaseKind.MILESTONE:
        return start
    if end_year is None:
        return f"{start}–"
    end = f"{end_year}-{end_month:02d}" if end_month else str(end_year)
    return start if end == start else f"{start}–{end}"


class PhaseQuerySet(models.QuerySet):
    """Questions about phases."""

    def overlapping(self, year: int):
        """Phases running in ``year`` (see ``phase_overlaps``)."""
        return self.filter(phase_overlaps(year))


class ProjectPartManager(models.Manager):
    """Looks up a project's phases, budgets and quantities by (project slug, key)."""

    def get_by_natural_key(self, project_slug, key):
        return self.get(project__slug=project_slug, key=key)


class PhaseManager(ProjectPartManager.from_queryset(PhaseQuerySet)):
    """Phase manager: natural keys plus the phase queries."""


class ProjectPart(models.Model):
    """A phase, budget or quantity: part of one project (its ``project`` foreign key) and named
    within it by its key; (project slug, key) is its natural key in fixtures."""

    key = models.SlugField(_("key"), max_length=120)

    objects = ProjectPartManager()

    class Meta:
        abstract = True
        ordering = ["project", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "key"], name="%(class)s_key_unique_in_project"
            ),
        ]

    def natural_key(self):
        return (self.project.slug, self.key)

    natural_key.dependencies = ["projects.project"]


def year_field(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(verbose_name, validators=YEAR_VALIDATORS, **kwargs)


def month_field(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=MONTH_VALIDATORS,
        help_text=_("1 to 12; blank when not stated."),
    )


class Phase(ProjectPart):
    """A dated part of a project: a period (start to end) or a milestone (one date)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="phases", verbose_name=_("project")
    )
    key = models.SlugField(
        _("key"), max_length=120, help_text=_("Short name, unique within the project.")
    )
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_ko = models.CharField(_("name (Korean)"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PhaseKind.choices, default=PhaseKind.PERIOD
    )
    # The document's dates: the plan. What really happened goes in the actual_* fields.
    start_year = year_field(
        _("planned start year"), help_text=_("For a milestone, its planned year.")
    )
    start_month = month_field(_("planned start month"))
    end_year = year_field(
        _("planned end year"),
        null=True,
        blank=True,
        help_text=_("Blank for a milestone, or for a period whose end is not stated."),
    )
    end_month = month_field(_("planned end month"))
    source_text = models.CharField(
        _("source text (verbatim)"),
        max_length=500,
        blank=True,
        help_text=_("The words of the source that give this date."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    version = version_field()
    # What happened, as officials report it later; the planned dates above stay the plan's.
    actual_start_year = models.PositiveSmallIntegerField(
        _("actual start year"),
        null=True,
        blank=True,
        validators=ACTUAL_YEAR_VALIDATORS,
        help_text=_(
            "When it really started (for a milestone: when it was reached). Once given, "
            "“active in a year” counts this phase on its actual dates."
        ),
    )
    actual_start_month = month_field(_("actual start month"))
    actual_end_year = models.PositiveSmallIntegerField(
        _("actual end year"),
        null=True,
        blank=True,
        validators=ACTUAL_YEAR_VALIDATORS,
        help_text=_("When it really ended; blank while it is still running."),
    )
    actual_end_month = month_field(_("actual end month"))
    milestone_state = models.CharField(
        _("milestone state"),
        max_length=20,
        choices=MilestoneState.choices,
        default=MilestoneState.SCHEDULED,
        help_text=_("For milestones only: whether it was reached."),
    )
    date_met = models.DateField(
        _("date met"),
        null=True,
        blank=True,
        validators=[not_before_min_date, not_in_the_future],
        help_text=_("For a milestone met or partially met: the day, when the source gives it."),
    )
    actual_source_title = models.CharField(
        _("source of the actual dates (title)"),
        max_length=300,
        blank=True,
        validators=[no_control_characters],
        help_text=_("The report or page that gives the actual dates or the milestone's state."),
    )
    actual_source_url = models.URLField(
        _("source of the actual dates (web address)"),
        max_length=500,
        blank=True,
        validators=[web_address],
    )

    history = portfolio_history()
    objects = PhaseManager()

    name = translated("name")

    class Meta(ProjectPart.Meta):
        ordering = ["project", "position", "start_year"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_start_year__isnull=True)
                | Q(actual_start_year__gte=MIN_YEAR, actual_start_year__lte=MAX_YEAR),
                name="phase_actual_start_year_sane",
            ),
            models.CheckConstraint(
                condition=Q(actual_end_year__isnull=True)
                | Q(
                    actual_start_year__isnull=False,
                    actual_end_year__gte=F("actual_start_year"),
                    actual_end_year__lte=MAX_YEAR,
                ),
                name="phase_actual_end_after_actual_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_start_month__isnull=True)
                | Q(actual_start_month__gte=1, actual_start_month__lte=12),
                name="phase_actual_start_month_1_12",
            ),
            models.CheckConstraint(
                condition=Q(actual_end_month__isnull=True)
                | Q(actual_end_month__gte=1, actual_end_month__lte=12),
                name="phase_actual_end_month_1_12",
            ),
            models.CheckConstraint(
                condition=Q(actual_start_month__isnull=True) | Q(actual_start_year__isnull=False),
                name="phase_actual_start_month_needs_year",
            ),
            models.CheckConstraint(
                condition=Q(actual_end_month__isnull=True) | Q(actual_end_year__isnull=False),
                name="phase_actual_end_month_needs_year",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PhaseKind.MILESTONE)
                | Q(actual_end_year__isnull=True, actual_end_month__isnull=True),
                name="phase_milestone_has_no_actual_end",
            ),
            models.CheckConstraint(
                condition=Q(kind=PhaseKind.MILESTONE) | Q(milestone_state=MilestoneState.SCHEDULED),
                name="phase_only_milestones_are_met",
            ),
            models.CheckConstraint(
                condition=Q(date_met__isnull=True)
                | Q(
                    date_met__gte=MIN_DATE,
                    milestone_state__in=[MilestoneState.MET, MilestoneState.PARTIALLY_MET],
                ),
                name="phase_date_met_only_when_met",
            ),
            *ProjectPart.Meta.constraints,
            models.CheckConstraint(
                condition=Q(start_year__gte=MIN_YEAR, start_year__lte=MAX_YEAR),
                name="phase_start_year_sane",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(end_year__gte=MIN_YEAR, end_year__lte=MAX_YEAR),
                name="phase_end_year_sane",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="phase_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(start_month__isnull=True) | Q(start_month__gte=1, start_month__lte=12),
                name="phase_start_month_1_12",
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=1, end_month__lte=12),
                name="phase_end_month_1_12",
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_year__isnull=False),
                name="phase_end_month_needs_end_year",
            ),
            models.CheckConstraint(
                condition=~Q(end_year=F("start_year"))
                | Q(start_month__isnull=True)
                | Q(end_month__isnull=True)
                | Q(end_month__gte=F("start_month")),
                name="phase_end_month_not_before_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PhaseKind.MILESTONE)
                | Q(end_year__isnull=True, end_month__isnull=True),
                name="phase_milestone_has_no_end",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "start_year", "end_year"], name="phase_project_years"),
            models.Index(fields=["start_year", "end_year"], name="phase_years"),
        ]

    def __str__(self):
        return f"{self.name_en} ({self.when})"

    def get_absolute_url(self):
        return self.project.get_absolute_url()

    @property
    def is_milestone(self) -> bool:
        return self.kind == PhaseKind.MILESTONE

    @property
    def is_open_ended(self) -> bool:
        """Planned with a start and no end."""
        return self.kind == PhaseKind.PERIOD and self.end_year is None

    @property
    def last_year(self) -> int:
        """The last planned year (its start for milestones and open ends)."""
        return self.end_year or self.start_year

    @property
    def has_actual_dates(self) -> bool:
        """Whether an official has reported when it really started (or was reached)."""
        return self.actual_start_year is not None

    @property
    def actual_is_open_ended(self) -> bool:
        """Actually started and still running (no actual end reported)."""
        return (
            self.has_actual_dates and self.kind == PhaseKind.PERIOD and self.actual_end_year is None
        )

    # The dates "active in a year" and the spans count: actual once reported, else planned.

    @property
    def active_start_year(self) -> int:
        return self.actual_start_year if self.has_actual_dates else self.start_year

    @property
    def active_is_open_ended(self) -> bool:
        return self.actual_is_open_ended if self.has_actual_dates else self.is_open_ended

    @property
    def active_last_year(self) -> int:
        if self.has_actual_dates:
            return self.actual_end_year or self.actual_start_year
        return self.last_year

    @property
    def when(self) -> str:
        """The planned dates as the source gives them, e.g. '2015-08', '2014–2018', '2015–'."""
        return self._dates(self.start_year, self.start_month, self.end_year, self.end_month)

    @property
    def actual_when(self) -> str:
        """The reported actual dates, e.g. '2016–' (still running); '' when none is reported."""
        if not self.has_actual_dates:
            return ""
        return self._dates(
            self.actual_start_year,
            self.actual_start_month,
            self.actual_end_year,
            self.actual_end_month,
        )

    @property
    def state(self) -> str | None:
        """A milestone's state (None for a period)."""
        return self.milestone_state if self.is_milestone else None

    def get_state_display(self):
        return MilestoneState(self.milestone_state).label if self.is_milestone else ""

    def _dates(self, start_year, start_month, end_year, end_month) -> str:
        return phase_when(self.kind, start_year, start_month, end_year, end_month)

    def clean(self):
        """The rules between fields, by the field to correct (the ranges of years and months are
        the fields' validators); the database constraints check the same."""
        errors = {}
        if self.kind == PhaseKind.MILESTONE and (self.end_year or self.end_month):
            errors["end_year"] = _("A milestone has a single date: leave the end blank.")
        elif self.end_month and not self.end_year:
            errors["end_year"] = _("Enter the end year for the end month.")
        elif self.end_year is not None and self.start_year is not None:
            if self.end_year < self.start_year:
                errors["end_year"] = _("The end year cannot be before the start year.")
            elif (
                self.end_year == self.start_year
                and self.start_month
                and self.end_month
                and self.end_month < self.start_month
            ):
                errors["end_month"] = _("The end month cannot be before the start month.")
        self._clean_actual(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_actual(self, errors):
        """The rules for what officials report later: actual dates, a milestone's state."""
        if self.is_milestone and self.date_met and self.actual_start_year is None:
            # The day met gives the milestone's actual year and month.
            self.actual_start_year, self.actual_start_month = (
                self.date_met.year,
                self.date_met.month,
            )
        if self.actual_start_month and self.actual_start_year is None:
            errors.setdefault("actual_start_year", _("Enter the year for the month."))
        if self.actual_end_year is not None and self.actual_start_year is None:
            errors.setdefault(
                "actual_start_year", _("Enter the actual start before an actual end.")
            )
        if self.actual_end_month and self.actual_end_year is None:
            errors.setdefault("actual_end_year", _("Enter the year for the month."))
        if self.is_milestone and (self.actual_end_year or self.actual_end_month):
            errors.setdefault(
                "actual_end_year", _("A milestone has a single date: leave the end blank.")
            )
        elif (
            self.actual_end_year is not None
            and self.actual_start_year is not None
            and "actual_end_year" not in errors
            and "actual_start_year" not in errors
        ):
            if self.actual_end_year < self.actual_start_year:
                errors["actual_end_year"] = _(
                    "The actual end year cannot be before the actual start year."
                )
            elif (
                self.actual_end_year == self.actual_start_year
                and self.actual_start_month
                and self.actual_end_month
                and self.actual_end_month < self.actual_start_month
            ):
                errors["actual_end_month"] = _(
                    "The actual end month cannot be before the actual start month."
                )
        if not self.is_milestone and self.milestone_state != MilestoneState.SCHEDULED:
            errors["milestone_state"] = _(
                "Only a milestone is met or not met; for a period, enter its actual dates."
            )
        met = self.milestone_state in (MilestoneState.MET, MilestoneState.PARTIALLY_MET)
        if self.date_met and not met:
            errors.setdefault("date_met", _("A date met needs the state “met” or “partially met”."))
        elif (
            self.date_met
            and self.actual_start_year is not None
            and (self.date_met.year, self.date_met.month)
            != (self.actual_start_year, self.actual_start_month or self.date_met.month)
        ):
            errors.setdefault(
                "date_met", _("The date met does not match the actual year and month.")
            )
        reported = (
            self.has_actual_dates
            or self.actual_end_year is not None
            or (self.is_milestone and self.milestone_state != MilestoneState.SCHEDULED)
        )
        if reported:
            if not self.actual_source_url:
                errors.setdefault(
                    "actual_source_url",
                    _("Give the web address of the report that states this."),
                )
            if not self.actual_source_title.strip():
                errors.setdefault(
                    "actual_source_title", _("Give the title of the report that states this.")
                )


class PaymentSource(models.TextChoices):
    """Who pays a budget, where the source or a report says so."""

    NOT_STATED = "not-stated", _("Not stated")
    CITY = "city", _("City")
    NATIONAL = "national", _("National government")
    DISTRICT = "district", _("District")
    PRIVATE = "private", _("Private")
    MIXED = "mixed", _("Mixed")


class BudgetStage(models.TextChoices):
    """How firm a budget figure is, where the source or a report says so."""

    NOT_STATED = "not-stated", _("Not stated")
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    REVISED = "revised", _("Revised")
    EXECUTED = "executed", _("Executed")


class Budget(ProjectPart):
    """An amount of money the source states for a project, in whole Korean won."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("project")
    )
    amount_krw = models.BigIntegerField(
        _("amount (KRW)"),
        validators=[
            MinValueValidator(0, message=_("A budget cannot be negative.")),
            MaxValueValidator(
                MAX_BUDGET_KRW,
                message=_("This is more than a quadrillion won; check the number of digits."),
            ),
        ],
        help_text=_("Whole won, digits only: KRW 190.2 billion is 190200000000."),
    )
    covers_en = models.CharField(_("what it covers (English)"), max_length=300, blank=True)
    covers_ko = models.CharField(_("what it covers (Korean)"), max_length=300, blank=True)
    year = year_field(
        _("year"), null=True, blank=True, help_text=_("Blank when the source states no year.")
    )
    source_text = models.CharField(_("source text (verbatim)"), max_length=500, blank=True)
    version = version_field()
    payer = models.CharField(
        _("who pays"),
        max_length=20,
        choices=PaymentSource.choices,
        default=PaymentSource.NOT_STATED,
        help_text=_("Only where the source or a report says so; otherwise “not stated”."),
    )
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=BudgetStage.choices,
        default=BudgetStage.NOT_STATED,
        help_text=_(
            "Planned, approved, revised or executed, only where the source or a report says "
            "so: a plan's figure is not money spent."
        ),
    )

    history = portfolio_history()

    covers = translated("covers")

    class Meta(ProjectPart.Meta):
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            *ProjectPart.Meta.constraints,
            models.CheckConstraint(
                condition=Q(amount_krw__gte=0) & Q(amount_krw__lte=MAX_BUDGET_KRW),
                name="budget_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="budget_year_sane",
            ),
        ]

    def __str__(self):
        return f"KRW {self.amount_krw:,}"


class Quantity(ProjectPart):
    """A counted or measured fact the source gives, e.g. 660,000 m² of land or 18 places."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="quantities", verbose_name=_("project")
    )
    value = models.BigIntegerField(
        _("value"), validators=[MinValueValidator(0, message=_("A quantity cannot be negative."))]
    )
    unit_en = models.CharField(_("unit (English)"), max_length=60)
    unit_ko = models.CharField(_("unit (Korean)"), max_length=60, blank=True)
    label_en = models.CharField(_("what is counted (English)"), max_length=300, blank=True)
    label_ko = models.CharField(_("what is counted (Korean)"), max_length=300, blank=True)
    source_text = models.CharField(_("source text (verbatim)"), max_length=500, blank=True)

    history = portfolio_history()

    unit = translated("unit")
    label = translated("label")

    class Meta(ProjectPart.Meta):
        verbose_name = _("quantity")
        verbose_name_plural = _("quantities")
        constraints = [
            *ProjectPart.Meta.constraints,
            models.CheckConstraint(condition=Q(value__gte=0), name="quantity_not_negative"),
        ]

    def __str__(self):
        return f"{self.value:,} {self.unit_en}"


#: ``ProjectYear`` holds a row for every year up to here (an open-ended period's rows stop at it;
#: later years are answered from the phases). The year facet never shows a later year.
OPEN_END_HORIZON = 2040


class ProjectYear(models.Model):
    """One year a project is active in (``phase_overlaps``), or one row with no year for an
    undated project: derived from the phases by ``projects.facts`` on every write, so that the
    year facet and filter read a narrow indexed table instead of every phase (issue 19)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="active_years", verbose_name=_("project")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True)

    class Meta:
        verbose_name = _("active year (derived)")
        verbose_name_plural = _("active years (derived)")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="projectyear_unique",
            )
        ]
        indexes = [models.Index(fields=["year", "project"], name="projectyear_year_project")]

    def __str__(self):
        return f"{self.project_id}: {self.year or '–'}"


class SearchWord(models.Model):
    """A word of some project's search text, at least ``search.FUZZY_MIN_LENGTH`` characters
    (derived by ``projects.search`` whenever a search text is rebuilt): the dictionary a
    misspelt word of a search is corrected against, as pg_trgm's documentation recommends.
    Matching the misspelt word against every project's whole text instead checked the
    similarity of tens of thousands of long texts, seconds at 100,000 projects (issue 19).
    Words are added, never removed: a word no project holds any more corrects a search to a
    word that finds nothing, which is what the search would find anyway."""

    word = models.CharField(_("word"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("search word (derived)")
        verbose_name_plural = _("search words (derived)")

    def __str__(self):
        return self.word


class ProgressUpdateQuerySet(models.QuerySet):
    """Questions about progress reports."""

    def published(self):
        """Reports the public may see (of any project: combine with the project's own flag)."""
        return self.filter(is_published=True)

    def latest_first(self):
        """Newest report first; of two on the same day, the one entered later."""
        return self.order_by("-as_of", "-id")


class ProgressUpdate(models.Model):
    """A dated report, by the city, of how far a project has come since the plan.

    A project's current status and progress are those of its latest published report (by date,
    then by entry); ``projects.progress`` copies them onto the project.
    """

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="progress_updates",
        verbose_name=_("project"),
    )
    as_of = models.DateField(
        _("as of"),
        validators=[not_before_min_date, not_in_the_future],
        help_text=_("The date the report describes (not later than today)."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.NOT_STATED,
        help_text=_("The project's stage on that date (Open Contracting project statuses)."),
    )
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0 to 100; blank when the source gives no percentage."),
    )
    note_en = models.TextField(
        _("note (English)"),
        max_length=MAX_NOTE_LENGTH,
        blank=True,
        validators=[no_control_characters],
        help_text=_("What happened, in plain words."),
    )
    note_ko = models.TextField(
        _("note (Korean)"),
        max_length=MAX_NOTE_LENGTH,
        blank=True,
        validators=[no_control_characters],
    )
    source_title = models.CharField(
        _("source (title)"),
        max_length=300,
        validators=[no_control_characters],
        help_text=_("The document, report or web page the report rests on."),
    )
    source_url = models.URLField(
        _("source (web address)"),
        max_length=500,
        validators=[web_address],
        help_text=_("Where anyone can read the source (http or https)."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("entered by"),
    )
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Untick to keep the report as a draft that the public does not see."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    version = version_field()

    history = portfolio_history()
    objects = ProgressUpdateQuerySet.as_manager()

    note = translated("note")

    class Meta:
        ordering = ["project", "-as_of", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__isnull=True)
                | Q(progress_percent__gte=0, progress_percent__lte=100),
                name="progress_percent_0_100",
            ),
            models.CheckConstraint(condition=Q(as_of__gte=MIN_DATE), name="progress_as_of_sane"),
        ]
        indexes = [
            models.Index(
                fields=["project", "is_published", "-as_of", "-id"], name="progress_latest"
            ),
            models.Index(fields=["-as_of"], name="progress_as_of"),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_status_display()} · {self.as_of}"

    def get_absolute_url(self):
        return self.project.get_absolute_url()

    @property
    def status_phrase(self):
        return STATUS_PHRASES[ProjectStatus(self.status)]

    def clean(self):
        """Rules across fields, by the field they concern."""
        if (
            self.status == ProjectStatus.COMPLETED
            and self.progress_percent is not None
            and self.progress_percent != 100
        ):
            raise ValidationError(
                {
                    "progress_percent": _(
                        "A completed project is at 100%: enter 100 or leave it blank."
                    )
                }
            )


class ProblemReportStatus(models.TextChoices):
    """Where a reader's report stands."""

    NEW = "new", _("New")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")


#: The longest description a reader may send; longer text is refused with a message.
PROBLEM_DESCRIPTION_MAX_LENGTH = 2000


class ProblemReport(models.Model):
    """A reader's report of an error on a project page, for officials to check and resolve.

    The e-mail address is optional and is shown to officials only; nothing of the report but
    the fact that a reader reported it ever appears on the public site.
    """

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="problem_reports",
        verbose_name=_("project"),
    )
    description = models.TextField(_("what is wrong"), max_length=PROBLEM_DESCRIPTION_MAX_LENGTH)
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProblemReportStatus.choices,
        default=ProblemReportStatus.NEW,
    )
    resolution_note = models.TextField(
        _("resolution note"),
        blank=True,
        help_text=_("For officials: what was checked and what, if anything, was changed."),
    )
    resolved_change = models.ForeignKey(
        "projects.HistoricalProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("change made"),
        help_text=_(
            "The version of the project that corrected the error, if the report led to a "
            "change. The change log then shows it as a correction reported by a reader."
        ),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        indexes = [models.Index(fields=["status", "created_at"], name="problemreport_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_change__isnull=True) | Q(status=ProblemReportStatus.RESOLVED),
                name="problemreport_change_only_when_resolved",
            ),
        ]

    def __str__(self):
        return f"{self.project} – {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else ""

    def clean(self):
        """Mirror the constraint so that officials see the message by the field."""
        if self.resolved_change_id and self.status != ProblemReportStatus.RESOLVED:
            raise ValidationError(
                {"resolved_change": _("Only a resolved report can name the change it led to.")}
            )
        if self.resolved_change_id and self.resolved_change.id != self.project_id:
            raise ValidationError(
                {"resolved_change": _("Choose a version of this report's project.")}
            )
