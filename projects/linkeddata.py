"""Machine-readable descriptions of the dataset: schema.org JSON-LD and a DCAT catalogue.

Search engines and data portals read the portal without scraping: ``/data/`` carries a
schema.org ``Dataset`` (with its downloads, licence, publisher and the years it covers), each
project page a schema.org ``Project``, and ``/data/catalog.jsonld`` / ``/data/catalog.ttl`` a DCAT
catalogue with the properties DCAT-AP makes mandatory (catalogue: title, description, publisher,
dataset; dataset: title, description; distribution: access URL), built with rdflib.

All of it is derived from one list of downloads (``distributions``) and the source document, so
the page, the JSON-LD and the catalogue name the same files.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from busanportal.i18n import CONTENT_LANGUAGES
from projects.models import Project, SourceDocument
from projects.serializers import absolute

KOGL_TYPE_1 = "https://www.kogl.or.kr/info/licenseTypeEn.do"
KOGL_NAME = "Korea Open Government License (KOGL) Type 1: attribution"
KOGL_RULE = _(
    "Free to use, share and adapt, commercially too, on condition that the source is credited: "
    "“Busan Metropolitan City, Busan Strategic Projects Portal”, with a link to the page used."
)
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LANGUAGE_IRIS = {
    "en": URIRef("http://publications.europa.eu/resource/authority/language/ENG"),
    "ko": URIRef("http://publications.europa.eu/resource/authority/language/KOR"),
}
DATASET_TITLE = _("Busan Strategic Projects")
DATASET_DESCRIPTION = _(
    "The projects of Busan Metropolitan City's plan “Future Strategic Industry and New Growth "
    "Industry”: their sectors, programs, phases, stated costs, places and organisations, in "
    "English and Korean, as the source document states them."
)

# json.dumps leaves these as they are; inside <script> they could end the element or start
# markup. The same escapes as Django's json_script.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> str:
    """``<script type="application/ld+json">`` with ``data``, safe whatever the text holds."""
    text = json.dumps(data, ensure_ascii=False, cls=LazyEncoder).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 (escaped above)


class LazyEncoder(json.JSONEncoder):
    """Translated strings are lazy objects; they become text in the active language."""

    def default(self, o):
        return str(o)


@dataclass(frozen=True)
class Download:
    """A file or service the dataset is distributed as."""

    url_name: str
    title: object
    media_type: str
    format_name: str


def downloads() -> list[Download]:
    """Every distribution of the dataset, in the order the /data/ page lists them."""
    return [
        Download("projects:export_csv", _("All projects as CSV"), "text/csv", "CSV"),
        Download(
            "projects:export_xlsx",
            _("All projects as an Excel workbook"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "XLSX",
        ),
        Download("projects:export_json", _("All projects as JSON"), "application/json", "JSON"),
        Download(
            "projects:datapackage",
            _("Frictionless Data Package: every table as CSV, described"),
            "application/json",
            "Data Package",
        ),
        Download(
            "projects:package_zip",
            _("The whole data package in one ZIP file"),
            "application/zip",
            "ZIP",
        ),
        Download(
            "projects:offline_copy",
            _("Offline copy as an SQLite database (for Datasette)"),
            "application/vnd.sqlite3",
            "SQLite",
        ),
    ]


def dataset_iri(request) -> str:
    """The dataset's identifier: the English /data/ address, the same in both languages."""
    with translation.override("en"):
        return absolute(request, reverse("projects:data")) + "#dataset"


def source_document():
    return SourceDocument.objects.filter(slug=settings.PORTAL_SOURCE_DOCUMENT_SLUG).first()


def last_modified():
    return Project.objects.published().aggregate(latest=Max("updated_at"))["latest"]


def temporal_coverage(source) -> str | None:
    """ISO 8601 interval of the years the plan covers, e.g. "2014/2020"; None if unknown."""
    if source and source.covers_from_year and source.covers_to_year:
        return f"{source.covers_from_year}/{source.covers_to_year}"
    return None


def publisher_name(source) -> str:
    return source.publisher if source else "Busan Metropolitan City"


def dataset_json_ld(request) -> dict:
    """schema.org ``Dataset`` for /data/."""
    source = source_document()
    data_url = absolute(request, reverse("projects:data"))
    publisher = {"@type": "GovernmentOrganization", "name": publisher_name(source)}
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": dataset_iri(request),
        "name": DATASET_TITLE,
        "description": DATASET_DESCRIPTION,
        "url": data_url,
        "inLanguage": list(CONTENT_LANGUAGES),
        "license": KOGL_TYPE_1,
        "usageInfo": KOGL_RULE,
        "isAccessibleForFree": True,
        "creator": publisher,
        "publisher": publisher,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": download.title,
                "encodingFormat": download.media_type,
                "contentUrl": absolute(request, reverse(download.url_name)),
            }
            for download in downloads()
        ],
    }
    coverage = temporal_coverage(source)
    if coverage:
        dataset["temporalCoverage"] = coverage
    modified = last_modified()
    if modified:
        dataset["dateModified"] = timezone.localtime(modified).isoformat(timespec="seconds")
    if source:
        dataset["isBasedOn"] = {"@type": "DigitalDocument", "name": source.title}
        if source.url:
            dataset["isBasedOn"]["url"] = source.url
    return dataset


def project_json_ld(request, project, labels) -> dict:
    """schema.org ``Project`` for a project's page (``labels``: its ``ProjectLabels``)."""
    url = absolute(request, project.get_absolute_url())
    with translation.override("en"):
        identifier = absolute(request, project.get_absolute_url()) + "#project"
    data = {
        "@context": "https://schema.org",
        "@type": "Project",
        "@id": identifier,
        "identifier": project.slug,
        "name": project.title,
        "url": url,
        "keywords": [sector.name for sector in labels.sectors],
        "location": [{"@type": "Place", "name": place.name} for place in labels.places],
        "subjectOf": {"@type": "Dataset", "@id": dataset_iri(request)},
    }
    other = project.title_ko if translation.get_language() != "ko" else project.title_en
    if other and other != project.title:
        data["alternateName"] = other
    if project.summary:
        data["description"] = project.summary
    return data


def catalog_graph(request) -> Graph:
    """The DCAT catalogue: one catalogue, one dataset, its distributions and the API service."""
    source = source_document()
    data_url = absolute(request, reverse("projects:data"))
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    dataset = URIRef(dataset_iri(request))
    catalog = URIRef(str(dataset).replace("#dataset", "#catalog"))
    publisher = URIRef(str(dataset).replace("#dataset", "#publisher"))
    licence = URIRef(KOGL_TYPE_1)

    def both_languages(subject, predicate, text):
        for language in CONTENT_LANGUAGES:
            with translation.override(language):
                graph.add((subject, predicate, Literal(str(text), lang=language)))

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(publisher_name(source), lang="en")))
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))

    graph.add((catalog, RDF.type, DCAT.Catalog))
    both_languages(catalog, DCTERMS.title, _("Busan Strategic Projects Portal"))
    both_languages(catalog, DCTERMS.description, DATASET_DESCRIPTION)
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, FOAF.homepage, URIRef(absolute(request, reverse("projects:home")))))
    graph.add((catalog, DCTERMS.license, licence))
    graph.add((catalog, DCAT.dataset, dataset))
    for iri in LANGUAGE_IRIS.values():
        graph.add((catalog, DCTERMS.language, iri))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    both_languages(dataset, DCTERMS.title, DATASET_TITLE)
    both_languages(dataset, DCTERMS.description, DATASET_DESCRIPTION)
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.landingPage, URIRef(data_url)))
    graph.add((dataset, DCTERMS.accessRights, Literal("public")))
    for iri in LANGUAGE_IRIS.values():
        graph.add((dataset, DCTERMS.language, iri))
    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(publisher_name(source), lang="en")))
    graph.add((contact, VCARD.hasURL, URIRef(data_url)))
    graph.add((dataset, DCAT.contactPoint, contact))
    if source and source.covers_from_year and source.covers_to_year:
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        start, end = source.covers_from_year, source.covers_to_year
        graph.add((period, DCAT.startDate, Literal(f"{start}", datatype=XSD.gYear)))
        graph.add((period, DCAT.endDate, Literal(f"{end}", datatype=XSD.gYear)))
        graph.add((dataset, DCTERMS.temporal, period))
    modified = last_modified()
    if modified:
        graph.add((dataset, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    if source:
        both_languages(dataset, DCTERMS.source, source.title)

    for download in downloads():
        url = URIRef(absolute(request, reverse(download.url_name)))
        distribution = URIRef(f"{url}#distribution")
        graph.add((distribution, RDF.type, DCAT.Distribution))
        both_languages(distribution, DCTERMS.title, download.title)
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.mediaType, URIRef(iana(download.media_type))))
        graph.add((distribution, DCTERMS.format, Literal(download.format_name)))
        graph.add((distribution, DCTERMS.license, licence))
        graph.add((dataset, DCAT.distribution, distribution))

    api = URIRef(absolute(request, reverse("api:api-root")))
    graph.add((api, RDF.type, DCAT.DataService))
    both_languages(api, DCTERMS.title, _("Busan Strategic Projects API"))
    graph.add((api, DCAT.endpointURL, api))
    graph.add((api, DCAT.endpointDescription, URIRef(absolute(request, reverse("api:schema")))))
    graph.add((api, DCAT.servesDataset, dataset))
    graph.add((api, DCTERMS.license, licence))
    graph.add((catalog, DCAT.service, api))
    return graph


def iana(media_type: str) -> str:
    return f"https://www.iana.org/assignments/media-types/{media_type}"


# JSON-LD: a JSON document; Turtle: the W3C's text serialisation of RDF.
CATALOG_FORMATS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
}


@require_safe
def catalog(request, serialisation):
    """/data/catalog.jsonld and /data/catalog.ttl: the DCAT catalogue."""
    rdf_format, content_type = CATALOG_FORMATS[serialisation]
    body = catalog_graph(request).serialize(format=rdf_format, encoding="utf-8")
    return HttpResponse(body, content_type=content_type)
