"""The portfolio: goals, programs, projects, their phases, budgets and the facts around them.

Everything here holds what the source document says and nothing more: a fact the document does
not state stays empty (null or blank) so that the site can say "not stated in the source".
Content that readers see comes in English and Korean (``*_en`` / ``*_ko`` columns).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from busanportal.i18n import translated
from busanportal.models import SluggedModel, SlugManager, slug_natural_key

MIN_YEAR = 1900
MAX_YEAR = 2100
# No single line of a city plan is near a quadrillion won; a larger figure is a typing error.
MAX_BUDGET_KRW = 1_000_000_000_000_000


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
    """How far along a project is, as officials record it (the document states none)."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in-progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    NOT_STATED = "not-stated", _("Not stated in the source")


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
DERIVED_FIELDS = ["span_start", "span_end", "span_open_ended", "budget_sum_krw"]
#: Sort orders on the derived columns, each matched by a partial index of the published projects.
PUBLISHED = Q(is_published=True)


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
        """Projects whose title, summary or source text (either language) holds every word."""
        queryset = self
        for word in text.split():
            queryset = queryset.filter(
                Q(title_en__icontains=word)
                | Q(title_ko__icontains=word)
                | Q(summary_en__icontains=word)
                | Q(summary_ko__icontains=word)
                | Q(source_text__icontains=word)
            )
        return queryset

    def with_start_year(self):
        """Annotate ``first_year``: the earliest phase start, None when undated."""
        earliest = Phase.objects.filter(project=OuterRef("pk")).order_by("start_year")
        return self.annotate(first_year=Subquery(earliest.values("start_year")[:1]))

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
        """Everything a project page shows, fetched in a fixed number of queries."""
        return (
            self.for_listing()
            .with_phases()
            .select_related("source_document")
            .prefetch_related("budgets", "places", "organisations", "quantities")
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
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.NOT_STATED,
        help_text=_("Set only from an official source; the document itself states no status."),
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

    history = HistoricalRecords(excluded_fields=DERIVED_FIELDS)
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
            # have PostgreSQL-only indexes (migration 0005): SQLite cannot index NULLS LAST.
            models.Index(
                fields=["position", "slug"],
                name="project_pub_order",
                condition=PUBLISHED,
                include=["id"],
            ),
            models.Index(
                fields=["span_start", "position", "slug"],
                name="project_pub_start",
                condition=PUBLISHED,
                include=["id"],
            ),
            models.Index(
                fields=["budget_sum_krw", "position", "slug"],
                name="project_pub_budget",
                condition=PUBLISHED,
                include=["id"],
            ),
            models.Index(fields=["status"], name="project_status"),
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
        """The union of the phases' years; None for an undated project. Uses the prefetched
        phases when there are any, else the derived columns (no query)."""
        if "phases" not in getattr(self, "_prefetched_objects_cache", {}):
            if self.span_start is None:
                return None
            return Span(self.span_start, None if self.span_open_ended else self.span_end)
        phases = list(self.phases.all())
        if not phases:
            return None
        start = min(phase.start_year for phase in phases)
        if any(phase.is_open_ended for phase in phases):
            return Span(start, None)
        return Span(start, max(phase.last_year for phase in phases))

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


def phase_overlaps(year: int, prefix: str = "") -> Q:
    """The condition for a phase running in ``year``: a period that started by then and has not
    ended before it (or has no end), or a milestone in that very year. ``prefix`` lets the same
    rule be applied across a relation (e.g. ``"phases__"``)."""
    return Q(**{f"{prefix}start_year__lte": year}) & (
        Q(**{f"{prefix}kind": PhaseKind.PERIOD, f"{prefix}end_year__gte": year})
        | Q(**{f"{prefix}kind": PhaseKind.PERIOD, f"{prefix}end_year__isnull": True})
        | Q(**{f"{prefix}kind": PhaseKind.MILESTONE, f"{prefix}start_year": year})
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
    start_year = year_field(_("start year"), help_text=_("For a milestone, its year."))
    start_month = month_field(_("start month"))
    end_year = year_field(
        _("end year"),
        null=True,
        blank=True,
        help_text=_("Blank for a milestone, or for a period whose end is not stated."),
    )
    end_month = month_field(_("end month"))
    source_text = models.CharField(
        _("source text (verbatim)"),
        max_length=500,
        blank=True,
        help_text=_("The words of the source that give this date."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()
    objects = PhaseManager()

    name = translated("name")

    class Meta(ProjectPart.Meta):
        ordering = ["project", "position", "start_year"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
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
    def is_open_ended(self) -> bool:
        return self.kind == PhaseKind.PERIOD and self.end_year is None

    @property
    def last_year(self) -> int:
        """The last year the phase is known to run (its start for milestones and open ends)."""
        return self.end_year or self.start_year

    @property
    def when(self) -> str:
        """The phase's dates as the source gives them, e.g. '2015-08', '2014–2018', '2015–'."""
        return phase_when(
            self.kind, self.start_year, self.start_month, self.end_year, self.end_month
        )

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
        if errors:
            raise ValidationError(errors)


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

    history = HistoricalRecords()

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
