"""The whole published portfolio as a Frictionless Data Package and as an SQLite offline copy.

``/data/datapackage.json`` describes one CSV file per table (``/data/projects.csv``,
``/data/phases.csv``, …) with a Table Schema each, generated from the data dictionary's tables
(``projects.datadictionary.TABLES``: types, required fields, enumerations, primary and foreign
keys, English and Korean titles), the licence with its attribution rule, and the source
document. ``/data/busan-portal.zip`` is the same package in one file. The tables hold published
data only, and are language-neutral (English and Korean columns side by side).

``/data/busan-portal.sqlite3`` holds the same tables in SQLite, with a Datasette
``metadata.json`` (``/data/busan-portal.metadata.json``) giving titles, the licence, the source
and a description of every column, so that ``datasette busan-portal.sqlite3 -m
busan-portal.metadata.json`` gives facets and SQL on the same data. The file is built by
``manage.py build_offline_copy`` and again, once, by the first request after the content
version (``busanportal.cache``) has moved on: never on every request.

To add a table: add its ``Table`` to the dictionary and its
rows function to ``ROWS`` below; the package, the zip, the SQLite copy and the metadata follow.
"""

import csv
import fcntl
import io
import json
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from busanportal.cache import current_content_version
from projects import datadictionary as dd
from projects.changelog import build_entries, change_rows
from projects.export import api_rate_limit, csv_records, local_iso
from projects.linkeddata import (
    DATASET_DESCRIPTION,
    DATASET_TITLE,
    KOGL_NAME,
    KOGL_RULE,
    KOGL_TYPE_1,
    publisher_name,
    source_document,
)
from projects.models import (
    Budget,
    Organisation,
    Phase,
    Place,
    ProgressUpdate,
    Project,
    Quantity,
    SourceDocument,
)
from projects.selectors import programs_with_project_counts, sectors_with_project_counts
from projects.serializers import permalink_builder

PACKAGE_NAME = "busan-strategic-projects"
SNAPSHOT_NAME = "busan-portal"
CHUNK_SIZE = 500
TABLES = {table.name: table for table in dd.TABLES}


# --- The rows of each table ---------------------------------------------------------------


def published_projects():
    return Project.objects.published()


def project_rows(request) -> Iterator[dict]:
    """The projects table: each field read as the CSV export reads it."""
    permalink = permalink_builder(request)
    fields = TABLES["projects"].fields
    for record in csv_records(published_projects(), permalink):
        yield {f.name: record.get(f.name) for f in fields}


def link_rows(relation: str, column: str) -> Callable:
    """Rows of a project-to-thing table (project_sectors, …): one per published link."""

    def rows(request) -> Iterator[dict]:
        through = getattr(Project, relation).through
        links = (
            through.objects.filter(project__in=published_projects())
            .order_by("project__slug", f"{column}__slug")
            .values_list("project__slug", f"{column}__slug")
        )
        for project, other in links.iterator(chunk_size=CHUNK_SIZE):
            yield {"project": project, column: other}

    return rows


def part_rows(model, table: str) -> Callable:
    """Rows of a table of project parts (phases, budgets, quantities) of published projects."""

    def rows(request) -> Iterator[dict]:
        names = [f.name for f in TABLES[table].fields]
        parts = (
            model.objects.filter(project__in=published_projects())
            .select_related("project")
            .order_by("project__slug", "key")
        )
        for part in parts.iterator(chunk_size=CHUNK_SIZE):
            yield {
                name: part.project.slug if name == "project" else getattr(part, name)
                for name in names
            }

    return rows


def progress_report_rows(request) -> Iterator[dict]:
    """Published reports of published projects; never who entered them."""
    names = [f.name for f in TABLES["progress_reports"].fields]
    reports = (
        ProgressUpdate.objects.published()
        .filter(project__in=published_projects())
        .select_related("project")
        .order_by("project__slug", "as_of", "id")
    )
    for report in reports.iterator(chunk_size=CHUNK_SIZE):
        yield {
            name: report.project.slug if name == "project" else getattr(report, name)
            for name in names
        }


def change_log_rows(request) -> Iterator[dict]:
    """The public change log as /changes/ shows it (newest first); never the official's name."""
    rows = list(change_rows(published_projects()))
    for start in range(0, len(rows), CHUNK_SIZE):
        for entry in build_entries(rows[start : start + CHUNK_SIZE]):
            yield {
                "id": entry.anchor,
                "when": entry.when,
                "project": entry.project.slug,
                "kind": entry.kind or "",
                "change": entry.summary,
                "reason": entry.reason,
                "source": entry.source,
            }


def sector_rows(request) -> Iterator[dict]:
    for sector in sectors_with_project_counts():
        yield {
            "slug": sector.slug,
            "name_en": sector.name_en,
            "name_ko": sector.name_ko,
            "description_en": sector.description_en,
            "description_ko": sector.description_ko,
            "project_count": sector.project_count,
            "url": request.build_absolute_uri(sector.get_absolute_url()),
        }


def goal_rows(request) -> Iterator[dict]:
    goals = {}
    for program in programs_with_project_counts():
        goals.setdefault(program.strategy.slug, program.strategy)
    for slug, goal in goals.items():
        yield {"slug": slug, "goal_title_en": goal.title_en, "goal_title_ko": goal.title_ko}


def program_rows(request) -> Iterator[dict]:
    for program in programs_with_project_counts():
        yield {
            "slug": program.slug,
            "title_en": program.title_en,
            "title_ko": program.title_ko,
            "goal": program.strategy.slug,
            "project_count": program.project_count,
        }


def named_rows(model) -> Callable:
    """Places or organisations that published projects name (the others are not public)."""

    def rows(request) -> Iterator[dict]:
        named = model.objects.filter(projects__in=published_projects()).distinct()
        for item in named.order_by("slug"):
            yield {"slug": item.slug, "name_en": item.name_en, "name_ko": item.name_ko}

    return rows


def document_rows(request) -> Iterator[dict]:
    names = [f.name for f in TABLES["documents"].fields]
    for document in SourceDocument.objects.order_by("slug"):
        yield {name: getattr(document, name) for name in names}


# The order of the package's resources: the projects first, the look-up tables last.
ROWS: dict[str, Callable[..., Iterator[dict]]] = {
    "projects": project_rows,
    "project_sectors": link_rows("sectors", "sector"),
    "project_places": link_rows("places", "place"),
    "project_organisations": link_rows("organisations", "organisation"),
    "phases": part_rows(Phase, "phases"),
    "budgets": part_rows(Budget, "budgets"),
    "quantities": part_rows(Quantity, "quantities"),
    "progress_reports": progress_report_rows,
    "changes": change_log_rows,
    "sectors": sector_rows,
    "goals": goal_rows,
    "programs": program_rows,
    "places": named_rows(Place),
    "organisations": named_rows(Organisation),
    "documents": document_rows,
}


def table_rows(name: str, request) -> Iterator[dict]:
    """The rows of the table ``name``, language-neutral (English page addresses)."""
    with translation.override("en"):
        yield from ROWS[name](request)


# --- The package descriptor and its files -------------------------------------------------


def csv_value(value) -> object:
    """A cell as the Table Schema reads it: empty for null, ISO 8601 for a time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_iso(value)
    return value


def table_csv(name: str, request) -> Iterator[str]:
    """The table as CSV lines (UTF-8 text; the header row is the field names)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [f.name for f in TABLES[name].fields]
    writer.writerow(names)
    for row in table_rows(name, request):
        writer.writerow([csv_value(row[n]) for n in names])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def table_schema(table: dd.Table) -> dict:
    schema = {
        "fields": [dd.table_schema_field(entry) for entry in table.fields],
        "primaryKey": list(table.primary_key),
        # Empty cells are nulls: the source does not state the fact.
        "missingValues": [""],
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": target, "fields": [target_field]}}
            for column, target, target_field in table.foreign_keys
        ]
    return schema


def descriptor(request) -> dict:
    """The datapackage.json of the published data."""
    source = source_document()
    with translation.override("en"):
        title, description = str(DATASET_TITLE), str(DATASET_DESCRIPTION)
        data_url = request.build_absolute_uri(reverse("projects:data"))
    with translation.override("ko"):
        title_ko = str(DATASET_TITLE)
    sources = []
    if source:
        plan = {"title": source.title_en}
        if source.url:
            plan["path"] = source.url
        sources.append(plan)
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": title,
        "title_ko": title_ko,
        "description": description,
        "homepage": data_url,
        "created": timezone.now().isoformat(timespec="seconds"),
        "languages": ["en", "ko"],
        "keywords": ["Busan", "부산", "strategic industry", "public projects"],
        "licenses": [{"name": "KOGL-Type1", "path": KOGL_TYPE_1, "title": KOGL_NAME}],
        # Frictionless has no property for the attribution rule; it goes alongside the licence.
        "attribution": str(KOGL_RULE),
        "sources": sources,
        "contributors": [{"title": publisher_name(source), "role": "author"}],
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "title": str(table.title),
                "title_ko": table.title_ko,
                "description": str(table.description),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(table),
            }
            for name in ROWS
            for table in [TABLES[name]]
        ],
    }


def package_zip(request) -> bytes:
    """The package in one file: datapackage.json and every CSV, paths as in the descriptor."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json", json.dumps(descriptor(request), ensure_ascii=False, indent=2)
        )
        for name in ROWS:
            archive.writestr(f"{name}.csv", "".join(table_csv(name, request)))
    return output.getvalue()


# --- The SQLite offline copy and its Datasette metadata ----------------------------------

SQL_TYPES = {"integer": "INTEGER"}  # anything else is TEXT


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: dd.Table) -> str:
    columns = []
    for entry in table.fields:
        spec = dd.table_schema_field(entry)
        required = spec.get("constraints", {}).get("required")
        column = f"{quoted(entry.name)} {SQL_TYPES.get(spec['type'], 'TEXT')}"
        columns.append(column + (" NOT NULL" if required else ""))
    columns.append(f"PRIMARY KEY ({', '.join(quoted(n) for n in table.primary_key)})")
    for column, target, target_field in table.foreign_keys:
        columns.append(
            f"FOREIGN KEY ({quoted(column)}) REFERENCES {quoted(target)} ({quoted(target_field)})"
        )
    return f"CREATE TABLE {quoted(table.name)} (\n  " + ",\n  ".join(columns) + "\n)"


def sqlite_value(value):
    if isinstance(value, datetime):
        return local_iso(value)
    return value


def datasette_metadata(request) -> dict:
    """Datasette's metadata.json: titles, licence, source and every column's description."""
    source = source_document()
    tables = {}
    for name in ROWS:
        table = TABLES[name]
        entry = {
            "title": f"{table.title} ({table.title_ko})",
            "description": str(table.description),
            "columns": {f.name: str(f.meaning) for f in table.fields},
        }
        # Facets a reader wants first: what each table is usually counted by.
        facets = [f.name for f in table.fields if f.choices or f.name in FACET_COLUMNS]
        if facets:
            entry["facets"] = facets
        tables[name] = entry
    metadata = {
        "title": str(DATASET_TITLE),
        "description": str(DATASET_DESCRIPTION),
        "license": KOGL_NAME,
        "license_url": KOGL_TYPE_1,
        "source": source.title_en if source else "",
        "about": "Busan Strategic Projects Portal",
        "about_url": request.build_absolute_uri(reverse("projects:data")),
        "databases": {SNAPSHOT_NAME: {"tables": tables}},
    }
    if source and source.url:
        metadata["source_url"] = source.url
    return metadata


FACET_COLUMNS = {"primary_sector", "program", "goal", "sector", "place", "organisation"}


def write_sqlite(path: Path, request):
    """Write every table into a new SQLite file at ``path``."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            for name in ROWS:
                table = TABLES[name]
                connection.execute(create_table_sql(table))
                names = [f.name for f in table.fields]
                placeholders = ", ".join("?" for _ in names)
                # Table names come from the data dictionary, never from a request.
                statement = f"INSERT INTO {quoted(name)} VALUES ({placeholders})"  # noqa: S608
                connection.executemany(
                    statement,
                    ([sqlite_value(row[n]) for n in names] for row in table_rows(name, request)),
                )
    finally:
        connection.close()


def snapshot_directory() -> Path:
    return Path(settings.PORTAL_DATA_DIR)


def snapshot_paths(directory: Path | None = None) -> dict[str, Path]:
    directory = directory or snapshot_directory()
    return {
        "sqlite": directory / f"{SNAPSHOT_NAME}.sqlite3",
        "metadata": directory / f"{SNAPSHOT_NAME}.metadata.json",
        "version": directory / f"{SNAPSHOT_NAME}.version",
        "lock": directory / f"{SNAPSHOT_NAME}.lock",
    }


def build_offline_copy(request, directory: Path | None = None, version: float | None = None):
    """Build the SQLite file and its metadata in ``directory`` (the configured one by default),
    replacing the previous ones only once complete, so a download never gets half a file."""
    paths = snapshot_paths(directory)
    paths["sqlite"].parent.mkdir(parents=True, exist_ok=True)
    partial = paths["sqlite"].with_suffix(".partial")
    partial.unlink(missing_ok=True)
    write_sqlite(partial, request)
    metadata = json.dumps(datasette_metadata(request), ensure_ascii=False, indent=2)
    paths["metadata"].write_text(metadata, encoding="utf-8")
    partial.replace(paths["sqlite"])
    paths["version"].write_text(repr(version if version is not None else 0.0))
    return paths


@contextmanager
def exclusive(lock_path: Path):
    """One builder at a time across the processes of a host."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def built_version(paths) -> str | None:
    try:
        return paths["version"].read_text()
    except FileNotFoundError:
        return None


def fresh_offline_copy(request) -> dict[str, Path]:
    """The offline copy, rebuilt first if the content has changed since it was built."""
    paths = snapshot_paths()
    version = current_content_version()
    if built_version(paths) == repr(version) and paths["sqlite"].exists():
        return paths
    with exclusive(paths["lock"]):
        if built_version(paths) != repr(version) or not paths["sqlite"].exists():
            build_offline_copy(request, version=version)
    return paths


# --- Views --------------------------------------------------------------------------------


@require_safe
def datapackage_json(request):
    """/data/datapackage.json"""
    return JsonResponse(descriptor(request), json_dumps_params={"ensure_ascii": False, "indent": 2})


@require_safe
@api_rate_limit
def table_file(request, name):
    """/data/<table>.csv: one table of the package."""
    if name not in ROWS:
        raise Http404("No such table")
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in table_csv(name, request)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_safe
@api_rate_limit
def package_archive(request):
    """/data/busan-portal.zip: the whole package in one file."""
    # A file response (streamed), so that the page cache never answers for the rate limit.
    return FileResponse(
        io.BytesIO(package_zip(request)),
        as_attachment=True,
        filename=f"{SNAPSHOT_NAME}.zip",
        content_type="application/zip",
    )


@require_safe
@api_rate_limit
def offline_copy(request):
    """/data/busan-portal.sqlite3"""
    path = fresh_offline_copy(request)["sqlite"]
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=path.name,
        content_type="application/vnd.sqlite3",
    )


@require_safe
def offline_copy_metadata(request):
    """/data/busan-portal.metadata.json: Datasette's metadata for the offline copy."""
    path = fresh_offline_copy(request)["metadata"]
    return FileResponse(path.open("rb"), content_type="application/json")
