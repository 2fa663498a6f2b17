"""The Atom feeds of recently added or changed projects."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, path="/feeds/projects/"):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    # The XML is our own feed, produced by Django's generator; not untrusted input.
    return ET.fromstring(response.content)  # noqa: S314


def entries(root):
    return root.findall(f"{ATOM}entry")


def entry_links(root):
    return [entry.find(f"{ATOM}link").get("href") for entry in entries(root)]


def test_the_feed_parses_as_atom(client):
    root = feed(client)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text == "Busan Strategic Projects: latest changes"


def test_the_feed_has_at_least_twenty_entries(client):
    assert len(entries(feed(client))) >= 20


def test_every_entry_has_a_title_link_id_and_update_time(client):
    for entry in entries(feed(client)):
        assert entry.find(f"{ATOM}title").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/projects/")
        assert entry.find(f"{ATOM}id").text
        assert entry.find(f"{ATOM}updated").text


def test_the_most_recently_changed_project_comes_first(client):
    project = ProjectFactory(title_en="Just corrected")
    # updated_at is automatic; set it past the fixtures' time explicitly to be independent of them.
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now() + timedelta(days=1))
    first = entries(feed(client))[0]
    assert first.find(f"{ATOM}title").text == "Just corrected"


def test_an_entry_names_its_sectors_as_categories(client):
    root = feed(client, "/feeds/sectors/robotics/")
    terms = {c.get("term") for e in entries(root) for c in e.findall(f"{ATOM}category")}
    assert "Robots" in terms


def test_an_unpublished_project_is_not_in_the_feed(client):
    ProjectFactory(slug="secret-draft", is_published=False)
    assert not [link for link in entry_links(feed(client)) if "secret-draft" in link]


def test_a_sector_feed_has_only_that_sectors_projects(client):
    links = entry_links(feed(client, "/feeds/sectors/robotics/"))
    expected = Project.objects.published().in_sectors(["robotics"])
    assert sorted(links) == sorted(
        f"http://testserver{project.get_absolute_url()}" for project in expected
    )


def test_a_sector_feed_is_titled_with_the_sector(client):
    sector_feed = feed(client, "/feeds/sectors/green-energy/")
    assert sector_feed.find(f"{ATOM}title").text.endswith("in Green energy")


def test_an_unpublished_project_is_not_in_its_sectors_feed(client):
    ProjectFactory(slug="secret-draft", is_published=False)
    assert not [
        link for link in entry_links(feed(client, "/feeds/sectors/it/")) if "secret" in link
    ]


def test_an_unknown_sectors_feed_is_a_404(client):
    assert client.get("/feeds/sectors/space/").status_code == 404
