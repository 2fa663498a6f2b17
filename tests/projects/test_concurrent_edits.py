"""No lost updates: two signed-in officials edit the same record; the later stale save is
refused, says what the other changed, and keeps what its author typed (projects/concurrency.py).
"""

import pytest
from concurrency.exceptions import RecordModifiedError
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse

from projects.concurrency import ConcurrentEditFormMixin
from projects.models import Budget, Phase, Project
from tests.factories import BudgetFactory, PhaseFactory, ProgressUpdateFactory, ProjectFactory
from tests.helpers import rendered_form_data
from tests.projects.test_admin import change_url

pytestmark = pytest.mark.django_db

IMPORTED_SLUG = "radiological-medical-sciences-complex"


def signed_in(username):
    user = User.objects.create_user(username, f"{username}@busan.example", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def official_a():
    return signed_in("kim.minji")


@pytest.fixture
def official_b():
    return signed_in("park.jun")


def form_value(response, name):
    return response.context["adminform"].form[name].value()


def refusal(response, form=None):
    """The refusal message (the form's errors above its fields), one line per entry."""
    form = form or response.context["adminform"].form
    return "\n".join(form.non_field_errors())


def test_a_stale_project_form_is_refused_and_both_officials_values_are_kept(official_a, official_b):
    project = Project.objects.get(slug=IMPORTED_SLUG)
    original_title = project.title_en
    stale = rendered_form_data(official_b.get(change_url(project)))

    mine = rendered_form_data(official_a.get(change_url(project)))
    mine["summary_en"] = "Summary rewritten by Kim."
    assert official_a.post(change_url(project), mine).status_code == 302

    stale["title_en"] = "Title typed by Park"
    refused = official_b.post(change_url(project), stale)

    assert refused.status_code == 200
    project.refresh_from_db()
    assert (project.title_en, project.summary_en) == (original_title, "Summary rewritten by Kim.")
    text = refusal(refused)
    assert "Not saved: kim.minji saved this project" in text
    assert "Summary (English): now “Summary rewritten by Kim.”." in text
    # Park's input is in the form shown again, next to Kim's summary.
    assert form_value(refused, "title_en") == "Title typed by Park"
    assert form_value(refused, "summary_en") == "Summary rewritten by Kim."

    # Saving the form shown again keeps both.
    assert official_b.post(change_url(project), rendered_form_data(refused)).status_code == 302
    project.refresh_from_db()
    assert (project.title_en, project.summary_en) == (
        "Title typed by Park",
        "Summary rewritten by Kim.",
    )


def test_a_field_both_officials_changed_shows_theirs_and_keeps_yours(official_a, official_b):
    project = ProjectFactory(title_en="Old title")
    stale = rendered_form_data(official_b.get(change_url(project)))
    mine = rendered_form_data(official_a.get(change_url(project)))
    mine["title_en"] = "Kim's title"
    official_a.post(change_url(project), mine)

    stale["title_en"] = "Park's title"
    refused = official_b.post(change_url(project), stale)

    assert "Title (English): theirs “Kim's title”, yours “Park's title”" in refusal(refused)
    assert form_value(refused, "title_en") == "Park's title"
    assert Project.objects.get(pk=project.pk).title_en == "Kim's title"


def test_a_save_from_an_up_to_date_form_goes_through(official_a):
    project = ProjectFactory()
    version = project.version
    data = rendered_form_data(official_a.get(change_url(project)))
    data["title_en"] = "Fresh"
    assert official_a.post(change_url(project), data).status_code == 302
    project.refresh_from_db()
    assert (project.title_en, project.version) == ("Fresh", version + 1)


def test_a_stale_phase_edit_on_the_project_page_is_refused(official_a, official_b):
    project = ProjectFactory()
    phase = PhaseFactory(project=project, name_en="Groundwork", start_year=2015, end_year=2017)
    stale = rendered_form_data(official_b.get(change_url(project)))

    mine = rendered_form_data(official_a.get(change_url(project)))
    mine["phases-0-end_year"] = "2019"
    # A planned date changes: the change log asks for its kind and reason (issue 14).
    mine["phases-0-change_kind"] = "amendment"
    mine["phases-0-change_reason"] = "The council extended the works."
    assert official_a.post(change_url(project), mine).status_code == 302

    stale["phases-0-name_en"] = "Site preparation"
    refused = official_b.post(change_url(project), stale)

    assert refused.status_code == 200
    phase.refresh_from_db()
    assert (phase.name_en, phase.end_year) == ("Groundwork", 2019)
    formset = next(
        inline.formset
        for inline in refused.context["inline_admin_formsets"]
        if inline.formset.prefix == "phases"
    )
    assert "Planned end year: now “2019”." in refusal(refused, formset.forms[0])
    assert formset.forms[0]["name_en"].value() == "Site preparation"
    assert str(formset.forms[0]["end_year"].value()) == "2019"

    assert official_b.post(change_url(project), rendered_form_data(refused)).status_code == 302
    phase.refresh_from_db()
    assert (phase.name_en, phase.end_year) == ("Site preparation", 2019)


def test_a_stale_budget_form_is_refused_on_its_own_page(official_a, official_b):
    budget = BudgetFactory(amount_krw=1_000)
    url = reverse("admin:projects_budget_change", args=[budget.pk])
    stale = rendered_form_data(official_b.get(url))
    mine = rendered_form_data(official_a.get(url))
    mine["amount_krw"] = "2000"
    # An amount changes: the change log asks for its kind and reason (issue 14).
    mine["change_kind"] = "correction"
    mine["change_reason"] = "The budget line was mistyped."
    assert official_a.post(url, mine).status_code == 302

    stale["covers_en"] = "Land purchase"
    refused = official_b.post(url, stale)

    assert refused.status_code == 200
    assert Budget.objects.get(pk=budget.pk).amount_krw == 2_000
    assert "Amount (KRW): now “2000”." in refusal(refused)


def test_a_stale_phase_form_is_refused_on_its_own_page(official_a, official_b):
    phase = PhaseFactory(name_en="Groundwork")
    url = reverse("admin:projects_phase_change", args=[phase.pk])
    stale = rendered_form_data(official_b.get(url))
    mine = rendered_form_data(official_a.get(url))
    mine["name_en"] = "Foundations"
    official_a.post(url, mine)

    stale["name_en"] = "Piling"
    assert official_b.post(url, stale).status_code == 200
    assert Phase.objects.get(pk=phase.pk).name_en == "Foundations"


def test_the_database_refuses_a_save_from_an_older_version_whatever_the_caller():
    project = ProjectFactory()
    first, second = Project.objects.get(pk=project.pk), Project.objects.get(pk=project.pk)
    first.title_en = "First"
    first.save()
    second.title_en = "Second"
    with pytest.raises(RecordModifiedError), transaction.atomic():
        second.save()
    assert Project.objects.get(pk=project.pk).title_en == "First"


def test_a_save_racing_another_is_refused_without_an_error_page(official_a, monkeypatch):
    # The other official's save lands between this form's check and its save: the check is
    # made to pass, and the database's conditional update refuses the save.
    project = ProjectFactory(title_en="Before")
    data = rendered_form_data(official_a.get(change_url(project)))
    data["title_en"] = "Mine"
    Project.objects.filter(pk=project.pk).update(version=F("version") + 1, title_en="Theirs")
    monkeypatch.setattr(ConcurrentEditFormMixin, "_refuse_stale_edit", lambda *args: None)

    response = official_a.post(change_url(project), data)

    assert response.status_code == 302
    assert response["Location"] == change_url(project)
    assert Project.objects.get(pk=project.pk).title_en == "Theirs"


def test_a_stale_progress_report_form_is_refused(official_a, official_b):
    report = ProgressUpdateFactory(progress_percent=10)
    url = reverse("admin:projects_progressupdate_change", args=[report.pk])
    stale = rendered_form_data(official_b.get(url))
    mine = rendered_form_data(official_a.get(url))
    mine["progress_percent"] = "40"
    assert official_a.post(url, mine).status_code == 302

    stale["note_en"] = "Typed by Park"
    refused = official_b.post(url, stale)

    assert refused.status_code == 200
    report.refresh_from_db()
    assert (report.progress_percent, report.note_en) == (40, report.note_en)
    assert report.note_en != "Typed by Park"
    assert form_value(refused, "note_en") == "Typed by Park"
    assert str(form_value(refused, "progress_percent")) == "40"
