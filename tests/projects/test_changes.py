"""The public record of every change: officials give a kind and a reason, the public reads what
changed at /changes/, /projects/<slug>/changes/ and in the feeds, in English and Korean, and each
changed fact on a project page says so beside the plan's value."""

import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from projects.history import ChangeKind
from projects.models import Budget, Phase, Project
from sectors.models import Sector
from tests.helpers import rendered_form_data
from tests.projects.test_admin import change_url, inline_errors

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
REACTOR = "export-research-reactor"
COMPUTER_CENTER = "bs-financial-computer-center"
REASON = "The city council extended the construction in its 2026 budget."


@pytest.fixture
def official(editor_client):
    """A client signed in as an official of the Editors group (tests/conftest.py)."""
    return editor_client


def phase_row_index(response, key):
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "phases"
    )
    return next(index for index, form in enumerate(formset.forms) if form.instance.key == key)


def change_reactor_end_year(official, end_year="2020", kind="amendment", reason=REASON, **extra):
    """Through the project page's phase inline, as an official does."""
    project = Project.objects.get(slug=REACTOR)
    page = official.get(change_url(project))
    data = rendered_form_data(page)
    row = phase_row_index(page, "research-reactor")
    data[f"phases-{row}-end_year"] = end_year
    data[f"phases-{row}-change_kind"] = kind
    data[f"phases-{row}-change_reason"] = reason
    for name, value in extra.items():
        data[f"phases-{row}-{name}"] = value
    return official.post(change_url(project), data), row


def text(response):
    return response.content.decode()


def visible(response):
    """The page's main content as a reader sees it: tags dropped, spaces collapsed."""
    page = text(response)
    main = page[page.index("<main") : page.index("</main>")]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", main).split())).replace(" :", ":")


# The admin asks for a kind and a reason -----------------------------------------------------


def test_an_amendment_of_a_planned_end_year_is_saved_with_its_kind_and_reason(official, editor):
    response, _row = change_reactor_end_year(official, change_source="Council decision 2026-114")
    assert response.status_code == 302
    phase = Phase.objects.get(project__slug=REACTOR, key="research-reactor")
    assert phase.end_year == 2020
    latest = phase.history.latest()
    assert (latest.change_kind, latest.history_change_reason, latest.history_user) == (
        ChangeKind.AMENDMENT,
        REASON,
        editor,
    )
    assert latest.change_source == "Council decision 2026-114"


def test_changing_a_planned_year_without_a_reason_is_refused_beside_the_field(official):
    response, row = change_reactor_end_year(official, kind="", reason="")
    assert response.status_code == 200
    errors = inline_errors(response, "phases")[row]
    assert errors["change_reason"] == [
        "Give the reason for the change: you changed a date, an amount or a source."
    ]
    assert errors["change_kind"] == [
        "Choose the kind of change: you changed a date, an amount or a source."
    ]
    assert Phase.objects.get(project__slug=REACTOR, key="research-reactor").end_year == 2018


def test_the_refusal_is_in_korean_in_the_korean_admin(official):
    # The admin's own language switch is issue 15's; the message itself reads in Korean.
    response, row = change_reactor_end_year(official, kind="", reason="")
    with translation.override("ko"):
        errors = [str(error) for error in inline_errors(response, "phases")[row]["change_reason"]]
    assert errors == ["날짜, 금액 또는 원문을 바꾸었으니 변경 사유를 적어 주십시오."]


def test_a_budget_amount_changed_on_its_own_page_needs_a_reason(official):
    budget = Budget.objects.get(project__slug=COMPUTER_CENTER)
    url = reverse("admin:projects_budget_change", args=[budget.pk])
    data = rendered_form_data(official.get(url))
    data["amount_krw"] = "200000000000"
    response = official.post(url, data)
    assert response.context["adminform"].form.errors["change_reason"]
    data.update(change_kind="correction", change_reason="The plan's figure was mistyped.")
    assert official.post(url, data).status_code == 302
    assert Budget.objects.get(pk=budget.pk).amount_krw == 200_000_000_000


def test_a_change_of_a_name_alone_needs_no_reason(official):
    response, _row = change_reactor_end_year(
        official, end_year="2018", kind="", reason="", name_en="Research reactor for export"
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("x" * 10_000, "Ensure this value has at most 2000 characters (it has 10000)."),
        ("A bell\x07", "Remove the control characters (invisible characters) from this text."),
        ("\x00", "Null characters are not allowed."),
    ],
)
def test_a_hostile_reason_gets_a_message_beside_the_field(official, reason, message):
    response, row = change_reactor_end_year(official, reason=reason)
    assert response.status_code == 200
    assert message in inline_errors(response, "phases")[row]["change_reason"]


# The public change log -----------------------------------------------------------------------


def test_the_change_log_says_what_changed_its_kind_and_reason_in_both_languages(official, client):
    change_reactor_end_year(official)
    client.logout()
    english = visible(client.get("/changes/"))
    assert "Planned end year: 2018 → 2020" in english
    assert "Amendment of the plan" in english
    assert REASON in english
    assert "Changed by Busan Metropolitan City" in english and "official" not in english
    korean = visible(client.get("/ko/changes/"))
    assert "계획 종료 연도: 2018 → 2020" in korean
    assert "계획 변경" in korean
    assert "부산광역시" in korean


def test_the_projects_own_change_log_lists_it_and_a_signed_in_official_sees_who(official):
    change_reactor_end_year(official)
    page = visible(official.get(f"/projects/{REACTOR}/changes/"))
    assert "Planned end year: 2018 → 2020" in page
    assert "Changed by official" in page  # the username, shown to signed-in officials only


def test_the_project_page_shows_the_new_years_the_change_and_the_plans_years(official, client):
    change_reactor_end_year(official)
    client.logout()
    page = text(client.get(f"/projects/{REACTOR}/"))
    phase = Phase.objects.get(project__slug=REACTOR, key="research-reactor")
    anchor = f"/projects/{REACTOR}/changes/#change-phase-{phase.history.latest().history_id}"
    assert '<span class="span">2010–2020</span>' in page
    assert f'<a href="{anchor}">changed' in page
    assert "amendment of the plan: " + REASON in page
    assert "the plan said 2010–2019" in page  # the project's years as the plan gave them
    assert "the plan said 2010–2018" in page  # the phase's own years
    korean = text(client.get(f"/ko/projects/{REACTOR}/"))
    assert "계획에는 2010–2018" in korean


def test_an_unchanged_fact_shows_as_the_document_gives_it(client):
    page = text(client.get(f"/projects/{REACTOR}/"))
    assert "the plan said" not in page
    assert "The plan's text, verbatim." in page


def test_reverting_records_a_revert_entry(official, client):
    change_reactor_end_year(official)
    phase = Phase.objects.get(project__slug=REACTOR, key="research-reactor")
    plan = phase.history.earliest()
    url = reverse("admin:projects_phase_simple_history", args=[phase.pk, plan.history_id])
    response = official.post(url, rendered_form_data(official.get(url)))
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.end_year == 2018
    assert phase.history.latest().change_kind == ChangeKind.REVERT
    client.logout()
    log = visible(client.get("/changes/"))
    assert "Revert" in log and "Planned end year: 2020 → 2018" in log
    assert "Revert to version" in log
    # Back at the plan's value, the project page shows the fact as the document gives it.
    assert "the plan said 2010–2018" not in text(client.get(f"/projects/{REACTOR}/"))


def test_changing_a_projects_sectors_shows_in_its_change_log(official, client):
    project = Project.objects.get(slug=REACTOR)
    data = rendered_form_data(official.get(change_url(project)))
    data["sectors"] = [*data["sectors"], str(Sector.objects.get(slug="robotics").pk)]
    assert official.post(change_url(project), data).status_code == 302
    assert project.history.count() == 2  # the plan's version and one change, links included
    client.logout()
    log = visible(client.get(f"/projects/{REACTOR}/changes/"))
    assert "Sectors: Radiation medicine & bio → Radiation medicine & bio, Robots" in log


def test_reverting_a_project_restores_its_sectors_and_records_a_revert(official, client):
    project = Project.objects.get(slug=REACTOR)
    data = rendered_form_data(official.get(change_url(project)))
    data["sectors"] = [*data["sectors"], str(Sector.objects.get(slug="robotics").pk)]
    official.post(change_url(project), data)
    plan = project.history.earliest()
    url = reverse("admin:projects_project_simple_history", args=[project.pk, plan.history_id])
    assert official.post(url, rendered_form_data(official.get(url))).status_code == 302
    assert sorted(project.sectors.values_list("slug", flat=True)) == ["bio-medical"]
    assert project.history.latest().change_kind == ChangeKind.REVERT
    client.logout()
    log = visible(client.get(f"/projects/{REACTOR}/changes/"))
    assert "Revert" in log
    assert "Sectors: Radiation medicine & bio, Robots → Radiation medicine & bio" in log


def test_hostile_reason_and_source_are_shown_escaped(official, client):
    change_reactor_end_year(
        official,
        reason="<script>alert(1)</script>",
        change_source='<img src=x onerror="alert(2)">',
    )
    client.logout()
    for path in ("/changes/", f"/projects/{REACTOR}/changes/", f"/projects/{REACTOR}/"):
        page = text(client.get(path))
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x" not in page


def test_loading_the_document_again_records_no_change(client):
    call_command("loaddata", "busan", verbosity=0)
    assert not Project.history.exists() and not Phase.history.exists()
    assert "0 changes" in text(client.get("/changes/"))


# Filters and bad input -----------------------------------------------------------------------


def test_the_change_log_filters_by_sector_and_by_dates(official, client):
    change_reactor_end_year(official)
    client.logout()
    assert "Planned end year" in text(client.get("/changes/?sector=bio-medical"))
    assert "Planned end year" not in text(client.get("/changes/?sector=it"))
    assert "Planned end year" in text(client.get("/changes/?since=2000-01-01&until=2100-12-31"))
    assert "Planned end year" not in text(client.get("/changes/?until=2001-01-01"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sector=no-such-sector", "There is no such sector."),
        ("since=20x5", "Enter the date as year-month-day, e.g. 2026-12-01."),
        ("since=1800-01-01", "Enter a date between 1900 and 2100."),
        ("since=2026-12-01&until=2026-01-01", "The end of the period cannot be before its start."),
        ("sector=%00&since=%00&page=%00", "There is no such sector."),
    ],
)
def test_bad_filters_get_a_message_and_the_rest_still_applies(client, query, message):
    response = client.get(f"/changes/?{query}")
    assert response.status_code == 200
    assert message in text(response)


def test_bad_filters_get_a_korean_message(client):
    assert "그런 분야는 없습니다." in text(client.get("/ko/changes/?sector=nope"))


def test_an_unknown_project_has_no_change_log(client):
    assert client.get("/projects/no-such-project/changes/").status_code == 404


def test_an_unpublished_projects_changes_are_not_public(official, client):
    change_reactor_end_year(official)
    Project.objects.filter(slug=REACTOR).update(is_published=False)
    client.logout()
    assert "Planned end year" not in text(client.get("/changes/"))
    assert client.get(f"/projects/{REACTOR}/changes/").status_code == 404


# Feeds -----------------------------------------------------------------------------------


def feed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own feed


def test_the_feed_of_changes_has_the_change_as_plain_text(official, client):
    change_reactor_end_year(official, reason="<b>bold</b>\x0b claim")
    # The vertical tab is refused by the form; a plain reason goes through.
    change_reactor_end_year(official, reason="Council <decision> 114")
    client.logout()
    root = feed(client, "/feeds/changes/")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.find(f"{ATOM}title").text == "Busan Strategic Projects: changes since the plan"
    entry = root.find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert "Reason: Council <decision> 114" in summary.text
    assert "Busan Metropolitan City" in summary.text and "official" not in summary.text
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith(f"http://testserver/projects/{REACTOR}/changes/#change-phase-")


def test_the_korean_feed_of_changes(official, client):
    change_reactor_end_year(official)
    client.logout()
    root = feed(client, "/ko/feeds/changes/")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    assert root.find(f"{ATOM}title").text == "부산 전략사업: 계획 이후의 변경"
    entry = root.find(f"{ATOM}entry")
    assert "계획 종료 연도: 2018 → 2020" in entry.find(f"{ATOM}title").text
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith(f"http://testserver/ko/projects/{REACTOR}/changes/")


# The plan's age ----------------------------------------------------------------------------


def test_the_plans_age_is_the_latest_month_its_phases_mention(client):
    home = text(client.get("/"))
    assert "The plan states no date of its own; the latest month it mentions is August 2015" in home
    korean = text(client.get(f"/ko/projects/{REACTOR}/"))
    assert "계획에는 작성 날짜가 없습니다. 계획이 언급하는 가장 늦은 달은 2015년 8월" in korean


def test_an_officials_later_month_does_not_make_the_plan_younger(official, client):
    phase = Phase.objects.get(project__slug=COMPUTER_CENTER, key="construction-begins")
    url = reverse("admin:projects_phase_change", args=[phase.pk])
    data = rendered_form_data(official.get(url))
    data.update(start_year="2017", start_month="3", change_kind="amendment")
    data["change_reason"] = "Delayed."
    assert official.post(url, data).status_code == 302
    client.logout()
    assert "the latest month it mentions is August 2015" in text(client.get("/"))


def test_an_imported_row_is_one_change_with_its_sectors(official, client):
    from tests.projects.test_import import csv_bytes, import_file, update_row

    import_file(official, csv_bytes([update_row(sectors="bio-medical, robotics")]))
    project = Project.objects.get(slug="radiological-medical-sciences-complex")
    assert project.history.count() == 2  # the plan's version, and the import's one
    client.logout()
    log = visible(client.get(f"/projects/{project.slug}/changes/"))
    assert "Sectors: Radiation medicine & bio → Radiation medicine & bio, Robots" in log
    assert "Title (Korean): " in log
    assert "Imported from projects.csv" in log


def test_a_progress_report_is_in_the_change_log_as_a_progress_report(editor, client):
    from datetime import date

    from projects.models import ProgressUpdate

    report = ProgressUpdate(
        project=Project.objects.get(slug=REACTOR),
        as_of=date(2026, 11, 30),
        status="implementation",
        progress_percent=40,
        source_title="Busan city report 2026-11",
        source_url="https://www.busan.go.kr/report/2026-11",
    )
    report._history_user = editor
    report.save()
    english = visible(client.get("/changes/"))
    assert "Progress report as of 30 Nov 2026 added" in english
    assert "Progress (%): 40" in english
    assert "Progress report" in english.split("Progress report as of")[0]  # the kind
    korean = visible(client.get("/ko/changes/"))
    assert "2026년 11월 30일 기준 추진 상황 보고 추가" in korean
