"""Spreadsheet import and export of projects in the admin, driven as an editor would."""

import csv
import io

import pytest
import tablib
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Program, Project
from projects.resources import SPREADSHEET_COLUMNS
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:projects_project_import")
PROCESS_URL = reverse("admin:projects_project_process_import")
EXPORT_URL = reverse("admin:projects_project_export")
FORMAT = {"csv": "0", "xlsx": "1"}
IMPORTED_SLUG = "radiological-medical-sciences-complex"


def new_row(**values):
    return {
        "slug": "tidal-energy-test-bed",
        "title_en": "Tidal energy test bed",
        "title_ko": "조력 에너지 시험장",
        "program": "robot-green-energy",
        "primary_sector": "green-energy",
        "sectors": "green-energy, robotics",
        "is_published": "1",
        **values,
    }


def update_row(**values):
    """A row, with the columns of ``new_row``, for the first featured project (which has no
    program) that changes its Korean title only."""
    return {
        "slug": IMPORTED_SLUG,
        "title_en": "Dongnam region radiological & medicine sciences industrial complex",
        "title_ko": "방사선 의과학 산업단지",
        "program": "",
        "primary_sector": "bio-medical",
        "sectors": "bio-medical",
        "is_published": "1",
        **values,
    }


def csv_bytes(rows, encoding="utf-8"):
    columns = list(dict.fromkeys(column for row in rows for column in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows):
    columns = list(dict.fromkeys(column for row in rows for column in row))
    dataset = tablib.Dataset(headers=columns)
    for row in rows:
        dataset.append([row.get(column, "") for column in columns])
    return dataset.export("xlsx")


def upload(client, content, name="projects.csv", file_format="csv"):
    """Step one: upload the file and get the preview (nothing is saved yet)."""
    return client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": FORMAT[file_format],
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def confirm(client, preview):
    """Step two: confirm the previewed import."""
    form = preview.context["confirm_form"]
    return client.post(PROCESS_URL, {name: form.initial[name] for name in form.fields})


def import_file(client, content, **kwargs):
    return confirm(client, upload(client, content, **kwargs))


def export(client, file_format="csv"):
    return client.post(EXPORT_URL, {"resource": "0", "format": FORMAT[file_format]})


# A valid file -------------------------------------------------------------------------------


def test_the_preview_lists_new_and_changed_rows_and_saves_nothing(editor_client):
    preview = upload(editor_client, csv_bytes([new_row(), update_row()]))
    assert preview.status_code == 200
    result = preview.context["result"]
    assert [row.import_type for row in result.valid_rows()] == ["new", "update"]
    assert preview.context["confirm_form"] is not None
    assert not Project.objects.filter(slug="tidal-energy-test-bed").exists()
    assert Project.objects.get(slug=IMPORTED_SLUG).title_ko != "방사선 의과학 산업단지"


def test_confirming_a_valid_file_creates_and_updates_projects(editor_client):
    response = import_file(editor_client, csv_bytes([new_row(), update_row()]))
    assert response.status_code == 302
    created = Project.objects.get(slug="tidal-energy-test-bed")
    assert (created.title_en, created.program.slug, created.primary_sector.slug) == (
        "Tidal energy test bed",
        "robot-green-energy",
        "green-energy",
    )
    assert sorted(created.sectors.values_list("slug", flat=True)) == ["green-energy", "robotics"]
    assert created.is_published is True
    assert Project.objects.get(slug=IMPORTED_SLUG).title_ko == "방사선 의과학 산업단지"


def test_an_imported_project_is_on_the_public_site(editor_client):
    import_file(editor_client, csv_bytes([new_row()]))
    response = editor_client.get(reverse("projects:detail", args=["tidal-energy-test-bed"]))
    assert response.status_code == 200
    assert "Tidal energy test bed" in response.content.decode()


def test_a_column_left_out_of_the_file_is_left_unchanged(editor_client):
    before = Project.objects.get(slug=IMPORTED_SLUG)
    import_file(editor_client, csv_bytes([update_row()]))
    after = Project.objects.get(slug=IMPORTED_SLUG)
    assert (after.title_en, after.summary_en, after.is_published) == (
        before.title_en,
        before.summary_en,
        before.is_published,
    )


def test_a_blank_published_cell_keeps_the_project_published(editor_client):
    import_file(editor_client, csv_bytes([update_row(is_published="")]))
    assert Project.objects.get(slug=IMPORTED_SLUG).is_published is True


def test_the_primary_sector_is_added_to_the_sectors_of_an_imported_row(editor_client):
    import_file(editor_client, csv_bytes([new_row(sectors="robotics")]))
    project = Project.objects.get(slug="tidal-energy-test-bed")
    assert sorted(project.sectors.values_list("slug", flat=True)) == ["green-energy", "robotics"]


def test_the_import_is_recorded_in_the_history_with_user_and_file(editor_client, editor):
    import_file(editor_client, csv_bytes([update_row()]), name="corrections.csv")
    latest = Project.objects.get(slug=IMPORTED_SLUG).history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.title_ko) == (
        editor,
        "Imported from corrections.csv",
        "방사선 의과학 산업단지",
    )


def test_the_import_keeps_the_state_before_it_in_the_history(editor_client):
    title_ko = Project.objects.get(slug=IMPORTED_SLUG).title_ko
    import_file(editor_client, csv_bytes([update_row()]))
    versions = Project.objects.get(slug=IMPORTED_SLUG).history.order_by("history_date")
    assert list(versions.values_list("title_ko", flat=True)) == [
        title_ko,
        "방사선 의과학 산업단지",
    ]


def test_an_xlsx_file_imports(editor_client):
    response = import_file(
        editor_client,
        xlsx_bytes([new_row(is_published=1, position=7)]),
        name="projects.xlsx",
        file_format="xlsx",
    )
    assert response.status_code == 302
    project = Project.objects.get(slug="tidal-energy-test-bed")
    assert (project.title_ko, project.position, project.is_published) == (
        "조력 에너지 시험장",
        7,
        True,
    )


# Korean text and the byte-order mark ----------------------------------------------------------


def test_a_csv_with_korean_text_and_a_utf8_bom_imports_correctly(editor_client):
    content = csv_bytes(
        [new_row(title_ko="해양 조력 발전 시험장", summary_ko="부산 앞바다")], "utf-8-sig"
    )
    assert content.startswith(b"\xef\xbb\xbf")
    import_file(editor_client, content)
    project = Project.objects.get(slug="tidal-energy-test-bed")
    assert (project.title_ko, project.summary_ko) == ("해양 조력 발전 시험장", "부산 앞바다")


def test_the_bom_does_not_end_up_in_the_first_column_name(editor_client):
    preview = upload(editor_client, csv_bytes([update_row()], "utf-8-sig"))
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["update"]


# A file with errors: reported by row and column, nothing saved ---------------------------------


def invalid_rows(preview):
    return [
        (row.number, row.field_specific_errors) for row in preview.context["result"].invalid_rows
    ]


def test_a_file_with_one_bad_row_names_the_row_and_column_and_offers_no_confirmation(
    editor_client,
):
    preview = upload(
        editor_client, csv_bytes([update_row(), new_row(sectors="green-energy, space")])
    )
    assert invalid_rows(preview) == [(2, {"sectors": ["Unknown sectors: “space”."]})]
    assert "confirm_form" not in preview.context
    page = preview.content.decode()
    assert "Unknown sectors: “space”." in page


def test_a_file_with_one_bad_row_saves_nothing(editor_client):
    title_ko = Project.objects.get(slug=IMPORTED_SLUG).title_ko
    upload(editor_client, csv_bytes([update_row(), new_row(program="space-program")]))
    assert Project.objects.get(slug=IMPORTED_SLUG).title_ko == title_ko
    assert not Project.objects.filter(slug="tidal-energy-test-bed").exists()


def test_a_status_column_is_not_imported_status_comes_from_progress_reports(editor_client):
    import_file(editor_client, csv_bytes([new_row(status="completed")]))
    project = Project.objects.get(slug="tidal-energy-test-bed")
    assert (project.current_status, project.status_as_of) == ("not-stated", None)


def test_an_unknown_program_is_reported_by_the_column(editor_client):
    preview = upload(editor_client, csv_bytes([new_row(program="space-program")]))
    assert invalid_rows(preview) == [
        (1, {"program": ["There is no program with the slug “space-program”."]})
    ]


def test_a_yes_no_cell_with_another_word_is_an_error_not_a_silent_no(editor_client):
    preview = upload(editor_client, csv_bytes([update_row(is_published="maybe")]))
    assert invalid_rows(preview) == [
        (1, {"is_published": ["“maybe” is not yes or no. Use 1 or 0."]})
    ]


def test_a_new_row_without_a_title_is_reported_by_the_column(editor_client):
    preview = upload(editor_client, csv_bytes([new_row(title_en="")]))
    assert invalid_rows(preview) == [(1, {"title_en": ["This field cannot be blank."]})]


def test_a_malformed_slug_is_reported_by_the_column(editor_client):
    preview = upload(editor_client, csv_bytes([new_row(slug="tidal energy!")]))
    assert list(dict(invalid_rows(preview))[1]) == ["slug"]


def test_a_slug_on_two_rows_is_reported_on_both(editor_client):
    preview = upload(editor_client, csv_bytes([new_row(), new_row(title_en="Again")]))
    message = "This slug is also on row %s of the file; each project needs one row."
    assert invalid_rows(preview) == [(1, {"slug": [message % 2]}), (2, {"slug": [message % 1]})]


def test_the_verbatim_source_text_cannot_be_changed_by_import(editor_client):
    preview = upload(editor_client, csv_bytes([update_row(source_text="Something else")]))
    assert list(dict(invalid_rows(preview))[1]) == ["source_text"]


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(editor_client):
    preview = upload(editor_client, b"\x00\x01 not a workbook", "x.xlsx", "xlsx")
    assert preview.status_code == 200
    assert preview.context["form"].errors["import_file"]


def test_nothing_is_saved_if_the_data_changed_between_preview_and_confirmation(editor_client):
    preview = upload(editor_client, csv_bytes([update_row(), new_row(program="cloud-iot")]))
    # Meanwhile another official deletes the program the new row refers to.
    Program.objects.get(slug="cloud-iot").projects.all().delete()
    Program.objects.get(slug="cloud-iot").delete()
    title_ko = Project.objects.get(slug=IMPORTED_SLUG).title_ko
    response = confirm(editor_client, preview)
    assert response.status_code == 302
    assert response.url == IMPORT_URL
    assert Project.objects.get(slug=IMPORTED_SLUG).title_ko == title_ko
    assert not Project.objects.filter(slug="tidal-energy-test-bed").exists()


# Export and round trip -----------------------------------------------------------------------


def test_the_csv_export_has_a_bom_and_every_column(editor_client):
    response = export(editor_client)
    assert response.status_code == 200
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    header = content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == list(SPREADSHEET_COLUMNS)


def test_the_csv_export_holds_every_project_with_slugs(editor_client):
    rows = list(csv.DictReader(io.StringIO(export(editor_client).content.decode("utf-8-sig"))))
    assert len(rows) == Project.objects.count()
    featured = next(row for row in rows if row["slug"] == IMPORTED_SLUG)
    assert (featured["primary_sector"], featured["sectors"], featured["is_published"]) == (
        "bio-medical",
        "bio-medical",
        "1",
    )


def test_an_exported_csv_imports_again_without_changes(editor_client):
    content = export(editor_client).content
    preview = upload(editor_client, content)
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.valid_rows()} == {"skip"}


def test_an_exported_xlsx_imports_again_without_changes(editor_client):
    content = export(editor_client, "xlsx").content
    preview = upload(editor_client, content, name="projects.xlsx", file_format="xlsx")
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.valid_rows()} == {"skip"}


def test_an_edited_export_applies_only_the_edit(editor_client):
    rows = list(csv.DictReader(io.StringIO(export(editor_client).content.decode("utf-8-sig"))))
    for row in rows:
        if row["slug"] == IMPORTED_SLUG:
            row["title_ko"] = "새 제목"
    preview = upload(editor_client, csv_bytes(rows, "utf-8-sig"))
    types = [row.import_type for row in preview.context["result"].valid_rows()]
    assert (types.count("update"), types.count("skip")) == (1, len(rows) - 1)
    confirm(editor_client, preview)
    assert Project.objects.get(slug=IMPORTED_SLUG).title_ko == "새 제목"


# Permissions ---------------------------------------------------------------------------------


def test_staff_without_the_editor_role_cannot_import(client):
    staff = User.objects.create_user("visitor", "v@busan.example", "pw", is_staff=True)
    client.force_login(staff)
    response = client.get(IMPORT_URL)
    assert response.status_code == 403


def test_the_export_keeps_the_list_filters(editor_client):
    hidden = ProjectFactory(slug="hidden-project", is_published=False)
    response = editor_client.post(
        f"{EXPORT_URL}?is_published__exact=0", {"resource": "0", "format": FORMAT["csv"]}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["slug"] for row in rows] == [hidden.slug]
