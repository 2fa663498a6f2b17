"""Readers report an error on a project page; officials resolve the reports in the admin."""

import pytest
from django.core.cache import cache
from django.test import Client

from projects.admin import READER_REPORT_REASON
from projects.models import ProblemReport, ProblemReportStatus, Project

pytestmark = pytest.mark.django_db

REPORT_URL = "/projects/export-research-reactor/report/"


def send(client, description="The site date is wrong: it was May 2015.", **extra):
    return client.post(REPORT_URL, {"description": description, **extra})


def test_every_project_page_links_to_its_report_form(client):
    body = client.get("/projects/export-research-reactor/").content.decode()
    assert f'<a href="{REPORT_URL}">Report an error in this page</a>' in body
    body = client.get("/ko/projects/export-research-reactor/").content.decode()
    korean = '<a href="/ko/projects/export-research-reactor/report/">이 페이지의 오류 신고</a>'
    assert korean in body


def test_the_form_is_labelled_csrf_protected_and_never_cached(client):
    response = client.get(REPORT_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in body
    assert '<label for="id_description">What is wrong?</label>' in body
    assert "(optional)" in body  # the e-mail address
    assert "no-cache" in response["Cache-Control"]
    assert client.get(REPORT_URL).headers.get("X-Cache") != "HIT"


def test_a_report_is_stored_for_officials_and_the_reader_thanked(client):
    response = send(client, email="reader@example.com")
    assert response.status_code == 302
    assert response["Location"] == f"{REPORT_URL}?sent=1"
    report = ProblemReport.objects.get()
    assert report.project.slug == "export-research-reactor"
    assert report.description == "The site date is wrong: it was May 2015."
    assert (report.email, report.status) == ("reader@example.com", ProblemReportStatus.NEW)
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you for your report" in thanks


def test_the_form_refuses_a_post_without_a_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(REPORT_URL, {"description": "x"})
    assert response.status_code == 403
    assert not ProblemReport.objects.exists()


def test_the_form_works_with_the_token_it_renders():
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(REPORT_URL)
    token = page.context["csrf_token"]
    response = strict.post(REPORT_URL, {"description": "Wrong year.", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ProblemReport.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": ""}, "Describe what is wrong on the page."),
        ({"description": "   \x07\x1b  "}, "Describe what is wrong on the page."),
        ({"description": "a\x00b"}, "Null characters are not allowed."),
        ({"description": "x" * 2001}, "keep the description to 2000 characters (it has 2001)."),
        ({"description": "ok", "email": "not-an-address"}, "Enter an e-mail address like"),
        ({"description": "ok", "email": "a@" + "b" * 300 + ".com"}, "e-mail address"),
    ],
)
def test_bad_input_gets_a_clear_message_and_a_400_and_keeps_what_was_typed(client, data, message):
    response = client.post(REPORT_URL, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "The report was not sent" in body
    assert not ProblemReport.objects.exists()
    if data.get("email") == "not-an-address":
        assert 'value="not-an-address"' in body


def test_hostile_text_is_stored_inert_and_never_reflected_as_markup(client):
    text = "<script>alert(1)</script>\u202e' OR 1=1 --\x1b[31m"
    assert send(client, description=text).status_code == 302
    stored = ProblemReport.objects.get().description
    assert stored == "<script>alert(1)</script>' OR 1=1 --[31m"
    response = client.post(REPORT_URL, {"description": text, "email": "bad"})
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_report_for_an_unknown_or_unpublished_project_is_a_404(client):
    assert client.get("/projects/no-such-project/report/").status_code == 404
    Project.objects.filter(slug="itu-post-project").update(is_published=False)
    unpublished = client.post("/projects/itu-post-project/report/", {"description": "x"})
    assert unpublished.status_code == 404


def test_other_methods_are_refused(client):
    assert client.put(REPORT_URL).status_code == 405
    assert client.delete(REPORT_URL).status_code == 405


def test_the_honeypot_swallows_a_bots_report(client):
    response = send(client, website="http://spam.example")
    assert response.status_code == 302  # a bot learns nothing
    assert not ProblemReport.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    body = client.get(REPORT_URL).content.decode()
    assert '<div class="hp" aria-hidden="true">' in body
    assert 'name="website" id="id_website" tabindex="-1"' in body


def test_more_than_five_reports_an_hour_from_one_address_are_refused(client):
    for _ in range(5):
        assert send(client).status_code == 302
    response = send(client)
    assert response.status_code == 429
    assert "You have sent 5 reports in the last hour" in response.content.decode()
    assert ProblemReport.objects.count() == 5
    # Another address is not affected.
    other = client.post(REPORT_URL, {"description": "x"}, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_the_rate_limit_fails_open_when_the_cache_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    for _ in range(7):
        assert send(client).status_code == 302
    assert ProblemReport.objects.count() == 7


# --- Officials ---------------------------------------------------------------------------------


@pytest.fixture
def report(client):
    send(client, email="reader@example.com")
    return ProblemReport.objects.get()


def test_officials_see_reports_filtered_by_status(editor_client, report):
    response = editor_client.get("/admin/projects/problemreport/?status__exact=new")
    body = response.content.decode()
    assert response.status_code == 200
    assert "The site date is wrong" in body
    assert response.context["cl"].result_count == 1
    resolved = editor_client.get("/admin/projects/problemreport/?status__exact=resolved")
    assert resolved.context["cl"].result_count == 0


def test_officials_mark_reports_resolved_with_the_action(editor_client, editor, report):
    response = editor_client.post(
        "/admin/projects/problemreport/",
        {"action": "mark_resolved", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "1 reports resolved." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ProblemReportStatus.RESOLVED
    assert report.resolved_by == editor and report.resolved_at is not None


def test_a_resolved_report_names_its_change_as_a_correction_by_a_reader(
    editor_client, report, client
):
    project = report.project
    project.summary_en = project.summary_en + " Corrected."
    project.save()
    change = project.history.latest("history_date")
    response = editor_client.post(
        f"/admin/projects/problemreport/{report.pk}/change/",
        {"status": "resolved", "resolution_note": "Summary fixed.", "resolved_change": change.pk},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    change.refresh_from_db()
    assert report.resolved_change == change
    assert change.history_change_reason == READER_REPORT_REASON
    assert change.change_kind == "correction"
    # The public change log lists it as a correction reported by a reader.
    log = " ".join(client.get(f"/projects/{project.slug}/changes/").content.decode().split())
    assert "Correction" in log and READER_REPORT_REASON in log
    # No personal data reaches the record the change log is built from.
    assert "reader@example.com" not in str(change.history_change_reason)


def test_a_change_can_only_be_named_for_a_resolved_report(editor_client, report):
    report.project.save()
    change = report.project.history.latest("history_date")
    response = editor_client.post(
        f"/admin/projects/problemreport/{report.pk}/change/",
        {"status": "new", "resolution_note": "", "resolved_change": change.pk},
    )
    assert response.status_code == 200
    assert "Only a resolved report can name the change it led to." in response.content.decode()


def test_officials_cannot_invent_reports_or_edit_a_readers_words(editor_client, report):
    assert editor_client.get("/admin/projects/problemreport/add/").status_code == 403
    editor_client.post(
        f"/admin/projects/problemreport/{report.pk}/change/",
        {"status": "rejected", "description": "changed", "resolution_note": "Not an error."},
    )
    report.refresh_from_db()
    assert report.description.startswith("The site date is wrong")
    assert report.status == ProblemReportStatus.REJECTED
