"""The data dictionary: the one list of every field the portal shows, exports or has edited.

Everything else is derived from these lists: the CSV columns, their order and their Korean headers
(``projects.export``), the API and JSON export fields with their help texts, which become the
OpenAPI descriptions (``projects.serializers``), the /data/ page, and the fields of the admin
forms, inlines and spreadsheet import/export (``projects.forms``, ``projects.admin``,
``projects.resources``). Adding a field to the portal means adding its entry here (and its model
field); an entry's flags say where it appears.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Types, named once so that the /data/ page uses the same words for every field.
TEXT = _("text")
TEXT_OR_EMPTY = _("text, may be empty")
SLUG = _("slug (lower-case letters, digits and hyphens)")
SLUG_OR_NULL = _("slug, or null (empty in the CSV) when there is none")
SLUG_LIST = _("list of slugs (in the CSV: separated by “; ”)")
URL = _("absolute web address (URL)")
URL_OR_EMPTY = _("absolute web address (URL), or empty")
YEAR_OR_NULL = _("integer, or null (empty in the CSV)")
MONTH_OR_NULL = _("integer 1–12, or null")
INTEGER = _("integer")
INTEGER_OR_NULL = _("integer, or null (empty in the CSV) when the source states none")
DATE_OR_NULL = _("date, ISO 8601 (e.g. 2026-11-30), or null (empty in the CSV)")
PERCENT_OR_NULL = _("integer 0–100, or null (empty in the CSV)")
DATETIME = _("date and time, ISO 8601 with the UTC offset (e.g. 2026-11-25T23:47:31+09:00)")
NAMED_LIST = _("list of objects {slug, name_en, name_ko} (in the CSV: names, “; ”-separated)")
PHASE_LIST = _("list of phase objects (in the CSV: “name (dates)”, “; ”-separated)")
BUDGET_LIST = _("list of amount objects (not in the CSV: see budget_total_krw)")

KRW = _("Korean won (KRW), whole won")
PERCENT = _("percent")
YEAR = _("calendar year")
MONTH = _("calendar month")


@dataclass(frozen=True)
class DataField:
    """A field: its name (also its English CSV header), what it means, its type, its unit, its
    Korean CSV header, and where it appears.

    ``in_csv`` and ``in_api`` place it in the CSV export (project fields only) and in the API and
    JSON export; ``editable`` in the admin forms and the spreadsheet import/export.
    """

    name: str
    meaning: Promise | str
    type: Promise | str
    unit: Promise | str = ""
    # Headers are part of the file format, so the Korean ones are fixed here rather than left to
    # the interface translation catalogue.
    header_ko: str = ""
    in_csv: bool = True
    in_api: bool = True
    editable: bool = False

    @property
    def is_outward(self) -> bool:
        """Shown to the public (CSV or API), hence described on the /data/ page."""
        return self.in_csv or self.in_api


def admin_only(name: str) -> DataField:
    """A field officials edit that no export shows (e.g. the publication switch, a row's key)."""
    return DataField(name, "", "", in_csv=False, in_api=False, editable=True)


PROJECT_FIELDS = [
    DataField(
        "slug",
        _(
            "The project's permanent identifier; it forms the project's web address and "
            "never changes once published."
        ),
        SLUG,
        header_ko="식별자",
        editable=True,
    ),
    DataField(
        "title",
        _(
            "The project's title in the language of the request (Korean under /ko/ or with "
            "lang=ko, otherwise English); falls back to English when there is no Korean title."
        ),
        TEXT,
        in_csv=False,
    ),
    DataField(
        "title_en",
        _("The project's title in English, as in the source document."),
        TEXT,
        header_ko="사업명(영문)",
        editable=True,
    ),
    DataField(
        "title_ko",
        _("The project's title in Korean: the portal team's translation; empty if none yet."),
        TEXT_OR_EMPTY,
        header_ko="사업명(국문)",
        editable=True,
    ),
    DataField(
        "summary_en",
        _("A plain-language summary in English."),
        TEXT_OR_EMPTY,
        header_ko="요약(영문)",
        editable=True,
    ),
    DataField(
        "summary_ko",
        _("A plain-language summary in Korean (the portal team's translation)."),
        TEXT_OR_EMPTY,
        header_ko="요약(국문)",
        editable=True,
    ),
    DataField(
        "url",
        _("The permanent address of the project's page on this portal: cite this link."),
        URL,
        header_ko="주소(URL)",
    ),
    DataField(
        "sectors",
        _("Every industry sector the project belongs to (see /api/sectors/ for the names)."),
        SLUG_LIST,
        header_ko="산업 분야",
        editable=True,
    ),
    DataField(
        "primary_sector",
        _("The project's main sector."),
        SLUG,
        header_ko="주 산업 분야",
        editable=True,
    ),
    DataField(
        "program",
        _(
            "The program (sub-heading of the plan) the project is listed under; empty for the "
            "featured highlights, which the document lists under no program."
        ),
        SLUG_OR_NULL,
        header_ko="프로그램",
        editable=True,
    ),
    DataField(
        "goal",
        _("The strategic goal the project's program serves; empty when there is no program."),
        SLUG_OR_NULL,
        header_ko="전략 목표",
    ),
    # The current status is the latest published progress report's (projects.progress), never
    # edited on the project itself.
    DataField(
        "status",
        _(
            "The current status: that of the project's latest published progress report, "
            "entered by the city with its source (an Open Contracting for Infrastructure "
            "project status). not-stated when no report has been published: the source "
            "document states none."
        ),
        _(
            "one of: not-stated, identification, preparation, implementation, completed, "
            "suspended, cancelled"
        ),
        header_ko="진행 상태",
    ),
    DataField(
        "status_as_of",
        _("The date of the latest published progress report; empty when there is none."),
        DATE_OR_NULL,
        header_ko="진행 상태 기준일",
    ),
    DataField(
        "progress_percent",
        _(
            "How far along the project is, in percent, by the latest published progress "
            "report; empty when there is none or it gives no percentage."
        ),
        PERCENT_OR_NULL,
        PERCENT,
        header_ko="진행률(%)",
    ),
    DataField(
        "start_year",
        _("The first year of the project's earliest phase; empty when the source gives no date."),
        YEAR_OR_NULL,
        YEAR,
        header_ko="시작 연도",
    ),
    DataField(
        "end_year",
        _(
            "The last year of the project's phases; empty when a phase has no stated end "
            "(open-ended) or when the project is undated."
        ),
        YEAR_OR_NULL,
        YEAR,
        header_ko="종료 연도",
    ),
    DataField(
        "phases",
        _("The dated periods and milestones of the project, as the source gives them."),
        PHASE_LIST,
        header_ko="단계",
    ),
    DataField(
        "budget_total_krw",
        _("The sum of the amounts the source states; empty when it states none."),
        INTEGER_OR_NULL,
        KRW,
        header_ko="명시 금액 합계(원)",
    ),
    DataField(
        "budgets",
        _("Each amount the source states for the project."),
        BUDGET_LIST,
        in_csv=False,
    ),
    DataField(
        "places",
        _("The places in Busan the project names."),
        NAMED_LIST,
        header_ko="장소",
        editable=True,
    ),
    DataField(
        "organisations",
        _("The companies and institutes the project names."),
        NAMED_LIST,
        header_ko="기관",
        editable=True,
    ),
    # Not published, but kept by officials (in this order in the spreadsheet).
    admin_only("is_published"),
    admin_only("is_featured"),
    admin_only("position"),
    admin_only("source_document"),
    DataField(
        "source_text",
        _("The exact words of the source document (English) that describe the project."),
        TEXT,
        header_ko="원문(영문)",
        editable=True,
    ),
    DataField(
        "updated_at",
        _("When the entry was last changed on this portal."),
        DATETIME,
        header_ko="최종 수정",
    ),
]

# A phase, budget or quantity belongs to a project and is named within it by its key.
PART_KEY_FIELDS = [admin_only("project"), admin_only("key")]

PHASE_FIELDS = [
    *PART_KEY_FIELDS,
    DataField("name_en", _("The phase's name in English."), TEXT, editable=True),
    DataField(
        "name_ko", _("The phase's name in Korean; empty if none yet."), TEXT_OR_EMPTY, editable=True
    ),
    DataField(
        "kind",
        _("“period” for a span of time, “milestone” for a single date."),
        _("one of: period, milestone"),
        editable=True,
    ),
    DataField(
        "start_year",
        _("The planned year the period starts, or the milestone's planned year (the plan's)."),
        INTEGER,
        YEAR,
        editable=True,
    ),
    DataField(
        "start_month",
        _("The planned month it starts, when the source states it."),
        MONTH_OR_NULL,
        MONTH,
        editable=True,
    ),
    DataField(
        "end_year",
        _("The planned year the period ends; null for a milestone or an unstated end."),
        YEAR_OR_NULL,
        YEAR,
        editable=True,
    ),
    DataField(
        "end_month",
        _("The planned month it ends, when the source states it."),
        MONTH_OR_NULL,
        MONTH,
        editable=True,
    ),
    admin_only("source_text"),
    admin_only("position"),
    # What the city reports later; the planned dates above stay the plan's.
    DataField(
        "actual_start_year",
        _(
            "The year it really started (a milestone: was reached), as the city reports it; "
            "null when not reported. Once given, the phase counts as active in a year on its "
            "actual dates instead of the planned ones."
        ),
        YEAR_OR_NULL,
        YEAR,
        editable=True,
    ),
    DataField(
        "actual_start_month",
        _("The month it really started."),
        MONTH_OR_NULL,
        MONTH,
        editable=True,
    ),
    DataField(
        "actual_end_year",
        _("The year it really ended; null while it runs or when not reported."),
        YEAR_OR_NULL,
        YEAR,
        editable=True,
    ),
    DataField(
        "actual_end_month",
        _("The month it really ended."),
        MONTH_OR_NULL,
        MONTH,
        editable=True,
    ),
    DataField(
        "milestone_state",
        _("For a milestone, whether it was reached; null for a period."),
        _("one of: scheduled, met, not-met, partially-met, or null"),
        editable=True,
    ),
    DataField(
        "date_met",
        _("The day a milestone was met, when reported."),
        DATE_OR_NULL,
        editable=True,
    ),
    DataField(
        "actual_source_title",
        _("The report that gives the actual dates or the state."),
        TEXT_OR_EMPTY,
        editable=True,
    ),
    DataField(
        "actual_source_url",
        _("Where that report can be read."),
        URL_OR_EMPTY,
        editable=True,
    ),
]

BUDGET_FIELDS = [
    *PART_KEY_FIELDS,
    DataField("amount_krw", _("The amount, in whole won."), INTEGER, KRW, editable=True),
    DataField("covers_en", _("What the amount covers, in English."), TEXT_OR_EMPTY, editable=True),
    DataField("covers_ko", _("What the amount covers, in Korean."), TEXT_OR_EMPTY, editable=True),
    DataField(
        "year",
        _("The year the amount is for; null when not stated."),
        YEAR_OR_NULL,
        YEAR,
        editable=True,
    ),
    DataField(
        "payer",
        _("Who pays, only where the source or a report says so; not-stated otherwise."),
        _("one of: not-stated, city, national, district, private, mixed"),
        editable=True,
    ),
    DataField(
        "stage",
        _(
            "How firm the figure is, only where the source or a report says so: a plan's "
            "figure is not money spent."
        ),
        _("one of: not-stated, planned, approved, revised, executed"),
        editable=True,
    ),
    DataField(
        "source_text",
        _("The words of the source that state the amount."),
        TEXT_OR_EMPTY,
        editable=True,
    ),
]

# Counted or measured facts are not exported yet; officials edit them in the admin.
QUANTITY_FIELDS = [
    *PART_KEY_FIELDS,
    *(
        admin_only(name)
        for name in ("value", "unit_en", "unit_ko", "label_en", "label_ko", "source_text")
    ),
]

# Progress reports reach the public through the project's status, status_as_of and
# progress_percent (and its page); officials edit them in the admin.
PROGRESS_UPDATE_FIELDS = [
    admin_only(name)
    for name in (
        "project",
        "as_of",
        "status",
        "progress_percent",
        "note_en",
        "note_ko",
        "source_title",
        "source_url",
        "is_published",
    )
]

NAMED_FIELDS = [
    DataField("slug", _("Permanent identifier."), SLUG),
    DataField("name_en", _("Name in English."), TEXT),
    DataField("name_ko", _("Name in Korean; empty if none yet."), TEXT_OR_EMPTY),
]

SECTOR_FIELDS = [
    DataField("slug", _("The sector's identifier, used by the sector filter."), SLUG),
    DataField("name", _("The sector's name in the language of the request."), TEXT),
    DataField("name_en", _("The sector's name in English."), TEXT),
    DataField("name_ko", _("The sector's name in Korean."), TEXT_OR_EMPTY),
    DataField("description_en", _("A short description in English."), TEXT_OR_EMPTY),
    DataField("description_ko", _("A short description in Korean."), TEXT_OR_EMPTY),
    DataField("project_count", _("How many published projects belong to the sector."), INTEGER),
    DataField("url", _("The sector's page on this portal."), URL),
    DataField("projects", _("The API list of the sector's projects."), URL),
]

PROGRAM_FIELDS = [
    DataField("slug", _("The program's identifier, used by the program filter."), SLUG),
    DataField("title", _("The program's title in the language of the request."), TEXT),
    DataField("title_en", _("The program's title in English, as in the source."), TEXT),
    DataField("title_ko", _("The program's title in Korean."), TEXT_OR_EMPTY),
    DataField("goal", _("The strategic goal the program serves."), SLUG),
    DataField("goal_title_en", _("The goal's title in English."), TEXT),
    DataField("goal_title_ko", _("The goal's title in Korean."), TEXT_OR_EMPTY),
    DataField("project_count", _("How many published projects the program has."), INTEGER),
    DataField("projects", _("The API list of the program's projects."), URL),
]


def outward(fields: list[DataField]) -> list[DataField]:
    """The entries the public sees (the /data/ page describes these)."""
    return [field for field in fields if field.is_outward]


def api_names(fields: list[DataField]) -> list[str]:
    """The names of the API (and JSON export) fields, in order."""
    return [field.name for field in fields if field.in_api]


def editable_names(fields: list[DataField]) -> tuple[str, ...]:
    """The fields officials edit, in order: a form's ``Meta.fields``, the spreadsheet columns."""
    return tuple(field.name for field in fields if field.editable)


EDITABLE_PROJECT_FIELDS = editable_names(PROJECT_FIELDS)
EDITABLE_PHASE_FIELDS = editable_names(PHASE_FIELDS)
EDITABLE_BUDGET_FIELDS = editable_names(BUDGET_FIELDS)
EDITABLE_QUANTITY_FIELDS = editable_names(QUANTITY_FIELDS)
EDITABLE_PROGRESS_UPDATE_FIELDS = editable_names(PROGRESS_UPDATE_FIELDS)
