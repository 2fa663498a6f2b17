"""Hostile content from an official's keyboard: every output escapes, neutralises or refuses it.

Every text field an official can edit (found by introspecting the models of the portfolio's apps,
so a field added later is covered without touching this file) is filled with a string that is at
once HTML, a closing ``</script>``, a spreadsheet formula, a right-to-left override and control
characters, and the long text fields with 10,000 characters more. Then every output that shows
them (``OUTPUTS``: extend the list when an output is added) must answer 200, never run the HTML,
never let a spreadsheet see a formula, and stay well-formed (JSON parses, Atom feeds are XML).
"""

import csv
import io
import json
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from projects.models import Project

pytestmark = pytest.mark.django_db

PORTFOLIO_APPS = ("projects", "sectors")
SLUG = "offshore-wind-farm"
SCRIPT = '<script>alert("xss")</script>'
IMAGE = "<img src=x onerror=alert(1)>"
# Starts with "=" (a formula for a spreadsheet), closes any script it lands in, reverses the
# text direction (U+202E) and rings the terminal's bell and escape (control characters).
HOSTILE = f'=HYPERLINK("http://evil.example","x")</script>{SCRIPT}{IMAGE}\u202egnp.exe\x07\x1b[31m'
LONG = "x" * 10_000

#: Every output that shows an official's text: (name, URL name or path, kind). Kinds: html, json,
#: csv, xml, xlsx. URL names that do not exist (an output not built yet) are skipped.
OUTPUTS = [
    ("home", "/", "html"),
    ("list", "/projects/", "html"),
    ("list filtered", "/projects/?sector=green-energy", "html"),
    ("detail", f"/projects/{SLUG}/", "html"),
    ("sectors", "/sectors/", "html"),
    ("sector", "/sectors/green-energy/", "html"),
    ("timeline", "/timeline/", "html"),
    ("data", "/data/", "html"),
    ("home ko", "/ko/", "html"),
    ("list ko", "/ko/projects/", "html"),
    ("detail ko", f"/ko/projects/{SLUG}/", "html"),
    ("sector ko", "/ko/sectors/green-energy/", "html"),
    ("timeline ko", "/ko/timeline/", "html"),
    ("feed", "/feeds/projects/", "xml"),
    ("sector feed", "/feeds/sectors/green-energy/", "xml"),
    ("csv", "/projects/export.csv", "csv"),
    ("csv ko", "/ko/projects/export.csv", "csv"),
    ("json", "/projects/export.json", "json"),
    ("xlsx", "projects:export_xlsx", "xlsx"),
    ("api list", "/api/projects/", "json"),
    ("api detail", f"/api/projects/{SLUG}/", "json"),
    ("api detail ko", f"/api/projects/{SLUG}/?lang=ko", "json"),
    ("api sectors", "/api/sectors/", "json"),
    ("api programs", "/api/programs/", "json"),
]
ADMIN_OUTPUTS = ["changelist", "change", "history"]


def official_text_fields(model) -> list[models.Field]:
    """The free-text fields of a model: char and text fields that are not slugs, choices or
    other constrained formats."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
        and not field.choices
        and field.editable
    ]


def portfolio_models():
    return [model for label in PORTFOLIO_APPS for model in apps.get_app_config(label).get_models()]


def hostile_value(field: models.Field):
    """The hostile string, cut to the field's length, made unique per row with its key."""
    limit = field.max_length
    text = HOSTILE + (LONG if limit is None else "")
    if limit is not None:
        text = text[: limit - 12]
    return Concat(Value(text), Cast(F("pk"), models.CharField()))


@pytest.fixture
def hostile_portfolio():
    """Every text field of every row of the portfolio holds the hostile string."""
    filled = []
    for model in portfolio_models():
        fields = official_text_fields(model)
        if fields and model._meta.managed and not model.__name__.startswith("Historical"):
            model._default_manager.update(**{f.name: hostile_value(f) for f in fields})
            filled += [f"{model.__name__}.{f.name}" for f in fields]
    return filled


def test_the_introspection_finds_the_fields_officials_edit(hostile_portfolio):
    for field in ("Project.title_en", "Project.summary_ko", "Phase.name_en", "Sector.name_ko"):
        assert field in hostile_portfolio
    assert "Project.slug" not in hostile_portfolio


def url_of(target: str) -> str | None:
    if target.startswith("/"):
        return target
    try:
        return reverse(target)
    except NoReverseMatch:
        return None


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def strings_in(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [text for item in data for text in strings_in(item)]
    return []


def assert_html_inert(html: str):
    assert SCRIPT not in html
    assert IMAGE not in html
    assert "</script><script>" not in html


def assert_spreadsheet_safe(cells: list[str]):
    hostile = [cell for cell in cells if "HYPERLINK" in cell]
    assert hostile, "the hostile text is missing from the export"
    for cell in hostile:
        assert not cell.startswith(("=", "+", "-", "@")), cell[:40]


@pytest.mark.parametrize(("name", "target", "kind"), OUTPUTS, ids=[o[0] for o in OUTPUTS])
def test_every_output_neutralises_hostile_text(client, hostile_portfolio, name, target, kind):
    url = url_of(target)
    if url is None:
        pytest.skip(f"{target} does not exist yet")
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    body = body_of(response)
    assert response["X-Content-Type-Options"] == "nosniff"
    if kind == "html":
        html = body.decode()
        assert "HYPERLINK" in html
        assert_html_inert(html)
    elif kind == "json":
        assert response["Content-Type"].startswith("application/json")
        texts = strings_in(json.loads(body))
        assert any(text.startswith(HOSTILE[:60]) for text in texts)  # kept exactly, as data
    elif kind == "xml":
        root = ElementTree.fromstring(body)  # noqa: S314 - our own output; well-formed: no control character broke it
        assert "HYPERLINK" in ElementTree.tostring(root, encoding="unicode")
        assert SCRIPT.encode() not in body
    elif kind == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert_spreadsheet_safe([cell for row in rows for cell in row])
    elif kind == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body))
        cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value]
        assert all(cell.data_type != "f" for cell in cells)
        # The XLSX keeps the text exactly (tests/projects/test_xlsx_export.py): a cell that
        # starts like a formula is a string cell with Excel's quote prefix, never a formula.
        hostile = [cell for cell in cells if "HYPERLINK" in str(cell.value)]
        assert hostile, "the hostile text is missing from the export"
        for cell in hostile:
            assert cell.data_type == "s", cell.coordinate
            if str(cell.value).startswith(("=", "+", "-", "@")):
                assert cell.quotePrefix, cell.coordinate


@pytest.mark.parametrize("page", ADMIN_OUTPUTS)
def test_the_admin_shows_hostile_text_escaped(client, admin_user, hostile_portfolio, page):
    client.force_login(admin_user)
    project = Project.objects.get(slug=SLUG)
    url = reverse(
        f"admin:projects_project_{page}",
        args=[] if page == "changelist" else [project.pk],
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "HYPERLINK" in html
    assert_html_inert(html)


def test_the_admin_refuses_null_characters_and_overlong_titles(admin_user):
    """What cannot be stored safely is refused next to the field, not saved and not a 500."""
    project = Project.objects.get(slug=SLUG)
    model_admin = admin.site._registry[Project]
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    form_class = model_admin.get_form(request, project)
    unbound = form_class(instance=project)
    data = {key: value for key, value in unbound.initial.items() if value is not None}
    # The version travels signed, as the rendered form's hidden field carries it (concurrency).
    data["version"] = str(unbound["version"].value())
    data["sectors"] = [s.pk for s in project.sectors.all()]
    data.update(title_en="Nul\x00byte", summary_en="ok", title_ko="x" * 10_000)
    form = form_class(data=data, instance=project)
    assert not form.is_valid()
    assert "Null characters are not allowed." in form.errors["title_en"]
    assert any("at most 300 characters" in error for error in form.errors["title_ko"])
