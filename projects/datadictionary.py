"""The data dictionary: the one list of every field the portal shows, exports or has edited.

Everything else is derived from these lists: the CSV columns, their order and their Korean headers
(``projects.export``), the API and JSON export fields with their help texts, which become the
OpenAPI descriptions (``projects.serializers``), the /data/ page, and the fields of the admin
forms, inlines and spreadsheet import/export (``projects.forms``, ``projects.admin``,
``projects.resources``). Adding a field to the portal means adding its entry here (and its model
field); an entry's flags say where it appears.
"""

from dataclasses import dataclass, field, replace

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from projects.history import ChangeKind
from projects.models import PhaseKind, ProjectStatus

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
NAME_LIST = _("list of names (separated by “; ”)")

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
    # The English title in the data package's Table Schemas (the Korean one is header_ko).
    title_en: str = ""
    # The allowed values, where the field is an enumeration (an enum constraint in the package).
    choices: tuple[str, ...] = ()
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
        "sector_names",
        _("The names of the project's sectors, in the file's language (Korean under /ko/)."),
        NAME_LIST,
        header_ko="산업 분야명",
        in_api=False,
    ),
    DataField(
        "primary_sector",
        _("The project's main sector."),
        SLUG,
        header_ko="주 산업 분야",
        editable=True,
    ),
    DataField(
        "primary_sector_name",
        _("The name of the project's main sector, in the file's language."),
        TEXT,
        header_ko="주 산업 분야명",
        in_api=False,
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
        "program_title",
        _("The title of the project's program, in the file's language; empty when none."),
        TEXT_OR_EMPTY,
        header_ko="프로그램명",
        in_api=False,
    ),
    DataField(
        "goal",
        _("The strategic goal the project's program serves; empty when there is no program."),
        SLUG_OR_NULL,
        header_ko="전략 목표",
    ),
    DataField(
        "goal_title",
        _("The title of the project's strategic goal, in the file's language; empty when none."),
        TEXT_OR_EMPTY,
        header_ko="전략 목표명",
        in_api=False,
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
        choices=tuple(ProjectStatus.values),
    ),
    DataField(
        "status_label",
        _("The status in words, in the file's language."),
        TEXT,
        header_ko="진행 상태명",
        in_api=False,
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
    DataField(
        "related",
        _(
            "Other published projects of the plan that name the same undertaking (e.g. a "
            "featured highlight and the entry that dates it)."
        ),
        SLUG_LIST,
        header_ko="관련 사업",
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
        TEXT_OR_EMPTY,
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
        choices=tuple(PhaseKind.values),
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


# --- The data package: every table of published data, described from the entries above -------
#
# ``projects.datapackage`` writes each table as a CSV file with a Frictionless Table Schema, and
# the same tables into the SQLite offline copy; the types, required fields and enumerations come
# from the entries' types here (``TABLE_TYPES``), the titles from ``title_en`` and ``header_ko``.

SLUG_PATTERN = "[a-z0-9]+(?:[-_][a-z0-9]+)*"

# A Table Schema field for each type above (identity, not equality: the types are lazy strings,
# which compare by their text in the active language).
TABLE_TYPES = (
    (TEXT, {"type": "string", "constraints": {"required": True}}),
    (TEXT_OR_EMPTY, {"type": "string"}),
    (SLUG, {"type": "string", "constraints": {"required": True, "pattern": SLUG_PATTERN}}),
    (SLUG_OR_NULL, {"type": "string", "constraints": {"pattern": SLUG_PATTERN}}),
    (URL, {"type": "string", "format": "uri", "constraints": {"required": True}}),
    (YEAR_OR_NULL, {"type": "integer"}),
    (MONTH_OR_NULL, {"type": "integer", "constraints": {"minimum": 1, "maximum": 12}}),
    (INTEGER, {"type": "integer", "constraints": {"required": True}}),
    (INTEGER_OR_NULL, {"type": "integer"}),
    (DATETIME, {"type": "datetime", "constraints": {"required": True}}),
    (DATE_OR_NULL, {"type": "date"}),
    (PERCENT_OR_NULL, {"type": "integer", "constraints": {"minimum": 0, "maximum": 100}}),
    (URL_OR_EMPTY, {"type": "string", "format": "uri"}),
)


def table_schema_field(entry: DataField) -> dict:
    """The Table Schema descriptor of an entry: name, titles, description, type, constraints."""
    spec = next((spec for kind, spec in TABLE_TYPES if kind is entry.type), None)
    if spec is None and entry.choices:
        spec = {"type": "string", "constraints": {"required": True}}
    if spec is None:
        raise KeyError(f"{entry.name}: its type has no Table Schema type in TABLE_TYPES")
    descriptor = {
        "name": entry.name,
        "title": entry.title_en or entry.name,
        "description": str(entry.meaning),
        "type": spec["type"],
    }
    if "format" in spec:
        descriptor["format"] = spec["format"]
    constraints = dict(spec.get("constraints", {}))
    if entry.choices:
        constraints["enum"] = list(entry.choices)
    if constraints:
        descriptor["constraints"] = constraints
    if entry.header_ko:
        # Table Schema has one title; the Korean one rides along as a property of its own.
        descriptor["title_ko"] = entry.header_ko
    if entry.unit:
        descriptor["unit"] = str(entry.unit)
    return descriptor


@dataclass(frozen=True)
class Table:
    """A table of the data package: its name (and file name), titles, fields and keys."""

    name: str
    title: Promise
    title_ko: str
    description: Promise
    fields: list[DataField]
    primary_key: tuple[str, ...]
    # (field, referenced table, referenced field)
    foreign_keys: tuple[tuple[str, str, str], ...] = field(default=())


def pick(fields: list[DataField], *names: str, **titles: tuple[str, str]) -> list[DataField]:
    """The entries of ``fields`` named, in that order, each given its (English, Korean) title
    from ``titles`` when it has none."""
    by_name = {entry.name: entry for entry in fields}
    picked = []
    for name in names:
        entry = by_name[name]
        if name in titles:
            title_en, title_ko = titles[name]
            entry = replace(entry, title_en=title_en, header_ko=entry.header_ko or title_ko)
        picked.append(entry)
    return picked


def reference(name: str, meaning: Promise, title_en: str, title_ko: str) -> DataField:
    """A column holding the slug of a row of another table (a foreign key)."""
    return DataField(name, meaning, SLUG, title_en=title_en, header_ko=title_ko)


PROJECT_REF = reference("project", _("The project's slug (see projects)."), "Project", "사업")
SECTOR_REF = reference("sector", _("The sector's slug (see sectors)."), "Sector", "산업 분야")


def slug_field(meaning: Promise) -> DataField:
    return DataField("slug", meaning, SLUG, title_en="Slug", header_ko="식별자")


KEY = DataField(
    "key",
    _("The row's identifier within its project."),
    SLUG,
    title_en="Key",
    header_ko="키",
)
SOURCE_WORDS = DataField(
    "source_text",
    _("The words of the source document that state this fact."),
    TEXT_OR_EMPTY,
    title_en="Source text",
    header_ko="원문",
)
NAMED_TITLES = {
    "slug": ("Slug", "식별자"),
    "name_en": ("Name (English)", "이름(영문)"),
    "name_ko": ("Name (Korean)", "이름(국문)"),
}

PACKAGE_PROJECT_FIELDS = pick(
    PROJECT_FIELDS,
    "slug",
    "title_en",
    "title_ko",
    "summary_en",
    "summary_ko",
    "url",
    "primary_sector",
    "program",
    "goal",
    "status",
    "start_year",
    "end_year",
    "budget_total_krw",
    "source_text",
    "updated_at",
    slug=("Slug", ""),
    title_en=("Title (English)", ""),
    title_ko=("Title (Korean)", ""),
    summary_en=("Summary (English)", ""),
    summary_ko=("Summary (Korean)", ""),
    url=("Web address", ""),
    primary_sector=("Primary sector", ""),
    program=("Program", ""),
    goal=("Goal", ""),
    status=("Status", ""),
    start_year=("Start year", ""),
    end_year=("End year", ""),
    budget_total_krw=("Stated cost total (KRW)", ""),
    source_text=("Source text", ""),
    updated_at=("Last updated", ""),
)

TABLES = [
    Table(
        "projects",
        _("Projects"),
        "사업",
        _("Every published project, one row each."),
        PACKAGE_PROJECT_FIELDS,
        ("slug",),
        (
            ("primary_sector", "sectors", "slug"),
            ("program", "programs", "slug"),
            ("goal", "goals", "slug"),
        ),
    ),
    Table(
        "project_sectors",
        _("Sectors of each project"),
        "사업별 산업 분야",
        _("One row per project and sector it belongs to (the primary one included)."),
        [PROJECT_REF, SECTOR_REF],
        ("project", "sector"),
        (("project", "projects", "slug"), ("sector", "sectors", "slug")),
    ),
    Table(
        "project_places",
        _("Places of each project"),
        "사업별 장소",
        _("One row per project and place it names."),
        [PROJECT_REF, reference("place", _("The place's slug (see places)."), "Place", "장소")],
        ("project", "place"),
        (("project", "projects", "slug"), ("place", "places", "slug")),
    ),
    Table(
        "project_organisations",
        _("Organisations of each project"),
        "사업별 기관",
        _("One row per project and organisation it names."),
        [
            PROJECT_REF,
            reference(
                "organisation",
                _("The organisation's slug (see organisations)."),
                "Organisation",
                "기관",
            ),
        ],
        ("project", "organisation"),
        (("project", "projects", "slug"), ("organisation", "organisations", "slug")),
    ),
    Table(
        "phases",
        _("Phases"),
        "단계",
        _("The dated periods and milestones of the published projects."),
        [
            PROJECT_REF,
            KEY,
            *pick(
                PHASE_FIELDS,
                "name_en",
                "name_ko",
                "kind",
                "start_year",
                "start_month",
                "end_year",
                "end_month",
                name_en=("Name (English)", "단계명(영문)"),
                name_ko=("Name (Korean)", "단계명(국문)"),
                kind=("Kind", "구분"),
                start_year=("Start year", "시작 연도"),
                start_month=("Start month", "시작 월"),
                end_year=("End year", "종료 연도"),
                end_month=("End month", "종료 월"),
            ),
            SOURCE_WORDS,
        ],
        ("project", "key"),
        (("project", "projects", "slug"),),
    ),
    Table(
        "budgets",
        _("Stated costs"),
        "명시된 사업비",
        _("Each amount the source states for a published project, in whole won."),
        [
            PROJECT_REF,
            KEY,
            *pick(
                BUDGET_FIELDS,
                "amount_krw",
                "covers_en",
                "covers_ko",
                "year",
                "source_text",
                amount_krw=("Amount (KRW)", "금액(원)"),
                covers_en=("What it covers (English)", "내역(영문)"),
                covers_ko=("What it covers (Korean)", "내역(국문)"),
                year=("Year", "연도"),
                source_text=("Source text", "원문"),
            ),
        ],
        ("project", "key"),
        (("project", "projects", "slug"),),
    ),
    Table(
        "quantities",
        _("Figures"),
        "수치",
        _("The counted or measured facts the source gives for a published project."),
        [
            PROJECT_REF,
            KEY,
            DataField("value", _("The number."), INTEGER, title_en="Value", header_ko="값"),
            DataField(
                "unit_en",
                _("Its unit, in English (e.g. m²)."),
                TEXT,
                title_en="Unit (English)",
                header_ko="단위(영문)",
            ),
            DataField(
                "unit_ko",
                _("Its unit, in Korean."),
                TEXT_OR_EMPTY,
                title_en="Unit (Korean)",
                header_ko="단위(국문)",
            ),
            DataField(
                "label_en",
                _("What is counted, in English."),
                TEXT_OR_EMPTY,
                title_en="What is counted (English)",
                header_ko="항목(영문)",
            ),
            DataField(
                "label_ko",
                _("What is counted, in Korean."),
                TEXT_OR_EMPTY,
                title_en="What is counted (Korean)",
                header_ko="항목(국문)",
            ),
            SOURCE_WORDS,
        ],
        ("project", "key"),
        (("project", "projects", "slug"),),
    ),
    Table(
        "progress_reports",
        _("Progress reports"),
        "추진 현황 보고",
        _("The city's published, dated reports of how far each published project has come."),
        [
            DataField(
                "id",
                _("The report's identifier."),
                INTEGER,
                title_en="Identifier",
                header_ko="식별 번호",
            ),
            PROJECT_REF,
            DataField(
                "as_of",
                _("The date the report describes."),
                DATE_OR_NULL,
                title_en="As of",
                header_ko="기준일",
            ),
            DataField(
                "status",
                _("The project's stage on that date (Open Contracting project statuses)."),
                TEXT,
                title_en="Status",
                header_ko="추진 상태",
                choices=tuple(ProjectStatus.values),
            ),
            DataField(
                "progress_percent",
                _("How far the project had come, 0 to 100; empty when the report gives none."),
                PERCENT_OR_NULL,
                PERCENT,
                title_en="Progress (%)",
                header_ko="진척률(%)",
            ),
            DataField(
                "note_en",
                _("What happened, in English."),
                TEXT_OR_EMPTY,
                title_en="Note (English)",
                header_ko="비고(영문)",
            ),
            DataField(
                "note_ko",
                _("What happened, in Korean."),
                TEXT_OR_EMPTY,
                title_en="Note (Korean)",
                header_ko="비고(국문)",
            ),
            DataField(
                "source_title",
                _("The document, report or web page the report rests on."),
                TEXT,
                title_en="Source (title)",
                header_ko="출처(제목)",
            ),
            DataField(
                "source_url",
                _("Where anyone can read the source."),
                URL,
                title_en="Source (web address)",
                header_ko="출처(주소)",
            ),
        ],
        ("id",),
        (("project", "projects", "slug"),),
    ),
    Table(
        "changes",
        _("Changes"),
        "변경 기록",
        _("The public change log: every change to published content since the plan, newest first."),
        [
            DataField(
                "id",
                _("The change's identifier (its anchor in the change log)."),
                SLUG,
                title_en="Identifier",
                header_ko="식별자",
            ),
            DataField(
                "when",
                _("When the change was made."),
                DATETIME,
                title_en="When",
                header_ko="변경 시각",
            ),
            PROJECT_REF,
            DataField(
                "kind",
                _("What kind of change it is; empty when none was given."),
                TEXT_OR_EMPTY,
                title_en="Kind",
                header_ko="구분",
                choices=tuple(ChangeKind.values),
            ),
            DataField(
                "change",
                _("What changed, in words (English)."),
                TEXT,
                title_en="What changed",
                header_ko="변경 내용",
            ),
            DataField(
                "reason",
                _("The reason given for the change."),
                TEXT_OR_EMPTY,
                title_en="Reason",
                header_ko="사유",
            ),
            DataField(
                "source",
                _("The source given for the change."),
                TEXT_OR_EMPTY,
                title_en="Source",
                header_ko="근거",
            ),
        ],
        ("id",),
        (("project", "projects", "slug"),),
    ),
    Table(
        "sectors",
        _("Sectors"),
        "산업 분야",
        _("The industries of the plan, with their number of published projects."),
        pick(
            SECTOR_FIELDS,
            "slug",
            "name_en",
            "name_ko",
            "description_en",
            "description_ko",
            "project_count",
            "url",
            **NAMED_TITLES,
            description_en=("Description (English)", "설명(영문)"),
            description_ko=("Description (Korean)", "설명(국문)"),
            project_count=("Published projects", "공개 사업 수"),
            url=("Web address", "주소(URL)"),
        ),
        ("slug",),
    ),
    Table(
        "goals",
        _("Strategic goals"),
        "전략 목표",
        _("The plan's strategic goals (its top-level headings)."),
        [
            slug_field(_("The goal's identifier.")),
            *pick(
                PROGRAM_FIELDS,
                "goal_title_en",
                "goal_title_ko",
                goal_title_en=("Title (English)", "목표명(영문)"),
                goal_title_ko=("Title (Korean)", "목표명(국문)"),
            ),
        ],
        ("slug",),
    ),
    Table(
        "programs",
        _("Programs"),
        "세부 사업",
        _("The plan's programs (its sub-headings), with their goal and published projects."),
        pick(
            PROGRAM_FIELDS,
            "slug",
            "title_en",
            "title_ko",
            "goal",
            "project_count",
            slug=("Slug", "식별자"),
            title_en=("Title (English)", "세부 사업명(영문)"),
            title_ko=("Title (Korean)", "세부 사업명(국문)"),
            goal=("Goal", "전략 목표"),
            project_count=("Published projects", "공개 사업 수"),
        ),
        ("slug",),
        (("goal", "goals", "slug"),),
    ),
    Table(
        "places",
        _("Places"),
        "장소",
        _("The places in Busan that published projects name."),
        pick(NAMED_FIELDS, "slug", "name_en", "name_ko", **NAMED_TITLES),
        ("slug",),
    ),
    Table(
        "organisations",
        _("Organisations"),
        "기관",
        _("The companies, institutes and bodies that published projects name."),
        pick(NAMED_FIELDS, "slug", "name_en", "name_ko", **NAMED_TITLES),
        ("slug",),
    ),
    Table(
        "documents",
        _("Source documents"),
        "원문 문서",
        _("The plan document every fact of the package comes from."),
        [
            slug_field(_("The document's identifier.")),
            DataField(
                "title_en",
                _("Its title in English."),
                TEXT,
                title_en="Title (English)",
                header_ko="제목(영문)",
            ),
            DataField(
                "title_ko",
                _("Its title in Korean."),
                TEXT_OR_EMPTY,
                title_en="Title (Korean)",
                header_ko="제목(국문)",
            ),
            DataField(
                "publisher_en",
                _("Who published it, in English."),
                TEXT,
                title_en="Publisher (English)",
                header_ko="발행 기관(영문)",
            ),
            DataField(
                "publisher_ko",
                _("Who published it, in Korean."),
                TEXT_OR_EMPTY,
                title_en="Publisher (Korean)",
                header_ko="발행 기관(국문)",
            ),
            DataField(
                "covers_from_year",
                _("The earliest year the document mentions."),
                YEAR_OR_NULL,
                YEAR,
                title_en="Covers from",
                header_ko="대상 시작 연도",
            ),
            DataField(
                "covers_to_year",
                _("The latest year the document mentions."),
                YEAR_OR_NULL,
                YEAR,
                title_en="Covers to",
                header_ko="대상 종료 연도",
            ),
            DataField(
                "url",
                _("Where the document is published; empty when not known."),
                TEXT_OR_EMPTY,
                title_en="Web address",
                header_ko="주소(URL)",
            ),
            DataField(
                "introduction",
                _("The document's lead paragraph, verbatim."),
                TEXT_OR_EMPTY,
                title_en="Introduction",
                header_ko="서문",
            ),
        ],
        ("slug",),
    ),
]


def table(name: str) -> Table:
    """The data package's table called ``name``."""
    return next(entry for entry in TABLES if entry.name == name)


EDITABLE_PROGRESS_UPDATE_FIELDS = editable_names(PROGRESS_UPDATE_FIELDS)
