"""The Atom feeds of recently added or changed projects."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
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
    # Each entry links to its project's change log (what changed, when and why).
    assert sorted(links) == sorted(
        f"http://testserver/projects/{project.slug}/changes/" for project in expected
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


# --- Feeds as third-party tools read them ----------------------------------------------------

FEED_PATHS = [
    "/feeds/projects/",
    "/ko/feeds/projects/",
    "/feeds/sectors/it/",
    "/ko/feeds/sectors/it/",
]


@pytest.mark.parametrize("path", FEED_PATHS)
def test_feedparser_reads_every_feed_without_a_bozo_flag(client, path):
    parsed = feedparser.parse(client.get(path).content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    # The Atom rules: the feed has an id, an updated time, an author and a self link...
    assert parsed.feed.id and parsed.feed.updated
    assert parsed.feed.author
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [
        f"http://testserver{path}"
    ]
    # ...and so has every entry (its author is the feed's).
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.id and entry.updated and entry.title and entry.link


@pytest.mark.parametrize(
    ("path", "language", "title"),
    [
        ("/feeds/projects/", "en", "Busan Strategic Projects: latest changes"),
        ("/ko/feeds/projects/", "ko", "부산 전략사업: 최근 변경 사항"),
    ],
)
def test_the_korean_feed_is_in_korean(client, path, language, title):
    root = feed(client, path)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    assert root.find(f"{ATOM}title").text == title
    project = Project.objects.published().order_by("-updated_at", "slug").first()
    first = entries(root)[0]
    expected = project.title_ko if language == "ko" else project.title_en
    assert first.find(f"{ATOM}title").text == expected
    assert (
        first.find(f"{ATOM}link")
        .get("href")
        .startswith(
            "http://testserver/ko/projects/" if language == "ko" else "http://testserver/projects/"
        )
    )


def test_entries_are_plain_text_so_markup_typed_by_an_official_arrives_as_text(client):
    ProjectFactory(title_en="R&D <b>hub</b>", summary_en="<img src=x> and R&D")
    Project.objects.filter(title_en__startswith="R&D").update(
        updated_at=timezone.now() + timedelta(days=1)
    )
    response = client.get("/feeds/projects/")
    first = entries(ET.fromstring(response.content))[0]  # noqa: S314 (our own feed)
    assert first.find(f"{ATOM}summary").get("type") == "text"
    parsed = feedparser.parse(response.content)
    entry = parsed.entries[0]
    assert entry.title == "R&D <b>hub</b>"
    assert entry.summary_detail.type == "text/plain"
    assert "<img src=x> and R&D" in entry.summary


def test_each_entry_has_its_own_updated_time(client):
    older, newer = ProjectFactory(slug="older-one"), ProjectFactory(slug="newer-one")
    now = timezone.now()
    Project.objects.filter(pk=older.pk).update(updated_at=now + timedelta(days=1))
    Project.objects.filter(pk=newer.pk).update(updated_at=now + timedelta(days=2))
    parsed = feedparser.parse(client.get("/feeds/projects/").content)
    # Each entry links to its project's change log, /projects/<slug>/changes/.
    updated = {entry.link.rsplit("/", 3)[-3]: entry.updated_parsed for entry in parsed.entries}
    assert updated["newer-one"] > updated["older-one"]
    assert parsed.entries[0].link.endswith("/newer-one/changes/")


def test_an_entry_says_what_changed(client):
    project = ProjectFactory(slug="corrected", summary_en="Old words")
    project.refresh_from_db()
    project.summary_en = "New words"
    project.save()
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now() + timedelta(days=1))
    entry = feedparser.parse(client.get("/feeds/projects/").content).entries[0]
    assert entry.summary.startswith("Updated: summary (English).")
    assert "New words" in entry.summary


def test_a_new_entry_says_it_was_added(client):
    project = ProjectFactory(slug="brand-new")
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now() + timedelta(days=1))
    entry = feedparser.parse(client.get("/feeds/projects/").content).entries[0]
    assert entry.summary.startswith("Added to the portal.")


def test_the_self_link_keeps_the_query(client):
    parsed = feedparser.parse(client.get("/feeds/projects/?utm_source=mail").content)
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/feeds/projects/?utm_source=mail"]


def test_a_feed_has_an_etag_and_answers_304_when_unchanged(client):
    response = client.get("/feeds/projects/")
    etag = response["ETag"]
    again = client.get("/feeds/projects/", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_a_feed_does_not_vary_on_accept_language(client):
    response = client.get("/feeds/projects/", headers={"accept-language": "ko"})
    assert "accept-language" not in response.get("Vary", "").lower()
    assert feed_language(response) == "en"  # the path decides, not the header


def test_the_feed_takes_a_constant_number_of_queries(client, django_assert_num_queries):
    # Projects, their sectors, their latest history records.
    with django_assert_num_queries(3):
        client.get("/feeds/projects/")


def feed_language(response):
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    return root.get("{http://www.w3.org/XML/1998/namespace}lang")
