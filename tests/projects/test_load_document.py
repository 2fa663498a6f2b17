"""Loading the document never overwrites the city's edits (projects/document.py)."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from projects.document import DOCUMENT_LOADED, DOCUMENT_UPDATED
from projects.models import Budget, Phase, Place, Project, Quantity
from sectors.models import Sector
from tests.projects.test_admin import change_title

pytestmark = pytest.mark.django_db

EDITED_SLUG = "radiological-medical-sciences-complex"
UNTOUCHED_SLUG = "export-research-reactor"
DOCUMENT = Path(settings.FIXTURE_DIRS[0]) / "busan.json"


def load(*args):
    out = io.StringIO()
    call_command("load_document", *args, stdout=out)
    return out.getvalue()


def revised_document(tmp_path, change):
    """A copy of the document with ``change(rows)`` applied, as a fixture path."""
    rows = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    change(rows)
    path = tmp_path / "revised.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return str(path)


def project_row(rows, slug):
    return next(r for r in rows if r["model"] == "projects.project" and r["fields"]["slug"] == slug)


def test_an_edited_project_keeps_its_edit_and_the_load_says_so(editor_client):
    project = Project.objects.get(slug=EDITED_SLUG)
    change_title(editor_client, project, "Radiation medicine complex")

    output = load()

    project.refresh_from_db()
    assert project.title_en == "Radiation medicine complex"
    assert f"projects.project {EDITED_SLUG}: changed by official" in output
    assert "(title_en); kept as it is" in output
    assert "1 left alone" in output


def test_loading_twice_after_an_edit_keeps_the_edit(editor_client):
    # `make run` twice in a row: each runs the load.
    project = Project.objects.get(slug=EDITED_SLUG)
    change_title(editor_client, project, "Radiation medicine complex")
    load()
    load()
    assert Project.objects.get(pk=project.pk).title_en == "Radiation medicine complex"


def test_plain_loaddata_refuses_to_overwrite_an_edit(editor_client):
    project = Project.objects.get(slug=EDITED_SLUG)
    change_title(editor_client, project, "Radiation medicine complex")
    with pytest.raises(Exception, match="load_document"):
        call_command("loaddata", "busan", verbosity=0)
    assert Project.objects.get(pk=project.pk).title_en == "Radiation medicine complex"


def test_loading_an_unedited_database_changes_nothing():
    models = [Sector, Project, Phase, Budget, Quantity]
    before = {model: list(model.objects.order_by("pk").values()) for model in models}
    output = load()
    assert "0 rows inserted, 0 updated from the revised document, 69 unchanged" in output
    assert {model: list(model.objects.order_by("pk").values()) for model in models} == before


def test_rows_without_history_get_their_first_version_at_the_load():
    project = Project.objects.get(slug=UNTOUCHED_SLUG)
    assert not project.history.exists()
    before = timezone.now()
    load()
    first = project.history.get()
    assert first.history_change_reason == DOCUMENT_LOADED
    assert first.history_date >= before
    assert first.history_user is None


def test_a_missing_row_is_inserted_with_its_first_version_dated_now(tmp_path):
    def add_project(rows):
        row = json.loads(json.dumps(project_row(rows, UNTOUCHED_SLUG)))
        row["fields"]["slug"] = "tidal-energy-test-bed"
        rows.append(row)

    before = timezone.now()
    output = load(revised_document(tmp_path, add_project))
    project = Project.objects.get(slug="tidal-energy-test-bed")
    assert "1 rows inserted" in output
    assert project.version == 1
    first = project.history.get()
    assert (first.history_change_reason, first.version) == (DOCUMENT_LOADED, 1)
    assert first.history_date >= before


def test_a_place_deleted_by_accident_is_restored():
    # Places have no history, so nothing tells an official's deletion from an accident: the
    # document's row comes back. (Quantities are versioned since the change log, issue 14:
    # their deletion is recorded and kept, like a phase's below.)
    place = Place.objects.first()
    natural_key = place.natural_key()
    place.delete()
    load()
    assert Place.objects.get_by_natural_key(*natural_key)


def test_a_phase_an_official_deleted_is_not_restored(editor_client):
    phase = Phase.objects.select_related("project").first()
    project_slug, key = phase.project.slug, phase.key
    phase.delete()
    output = load()
    assert not Phase.objects.filter(project__slug=project_slug, key=key).exists()
    assert f"projects.phase {project_slug}/{key}: deleted by" in output


def test_a_revised_document_updates_rows_no_official_has_touched(tmp_path, editor_client):
    edited = Project.objects.get(slug=EDITED_SLUG)
    change_title(editor_client, edited, "Radiation medicine complex")
    load()  # the untouched row gets its first version from the document

    def revise(rows):
        project_row(rows, UNTOUCHED_SLUG)["fields"]["title_en"] = "Revised title"
        project_row(rows, EDITED_SLUG)["fields"]["title_en"] = "Revised too"

    output = load(revised_document(tmp_path, revise))

    untouched = Project.objects.get(slug=UNTOUCHED_SLUG)
    assert untouched.title_en == "Revised title"
    assert untouched.history.latest().history_change_reason == DOCUMENT_UPDATED
    assert Project.objects.get(slug=EDITED_SLUG).title_en == "Radiation medicine complex"
    assert f"projects.project {UNTOUCHED_SLUG} (title_en)" not in output  # shown with -v2
    assert "1 updated from the revised document" in output


def test_an_unknown_fixture_is_a_clear_error():
    with pytest.raises(CommandError, match="No fixture named 'nothing'"):
        load("nothing")
