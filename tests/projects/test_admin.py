"""The admin as a city official uses it: signed in as an editor through the test client."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from projects.models import Budget, Phase, PhaseKind, Program, Project, ProjectStatus
from sectors.models import Sector
from tests.factories import BudgetFactory, PhaseFactory, ProgressUpdateFactory, ProjectFactory
from tests.helpers import EDITOR_PASSWORD, rendered_form_data

pytestmark = pytest.mark.django_db

IMPORTED_SLUG = "radiological-medical-sciences-complex"
IMPORTED_TITLE = "Dongnam region radiological & medicine sciences industrial complex"


def management_form(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def new_project_data(phases=(), budgets=(), **fields):
    """POST data of the admin's add-project page: a valid project plus the given inline rows
    (each a dict of field values)."""
    data = {
        "title_en": "Tidal energy test bed",
        "title_ko": "조력 에너지 시험장",
        "slug": "tidal-energy-test-bed",
        "summary_en": "A test bed for tidal turbines.",
        "summary_ko": "",
        "program": str(Program.objects.get(slug="robot-green-energy").pk),
        "primary_sector": str(Sector.objects.get(slug="green-energy").pk),
        "sectors": [str(Sector.objects.get(slug="green-energy").pk)],
        "is_published": "on",
        "position": "0",
        "source_document": "",
        "source_text": "",
        **management_form("phases", total=len(phases)),
        **management_form("budgets", total=len(budgets)),
        **management_form("quantities"),
        **management_form("progress_updates"),
    }
    for prefix, rows in (("phases", phases), ("budgets", budgets)):
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    data.update(fields)
    return data


def phase_row(**fields):
    return {
        "key": "construction",
        "name_en": "Construction",
        "name_ko": "",
        "kind": PhaseKind.PERIOD,
        "start_year": "2016",
        "start_month": "",
        "end_year": "2019",
        "end_month": "",
        "source_text": "",
        "position": "0",
        **fields,
    }


def budget_row(**fields):
    return {
        "key": "total",
        "amount_krw": "190200000000",
        "covers_en": "Total cost",
        "covers_ko": "",
        "year": "",
        "source_text": "",
        **fields,
    }


def add_url():
    return reverse("admin:projects_project_add")


def change_url(project):
    return reverse("admin:projects_project_change", args=[project.pk])


def inline_errors(response, prefix):
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    )
    return formset.errors


def change_title(client, project, title):
    data = rendered_form_data(client.get(change_url(project)))
    data["title_en"] = title
    return client.post(change_url(project), data)


# Signing in and roles ----------------------------------------------------------------------


def test_an_editor_signs_in_with_the_admin_login_form(client, editor):
    response = client.post(
        reverse("admin:login"),
        {"username": "official", "password": EDITOR_PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).context["user"] == editor


def test_an_anonymous_visitor_is_redirected_to_the_login_page(client):
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_an_editor_is_refused_the_user_admin(editor_client):
    response = editor_client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 403


def test_an_editor_is_refused_the_group_admin(editor_client):
    response = editor_client.get(reverse("admin:auth_group_changelist"))
    assert response.status_code == 403


def test_an_editor_cannot_open_another_users_page(editor_client):
    superuser = User.objects.create_superuser("root", "root@busan.example", EDITOR_PASSWORD)
    response = editor_client.get(reverse("admin:auth_user_change", args=[superuser.pk]))
    assert response.status_code == 403


def test_the_editors_group_holds_no_permission_on_users_groups_or_permissions():
    group = Group.objects.get(name="Editors")
    assert not group.permissions.filter(content_type__app_label="auth").exists()


def test_the_editors_group_may_edit_every_portfolio_model():
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    for model in ("project", "phase", "budget", "quantity", "sector", "strategy", "program"):
        for action in ("add", "change", "delete", "view"):
            assert f"{action}_{model}" in codenames
    for model in ("place", "organisation", "sourcedocument"):
        assert f"change_{model}" in codenames
    assert {"view_historicalproject", "view_historicalphase", "view_historicalbudget"} <= codenames
    for action in ("add", "change", "delete", "view"):
        assert f"{action}_progressupdate" in codenames
    assert "view_historicalprogressupdate" in codenames


def test_the_admin_index_lists_only_the_portfolio_to_an_editor(editor_client):
    response = editor_client.get(reverse("admin:index"))
    app_labels = {app["app_label"] for app in response.context["app_list"]}
    assert app_labels == {"projects", "sectors"}


def test_every_editor_permission_exists_in_the_database():
    # The migration creates the permissions itself; none is left dangling.
    group = Group.objects.get(name="Editors")
    # 43, and the progress reports' four and their history's view (0005).
    assert group.permissions.count() == 48
    assert Permission.objects.filter(group=group, content_type__app_label="sectors").count() == 4


# Adding a project -----------------------------------------------------------------------------


def test_an_editor_adds_a_project_with_two_phases_and_a_budget(editor_client, editor):
    data = new_project_data(
        phases=[
            phase_row(key="design", name_en="Design", start_year="2016", end_year="2017"),
            phase_row(
                key="opening",
                name_en="Opening",
                kind=PhaseKind.MILESTONE,
                start_year="2019",
                start_month="7",
                end_year="",
            ),
        ],
        budgets=[budget_row()],
    )
    response = editor_client.post(add_url(), data)
    assert response.status_code == 302
    project = Project.objects.get(slug="tidal-energy-test-bed")
    assert [(p.key, p.when) for p in project.phases.order_by("start_year")] == [
        ("design", "2016–2017"),
        ("opening", "2019-07"),
    ]
    assert list(project.budgets.values_list("amount_krw", flat=True)) == [190_200_000_000]
    assert project.history.get().history_user == editor


def test_a_project_added_in_the_admin_is_on_the_public_list(editor_client):
    editor_client.post(add_url(), new_project_data(phases=[phase_row()]))
    response = editor_client.get(reverse("projects:list"), {"q": "Tidal energy test bed"})
    assert response.status_code == 200
    assert "Tidal energy test bed" in response.content.decode()


def test_a_project_added_in_the_admin_has_its_public_page(editor_client):
    editor_client.post(add_url(), new_project_data())
    response = editor_client.get(reverse("projects:detail", args=["tidal-energy-test-bed"]))
    assert response.status_code == 200
    assert "Tidal energy test bed" in response.content.decode()


def test_an_unpublished_project_is_in_the_admin_but_not_on_the_public_site(editor_client):
    data = new_project_data()
    del data["is_published"]
    editor_client.post(add_url(), data)
    changelist = editor_client.get(
        reverse("admin:projects_project_changelist"), {"q": "Tidal energy"}
    )
    assert [p.slug for p in changelist.context["cl"].result_list] == ["tidal-energy-test-bed"]
    public = editor_client.get(reverse("projects:detail", args=["tidal-energy-test-bed"]))
    assert public.status_code == 404


def test_the_primary_sector_is_added_to_the_sectors_when_left_out(editor_client):
    robotics = Sector.objects.get(slug="robotics")
    editor_client.post(
        add_url(),
        new_project_data(
            primary_sector=str(robotics.pk),
            sectors=[str(Sector.objects.get(slug="it").pk)],
        ),
    )
    project = Project.objects.get(slug="tidal-energy-test-bed")
    assert sorted(project.sectors.values_list("slug", flat=True)) == ["it", "robotics"]


def test_sectors_may_be_left_empty_when_a_primary_sector_is_chosen(editor_client):
    editor_client.post(add_url(), new_project_data(sectors=[]))
    project = Project.objects.get(slug="tidal-energy-test-bed")
    assert list(project.sectors.values_list("slug", flat=True)) == ["green-energy"]


# Invalid input: the message by the field, nothing saved ------------------------------------


def assert_nothing_saved():
    assert not Project.objects.filter(slug="tidal-energy-test-bed").exists()
    assert not Phase.objects.filter(name_en="Construction", start_year=2016).exists()


def test_an_end_year_before_the_start_year_is_reported_by_the_end_year(editor_client):
    data = new_project_data(phases=[phase_row(start_year="2018", end_year="2014")])
    response = editor_client.post(add_url(), data)
    assert response.status_code == 200
    assert inline_errors(response, "phases") == [
        {"end_year": ["The end year cannot be before the start year."]}
    ]
    assert "The end year cannot be before the start year." in response.content.decode()
    assert_nothing_saved()


def test_month_13_is_reported_by_the_month(editor_client):
    response = editor_client.post(add_url(), new_project_data(phases=[phase_row(start_month="13")]))
    assert inline_errors(response, "phases") == [{"start_month": ["Enter a month from 1 to 12."]}]
    assert_nothing_saved()


def test_a_year_outside_1900_to_2100_is_reported_by_the_year(editor_client):
    response = editor_client.post(
        add_url(), new_project_data(phases=[phase_row(start_year="1850", end_year="")])
    )
    assert inline_errors(response, "phases") == [
        {"start_year": ["Enter a year between 1900 and 2100."]}
    ]
    assert_nothing_saved()


def test_a_milestone_with_an_end_is_reported_by_the_end_year(editor_client):
    response = editor_client.post(
        add_url(),
        new_project_data(phases=[phase_row(kind=PhaseKind.MILESTONE, end_year="2020")]),
    )
    assert inline_errors(response, "phases") == [
        {"end_year": ["A milestone has a single date: leave the end blank."]}
    ]
    assert_nothing_saved()


def test_an_end_month_before_the_start_month_in_one_year_is_reported_by_the_end_month(
    editor_client,
):
    response = editor_client.post(
        add_url(),
        new_project_data(
            phases=[phase_row(start_year="2016", start_month="8", end_year="2016", end_month="4")]
        ),
    )
    assert inline_errors(response, "phases") == [
        {"end_month": ["The end month cannot be before the start month."]}
    ]


def test_a_negative_budget_is_reported_by_the_amount(editor_client):
    response = editor_client.post(
        add_url(), new_project_data(budgets=[budget_row(amount_krw="-5")])
    )
    assert inline_errors(response, "budgets") == [{"amount_krw": ["A budget cannot be negative."]}]
    assert_nothing_saved()


def test_an_absurd_budget_is_reported_by_the_amount(editor_client):
    response = editor_client.post(
        add_url(), new_project_data(budgets=[budget_row(amount_krw="9" * 17)])
    )
    assert inline_errors(response, "budgets") == [
        {"amount_krw": ["This is more than a quadrillion won; check the number of digits."]}
    ]
    assert_nothing_saved()


def test_a_budget_beyond_the_database_integer_is_reported_by_the_amount(editor_client):
    response = editor_client.post(
        add_url(), new_project_data(budgets=[budget_row(amount_krw="9" * 30)])
    )
    assert list(inline_errors(response, "budgets")[0]) == ["amount_krw"]
    assert_nothing_saved()


def test_a_budget_may_be_typed_with_thousands_separators(editor_client):
    editor_client.post(
        add_url(), new_project_data(budgets=[budget_row(amount_krw="190,200,000,000")])
    )
    assert Budget.objects.get(project__slug="tidal-energy-test-bed").amount_krw == 190_200_000_000


def test_a_budget_year_outside_1900_to_2100_is_reported_by_the_year(editor_client):
    response = editor_client.post(add_url(), new_project_data(budgets=[budget_row(year="3000")]))
    assert inline_errors(response, "budgets") == [{"year": ["Enter a year between 1900 and 2100."]}]


def test_a_duplicate_project_slug_is_reported_by_the_slug(editor_client):
    response = editor_client.post(add_url(), new_project_data(slug=IMPORTED_SLUG))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "slug": ["Project with this Slug already exists."]
    }
    assert Project.objects.filter(slug=IMPORTED_SLUG).count() == 1


def test_two_phases_with_one_key_are_reported_by_the_key_and_nothing_is_saved(editor_client):
    response = editor_client.post(
        add_url(),
        new_project_data(phases=[phase_row(key="same"), phase_row(key="same", name_en="Other")]),
    )
    assert inline_errors(response, "phases") == [
        {},
        {"key": ["Another phase of this project already uses this key."]},
    ]
    assert_nothing_saved()


def test_a_new_phase_reusing_a_stored_key_is_reported_by_the_key(editor_client):
    project = ProjectFactory()
    PhaseFactory(project=project, key="construction")
    data = rendered_form_data(editor_client.get(change_url(project)))
    data["phases-TOTAL_FORMS"] = "2"
    data.update({f"phases-1-{name}": value for name, value in phase_row().items()})
    response = editor_client.post(change_url(project), data)
    assert response.status_code == 200
    assert inline_errors(response, "phases")[1] == {
        "key": ["Another phase of this project already uses this key."]
    }
    assert project.phases.count() == 1


def test_two_budgets_with_one_key_are_reported_by_the_key(editor_client):
    response = editor_client.post(
        add_url(), new_project_data(budgets=[budget_row(), budget_row(amount_krw="1")])
    )
    assert inline_errors(response, "budgets")[1] == {
        "key": ["Another budget of this project already uses this key."]
    }
    assert_nothing_saved()


def test_a_negative_quantity_is_reported_by_the_value(editor_client):
    data = new_project_data(
        **management_form("quantities", total=1),
        **{
            "quantities-0-key": "area",
            "quantities-0-value": "-3",
            "quantities-0-unit_en": "m²",
        },
    )
    response = editor_client.post(add_url(), data)
    assert inline_errors(response, "quantities") == [{"value": ["A quantity cannot be negative."]}]
    assert_nothing_saved()


# The change list ------------------------------------------------------------------------------


def test_the_change_list_shows_sectors_span_status_and_publication(editor_client):
    project = ProjectFactory(title_en="Harbour robots")
    ProgressUpdateFactory(project=project, status=ProjectStatus.IMPLEMENTATION)
    PhaseFactory(project=project, start_year=2015, end_year=2018)
    response = editor_client.get(
        reverse("admin:projects_project_changelist"), {"q": "Harbour robots"}
    )
    row = response.content.decode()
    assert "Harbour robots" in row
    assert "2015–2018" in row
    assert "Implementation" in row
    assert "IT" in response.context["cl"].model_admin.sector_list(project)


def test_the_year_filter_keeps_projects_active_in_that_year(editor_client):
    early = ProjectFactory(title_en="Early works")
    PhaseFactory(project=early, start_year=1990, end_year=1991)
    response = editor_client.get(reverse("admin:projects_project_changelist"), {"year": "1991"})
    assert [p.slug for p in response.context["cl"].result_list] == [early.slug]


def test_the_year_filter_offers_undated_projects(editor_client):
    response = editor_client.get(reverse("admin:projects_project_changelist"), {"year": "undated"})
    slugs = {p.slug for p in response.context["cl"].result_list}
    assert slugs == set(Project.objects.undated().values_list("slug", flat=True))
    assert slugs


def test_a_malformed_year_filter_redirects_instead_of_failing(editor_client):
    response = editor_client.get(reverse("admin:projects_project_changelist"), {"year": "19x1"})
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def test_the_change_list_runs_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, many_projects
):
    with django_assert_max_num_queries(20):
        response = editor_client.get(reverse("admin:projects_project_changelist"))
    assert len(response.context["cl"].result_list) == 50


def test_the_imported_source_text_is_shown_but_not_editable(editor_client):
    project = Project.objects.get(slug=IMPORTED_SLUG)
    response = editor_client.get(change_url(project))
    form = response.context["adminform"].form
    assert "source_text" not in form.fields
    assert escape(project.source_text) in response.content.decode()


def test_the_source_text_of_a_project_entered_by_officials_is_editable(editor_client):
    response = editor_client.get(change_url(ProjectFactory()))
    assert "source_text" in response.context["adminform"].form.fields


def test_the_change_page_links_to_the_public_page(editor_client):
    project = Project.objects.get(slug=IMPORTED_SLUG)
    response = editor_client.get(change_url(project))
    assert response.context["has_absolute_url"] is True


# Publishing -----------------------------------------------------------------------------------


def test_the_unpublish_action_hides_projects_from_the_public_site(editor_client, editor):
    project = Project.objects.get(slug=IMPORTED_SLUG)
    response = editor_client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "unpublish", "_selected_action": [str(project.pk)]},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.is_published is False
    assert editor_client.get(project.get_absolute_url()).status_code == 404
    latest = project.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (editor, "Unpublished")


def test_the_publish_action_shows_projects_on_the_public_site(editor_client):
    project = ProjectFactory(is_published=False)
    editor_client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "publish", "_selected_action": [str(project.pk)]},
    )
    project.refresh_from_db()
    assert project.is_published is True
    assert editor_client.get(project.get_absolute_url()).status_code == 200


# History and revert ---------------------------------------------------------------------------


def test_a_title_change_is_in_the_history_with_user_time_and_field(editor_client, editor):
    project = Project.objects.get(slug=IMPORTED_SLUG)
    before = timezone.now()
    response = change_title(editor_client, project, "Radiation medicine complex")
    assert response.status_code == 302
    history = editor_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    latest = history.context["page_obj"][0]
    assert latest.history_user == editor
    assert before <= latest.history_date <= timezone.now()
    assert latest.history_delta_changes == [
        {
            "field": "Title (English)",
            "old": escape(IMPORTED_TITLE),
            "new": "Radiation medicine complex",
        }
    ]
    page = history.content.decode()
    assert "official" in page
    assert "Title (English):</strong> Dongnam region" in page


def test_the_history_page_does_not_link_editors_to_the_user_admin(editor_client, editor):
    project = Project.objects.get(slug=IMPORTED_SLUG)
    change_title(editor_client, project, "Radiation medicine complex")
    history = editor_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert reverse("admin:auth_user_change", args=[editor.pk]) not in history.content.decode()


def test_the_first_change_of_a_loaded_project_keeps_its_earlier_state(editor_client):
    project = Project.objects.get(slug=IMPORTED_SLUG)
    assert not project.history.exists()
    change_title(editor_client, project, "Radiation medicine complex")
    versions = list(project.history.order_by("history_date").values_list("title_en", flat=True))
    assert versions == [IMPORTED_TITLE, "Radiation medicine complex"]
    assert project.history.earliest().history_user is None


def test_an_editor_reverts_a_title_change(editor_client, editor):
    project = Project.objects.get(slug=IMPORTED_SLUG)
    change_title(editor_client, project, "Radiation medicine complex")
    earlier = project.history.earliest()
    revert_url = reverse(
        "admin:projects_project_simple_history", args=[project.pk, earlier.history_id]
    )
    page = editor_client.get(revert_url)
    assert page.context["adminform"].form["title_en"].value() == IMPORTED_TITLE
    response = editor_client.post(revert_url, rendered_form_data(page))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title_en == IMPORTED_TITLE
    latest = project.history.latest()
    assert (latest.title_en, latest.history_user) == (IMPORTED_TITLE, editor)


def test_a_phase_change_on_the_project_page_is_in_the_project_history(editor_client, editor):
    project = ProjectFactory()
    phase = PhaseFactory(project=project, start_year=2015, end_year=2017)
    data = rendered_form_data(editor_client.get(change_url(project)))
    data["phases-0-end_year"] = "2019"
    assert editor_client.post(change_url(project), data).status_code == 302
    history = editor_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    entry = history.context["part_history"][0]
    assert entry["record"].id == phase.id
    assert entry["record"].history_user == editor
    assert entry["changes"] == [{"field": "Planned end year", "old": "2017", "new": "2019"}]


def test_deleting_a_budget_is_recorded_with_its_amount(editor_client, editor):
    project = ProjectFactory()
    budget = BudgetFactory(project=project, amount_krw=5_000)
    data = rendered_form_data(editor_client.get(change_url(project)))
    data["budgets-0-DELETE"] = "on"
    editor_client.post(change_url(project), data)
    assert not Budget.objects.filter(pk=budget.pk).exists()
    deletion = Budget.history.filter(id=budget.pk).latest()
    assert (deletion.history_type, deletion.amount_krw, deletion.history_user) == (
        "-",
        5_000,
        editor,
    )


def test_an_editor_restores_a_deleted_phase_from_its_history(editor_client):
    phase = PhaseFactory(name_en="Groundwork")
    phase_id, project = phase.pk, phase.project
    phase.delete()
    version = Phase.history.filter(id=phase_id, history_type="+").get()
    url = reverse("admin:projects_phase_simple_history", args=[phase_id, version.history_id])
    page = editor_client.get(url)
    editor_client.post(url, rendered_form_data(page))
    assert project.phases.get().name_en == "Groundwork"


# Every page opens ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "heading"),
    [
        ("projects.project", "Select project to change"),
        ("projects.phase", "Select phase to change"),
        ("projects.budget", "Select budget to change"),
        ("projects.quantity", "Select quantity to change"),
        ("projects.strategy", "Select strategic goal to change"),
        ("projects.program", "Select program to change"),
        ("projects.place", "Select place to change"),
        ("projects.organisation", "Select organisation to change"),
        ("projects.sourcedocument", "Select source document to change"),
        ("sectors.sector", "Select sector to change"),
    ],
)
def test_every_portfolio_list_opens_for_an_editor(editor_client, model, heading):
    app_label, model_name = model.split(".")
    response = editor_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    assert response.context["title"] == heading


@pytest.mark.parametrize(
    "model",
    [
        "projects.project",
        "projects.phase",
        "projects.budget",
        "projects.quantity",
        "projects.strategy",
        "projects.program",
        "projects.place",
        "projects.organisation",
        "projects.sourcedocument",
        "sectors.sector",
    ],
)
def test_every_portfolio_add_page_opens_for_an_editor(editor_client, model):
    app_label, model_name = model.split(".")
    response = editor_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code == 200
    assert response.context["add"] is True


def test_the_sector_autocomplete_answers_an_editor(editor_client):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "robot",
            "app_label": "projects",
            "model_name": "project",
            "field_name": "sectors",
        },
    )
    assert [item["text"] for item in response.json()["results"]] == ["Robots"]


def test_the_import_page_explains_the_file(editor_client):
    response = editor_client.get(reverse("admin:projects_project_import"))
    assert response.status_code == 200
    assert "How the file is read" in response.content.decode()


def test_the_sector_list_counts_projects(editor_client):
    response = editor_client.get(reverse("admin:sectors_sector_changelist"))
    counts = {
        sector.slug: sector.admin_project_count for sector in response.context["cl"].result_list
    }
    assert counts["it"] == Project.objects.filter(sectors__slug="it").count()


def test_an_editor_restores_a_deleted_project_from_its_history(editor_client):
    project = ProjectFactory(title_en="Removed by mistake")
    project_id = project.pk
    editor_client.post(reverse("admin:projects_project_delete", args=[project_id]), {"post": "yes"})
    assert not Project.objects.filter(pk=project_id).exists()
    history = editor_client.get(reverse("admin:projects_project_history", args=[project_id]))
    assert history.status_code == 200
    version = Project.history.filter(id=project_id, history_type="+").get()
    url = reverse("admin:projects_project_simple_history", args=[project_id, version.history_id])
    editor_client.post(url, rendered_form_data(editor_client.get(url)))
    restored = Project.objects.get(pk=project_id)
    assert restored.title_en == "Removed by mistake"
    assert list(restored.sectors.values_list("slug", flat=True)) == ["it"]


def test_a_phase_added_on_its_own_page_with_a_used_key_is_reported_by_the_key(editor_client):
    phase = PhaseFactory(key="construction")
    response = editor_client.post(
        reverse("admin:projects_phase_add"), {"project": str(phase.project.pk), **phase_row()}
    )
    assert response.context["adminform"].form.errors == {
        "key": ["Another phase of this project already uses this key."]
    }
    assert phase.project.phases.count() == 1


@pytest.mark.parametrize("value", [":", "9" * 30, "-1"])
def test_a_malformed_project_on_the_phase_form_is_a_field_error(editor_client, value):
    response = editor_client.post(
        reverse("admin:projects_phase_add"), {"project": value, **phase_row()}
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["project"]


def test_a_malformed_sector_on_the_project_form_is_a_field_error(editor_client):
    response = editor_client.post(add_url(), new_project_data(sectors=["it", ":"]))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["sectors"]
    assert_nothing_saved()


def test_an_overlong_username_at_sign_in_is_refused_without_a_server_error(client):
    client.raise_request_exception = False
    response = client.post("/admin/login/", {"username": "x" * 5000, "password": "wrong"})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()
