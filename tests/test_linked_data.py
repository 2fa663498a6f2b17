"""Machine-readable descriptions, read with the tools data portals use: extruct for the
schema.org JSON-LD in the pages, rdflib for the DCAT catalogue."""

import json
import re

import extruct
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from projects.linkeddata import KOGL_TYPE_1
from projects.models import Project, SourceDocument
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def json_ld(client, path) -> list[dict]:
    html = client.get(path).content.decode()
    return extruct.extract(html, base_url="http://testserver", syntaxes=["json-ld"])["json-ld"]


@pytest.mark.parametrize(
    ("prefix", "publisher"), [("", "Busan Metropolitan City"), ("/ko", "부산광역시")]
)
def test_the_data_page_describes_the_dataset(client, prefix, publisher):
    (dataset,) = json_ld(client, f"{prefix}/data/")
    assert dataset["@type"] == "Dataset"
    assert dataset["license"] == KOGL_TYPE_1
    assert dataset["publisher"]["name"] == publisher
    source = SourceDocument.objects.get()
    assert dataset["temporalCoverage"] == f"{source.covers_from_year}/{source.covers_to_year}"
    formats = {d["encodingFormat"] for d in dataset["distribution"]}
    assert {"text/csv", "application/json"} <= formats
    assert all(d["contentUrl"].startswith("http://testserver/") for d in dataset["distribution"])


def test_a_project_page_describes_the_project(client):
    (project,) = json_ld(client, "/projects/bs-financial-computer-center/")
    assert project["@type"] == "Project"
    assert project["name"] == "BS Financial Group integrated computer center"
    assert project["alternateName"] == "BS금융그룹 통합전산센터 건립"
    assert project["url"] == "http://testserver/projects/bs-financial-computer-center/"
    assert project["subjectOf"]["@id"] == "http://testserver/data/#dataset"


def test_a_title_cannot_break_out_of_the_script_element(client):
    hostile = "</script><script>alert(1)</script>"
    ProjectFactory(slug="hostile", title_en=hostile, summary_en="a & b <!-- c")
    html = client.get("/projects/hostile/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    assert len(scripts) == 1  # the JSON-LD alone: no script element was opened by the title
    assert "alert(1)</script>" not in scripts[0]
    assert json.loads(scripts[0])["name"] == hostile


@pytest.mark.parametrize(
    ("path", "rdf_format"), [("catalog.jsonld", "json-ld"), ("catalog.ttl", "turtle")]
)
def test_the_dcat_catalogue_has_the_mandatory_dcat_ap_properties(client, path, rdf_format):
    response = client.get(f"/data/{path}")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=rdf_format)
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        assert graph.value(catalog, predicate) is not None, predicate
    (dataset,) = graph.objects(catalog, DCAT.dataset)
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert graph.value(dataset, predicate) is not None, predicate
    assert {str(t.language) for t in graph.objects(dataset, DCTERMS.title)} == {"en", "ko"}
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Busan Metropolitan City"
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) >= 3
    for distribution in distributions:
        assert graph.value(distribution, DCAT.accessURL) is not None
        assert graph.value(distribution, DCTERMS.license) == URIRef(KOGL_TYPE_1)


def test_the_catalogue_names_the_data_pages_dataset(client):
    graph = Graph().parse(data=client.get("/data/catalog.ttl").content, format="turtle")
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    (page_dataset,) = json_ld(client, "/data/")
    assert str(dataset) == page_dataset["@id"]
    latest = Project.objects.published().latest("updated_at").updated_at
    assert graph.value(dataset, DCTERMS.modified).toPython() == latest
