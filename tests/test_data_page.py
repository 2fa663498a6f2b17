"""The /data/ page: source, data dictionary, licence, citation and downloads."""

import re
from html import escape
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from projects import datadictionary as dd
from projects.export import csv_columns
from projects.models import Project
from projects.serializers import ProjectSerializer

pytestmark = pytest.mark.django_db


class TableReader(HTMLParser):
    """Reads the row headers (<th scope="row">) of each table, keyed by the table's caption."""

    def __init__(self):
        super().__init__()
        self.tables = {}
        self.links = []
        self._caption = None
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "caption":
            self._in, self._caption = "caption", ""
        elif tag == "th" and attrs.get("scope") == "row":
            self._in = "row"
            self.tables[self._caption].append("")
        elif tag == "a":
            self.links.append(attrs.get("href"))

    def handle_endtag(self, tag):
        if tag == "caption":
            self.tables[self._caption] = []
        if tag in ("caption", "th"):
            self._in = None

    def handle_data(self, data):
        if self._in == "caption":
            self._caption += data
        elif self._in == "row":
            self.tables[self._caption][-1] += data.strip()


@pytest.fixture
def data_page_html(client):
    response = client.get("/data/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def reader(data_page_html):
    reader = TableReader()
    reader.feed(data_page_html)
    return reader


def test_the_data_page_names_the_source_document(data_page_html):
    assert "Future Strategic Industry and New Growth Industry" in data_page_html
    assert "Busan Metropolitan City" in data_page_html
    assert "2010–2020" in data_page_html


def test_the_data_page_says_the_korean_texts_are_our_translation(data_page_html):
    assert "the portal team's translation of the English document" in data_page_html


def test_the_data_page_states_the_kogl_type_1_licence(data_page_html):
    assert "Korea Open Government License (KOGL) Type 1: Attribution" in data_page_html
    assert "공공누리 제1유형: 출처표시" in data_page_html


def test_the_dictionary_lists_every_csv_column(reader):
    listed = reader.tables["Projects: one CSV row, one JSON object"]
    assert {column.name for column in csv_columns()} <= set(listed)


def test_the_dictionary_lists_every_api_field_of_a_project(reader):
    listed = reader.tables["Projects: one CSV row, one JSON object"]
    assert set(ProjectSerializer().fields) <= set(listed)


def test_the_dictionary_lists_the_fields_of_phases_and_budgets(reader):
    phases = reader.tables["Phases: each item of “phases” in the JSON"]
    budgets = reader.tables["Stated amounts: each item of “budgets” in the JSON"]
    assert phases == [field.name for field in dd.outward(dd.PHASE_FIELDS)]
    assert budgets == [field.name for field in dd.outward(dd.BUDGET_FIELDS)]


def test_every_dictionary_entry_has_a_meaning_and_a_type():
    groups = [dd.PROJECT_FIELDS, dd.PHASE_FIELDS, dd.BUDGET_FIELDS, dd.NAMED_FIELDS]
    groups += [dd.SECTOR_FIELDS, dd.PROGRAM_FIELDS]
    outward = [field for group in groups for field in dd.outward(group)]
    assert [f.name for f in outward if not (f.meaning and f.type)] == []


def test_money_is_documented_in_won(data_page_html):
    assert "Korean won (KRW), whole won" in data_page_html


def test_the_data_page_documents_every_query_parameter(reader):
    listed = reader.tables["Query parameters"]
    assert listed == ["sector", "year", "status", "program", "q", "sort", "page", "lang"]


def test_the_data_page_links_the_bulk_downloads(reader):
    for link in ["/projects/export.csv", "/projects/export.json", "/api/projects/"]:
        assert link in reader.links


def test_the_bulk_download_links_work(client, reader):
    for link in ["/projects/export.csv", "/projects/export.json"]:
        response = client.get(link)
        assert response.status_code == 200
        assert len(b"".join(response.streaming_content)) > 1000


def test_the_data_page_links_the_api_docs_and_the_feed(reader):
    assert "/api/docs/" in reader.links
    assert "/feeds/projects/" in reader.links


def test_the_data_page_advertises_the_feed(data_page_html):
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*/feeds/projects/', data_page_html
    )


def test_the_data_page_shows_a_citation_with_a_permalink(data_page_html):
    example = Project.objects.published().first()
    permalink = f"http://testserver{example.get_absolute_url()}"
    assert f'<a href="{permalink}">{permalink}</a>' in data_page_html
    assert f"“{escape(example.title_en)}”. In: Future Strategic Industry" in data_page_html


def test_the_data_page_is_in_korean_under_ko(client):
    response = client.get("/ko/data/")
    assert response.status_code == 200
    assert '<html lang="ko">' in response.content.decode()


def test_the_citation_include_gives_the_permalink_and_update_date():
    project = Project.objects.select_related("source_document").get(slug="offshore-wind-farm")
    request = RequestFactory().get("/projects/offshore-wind-farm/")
    with translation.override("en"):
        html = render_to_string("includes/citation.html", {"project": project, "request": request})
    assert "http://testserver/projects/offshore-wind-farm/" in html
    assert f"last updated {timezone.localtime(project.updated_at):%Y-%m-%d}" in html
