"""The full export files, their row indexes, and the filtered exports copied out of them."""

import csv
import fcntl
import io
import json
import os
import threading
import time
from array import array

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import export, export_files
from projects.models import Organisation, Place, Program, Project, Strategy
from sectors.models import Sector
from tests.factories import create_many_projects

pytestmark = pytest.mark.django_db

# Filters whose rows are a few, many, sorted, searched (ranked by relevance) and undated.
FILTERS = [
    ("", {"sector": "it"}),
    ("", {"sector": ["robotics", "green-energy"], "sort": "-budget"}),
    ("", {"year": "undated"}),
    ("", {"year": "2016", "sort": "title"}),
    ("", {"status": "not-stated", "sort": "-start"}),
    ("", {"q": "offshore"}),
    ("", {"q": "port"}),
    ("", {"sort": "updated"}),  # every project, in another order than the file's
    ("/ko", {"sector": "it"}),
    ("/ko", {"q": "해상풍력"}),
    ("/ko", {"year": "undated", "sort": "-start"}),
]


def body_of(client, path, params) -> bytes:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def build_files():
    """Every full file and its index, for the test client's address."""
    call_command("build_exports", "--base-url", "http://testserver", stdout=io.StringIO())


def rows_not_built(monkeypatch):
    """Make writing any row from the database fail: what is sent then came from a file."""

    def refuse(*args, **kwargs):
        raise AssertionError("a row was written from the database")

    monkeypatch.setattr(export, "csv_records", refuse)
    monkeypatch.setattr(export, "json_records_by_id", refuse)


@pytest.mark.parametrize("kind", ["csv", "json"])
@pytest.mark.parametrize(("prefix", "params"), FILTERS, ids=str)
def test_a_filtered_export_copied_from_the_file_is_the_one_written_from_the_database(
    client, monkeypatch, kind, prefix, params
):
    path = f"{prefix}/projects/export.{kind}"
    written = body_of(client, path, params)  # no file yet: written from the database
    build_files()
    rows_not_built(monkeypatch)
    copied = body_of(client, path, params)
    assert copied == written
    if kind == "json":
        count = json.loads(copied)["count"]
    else:
        count = len(list(csv.DictReader(io.StringIO(copied.decode("utf-8-sig")))))
    assert count > 0


def test_a_filter_that_matches_nothing_is_the_head_alone(client, monkeypatch):
    params = {"q": "nothing-matches-this-word"}
    written = {
        kind: body_of(client, f"/projects/export.{kind}", params) for kind in ("csv", "json")
    }
    build_files()
    rows_not_built(monkeypatch)
    for kind, body in written.items():
        assert body_of(client, f"/projects/export.{kind}", params) == body
    assert json.loads(written["json"])["results"] == []


def test_the_full_files_are_what_the_stream_writes_and_the_index_finds_every_row(client, rf):
    build_files()
    language, root = "en", "http://testserver/"
    path = export_files.export_path("csv", language, root)
    data = path.read_bytes()
    streamed = b"".join(export.csv_rows(export.api_projects(), rf.get("/"), language))
    assert data == streamed  # the file's bytes are the stream's, chunk by chunk
    index = export_files.RowIndex.read(export_files.index_path(path))
    assert index.size == len(data)
    slugs = dict(Project.objects.published().values_list("pk", "slug"))
    assert sorted(index.ids) == sorted(slugs)
    for project_id, offset, length in zip(index.ids, index.offsets, index.lengths, strict=True):
        line = data[offset : offset + length].decode()
        (cells,) = csv.reader(io.StringIO(line))  # one whole row, its line end included
        assert line.endswith("\r\n")
        assert cells[0] == slugs[project_id]

    json_path = export_files.export_path("json", language, root)
    document = json_path.read_bytes()
    json_index = export_files.RowIndex.read(export_files.index_path(json_path))
    for project_id, offset, length in zip(
        json_index.ids, json_index.offsets, json_index.lengths, strict=True
    ):
        assert json.loads(document[offset : offset + length])["slug"] == slugs[project_id]


def test_without_the_file_a_filtered_export_is_written_from_the_database(client, settings):
    body = body_of(client, "/projects/export.csv", {"sector": "it"})
    assert b"cloud" in body.lower()
    # A filtered export does not build the full file: that costs the whole portfolio.
    assert not settings.PORTAL_EXPORT_DIR.exists() or not any(settings.PORTAL_EXPORT_DIR.iterdir())


class BuildsInTheForeground:
    """A stand-in for ``subprocess.Popen`` that runs the background build's command at once,
    in this process (and the test's database and folder), and remembers each command."""

    commands: list[list[str]] = []

    def __init__(self, command, **options):
        self.commands.append(command)
        manage = command.index("build_exports")
        # Without --nice, which would lower the priority of the rest of the test run.
        arguments = [argument for argument in command[manage:] if argument != "--nice"]
        call_command(*arguments, stdout=io.StringIO())
        self.pid = 0

    def wait(self):
        return 0


@pytest.fixture
def background_builds(settings, monkeypatch):
    """Background builds on, run in the foreground: the list of the commands they ran."""
    settings.PORTAL_EXPORT_BUILD_IN_BACKGROUND = True
    BuildsInTheForeground.commands = []
    monkeypatch.setattr(export_files.subprocess, "Popen", BuildsInTheForeground)
    return BuildsInTheForeground.commands


@pytest.mark.parametrize(("kind", "prefix", "language"), [("csv", "", "en"), ("json", "/ko", "ko")])
def test_a_stale_file_is_built_in_the_background_once_and_the_next_exports_are_copied(
    client, monkeypatch, background_builds, kind, prefix, language
):
    path = f"{prefix}/projects/export.{kind}"
    written = body_of(client, path, {"sector": "it"})  # no file yet: written, and one build
    assert background_builds == [
        [
            background_builds[0][0],  # the interpreter
            background_builds[0][1],  # manage.py
            "build_exports",
            "--base-url",
            "http://testserver/",
            "--languages",
            language,
            "--kinds",
            kind,
            "--nice",
        ]
    ]
    assert background_builds[0][1].endswith("manage.py")
    rows_not_built(monkeypatch)
    assert body_of(client, path, {"sector": "it"}) == written
    assert body_of(client, path, {"sector": "robotics"})
    assert len(background_builds) == 1


def test_a_change_makes_the_file_stale_and_starts_one_more_build(
    client, monkeypatch, background_builds, django_capture_on_commit_callbacks
):
    body_of(client, "/projects/export.csv", {"sector": "it"})
    project = Project.objects.published().get(slug="offshore-wind-farm")
    project.title_en = "Offshore wind farm, renamed"
    with django_capture_on_commit_callbacks(execute=True):
        project.save()
    cache.clear()  # the once-a-minute guard of the first build, as a minute later
    written = body_of(client, "/projects/export.csv", {"sector": "green-energy"})
    assert b"Offshore wind farm, renamed" in written
    assert len(background_builds) == 2
    rows_not_built(monkeypatch)  # the rebuilt file has the new title
    assert body_of(client, "/projects/export.csv", {"sector": "green-energy"}) == written


def test_no_background_build_within_a_minute_of_the_last_even_for_another_address(
    client, background_builds
):
    body_of(client, "/projects/export.csv", {"sector": "it"})
    # Another site address names other files: one build a minute all the same, so that a
    # stream of requests under made-up ports cannot start a stream of builds.
    client.get("/projects/export.csv", {"sector": "it"}, HTTP_HOST="127.0.0.1:8001")
    assert len(background_builds) == 1


def test_no_background_build_while_another_build_holds_the_lock(client, background_builds):
    folder = export_files.export_path("csv", "en", "http://testserver/").parent
    folder.mkdir(parents=True)
    with open(export_files.lock_path(folder / "x.csv"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        body_of(client, "/projects/export.csv", {"sector": "it"})
    assert background_builds == []


def test_a_build_that_waited_writes_the_current_file_not_the_one_it_was_asked_for(client):
    build_files()
    current = export_files.export_path("csv", "en", "http://testserver/")
    older = current.with_name("busan-projects-en-0000000000000000.csv")
    # Another build holds the lock for a moment (flock: another open file conflicts even in
    # this process), as one that is writing the newer file.
    other = open(export_files.lock_path(current), "w")  # noqa: SIM115 (closed by the timer)
    fcntl.flock(other, fcntl.LOCK_EX)
    threading.Timer(0.2, other.close).start()
    built = export_files.ensure_built(older, lambda: pytest.fail("built again"), lambda: current)
    assert built == current and current.exists() and not older.exists()


def test_a_build_that_did_not_wait_names_its_file_without_asking_again(client):
    path = export_files.export_path("csv", "en", "http://testserver/")
    built = export_files.ensure_built(
        path, lambda: [(None, b"head\n")], lambda: pytest.fail("the fingerprint read again")
    )
    assert built == path and path.read_bytes() == b"head\n"


def test_a_killed_builds_temporary_file_is_removed_by_a_later_build(client):
    folder = export_files.export_path("csv", "en", "http://testserver/").parent
    folder.mkdir(parents=True)
    abandoned = folder / ".building-abc.csv"
    abandoned.write_bytes(b"half a file")
    fresh = folder / ".building-def.csv"  # another build, still writing
    fresh.write_bytes(b"a quarter")
    hours_ago = time.time() - 2 * export_files.ABANDONED_SECONDS
    os.utime(abandoned, (hours_ago, hours_ago))
    build_files()
    assert not abandoned.exists() and fresh.exists()


def test_no_background_build_while_one_was_started_lately(client, background_builds):
    cache.add("export-build:csv:en", 1)
    body_of(client, "/projects/export.csv", {"sector": "it"})
    assert background_builds == []


def test_no_background_build_when_switched_off(client, background_builds, settings):
    settings.PORTAL_EXPORT_BUILD_IN_BACKGROUND = False
    body_of(client, "/projects/export.csv", {"sector": "it"})
    body_of(client, "/projects/export.json", {})
    assert background_builds == []


def test_the_full_json_is_built_in_the_background_and_then_served_as_a_file(
    client, background_builds
):
    streamed = client.get("/projects/export.json")
    body = b"".join(streamed.streaming_content)
    assert [command[-2] for command in background_builds] == ["json"]
    served = client.get("/projects/export.json")
    assert served.has_header("Content-Length")
    assert b"".join(served.streaming_content) == body


def test_a_background_build_that_cannot_start_still_leaves_the_export_complete(
    client, settings, monkeypatch
):
    settings.PORTAL_EXPORT_BUILD_IN_BACKGROUND = True

    def cannot_start(*args, **kwargs):
        raise OSError("no processes left")

    monkeypatch.setattr(export_files.subprocess, "Popen", cannot_start)
    assert b"cloud" in body_of(client, "/projects/export.csv", {"sector": "it"}).lower()


def test_the_json_file_is_used_once_built_even_if_the_csv_is_not(client, monkeypatch):
    written = body_of(client, "/projects/export.json", {"sector": "it"})
    call_command(
        "build_exports",
        "--base-url",
        "http://testserver",
        "--languages",
        "en",
        stdout=io.StringIO(),
    )
    for path in export_files.export_path("csv", "en", "http://testserver/").parent.glob("*.csv*"):
        path.unlink()
    rows_not_built(monkeypatch)
    assert body_of(client, "/projects/export.json", {"sector": "it"}) == written


def index_without(path, missing_id):
    """Rewrite the index of ``path`` without the project ``missing_id`` (as if the file had
    been built without it)."""
    index = export_files.RowIndex.read(export_files.index_path(path))
    keep = [i for i, project_id in enumerate(index.ids) if project_id != missing_id]
    columns = [
        array("q", (column[i] for i in keep))
        for column in (index.ids, index.offsets, index.lengths)
    ]
    export_files.index_path(path).write_bytes(export_files.index_bytes(index.size, *columns))


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_a_project_missing_from_the_index_sends_the_whole_export_from_the_database(
    client, monkeypatch, kind
):
    params = {"sector": "it"}
    written = body_of(client, f"/projects/export.{kind}", params)
    build_files()
    path = export_files.export_path(kind, "en", "http://testserver/")
    one = Project.objects.published().in_sectors(["it"]).values_list("pk", flat=True).first()
    index_without(path, one)
    calls = []
    real = export.csv_records if kind == "csv" else export.json_records_by_id
    name = "csv_records" if kind == "csv" else "json_records_by_id"

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(export, name, counted)
    assert body_of(client, f"/projects/export.{kind}", params) == written
    assert calls == [1]  # written from the database, every row


def test_an_index_of_another_file_is_not_used(client, monkeypatch):
    params = {"sector": "it"}
    written = body_of(client, "/projects/export.csv", params)
    build_files()
    path = export_files.export_path("csv", "en", "http://testserver/")
    path.write_bytes(path.read_bytes() + b"more\r\n")  # longer than its index says
    assert export_files.copied_from_file(path, [1], b"") is None
    assert body_of(client, "/projects/export.csv", params) == written


def test_a_copy_that_fails_half_way_raises_instead_of_ending_quietly(client, monkeypatch):
    """The copy of a file cut short (by hand, say) is a broken stream, never a complete 200."""
    build_files()
    monkeypatch.setattr(export_files, "ROWS_PER_CHUNK", 1)
    response = client.get("/projects/export.csv", {"sort": "updated"})
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"\xef\xbb\xbf")
    path = export_files.export_path("csv", "en", "http://testserver/")
    with path.open("r+b") as cut:
        cut.truncate(len(export.csv_head()) + 10)
    with pytest.raises(OSError, match="shorter than its index"):
        list(chunks)


def copied_queries(client, path, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        body_of(client, path, params)
    return len(queries)


@pytest.mark.parametrize("path", ["/projects/export.csv", "/projects/export.json"])
def test_a_copied_export_takes_the_same_few_queries_however_many_rows(client, monkeypatch, path):
    """The filter's ids and the fingerprint (three queries: the published projects' count, their
    last change, the quoted tables), whatever the number of rows; no query per chunk."""
    create_many_projects(75)
    build_files()
    rows_not_built(monkeypatch)
    every = copied_queries(client, path, sort="title")  # 100 rows
    assert every == 1 + 3  # the ids, the fingerprint
    monkeypatch.setattr(export_files, "ROWS_PER_CHUNK", 7)
    assert copied_queries(client, path, sort="title") == every
    # One more to read the sector of the filter, whatever it matches.
    assert copied_queries(client, path, sector="it") == every + 1
    assert copied_queries(client, path, sector="robotics") == every + 1


# --- The fingerprint: what a file was built from ------------------------------------------------


def test_renaming_a_sector_shows_in_the_full_and_the_filtered_exports(client, monkeypatch):
    build_files()
    assert b"Renamed IT" not in body_of(client, "/projects/export.csv", {})
    sector = Sector.objects.get(slug="it")
    sector.name_en = "Renamed IT"
    sector.save()
    full = body_of(client, "/projects/export.csv", {})  # rebuilt: the fingerprint moved
    filtered = body_of(client, "/projects/export.csv", {"sector": "it"})
    assert b"Renamed IT" in full
    assert b"Renamed IT" in filtered
    # The filtered export came from the rebuilt file, not the one before the change.
    rows_not_built(monkeypatch)
    assert body_of(client, "/projects/export.csv", {"sector": "it"}) == filtered


QUOTED = [
    (Sector, "it", "name_ko"),
    (Program, None, "title_en"),
    (Strategy, None, "title_ko"),
    (Place, None, "name_en"),
    (Organisation, None, "name_ko"),
]


@pytest.mark.parametrize(("model", "slug", "field"), QUOTED, ids=lambda value: str(value))
def test_renaming_what_a_row_quotes_moves_the_fingerprint(model, slug, field):
    before = export_files.fingerprint("en", "http://testserver/")
    thing = model.objects.get(slug=slug) if slug else model.objects.first()
    setattr(thing, field, getattr(thing, field) + " (renamed)")
    thing.save()
    assert export_files.fingerprint("en", "http://testserver/") != before


def test_the_fingerprint_stays_while_nothing_changes():
    first = export_files.fingerprint("en", "http://testserver/")
    assert export_files.fingerprint("en", "http://testserver/") == first
    assert export_files.fingerprint("ko", "http://testserver/") != first


def test_an_old_files_index_goes_with_it_and_the_other_kind_stays(client, settings):
    build_files()
    names = sorted(p.name for p in settings.PORTAL_EXPORT_DIR.glob("busan-projects-*"))
    assert len(names) == 8  # csv, json and their indexes, in both languages
    sector = Sector.objects.get(slug="it")
    sector.name_en = "Renamed IT"
    sector.save()
    body_of(client, "/projects/export.csv", {})  # the English CSV rebuilt
    after = sorted(p.name for p in settings.PORTAL_EXPORT_DIR.glob("busan-projects-*"))
    english_csv = [n for n in after if n.startswith("busan-projects-en-") and ".csv" in n]
    assert len(english_csv) == 2  # the new file and its index, the old pair removed
    assert english_csv[0].split(".")[0] == english_csv[1].split(".")[0]
    # The JSON (of the older fingerprint) and the Korean files are another export's.
    assert len(after) == 8
