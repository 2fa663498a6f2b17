"""Taking the data away: the CSV, XLSX and JSON exports of a filtered view, and the /data/ page.

The exports take the same query parameters as /projects/ (``ProjectFilterSet``) and stream the
matching published projects in chunks, so ten thousand projects never sit in memory at once.
The CSV starts with a UTF-8 byte-order mark: without it, Excel on a Korean Windows PC reads the
file in the legacy code page and the Korean text turns to mojibake. The XLSX holds the same
columns as typed cells (numbers, dates), written with openpyxl's write-only mode, which keeps one
row in memory at a time. Every export counts against the API's rate limit.
"""

import codecs
import csv
import json
import math
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.http import FileResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from busanportal.i18n import active_content_language
from busanportal.middleware import connect_before_streaming
from projects import datadictionary as dd
from projects.api import api_projects
from projects.filters import ProjectFilterSet
from projects.linkeddata import dataset_json_ld
from projects.models import Budget, Phase, Project, SourceDocument, Span
from projects.serializers import ProjectSerializer, permalink_builder

# Rows fetched per database round trip; the prefetches run once per chunk.
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


def joined(items) -> str:
    return LIST_SEPARATOR.join(str(item) for item in items)


def local_iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


class Row(NamedTuple):
    """One project and what its columns derive from it, worked out once per row."""

    project: Project
    span: Span | None
    url: str


def names(items) -> str:
    return joined(item.name for item in items)


def iso_date(value) -> str | None:
    return value.isoformat() if value else None


def phase_cell(phase) -> str:
    """E.g. "Construction (2011–2016)", with the actual dates once reported:
    "Construction (2011–2016; actual 2012–)"."""
    if not phase.has_actual_dates:
        return f"{phase.name} ({phase.when})"
    return f"{phase.name} ({phase.when}; {_('actual')} {phase.actual_when})"


# How the CSV reads the fields that are not a plain attribute of the project; any other CSV field
# of the data dictionary is read as the project's attribute of its name. The related lists are
# the prefetches of ``projects.api.api_projects``.
CSV_READERS: dict[str, Callable[[Row], object]] = {
    "url": lambda r: r.url,
    "sectors": lambda r: joined(s.slug for s in r.project.sector_list),
    # Readable names beside the codes, in the language of the request.
    "sector_names": lambda r: joined(s.name for s in r.project.sector_list),
    "primary_sector_name": lambda r: r.project.primary_sector.name,
    "program_title": lambda r: r.project.program.title if r.project.program else None,
    "goal_title": lambda r: r.project.program.strategy.title if r.project.program else None,
    "status_label": lambda r: r.project.get_current_status_display(),
    "primary_sector": lambda r: r.project.primary_sector.slug,
    "program": lambda r: r.project.program.slug if r.project.program else None,
    "goal": lambda r: r.project.program.strategy.slug if r.project.program else None,
    "start_year": lambda r: r.span.start if r.span else None,
    "end_year": lambda r: r.span.end if r.span else None,
    "status": lambda r: r.project.current_status,
    "status_as_of": lambda r: iso_date(r.project.status_as_of),
    "phases": lambda r: joined(phase_cell(phase) for phase in r.project.phases.all()),
    "budget_total_krw": lambda r: r.project.budget_total,
    "places": lambda r: names(r.project.place_list),
    "organisations": lambda r: names(r.project.organisation_list),
    "related": lambda r: joined(project.slug for project in r.project.related_list),
    "updated_at": lambda r: r.project.updated_at,  # a datetime: csv_cell and xlsx_cell format it
}


def attribute_reader(name: str) -> Callable[[Row], object]:
    return lambda row: getattr(row.project, name)


@dataclass(frozen=True)
class Column:
    """A CSV column: its data dictionary entry and how to read its value."""

    field: dd.DataField
    value: Callable[[Row], object]

    @property
    def name(self) -> str:
        return self.field.name

    def header(self) -> str:
        return self.field.header_ko if active_content_language() == "ko" else self.field.name


def csv_columns() -> list[Column]:
    """The CSV columns: the data dictionary's CSV fields, in its order, with its headers."""
    return [
        Column(field, CSV_READERS.get(field.name) or attribute_reader(field.name))
        for field in dd.PROJECT_FIELDS
        if field.in_csv
    ]


def csv_cell(value) -> object:
    """Empty for a fact not stated; integers as digits; text made safe for spreadsheets."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_iso(value)
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
    of the API. Over the limit: 429 with ``Retry-After``, like the API."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        waits = []
        for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
            throttle = throttle_class()
            if not throttle.allow_request(request, None):
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
    rows = csv_rows(filterset.qs, request, translation.get_language())
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    return attachment(response, filterset, "csv")


def csv_rows(queryset, request, language) -> Iterator[bytes]:
    # The body is produced after the view has returned, so the language is pinned here.
    with translation.override(language):
        writer = csv.writer(LineBuffer())
        columns = csv_columns()
        yield codecs.BOM_UTF8
        yield writer.writerow([column.header() for column in columns]).encode()
        permalink = permalink_builder(request)
        for project in queryset.iterator(chunk_size=CHUNK_SIZE):
            row = Row(project, project.span, permalink(project.slug))
            yield writer.writerow([csv_cell(column.value(row)) for column in columns]).encode()


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
    body = json_chunks(filterset.qs, request, translation.get_language())
    response = StreamingHttpResponse(body, content_type="application/json")
    return attachment(response, filterset, "json")


# Spreadsheet number formats: amounts with thousands separators, years as plain digits.
AMOUNT_FORMAT = "#,##0"
INTEGER_FORMAT = "0"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
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
    nothing an official typed can run as a formula."""
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: the local (Seoul) time, as the site shows it.
        value = timezone.localtime(value).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, int):
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
        [column.value(Row(project, project.span, permalink(project.slug))) for column in columns]
        for project in filterset.qs.iterator(chunk_size=CHUNK_SIZE)
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


def json_chunks(queryset, request, language) -> Iterator[bytes]:
    with translation.override(language):
        serializer = ProjectSerializer(context={"request": request})
        yield b'{"count": %d, "next": null, "previous": null, "results": [' % queryset.count()
        for index, project in enumerate(queryset.iterator(chunk_size=CHUNK_SIZE)):
            item = json.dumps(
                serializer.to_representation(project), cls=JSONEncoder, ensure_ascii=False
            )
            yield ((", " if index else "") + item).encode()
        yield b"]}"


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
