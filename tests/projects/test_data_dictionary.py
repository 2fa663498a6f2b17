"""The data dictionary is the one list of outward and editable fields: everything follows it."""

import csv
import io

import pytest
import yaml
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from projects import datadictionary as dd
from projects.admin import BudgetInline, PhaseAdmin, PhaseInline, ProjectAdmin, QuantityInline
from projects.export import csv_columns, csv_records
from projects.forms import (
    CHANGE_FIELDS,
    BudgetAdminForm,
    PhaseAdminForm,
    ProjectAdminForm,
    QuantityAdminForm,
)
from projects.models import Project
from projects.resources import SPREADSHEET_COLUMNS, ProjectResource
from projects.serializers import (
    BudgetSerializer,
    OrganisationSerializer,
    PhaseSerializer,
    PlaceSerializer,
    ProgramSerializer,
    ProjectSerializer,
    SectorSerializer,
)

pytestmark = pytest.mark.django_db

CREATED_AT = dd.DataField(
    "created_at",
    _("When the entry was first made on this portal."),
    dd.DATETIME,
    header_ko="등록일",
)


@pytest.fixture
def dictionary_with_created_at(monkeypatch):
    """The data dictionary with one more project field, as a developer would add it."""
    cache.clear()  # the throttle counters and the page cache
    monkeypatch.setattr(dd, "PROJECT_FIELDS", [*dd.PROJECT_FIELDS, CREATED_AT])
    yield
    cache.clear()


def csv_header(client, path="/projects/export.csv"):
    body = b"".join(client.get(path).streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(body)))


def test_a_field_added_to_the_dictionary_is_a_csv_column(client, dictionary_with_created_at):
    assert csv_header(client)[-1] == "created_at"
    assert csv_header(client, "/ko/projects/export.csv")[-1] == "등록일"


def test_a_field_added_to_the_dictionary_is_in_the_api_and_its_schema(
    client, dictionary_with_created_at
):
    body = client.get("/api/projects/export-research-reactor/").json()
    assert list(body)[-1] == "created_at"
    schema = yaml.safe_load(client.get("/api/schema/").content)
    field = schema["components"]["schemas"]["Project"]["properties"]["created_at"]
    assert field["description"] == "When the entry was first made on this portal."
    assert field["readOnly"] is True


def test_a_field_added_to_the_dictionary_is_described_on_the_data_page(
    client, dictionary_with_created_at
):
    html = client.get("/data/").content.decode()
    assert "<code>created_at</code>" in html
    assert "When the entry was first made on this portal." in html
    assert '<span lang="ko">등록일</span>' in html


def test_the_csv_columns_are_the_dictionary_csv_fields_in_order():
    expected = [field.name for field in dd.PROJECT_FIELDS if field.in_csv]
    assert [column.name for column in csv_columns()] == expected


@pytest.mark.django_db
def test_every_csv_field_of_the_dictionary_is_in_each_export_record():
    record = next(csv_records(Project.objects.published(), lambda slug: slug))
    assert [column.name for column in csv_columns() if column.name not in record] == []


def test_every_csv_field_has_a_korean_header():
    assert [column.name for column in csv_columns() if not column.field.header_ko] == []


@pytest.mark.parametrize(
    ("serializer", "fields"),
    [
        (ProjectSerializer, dd.PROJECT_FIELDS),
        (PhaseSerializer, dd.PHASE_FIELDS),
        (BudgetSerializer, dd.BUDGET_FIELDS),
        (PlaceSerializer, dd.NAMED_FIELDS),
        (OrganisationSerializer, dd.NAMED_FIELDS),
        (SectorSerializer, dd.SECTOR_FIELDS),
        (ProgramSerializer, dd.PROGRAM_FIELDS),
    ],
)
def test_the_serializer_fields_and_help_texts_are_the_dictionary_api_fields(serializer, fields):
    built = serializer().fields
    api_fields = [field for field in fields if field.in_api]
    assert list(built) == [field.name for field in api_fields]
    assert [built[field.name].help_text for field in api_fields] == [
        field.meaning for field in api_fields
    ]
    assert all(field.read_only for field in built.values())


def test_the_admin_forms_edit_the_dictionary_editable_fields():
    # Plus the version the form was opened at, where a stale form is refused.
    assert ProjectAdminForm._meta.fields == (*dd.EDITABLE_PROJECT_FIELDS, "version")
    assert PhaseAdminForm._meta.fields == (*dd.EDITABLE_PHASE_FIELDS, "version")
    assert BudgetAdminForm._meta.fields == (*dd.EDITABLE_BUDGET_FIELDS, "version")
    assert QuantityAdminForm._meta.fields == dd.EDITABLE_QUANTITY_FIELDS


@pytest.mark.parametrize(
    ("inline", "fields"),
    [
        (PhaseInline, (*dd.EDITABLE_PHASE_FIELDS, "version")),
        (BudgetInline, (*dd.EDITABLE_BUDGET_FIELDS, "version")),
        (QuantityInline, dd.EDITABLE_QUANTITY_FIELDS),
    ],
)
def test_the_inlines_show_the_editable_fields_but_the_project(inline, fields):
    assert fields[0] == "project"
    inline_admin = inline(Project, admin.site)
    # ... and then the change's kind, reason and source, which are the history's, not the part's.
    assert inline_admin.get_fields(request=None) == (*fields[1:], *CHANGE_FIELDS)
    # Laid out with short fields side by side, each field once.
    assert sorted(flatten_fieldsets(inline_admin.get_fieldsets(request=None))) == sorted(
        [*fields[1:], *CHANGE_FIELDS]
    )


def fieldset_names(fieldsets):
    return [name for _, options in fieldsets for name in options["fields"]]


def test_the_admin_fieldsets_show_every_editable_field_once():
    project = fieldset_names(ProjectAdmin.fieldsets)
    assert sorted(project) == sorted(
        [*dd.EDITABLE_PROJECT_FIELDS, *ProjectAdmin.readonly_fields, "version", *CHANGE_FIELDS]
    )
    assert sorted(fieldset_names(PhaseAdmin.fieldsets)) == sorted(
        [*dd.EDITABLE_PHASE_FIELDS, "version", *CHANGE_FIELDS]
    )


def test_the_spreadsheet_columns_are_the_editable_project_fields():
    assert SPREADSHEET_COLUMNS == dd.EDITABLE_PROJECT_FIELDS
    assert [field.column_name for field in ProjectResource().get_export_fields()] == [
        *SPREADSHEET_COLUMNS,
        "version",
    ]
