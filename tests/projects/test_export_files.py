"""The full export files and what their fingerprint covers."""

import pytest

from projects import export_files
from projects.models import Organisation, Place, Program, Strategy
from sectors.models import Sector

pytestmark = pytest.mark.django_db


def body_of(client, path, params) -> bytes:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


# --- The fingerprint: what a file was built from ------------------------------------------------


def test_renaming_a_sector_shows_in_the_full_and_the_filtered_exports(client):
    assert b"Renamed IT" not in body_of(client, "/projects/export.csv", {})  # the file built
    sector = Sector.objects.get(slug="it")
    sector.name_en = "Renamed IT"
    sector.save()
    full = body_of(client, "/projects/export.csv", {})  # rebuilt: the fingerprint moved
    filtered = body_of(client, "/projects/export.csv", {"sector": "it"})
    assert b"Renamed IT" in full
    assert b"Renamed IT" in filtered


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
