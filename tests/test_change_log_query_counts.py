"""SQL queries of the change log pages and feed: a constant, the same with the real portfolio
(25 projects, each with changes) and with 2,000 more projects each with changed phases, budgets
and sectors (about 10,000 versions)."""

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from projects.history import ChangeKind
from projects.models import Budget, Phase, Project
from sectors.models import Sector
from tests import factories

#: path -> queries. /changes/: the sectors of the filter form, the count, the page of
#: (version, table) rows across the four history tables, one query per history table on the
#: page (its versions with their predecessors), one per many-to-many table of project
#: versions, and the projects; no program, sector or document is named by a changed foreign
#: key here (each would be one more). The IT filter's page has phase and budget changes too.
PAGES = {
    "/changes/": 8,
    "/changes/?sector=it": 10,
    "/changes/?since=2000-01-01&until=2100-12-31": 8,
    "/changes/?page=2": 8,
    "/projects/export-research-reactor/changes/": 8,
    "/feeds/changes/": 6,
}


def record_changes(projects, user):
    """For each project: its phase's and budget's plan versions, then an amendment of each,
    and a change of its sectors (recorded as simple-history records it, in bulk)."""
    phases = list(Phase.objects.filter(project__in=projects))
    budgets = list(Budget.objects.filter(project__in=projects))
    for model, parts in ((Phase, phases), (Budget, budgets)):
        model.history.bulk_history_create(parts)  # the plan's versions (no official)
    for phase in phases:
        phase.end_year = (phase.end_year or phase.start_year) + 2
        phase._change_kind = ChangeKind.AMENDMENT
    for budget in budgets:
        budget.amount_krw += 1_000
    Phase.history.bulk_history_create(
        phases, update=True, default_user=user, default_change_reason="Amended by the council."
    )
    Budget.history.bulk_history_create(
        budgets, update=True, default_user=user, default_change_reason="Corrected figure."
    )
    for slug in ("robotics", "green-energy"):
        sector = Sector.objects.get(slug=slug)
        for project in projects:
            project._history_user = user
            project._change_kind = ChangeKind.CORRECTION
            project.sectors.add(sector)  # a version with the links, through simple-history


def shows_a_change_of_sectors(response):
    """The newest changes are of the projects' sectors: the page or feed lists them."""
    content = response.content.decode()
    return "change-project-" in content or "change:project:" in content


@pytest.fixture(scope="module")
def changes_on_2000_more(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        user = User.objects.create_user("counter", password="x")
        # The 2,000 projects' changes come first, so that the newest pages show the same
        # changes as with the real portfolio alone: the counts compare like with like.
        record_changes(factories.create_many_projects(2000), user)
        record_changes(list(Project.objects.filter(position__lt=2000, is_published=True)), user)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def changes_on_the_real_portfolio(db):
    user = User.objects.create_user("counter", password="x")
    record_changes(list(Project.objects.filter(is_published=True)), user)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "expected"), PAGES.items())
def test_change_log_queries_with_the_real_portfolio(
    changes_on_the_real_portfolio, client, django_assert_num_queries, path, expected
):
    assert Project.objects.published().count() == 25
    with django_assert_num_queries(expected):
        response = client.get(path)
    assert response.status_code == 200
    assert shows_a_change_of_sectors(response)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "expected"), PAGES.items())
def test_change_log_queries_are_the_same_with_2000_more_projects_with_changes(
    changes_on_2000_more, client, django_assert_num_queries, path, expected
):
    assert Project.objects.published().count() == 2025
    assert Phase.history.count() > 4000
    with django_assert_num_queries(expected):
        response = client.get(path)
    assert response.status_code == 200
    assert shows_a_change_of_sectors(response)
