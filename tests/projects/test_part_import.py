"""Spreadsheet import of phases and budgets, and refusal of files built on a stale export.

Driven as an editor would: upload, preview, confirm (tests/projects/test_import.py has the same
steps for projects)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from projects.models import Budget, Phase, Project
from tests.factories import BudgetFactory, PhaseFactory, ProjectFactory
from tests.helpers import rendered_form_data

pytestmark = pytest.mark.django_db

FORMAT = {"csv": "0", "xlsx": "1"}
PROJECT_SLUG = "export-research-reactor"
REASON = "2026 budget update"


def urls(model_name):
    return {
        step: reverse(f"admin:projects_{model_name}_{step}")
        for step in ("import", "process_import", "export")
    }


def csv_bytes(rows):
    columns = list(dict.fromkeys(column for row in rows for column in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def upload(client, model_name, content, name="file.csv", reason=REASON, kind=""):
    return client.post(
        urls(model_name)["import"],
        {
            "resource": "0",
            "format": FORMAT["csv"],
            "import_file": SimpleUploadedFile(name, content),
            "kind": kind,
            "reason": reason,
        },
    )


def confirm(client, model_name, preview):
    form = preview.context["confirm_form"]
    return client.post(
        urls(model_name)["process_import"], {name: form.initial[name] for name in form.fields}
    )


def import_file(client, model_name, content, **kwargs):
    return confirm(client, model_name, upload(client, model_name, content, **kwargs))


def export_rows(client, model_name):
    response = client.post(urls(model_name)["export"], {"resource": "0", "format": "0"})
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def invalid_rows(preview):
    return [
        (row.number, row.field_specific_errors) for row in preview.context["result"].invalid_rows
    ]


def phase_row(**values):
    return {
        "사업 (project)": PROJECT_SLUG,
        "키 (key)": "operation",
        "이름(영어) (name_en)": "Operation",
        "이름(한국어) (name_ko)": "운영",
        "구분 (kind)": "period",
        "시작 연도 (start_year)": "2021",
        "종료 연도 (end_year)": "2025",
        **values,
    }


def budget_row(**values):
    return {
        "사업 (project)": PROJECT_SLUG,
        "키 (key)": "construction",
        "금액(원) (amount_krw)": "190,200,000,000",
        "내용(영어) (covers_en)": "Construction",
        "연도 (year)": "",
        **values,
    }


# Phases ---------------------------------------------------------------------------------------


def test_a_phase_file_with_korean_headers_adds_a_phase(editor_client):
    preview = upload(editor_client, "phase", csv_bytes([phase_row()]))
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new"]
    assert not Phase.objects.filter(key="operation").exists()

    assert confirm(editor_client, "phase", preview).status_code == 302
    phase = Phase.objects.get(project__slug=PROJECT_SLUG, key="operation")
    assert (phase.name_ko, phase.kind, phase.start_year, phase.end_year, phase.end_month) == (
        "운영",
        "period",
        2021,
        2025,
        None,
    )


def test_an_imported_phase_is_in_its_history_with_user_file_and_reason(editor_client, editor):
    import_file(editor_client, "phase", csv_bytes([phase_row()]), name="phases-2026.csv")
    record = Phase.history.get(key="operation")
    assert record.history_user == editor
    assert record.history_change_reason == f"Imported from phases-2026.csv: {REASON}"


def test_an_imported_change_is_in_the_change_log_with_the_kind_and_reason_given(editor_client):
    phase = Phase.objects.filter(project__slug=PROJECT_SLUG).order_by("position").first()
    row = {"사업 (project)": PROJECT_SLUG, "키 (key)": phase.key, "종료 연도 (end_year)": "2030"}
    rows = [r for r in export_rows(editor_client, "phase") if r["키 (key)"] == phase.key]
    changed = {**rows[0], **row}
    preview = upload(editor_client, "phase", csv_bytes([changed]), kind="amendment")
    assert confirm(editor_client, "phase", preview).status_code == 302
    record = Phase.history.filter(id=phase.pk).latest("history_date")
    assert record.change_kind == "amendment"
    assert record.history_change_reason.endswith(REASON)
    log = " ".join(Client().get(f"/projects/{PROJECT_SLUG}/changes/").content.decode().split())
    assert "Amendment of the plan" in log and REASON in log


def test_bare_field_names_are_read_as_headers(editor_client):
    row = {"project": PROJECT_SLUG, "key": "operation", "name_en": "Operation",
           "kind": "milestone", "start_year": "2022"}  # fmt: skip
    import_file(editor_client, "phase", csv_bytes([row]))
    assert Phase.objects.get(key="operation").kind == "milestone"


def test_a_phase_file_with_one_bad_row_saves_nothing_and_names_the_row(editor_client):
    bad = phase_row(**{"키 (key)": "bad", "종료 연도 (end_year)": "2019"})  # ends before it starts
    preview = upload(editor_client, "phase", csv_bytes([phase_row(), bad]))

    assert invalid_rows(preview) == [
        (2, {"end_year": ["The end year cannot be before the start year."]})
    ]
    assert "confirm_form" not in preview.context
    assert not Phase.objects.filter(key__in=["operation", "bad"]).exists()


def test_an_unknown_kind_and_project_are_reported_by_their_columns(editor_client):
    preview = upload(
        editor_client,
        "phase",
        csv_bytes([phase_row(**{"구분 (kind)": "era", "사업 (project)": "no-such-project"})]),
    )
    [(number, errors)] = invalid_rows(preview)
    assert number == 1
    assert errors["kind"] == ["“era” is not one of: period, milestone."]
    assert errors["project"] == ["There is no project with the slug “no-such-project”."]


def test_the_same_project_and_key_on_two_rows_is_reported(editor_client):
    preview = upload(editor_client, "phase", csv_bytes([phase_row(), phase_row()]))
    assert [number for number, _ in invalid_rows(preview)] == [1, 2]


def test_an_exported_phase_file_imports_again_without_changes(editor_client):
    rows = export_rows(editor_client, "phase")
    assert list(rows[0])[:3] == ["사업 (project)", "키 (key)", "이름(영어) (name_en)"]
    assert len(rows) == Phase.objects.count()
    result = upload(editor_client, "phase", csv_bytes(rows)).context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}


# Budgets --------------------------------------------------------------------------------------


def test_a_budget_file_adds_and_updates_budgets(editor_client):
    project = ProjectFactory(slug="tidal-energy-test-bed")
    BudgetFactory(project=project, key="total", amount_krw=1_000)
    rows = [
        budget_row(),
        budget_row(
            **{"사업 (project)": project.slug, "키 (key)": "total", "금액(원) (amount_krw)": "2000"}
        ),
    ]
    assert import_file(editor_client, "budget", csv_bytes(rows)).status_code == 302
    assert Budget.objects.get(project__slug=PROJECT_SLUG, key="construction").amount_krw == (
        190_200_000_000
    )
    assert Budget.objects.get(project=project, key="total").amount_krw == 2_000


def test_a_budget_file_with_one_bad_row_saves_nothing(editor_client):
    rows = [budget_row(), budget_row(**{"키 (key)": "minus", "금액(원) (amount_krw)": "-5"})]
    preview = upload(editor_client, "budget", csv_bytes(rows))
    assert invalid_rows(preview) == [(2, {"amount_krw": ["A budget cannot be negative."]})]
    assert not Budget.objects.filter(key__in=["construction", "minus"]).exists()


def test_the_budget_template_has_the_korean_headers_and_no_row(editor_client):
    response = editor_client.get(reverse("admin:projects_budget_import_template", args=["csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="budget-template.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "사업 (project),키 (key),금액(원) (amount_krw),내용(영어) (covers_en),"
        "내용(한국어) (covers_ko),연도 (year),부담 주체 (payer),예산 단계 (stage),"
        "원문 (source_text),버전 (version)"
    ]


@pytest.mark.parametrize("model_name", ["project", "phase", "budget"])
def test_every_kind_offers_an_xlsx_template(editor_client, model_name):
    url = reverse(f"admin:projects_{model_name}_import_template", args=["xlsx"])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"PK")  # a zip: an Excel workbook
    assert url in editor_client.get(urls(model_name)["import"]).content.decode()


def test_an_unknown_template_format_is_a_404(editor_client):
    url = reverse("admin:projects_phase_import_template", args=["pdf"])
    assert editor_client.get(url).status_code == 404


# Stale exports --------------------------------------------------------------------------------


def test_a_phase_file_from_a_stale_export_is_refused_and_saves_nothing(editor_client):
    phase = PhaseFactory(project__slug="tidal-energy-test-bed", key="works", end_year=2019)
    rows = [row for row in export_rows(editor_client, "phase") if row["키 (key)"] == "works"]
    # Someone else saves the phase after the export.
    page = editor_client.get(reverse("admin:projects_phase_change", args=[phase.pk]))
    data = rendered_form_data(page)
    data["end_year"] = "2021"
    # A planned date changes: the change log asks for its kind and reason (issue 14).
    data["change_kind"] = "amendment"
    data["change_reason"] = "The council extended the works."
    saved = editor_client.post(reverse("admin:projects_phase_change", args=[phase.pk]), data)
    assert saved.status_code == 302

    rows[0]["이름(영어) (name_en)"] = "Renamed from the old export"
    preview = upload(editor_client, "phase", csv_bytes(rows))

    [(number, errors)] = invalid_rows(preview)
    assert number == 1
    assert "saved by someone else after the file was exported" in errors["version"][0]
    phase.refresh_from_db()
    assert phase.end_year == 2021
    assert phase.name_en != "Renamed from the old export"


def test_a_project_file_from_a_stale_export_is_refused_and_keeps_the_other_edit(editor_client):
    project = ProjectFactory(slug="tidal-energy-test-bed", summary_en="Old summary")
    export = editor_client.post(
        reverse("admin:projects_project_export"), {"resource": "0", "format": "0"}
    )
    rows = [
        row
        for row in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))
        if row["slug"] == project.slug
    ]
    # Official A edits the summary after official B exported.
    change = reverse("admin:projects_project_change", args=[project.pk])
    data = rendered_form_data(editor_client.get(change))
    data["summary_en"] = "Summary by A"
    assert editor_client.post(change, data).status_code == 302

    rows[0]["title_en"] = "Title by B"
    preview = editor_client.post(
        reverse("admin:projects_project_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("projects.csv", csv_bytes(rows)),
        },
    )

    [(number, errors)] = invalid_rows(preview)
    assert "saved by someone else after the file was exported" in errors["version"][0]
    project.refresh_from_db()
    assert project.summary_en == "Summary by A"
    assert project.title_en != "Title by B"
    # The file with the current version goes through.
    rows[0]["version"] = str(project.version)
    rows[0]["summary_en"] = "Summary by A"
    result = editor_client.post(
        reverse("admin:projects_project_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("projects.csv", csv_bytes(rows)),
        },
    ).context["result"]
    assert not result.has_validation_errors()


def test_a_project_from_the_document_keeps_its_version_in_the_export(editor_client):
    rows = export_rows(editor_client, "project")
    project = Project.objects.get(slug=PROJECT_SLUG)
    assert next(row for row in rows if row["slug"] == PROJECT_SLUG)["version"] == str(
        project.version
    )


def test_the_phase_import_page_is_in_korean_for_a_korean_browser(editor_client):
    page = editor_client.get(urls("phase")["import"], HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "변경 사유" in page  # the reason field
    assert "열 이름만 있는 빈 서식에서 시작하십시오" in page
    assert "One row per item" not in page
