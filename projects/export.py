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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps

from django.conf import settings
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
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from busanportal.i18n import active_content_language
from busanportal.middleware import connect_before_streaming
from projects import datadictionary as dd
from projects import export_files
from projects.api import api_projects
from projects.filters import ProjectFilterSet
from projects.linkeddata import dataset_json_ld
from projects.models import Budget, Phase, Project, ProjectStatus, SourceDocument, phase_when
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


def csv_records(queryset, permalink, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    """One dict per project of ``queryset`` (in its order), keyed by CSV field name, read with
    ``values()`` queries: the ids in one narrow query, then per chunk of ids one query for the
    project columns and one per related list, so no model instance is built (issue 19: the
    ORM's instances and prefetches cost 4 of the 4.5 s of 10,000 rows)."""
    from projects.models import Phase

    through = Project.sectors.through
    status_labels = {value: str(label) for value, label in ProjectStatus.choices}
    columns = project_columns()
    names = list(columns)
    ids = list(queryset.values_list("pk", flat=True))
    for first in range(0, len(ids), chunk_size):
        chunk = ids[first : first + chunk_size]
        projects = {
            row[0]: dict(zip(names, row, strict=True))
            for row in Project.objects.filter(pk__in=chunk).values_list(*columns.values())
        }
        sectors = grouped(
            (project_id, (slug, en, ko))
            for project_id, slug, en, ko in through.objects.filter(project__in=chunk)
            .order_by("sector__position", "sector__slug")
            .values_list("project_id", "sector__slug", "sector__name_en", "sector__name_ko")
        )
        related = grouped(
            Project.related.through.objects.filter(
                from_project__in=chunk, to_project__in=Project.objects.published()
            )
            .order_by("to_project__position", "to_project__slug")
            .values_list("from_project_id", "to_project__slug")
        )
        phases = grouped(
            (row[0], row[1:])
            for row in Phase.objects.filter(project__in=chunk)
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
        )
        places = named(Project.places.through, "place", chunk)
        organisations = named(Project.organisations.through, "organisation", chunk)
        for project_id in chunk:
            record = projects.get(project_id)
            if record is None:  # deleted since the ids were read
                continue
            start, end = record["span_start"], record["span_end"]
            project_sectors = sectors.get(project_id, ())
            record.update(
                url=permalink(record["slug"]),
                sectors=joined(slug for slug, _en, _ko in project_sectors),
                # Readable names beside the codes, in the language of the export.
                sector_names=joined(in_language(en, ko) for _slug, en, ko in project_sectors),
                primary_sector_name=in_language(
                    record["primary_sector_name_en"], record["primary_sector_name_ko"]
                ),
                program_title=in_language(record["program_title_en"], record["program_title_ko"]),
                goal_title=in_language(record["goal_title_en"], record["goal_title_ko"]),
                status_label=status_labels.get(record["status"], record["status"]),
                related=joined(related.get(project_id, ())),
                start_year=start,
                # An open-ended project has no end year (its span_end is its latest start).
                end_year=None if record["span_open_ended"] else end,
                phases=joined(phase_cell(*phase) for phase in phases.get(project_id, ())),
                places=joined(places.get(project_id, ())),
                organisations=joined(organisations.get(project_id, ())),
            )
            yield record


def phase_cell(name_en, name_ko, kind, *dates) -> str:
    """E.g. "Construction (2011–2016)", with the actual dates once reported:
    "Construction (2011–2016; actual 2012–)"."""
    planned = phase_when(kind, *dates[:4])
    name = phase_name(name_en, name_ko)
    if dates[4] is None:
        return f"{name} ({planned})"
    return f"{name} ({planned}; {_('actual')} {phase_when(kind, *dates[4:])})"


def in_language(english, korean):
    """The Korean text in a Korean export when there is one, else the English (None stays)."""
    return (korean or english) if active_content_language() == "ko" else english


def phase_name(name_en: str, name_ko: str) -> str:
    return in_language(name_en, name_ko)


def named(through, name: str, chunk) -> dict[int, list]:
    """Place or organisation names per project, in the language of the export."""
    rows = (
        through.objects.filter(project__in=chunk)
        .order_by(f"{name}__name_en")
        .values_list("project_id", f"{name}__name_en", f"{name}__name_ko")
    )
    korean = active_content_language() == "ko"
    return grouped((project_id, (ko or en) if korean else en) for project_id, en, ko in rows)


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


def csv_cell(value) -> object:
    """Empty for a fact not stated; integers as digits; text made safe for spreadsheets."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_iso(value)
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
        path = export_files.ensure_built(
            export_files.export_path("csv", language, site_root(request)),
            lambda: csv_rows(filterset.qs, request, language),
        )
        response = FileResponse(path.open("rb"), content_type="text/csv; charset=utf-8")
        return attachment(response, filterset, "csv")
    # A filtered export is streamed; should it fail half way, the exception ends the response
    # without its last chunk, so the client sees an incomplete transfer, never a complete 200.
    rows = csv_rows(filterset.qs, request, language)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    return attachment(response, filterset, "csv")


def site_root(request) -> str:
    """The address every permalink of an export starts with (part of its file's fingerprint)."""
    return request.build_absolute_uri("/")


def csv_rows(queryset, request, language) -> Iterator[bytes]:
    # The body is produced after the view has returned, so the language is pinned here.
    with translation.override(language):
        writer = csv.writer(LineBuffer())
        columns = csv_columns()
        yield codecs.BOM_UTF8
        yield writer.writerow([column.header() for column in columns]).encode()
        names = [column.name for column in columns]
        lines = []
        for record in csv_records(queryset, permalink_builder(request)):
            lines.append(writer.writerow([csv_cell(record[name]) for name in names]))
            if len(lines) == CHUNK_SIZE:  # one write to the socket per chunk, not per row
                yield "".join(lines).encode()
                lines = []
        yield "".join(lines).encode()


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
        # Built by `manage.py build_exports` (too slow to build in a request at 100,000
        # projects); streamed until it is there.
        path = export_files.export_path("json", language, site_root(request))
        if path.exists():
            response = FileResponse(path.open("rb"), content_type="application/json")
            return attachment(response, filterset, "json")
    body = json_chunks(filterset.qs, request, language)
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
