"""Taking the data away: the CSV, XLSX and JSON exports of a filtered view, and the /data/ page.

The exports take the same query parameters as /projects/ (``ProjectFilterSet``) and stream the
matching published projects in chunks, so ten thousand projects never sit in memory at once.
The full CSV and JSON are files built once per change; a filtered CSV or JSON copies its rows
out of the current full file when it is built (``filtered_body``, ``export_files``), and is
written from the database otherwise.
The CSV starts with a UTF-8 byte-order mark: without it, Excel on a Korean Windows PC reads the
file in the legacy code page and the Korean text turns to mojibake. The XLSX holds the same
columns as typed cells (numbers, dates), written with openpyxl's write-only mode, which keeps one
row in memory at a time. Every export counts against the API's rate limit.
"""

import codecs
import csv
import math
import operator
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial, wraps

from django.conf import settings
from django.db import connections
from django.db.models import Case, CharField, F, When
from django.http import FileResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from busanportal.i18n import active_content_language
from busanportal.middleware import connect_before_streaming
from projects import datadictionary as dd
from projects import export_files
from projects.api import api_projects
from projects.export_files import Part
from projects.filters import ProjectFilterSet
from projects.linkeddata import dataset_json_ld
from projects.models import (
    Budget,
    Phase,
    PhaseKind,
    Project,
    ProjectStatus,
    SourceDocument,
    phase_when,
)
from projects.serializers import ProjectSerializer, permalink_builder

# Projects read per database round trip (each query of a chunk runs once per chunk) and rows
# written per chunk of a stream. Larger chunks were no faster (at 100,000 projects the
# database's time grows with the rows, not the queries) and held more memory: 2,000 took a
# JSON export's peak from 108 to 159 MiB.
CHUNK_SIZE = 500
# Parameters named in a download's file name, in this order (sort and page are not filters).
FILENAME_PARAMETERS = ("sector", "year", "status", "program", "q")
MAX_FILENAME_PART = 40
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def spreadsheet_safe(text: str) -> str:
    """Text that Excel shows as text: a leading formula character gets an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def local_iso(moment, zone=None) -> str:
    """``moment`` in the local time zone (``zone``, else the current one), to the second."""
    return timezone.localtime(moment, zone).isoformat(timespec="seconds")


def local_in_language(record: dict, base: str) -> str:
    """``<base>_ko`` in Korean when it is not blank, else ``<base>_en`` (as ``translated``)."""
    if active_content_language() == "ko":
        return record[f"{base}_ko"] or record[f"{base}_en"]
    return record[f"{base}_en"]


#: Columns read straight off the project row; every other CSV field is built by
#: ``csv_records`` from narrow queries of its own.
PROJECT_COLUMNS = {
    "pk": "pk",
    "slug": "slug",
    "title_en": "title_en",
    "title_ko": "title_ko",
    "summary_en": "summary_en",
    "summary_ko": "summary_ko",
    "primary_sector": "primary_sector__slug",
    "primary_sector_name_en": "primary_sector__name_en",
    "primary_sector_name_ko": "primary_sector__name_ko",
    "program": "program__slug",
    "program_title_en": "program__title_en",
    "program_title_ko": "program__title_ko",
    "goal": "program__strategy__slug",
    "goal_title_en": "program__strategy__title_en",
    "goal_title_ko": "program__strategy__title_ko",
    "status": "current_status",
    "status_as_of": "status_as_of",
    "progress_percent": "progress_percent",
    "span_start": "span_start",
    "span_end": "span_end",
    "span_open_ended": "span_open_ended",
    "budget_total_krw": "budget_sum_krw",
    "source_text": "source_text",
    "updated_at": "updated_at",
}


def project_columns() -> dict[str, str]:
    """``PROJECT_COLUMNS`` and any other CSV field of the dictionary that is a column of the
    project, read as it is (a field added to the dictionary is a CSV column at once)."""
    columns = dict(PROJECT_COLUMNS)
    concrete = {field.name for field in Project._meta.concrete_fields}
    for column in csv_columns():
        if column.name not in columns and column.name in concrete:
            columns[column.name] = column.name
    return columns


def grouped(rows) -> dict[int, list]:
    """(project id, value) rows -> project id -> values, in the rows' order."""
    groups: dict[int, list] = {}
    for project_id, value in rows:
        groups.setdefault(project_id, []).append(value)
    return groups


class ChunkQuery:
    """A values query over the rows of a chunk of projects, compiled once and run per chunk.

    Building ``filter(project__in=[…500 ids…])`` again for every chunk cost as much as the SQL
    itself (issue 19: a quarter of an export's time went to Django preparing the ``IN``
    lookups). The query is compiled once with stand-in ids that no row has (negative ones);
    each chunk's ids then take their places among the parameters, and a short last chunk keeps
    the rest of the stand-ins, which match nothing. The rows go through the compiler's own
    converters, so they are what ``values_list()`` would give (dates and booleans on SQLite).
    """

    def __init__(self, build, size: int):
        """``build(ids)``: the ``values_list`` queryset of the rows of the projects ``ids``."""
        stand_ins = list(range(-size, 0))
        queryset = build(stand_ins)
        self.using = queryset.db
        self.compiler = queryset.query.get_compiler(using=self.using)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        wanted = set(stand_ins)
        found = [
            (value, index)
            for index, value in enumerate(self.params)
            if type(value) is int and value in wanted
        ]
        # A query that does not hold each id exactly once cannot be reused this way.
        if sorted(value for value, _index in found) != stand_ins:
            raise ValueError("The query does not hold each stand-in id exactly once.")
        slots = dict(found)
        self.slots = [slots[value] for value in stand_ins]

    def rows(self, ids: list[int]) -> list[tuple]:
        params = self.params.copy()
        for slot, value in zip(self.slots, ids, strict=False):
            params[slot] = value
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            results = cursor.fetchall()
        return list(self.compiler.results_iter(results=[results]))


def chunk_queries(columns: dict[str, str]) -> dict:
    """``build(ids)`` for each query of a chunk: the project columns, then each related list."""
    through = Project.sectors.through
    return {
        # No order: the rows are put in the export's order by id (the model's default order
        # would add a sort of every chunk).
        "projects": lambda ids: (
            Project.objects.filter(pk__in=ids).order_by().values_list(*columns.values())
        ),
        "sectors": lambda ids: (
            through.objects.filter(project_id__in=ids)
            .order_by("sector__position", "sector__slug")
            .values_list("project_id", "sector__slug", "sector__name_en", "sector__name_ko")
        ),
        "related": related_query,
        "phases": lambda ids: (
            Phase.objects.filter(project_id__in=ids)
            .order_by("position", "start_year")
            .values_list(
                "project_id",
                "name_en",
                "name_ko",
                "kind",
                "start_year",
                "start_month",
                "end_year",
                "end_month",
                "actual_start_year",
                "actual_start_month",
                "actual_end_year",
                "actual_end_month",
            )
        ),
        "places": named_query(Project.places.through, "place"),
        "organisations": named_query(Project.organisations.through, "organisation"),
    }


def named_query(through, name: str):
    """The query of place or organisation names per project, in both languages."""
    return lambda ids: (
        through.objects.filter(project_id__in=ids)
        .order_by(f"{name}__name_en")
        .values_list("project_id", f"{name}__name_en", f"{name}__name_ko")
    )


def csv_records(
    queryset, permalink, chunk_size: int | None = None, ids: list[int] | None = None
) -> Iterator[dict]:
    """One dict per project of ``queryset`` (in its order), keyed by CSV field name, read with
    ``values()`` queries: the ids in one narrow query (or ``ids``, the queryset's, already
    read), then per chunk of ids one query for the project columns and one per related list, so
    no model instance is built (issue 19: the ORM's instances and prefetches cost 4 of the
    4.5 s of 10,000 rows). Each query is compiled once (``ChunkQuery``), so a chunk costs its
    SQL and its rows' own work."""
    if ids is None:
        ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return
    # Resolved once per export rather than once per value.
    korean = active_content_language() == "ko"
    actual = _("actual")
    status_labels = {value: str(label) for value, label in ProjectStatus.choices}
    columns = project_columns()
    names = list(columns)

    def in_language(english, korean_text):
        """The Korean text in a Korean export when there is one, else the English."""
        return (korean_text or english) if korean else english

    # CHUNK_SIZE read now, not when the module was loaded (the tests change it).
    size = max(1, min(chunk_size or CHUNK_SIZE, len(ids)))
    queries = {name: ChunkQuery(build, size) for name, build in chunk_queries(columns).items()}
    for first in range(0, len(ids), size):
        chunk = ids[first : first + size]
        rows = {name: query.rows(chunk) for name, query in queries.items()}
        projects = {row[0]: dict(zip(names, row, strict=True)) for row in rows["projects"]}
        sectors = grouped((row[0], row[1:]) for row in rows["sectors"])
        related = grouped(rows["related"])
        phases = grouped((row[0], phase_cell(row[1:], korean, actual)) for row in rows["phases"])
        places = grouped((pid, in_language(en, ko)) for pid, en, ko in rows["places"])
        organisations = grouped((pid, in_language(en, ko)) for pid, en, ko in rows["organisations"])
        del rows
        for project_id in chunk:
            record = projects.get(project_id)
            if record is None:  # deleted since the ids were read
                continue
            project_sectors = sectors.get(project_id, ())
            record.update(
                url=permalink(record["slug"]),
                sectors=LIST_SEPARATOR.join(slug for slug, _en, _ko in project_sectors),
                # Readable names beside the codes, in the language of the export.
                sector_names=LIST_SEPARATOR.join(
                    in_language(en, ko) for _slug, en, ko in project_sectors
                ),
                primary_sector_name=in_language(
                    record["primary_sector_name_en"], record["primary_sector_name_ko"]
                ),
                program_title=in_language(record["program_title_en"], record["program_title_ko"]),
                goal_title=in_language(record["goal_title_en"], record["goal_title_ko"]),
                status_label=status_labels.get(record["status"], record["status"]),
                related=LIST_SEPARATOR.join(related.get(project_id, ())),
                start_year=record["span_start"],
                # An open-ended project has no end year (its span_end is its latest start).
                end_year=None if record["span_open_ended"] else record["span_end"],
                phases=LIST_SEPARATOR.join(phases.get(project_id, ())),
                places=LIST_SEPARATOR.join(places.get(project_id, ())),
                organisations=LIST_SEPARATOR.join(organisations.get(project_id, ())),
            )
            yield record


def phase_cell(phase, korean: bool, actual: str) -> str:
    """E.g. "Construction (2011–2016)", with the actual dates once reported:
    "Construction (2011–2016; actual 2012–)". ``phase`` is (name_en, name_ko, kind, then the
    planned and the actual start and end years and months); ``actual`` is the word, translated."""
    name_en, name_ko, kind, *dates = phase
    planned = phase_when(kind, *dates[:4])
    name = (name_ko or name_en) if korean else name_en
    if dates[4] is None:
        return f"{name} ({planned})"
    return f"{name} ({planned}; {actual} {phase_when(kind, *dates[4:])})"


@dataclass(frozen=True)
class Column:
    """A CSV column: its data dictionary entry (its value is the record's key of its name)."""

    field: dd.DataField

    @property
    def name(self) -> str:
        return self.field.name

    def header(self) -> str:
        return self.field.header_ko if active_content_language() == "ko" else self.field.name


def csv_columns() -> list[Column]:
    """The CSV columns: the data dictionary's CSV fields, in its order, with its headers."""
    return [Column(field) for field in dd.PROJECT_FIELDS if field.in_csv]


def csv_cell(value, zone=None) -> object:
    """Empty for a fact not stated; integers as digits; text made safe for spreadsheets."""
    # The exact types first: nearly every value is plain text, a number or None, and this runs
    # once per cell (30 per row).
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if kind is int:
        return value
    if isinstance(value, datetime):
        return local_iso(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value


class LineBuffer:
    """A file-like object whose ``write`` returns the line, so csv.writer can feed a stream."""

    def write(self, line):
        return line


def export_filename(filterset: ProjectFilterSet, extension: str) -> str:
    """E.g. ``busan-projects_sector-it_year-2016_2026-11-25.csv``: the filter and the date,
    with only ``[a-z0-9-_]`` from the parameters so that no value can shape the header. The
    Korean files (other headers and names) are ``busan-projects-ko_…``, so that a reader who
    downloads both languages does not overwrite one with the other."""
    language = active_content_language()
    parts = ["busan-projects" if language == "en" else f"busan-projects-{language}"]
    applied = filterset.applied
    for name in FILENAME_PARAMETERS:
        value = applied.get(name)
        if value is None:
            continue
        if name == "sector":
            text = "-".join(sector.slug for sector in value)
        elif name == "program":
            text = value.slug
        else:
            text = str(value)
        clean = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:MAX_FILENAME_PART]
        clean = clean.strip("-")
        parts.append(f"{name}-{clean}" if clean else name)
    parts.append(timezone.localdate().isoformat())
    return "_".join(parts) + "." + extension


def filtered(request) -> ProjectFilterSet:
    return ProjectFilterSet(request.GET, queryset=api_projects(), request=request)


def parameter_errors(filterset) -> list[tuple[str, str]]:
    return [
        (name, str(message)) for name, messages in filterset.errors.items() for message in messages
    ]


def attachment(response, filterset, extension):
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(filterset, extension)}"'
    )
    return response


def api_rate_limit(view):
    """Count an export against the API's rate limit: the same throttle classes, scope and
    counters as /api/, so that the heaviest responses cannot be fetched more often than a page
    of the API. Over the limit: 429 with ``Retry-After``, like the API.

    The throttles see the request as the API's views do (a DRF request with the API's
    authentication, none): given Django's own request, asking for its user would read the
    session, and a response that read the session is never compressed (busanportal/http.py)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        api_request = Request(
            request, authenticators=[auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
        )
        waits = []
        for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
            throttle = throttle_class()
            if not throttle.allow_request(api_request, None):
                waits.append(throttle.wait())
        if waits:
            wait = max((w for w in waits if w is not None), default=None)
            response = JsonResponse(
                {"detail": _("Too many requests from your address; wait and try again.")},
                status=429,
                json_dumps_params={"ensure_ascii": False},
            )
            if wait is not None:
                response["Retry-After"] = str(math.ceil(wait))
            return response
        return view(request, *args, **kwargs)

    return wrapper


@api_rate_limit
def export_csv(request):
    """The filtered published projects as CSV, one row per project, streamed."""
    filterset = filtered(request)
    if not filterset.is_valid():
        return invalid_parameters(filterset)
    connect_before_streaming(Project)
    language = translation.get_language()
    if not filterset.applied:  # the full export: a file, rebuilt when the portfolio changed
        locate = partial(export_files.export_path, "csv", language, site_root(request))
        path = export_files.ensure_built(
            locate(), lambda: csv_parts(filterset.qs, request, language), locate
        )
        response = FileResponse(path.open("rb"), content_type="text/csv; charset=utf-8")
        return attachment(response, filterset, "csv")
    # A filtered export is streamed; should it fail half way, the exception ends the response
    # without its last chunk, so the client sees an incomplete transfer, never a complete 200.
    rows = filtered_body("csv", filterset.qs, request, language)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    return attachment(response, filterset, "csv")


def site_root(request) -> str:
    """The address every permalink of an export starts with (part of its file's fingerprint)."""
    return request.build_absolute_uri("/")


def filtered_body(kind: str, queryset, request, language) -> Iterable[bytes]:
    """A filtered export's body (``kind`` "csv" or "json"): copied row by row from the full
    export's file when the file of the current portfolio and its index are there
    (``export_files.copied_from_file``), else written from the database as before.

    A missing file is not built within the request: building it costs the whole portfolio
    (seconds at 100,000 projects), more than most filtered exports. It is built in the
    background instead (``export_files.build_in_background``), so the exports after it are
    copied again. The ids are read before the fingerprint, so that a change committed between
    the two can only make the file look stale (and be passed by), never make a file older than
    the ids look current."""
    ids = list(queryset.values_list("pk", flat=True))
    root = site_root(request)
    path = export_files.export_path(kind, language, root)
    with translation.override(language):
        if kind == "csv":
            copied = export_files.copied_from_file(path, ids, csv_head())
        else:
            copied = export_files.copied_from_file(
                path, ids, json_head(len(ids)), JSON_SEPARATOR, JSON_TAIL
            )
    if copied is not None:
        return copied
    export_files.build_in_background(kind, language, root, path)
    writer = csv_rows if kind == "csv" else json_chunks
    return writer(queryset, request, language, ids=ids)


def csv_head() -> bytes:
    """The CSV's byte-order mark and header row, in the active language."""
    header = csv.writer(LineBuffer()).writerow([column.header() for column in csv_columns()])
    return codecs.BOM_UTF8 + header.encode()


def csv_rows(queryset, request, language, ids: list[int] | None = None) -> Iterator[bytes]:
    """The CSV of ``queryset`` for a stream, ``CHUNK_SIZE`` rows per chunk: one write to the
    socket per chunk, not per row."""
    # CHUNK_SIZE read now, not when the module was loaded (the tests change it).
    return export_files.chunked(csv_parts(queryset, request, language, ids), CHUNK_SIZE)


def csv_parts(queryset, request, language, ids: list[int] | None = None) -> Iterator[Part]:
    """The CSV of ``queryset`` (``ids``: its ids, if already read) as (project id, its row),
    after (None, the byte-order mark and the header): what the full file and its row index are
    written from, and what the stream joins into chunks."""
    # The body is produced after the view has returned, so the language is pinned here.
    with translation.override(language):
        columns = csv_columns()
        yield None, csv_head()
        cells = operator.itemgetter(*(column.name for column in columns))
        # The writer returns each line (``LineBuffer``): the same bytes as writing the rows to
        # a file, with each row's own length known for the index.
        line = csv.writer(LineBuffer()).writerow
        records = csv_records(queryset, permalink_builder(request), ids=ids)
        zone = timezone.get_current_timezone()  # once, not once per row
        for record in records:
            # ``csv_cell`` inlined for the common values (this runs for every cell): text
            # made safe, numbers and None as they are (the writer writes None as empty).
            row = line(
                [
                    ("'" + value if value.startswith(FORMULA_STARTS) else value)
                    if (kind := type(value)) is str
                    else value
                    if kind is int or value is None
                    else csv_cell(value, zone)
                    for value in cells(record)
                ]
            )
            yield record["pk"], row.encode()


@api_rate_limit
def export_json(request):
    """The filtered published projects as one JSON document, shaped like an API page with
    every result on it, streamed."""
    filterset = filtered(request)
    if not filterset.is_valid():
        errors = {}
        for name, message in parameter_errors(filterset):
            errors.setdefault(name, []).append(message)
        return JsonResponse(errors, status=400, json_dumps_params={"ensure_ascii": False})
    connect_before_streaming(Project)
    language = translation.get_language()
    if not filterset.applied:
        # Too slow to build in a request at 100,000 projects: built in the background (or by
        # `manage.py build_exports`), and streamed until it is there.
        root = site_root(request)
        path = export_files.export_path("json", language, root)
        if path.exists():
            response = FileResponse(path.open("rb"), content_type="application/json")
            return attachment(response, filterset, "json")
        export_files.build_in_background("json", language, root, path)
        body = json_chunks(filterset.qs, request, language)
    else:
        body = filtered_body("json", filterset.qs, request, language)
    response = StreamingHttpResponse(body, content_type="application/json")
    return attachment(response, filterset, "json")


# Spreadsheet number formats: amounts with thousands separators, years as plain digits.
AMOUNT_FORMAT = "#,##0"
INTEGER_FORMAT = "0"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Widths in characters, from the header's length within these bounds.
MIN_WIDTH, MAX_WIDTH = 10, 60
# Written to memory first; a larger workbook spills to a temporary file.
SPOOL_BYTES = 5_000_000


def is_amount(column) -> bool:
    """Whether the data dictionary gives the column's unit as won."""
    return column.field.unit is dd.KRW


def xlsx_cell(sheet, value, number_format: str):
    """A typed cell: numbers and dates as such; text always as text, even "=1+1", so that
    nothing an official typed can run as a formula: a string cell, kept exactly as typed (no
    apostrophe added, unlike the CSV), and one that starts with a formula character is marked
    with Excel's quote prefix so that it stays text when a reader edits it. Lazy translations
    are text; the control characters a worksheet cannot hold (openpyxl refuses them) are
    dropped."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: the local (Seoul) time, as the site shows it.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.replace(tzinfo=None)
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def write_sheet(workbook, title: str, headers: list[str], formats: list[str], rows):
    """One sheet: a bold header row, frozen, then one typed row per item of ``rows``."""
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        width = min(max(len(header) + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for values in rows:
        sheet.append(
            [xlsx_cell(sheet, value, fmt) for value, fmt in zip(values, formats, strict=True)]
        )


@api_rate_limit
def export_xlsx(request):
    """The filtered published projects as an Excel workbook, one row per project."""
    filterset = filtered(request)
    if not filterset.is_valid():
        return invalid_parameters(filterset)
    permalink = permalink_builder(request)
    workbook = Workbook(write_only=True)
    columns = csv_columns()
    formats = [AMOUNT_FORMAT if is_amount(column) else INTEGER_FORMAT for column in columns]
    rows = (
        [record.get(column.name) for column in columns]
        for record in csv_records(filterset.qs, permalink)
    )
    write_sheet(workbook, _("Projects"), [column.header() for column in columns], formats, rows)
    # The phases and budgets of the same projects, one row each, as in the data package.
    chosen = filterset.qs.order_by().values("pk")
    sheets = ((_("Phases"), "phases", Phase), (_("Stated costs"), "budgets", Budget))
    for title, table_name, model in sheets:
        fields = dd.table(table_name).fields
        headers = [f.header_ko if active_content_language() == "ko" else f.name for f in fields]
        parts = (
            model.objects.filter(project__in=chosen)
            .select_related("project")
            .order_by("project__position", "project__slug", "key")
        )
        part_rows = (
            [part.project.slug if f.name == "project" else getattr(part, f.name) for f in fields]
            for part in parts.iterator(chunk_size=CHUNK_SIZE)
        )
        part_formats = [AMOUNT_FORMAT if f.unit is dd.KRW else INTEGER_FORMAT for f in fields]
        write_sheet(workbook, title, headers, part_formats, part_rows)
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    response = FileResponse(output, content_type=XLSX_CONTENT_TYPE)
    return attachment(response, filterset, "xlsx")


def invalid_parameters(filterset):
    """400 naming each invalid parameter, as text (the spreadsheet exports)."""
    message = "\n".join(
        _("Invalid parameter “%(name)s”: %(message)s") % {"name": name, "message": message}
        for name, message in parameter_errors(filterset)
    )
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


#: Between the records of the JSON export, and after them: ``json.dumps`` of a list joins its
#: items with ", ", as the body has always done.
JSON_SEPARATOR = b", "
JSON_TAIL = b"]}"


def json_head(count: int) -> bytes:
    """The JSON export up to its first record: an API page holding every result."""
    return b'{"count": %d, "next": null, "previous": null, "results": [' % count


def json_chunks(queryset, request, language, ids: list[int] | None = None) -> Iterator[bytes]:
    """The JSON export's body for a stream, ``CHUNK_SIZE`` records per chunk."""
    return export_files.chunked(json_parts(queryset, request, language, ids), CHUNK_SIZE)


def json_parts(queryset, request, language, ids: list[int] | None = None) -> Iterator[Part]:
    """The JSON export of ``queryset`` (``ids``: its ids, if already read) as (project id, its
    record), with (None, …) for the head, the separators and the end. Each record is encoded
    on its own, as ``json.dumps`` encodes a list's items: the same bytes as one list."""
    with translation.override(language):
        yield None, json_head(queryset.count() if ids is None else len(ids))
        encode = JSONEncoder(ensure_ascii=False).encode  # what json.dumps(cls=…) builds per call
        separator = None
        for project_id, record in json_records_by_id(queryset, request, ids=ids):
            if separator:
                yield None, separator
            yield project_id, encode(record).encode()
            separator = JSON_SEPARATOR
        yield None, JSON_TAIL


#: The API fields that are not a column of the project as it is, and how ``json_records`` reads
#: them; every other field of ``ProjectSerializer`` must be one (it is read with ``values()``
#: and given by the serializer's own field, so its JSON is the API's).
JSON_RELATED_SLUGS = {
    "primary_sector": "primary_sector__slug",
    "program": "program__slug",
    "goal": "program__strategy__slug",
}
JSON_BUILT = {"title", "url", "sectors", "start_year", "end_year", "budget_total_krw", "related"}
JSON_NESTED = {"phases", "budgets", "places", "organisations"}


def represented(fields) -> Callable[[tuple], dict]:
    """(name, serializer field) pairs -> a function from a row of their values to the dict the
    serializer gives (None stays None, as in ``Serializer.to_representation``)."""
    pairs = [(name, field.to_representation) for name, field in fields]

    def represent(row):
        return {
            name: None if value is None else to_json(value)
            for (name, to_json), value in zip(pairs, row, strict=True)
        }

    return represent


def phase_values(ids):
    """The phases of the projects ``ids`` in the serializer's order, with the milestone's state
    (``Phase.state``) in place of the stored ``milestone_state``."""
    return (
        Phase.objects.filter(project_id__in=ids)
        .order_by("position", "start_year")
        .annotate(
            state_value=Case(
                When(kind=PhaseKind.MILESTONE, then=F("milestone_state")),
                default=None,
                output_field=CharField(),
            )
        )
    )


def json_records(queryset, request, chunk_size: int | None = None) -> Iterator[dict]:
    """One dict per project of ``queryset`` (in its order): what ``ProjectSerializer`` gives for
    it, read as ``csv_records`` reads (a few values queries per chunk, each compiled once)
    rather than through model instances and the serializer's per-row machinery, which
    managed 2,000 rows a second (issue 19). Each value still goes through the serializer's
    own field (dates, choices, text), and a test compares the two for every project."""
    for _project_id, record in json_records_by_id(queryset, request, chunk_size):
        yield record


def json_records_by_id(
    queryset, request, chunk_size: int | None = None, ids: list[int] | None = None
) -> Iterator[tuple[int, dict]]:
    """``json_records`` with each record's project id (``ids``: the queryset's, already read)."""
    if ids is None:
        ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return
    serializer = ProjectSerializer(context={"request": request})
    fields = serializer.fields
    for field in fields.values():
        # What DateTimeField(default_timezone=...) sets: the zone the field would look up for
        # each row, looked up once.
        if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
            field.timezone = field.default_timezone()
    permalink = permalink_builder(request)
    korean = active_content_language() == "ko"
    concrete = {field.name for field in Project._meta.concrete_fields}
    plain = [
        (name, field)
        for name, field in fields.items()
        if name not in JSON_BUILT | JSON_NESTED and name not in JSON_RELATED_SLUGS
    ]
    unknown = [name for name, field in plain if field.source not in concrete]
    if unknown:  # a new API field needs its reading here (the comparison test fails first)
        raise ValueError(f"The JSON export cannot read {unknown}.")
    built = ["pk", "title_en", "title_ko", "span_start", "span_end", "span_open_ended"]
    built.append("budget_sum_krw")
    lookups = [field.source for _name, field in plain] + list(JSON_RELATED_SLUGS.values()) + built
    represent_plain = represented(plain)
    phase_fields = list(fields["phases"].child.fields.items())
    budget_fields = list(fields["budgets"].child.fields.items())
    named_fields = list(fields["places"].child.fields.items())
    represent_phase = represented(phase_fields)
    represent_budget = represented(budget_fields)
    represent_named = represented(named_fields)
    phase_sources = ["state_value" if f.source == "state" else f.source for _n, f in phase_fields]
    through = Project.sectors.through
    queries = {
        "projects": lambda ids: Project.objects.filter(pk__in=ids).order_by().values_list(*lookups),
        "sectors": lambda ids: (
            through.objects.filter(project_id__in=ids)
            .order_by("sector__position", "sector__slug")
            .values_list("project_id", "sector__slug")
        ),
        "related": related_query,
        "phases": lambda ids: phase_values(ids).values_list("project_id", *phase_sources),
        "budgets": lambda ids: (
            Budget.objects.filter(project_id__in=ids)
            .order_by("key")
            .values_list("project_id", *(f.source for _n, f in budget_fields))
        ),
        "places": named_rows_query(Project.places.through, "place", named_fields),
        "organisations": named_rows_query(
            Project.organisations.through, "organisation", named_fields
        ),
    }
    # CHUNK_SIZE read now, not when the module was loaded (the tests change it).
    size = max(1, min(chunk_size or CHUNK_SIZE, len(ids)))
    compiled = {name: ChunkQuery(build, size) for name, build in queries.items()}
    plain_count, slug_count = len(plain), len(JSON_RELATED_SLUGS)
    for first in range(0, len(ids), size):
        chunk = ids[first : first + size]
        rows = {name: query.rows(chunk) for name, query in compiled.items()}
        projects = {row[plain_count + slug_count]: row for row in rows["projects"]}
        sectors = grouped(rows["sectors"])
        related = grouped(rows["related"])
        nested = {
            "phases": grouped((row[0], represent_phase(row[1:])) for row in rows["phases"]),
            "budgets": grouped((row[0], represent_budget(row[1:])) for row in rows["budgets"]),
            "places": grouped((row[0], represent_named(row[1:])) for row in rows["places"]),
            "organisations": grouped(
                (row[0], represent_named(row[1:])) for row in rows["organisations"]
            ),
        }
        del rows
        for project_id in chunk:
            row = projects.get(project_id)
            if row is None:  # deleted since the ids were read
                continue
            values = represent_plain(row[:plain_count])
            # Slugs as they are (a SlugRelatedField would read them off an instance).
            values.update(
                zip(JSON_RELATED_SLUGS, row[plain_count : plain_count + slug_count], strict=True)
            )
            _pk, title_en, title_ko, start, end, open_ended, budget_total = row[
                plain_count + slug_count :
            ]
            values.update(
                title=(title_ko or title_en) if korean else title_en,
                url=permalink(values["slug"]),
                sectors=sectors.get(project_id, []),
                start_year=start,
                end_year=None if open_ended else end,
                budget_total_krw=budget_total,
                related=related.get(project_id, []),
            )
            for name, groups in nested.items():
                values[name] = groups.get(project_id, [])
            yield project_id, {name: values[name] for name in fields}


def related_query(ids):
    """(project id, slug) of the published projects each of ``ids`` links to, in their order.
    Joined on the flag rather than matched against ``published()`` as a subquery, which
    PostgreSQL hashes over every published project for each chunk."""
    return (
        Project.related.through.objects.filter(
            from_project_id__in=ids, to_project__is_published=True
        )
        .order_by("to_project__position", "to_project__slug")
        .values_list("from_project_id", "to_project__slug")
    )


def named_rows_query(through, name: str, fields):
    """The query of the places or organisations of projects, with the serializer's fields."""
    return lambda ids: (
        through.objects.filter(project_id__in=ids)
        .order_by(f"{name}__name_en")
        .values_list("project_id", *(f"{name}__{field.source}" for _n, field in fields))
    )


def data_page(request):
    """/data/: the source, the data dictionary, the licence, how to cite, bulk downloads."""
    source = SourceDocument.objects.filter(slug=settings.PORTAL_SOURCE_DOCUMENT_SLUG).first()
    parts = [
        ("phases", _("Phases: each item of “phases” in the JSON"), dd.outward(dd.PHASE_FIELDS)),
        (
            "budgets",
            _("Stated amounts: each item of “budgets” in the JSON"),
            dd.outward(dd.BUDGET_FIELDS),
        ),
        (
            "named",
            _("Places and organisations: each item of “places” and “organisations”"),
            dd.outward(dd.NAMED_FIELDS),
        ),
        ("sectors", _("Sectors: /api/sectors/"), dd.outward(dd.SECTOR_FIELDS)),
        ("programs", _("Programs: /api/programs/"), dd.outward(dd.PROGRAM_FIELDS)),
    ]
    # The parameters are described by the FilterSet itself: one definition, shown here.
    parameters = [
        (name, filter_.extra.get("help_text", ""))
        for name, filter_ in ProjectFilterSet.base_filters.items()
    ]
    context = {
        "source": source,
        "project_count": Project.objects.published().count(),
        "example": Project.objects.published().select_related("source_document").first(),
        "project_fields": dd.outward(dd.PROJECT_FIELDS),
        "parts": parts,
        "parameters": parameters,
        "dataset_json_ld": dataset_json_ld(request),
        "package_tables": dd.TABLES,
    }
    return render(request, "pages/data.html", context)
