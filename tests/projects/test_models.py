"""Model rules: database constraints, year semantics, spans and natural keys."""

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Budget, Phase, PhaseKind, Project, Span
from tests.factories import BudgetFactory, PhaseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(instance):
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_database_rejects_an_end_year_before_the_start_year():
    assert_rejected_by_database(
        PhaseFactory.build(project=ProjectFactory(), start_year=2018, end_year=2014)
    )


def test_database_rejects_month_13():
    assert_rejected_by_database(PhaseFactory.build(project=ProjectFactory(), start_month=13))


def test_database_rejects_month_0_as_an_end_month():
    assert_rejected_by_database(PhaseFactory.build(project=ProjectFactory(), end_month=0))


def test_database_rejects_a_negative_budget():
    assert_rejected_by_database(BudgetFactory.build(project=ProjectFactory(), amount_krw=-1))


def test_database_rejects_a_year_outside_1900_to_2100():
    assert_rejected_by_database(
        PhaseFactory.build(project=ProjectFactory(), start_year=1850, end_year=None)
    )


def test_database_rejects_a_milestone_with_an_end():
    assert_rejected_by_database(
        PhaseFactory.build(project=ProjectFactory(), kind=PhaseKind.MILESTONE, end_year=2016)
    )


def test_database_rejects_two_phases_with_one_key_in_a_project():
    phase = PhaseFactory()
    assert_rejected_by_database(PhaseFactory.build(project=phase.project, key=phase.key))


def test_clean_puts_the_end_year_message_on_the_end_year_field():
    with pytest.raises(ValidationError) as error:
        PhaseFactory.build(start_year=2018, end_year=2014).clean()
    assert error.value.message_dict == {
        "end_year": ["The end year cannot be before the start year."]
    }


def test_clean_rejects_month_13_on_the_month_field():
    with pytest.raises(ValidationError) as error:
        PhaseFactory.build(start_month=13).clean()
    assert list(error.value.message_dict) == ["start_month"]


def test_clean_rejects_a_negative_budget_on_the_amount_field():
    with pytest.raises(ValidationError) as error:
        BudgetFactory.build(amount_krw=-5).clean()
    assert list(error.value.message_dict) == ["amount_krw"]


def test_clean_rejects_an_absurd_budget():
    with pytest.raises(ValidationError) as error:
        BudgetFactory.build(amount_krw=10**18).clean()
    assert list(error.value.message_dict) == ["amount_krw"]


def active_slugs(year, **filters):
    return set(Project.objects.filter(**filters).active_in(year).values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("year", "active"),
    [(2013, False), (2014, True), (2016, True), (2018, True), (2019, False)],
)
def test_a_period_is_active_from_its_start_to_its_end_inclusive(year, active):
    phase = PhaseFactory(start_year=2014, end_year=2018)
    assert (phase.project.slug in active_slugs(year)) is active


@pytest.mark.parametrize(("year", "active"), [(2014, False), (2015, True), (2016, False)])
def test_a_milestone_counts_only_for_its_own_year(year, active):
    phase = PhaseFactory(kind=PhaseKind.MILESTONE, start_year=2015, end_year=None)
    assert (phase.project.slug in active_slugs(year)) is active


@pytest.mark.parametrize(("year", "active"), [(2014, False), (2015, True), (2090, True)])
def test_an_open_ended_period_runs_on_from_its_start(year, active):
    phase = PhaseFactory(start_year=2015, end_year=None)
    assert (phase.project.slug in active_slugs(year)) is active


def test_an_undated_project_is_active_in_no_year_and_listed_as_undated():
    project = ProjectFactory()
    assert project.slug not in active_slugs(2015)
    assert Project.objects.undated().filter(pk=project.pk).exists()


def test_a_project_with_two_phases_appears_once():
    project = ProjectFactory()
    PhaseFactory(project=project, start_year=2014, end_year=2016)
    PhaseFactory(project=project, start_year=2015, end_year=2017)
    assert Project.objects.active_in(2015).filter(pk=project.pk).count() == 1


def test_the_document_projects_active_in_2012():
    assert active_slugs(2012) == {
        "export-research-reactor",
        "it-convergence-cluster",
        "marine-robot-center",
    }


def test_published_hides_unpublished_projects():
    hidden = ProjectFactory(is_published=False)
    assert not Project.objects.published().filter(pk=hidden.pk).exists()


def test_span_is_the_union_of_the_phases():
    project = Project.objects.get(slug="export-research-reactor")
    assert project.span == Span(2010, 2019)
    assert str(project.span) == "2010–2019"


def test_span_of_an_open_ended_project_has_no_end():
    phase = PhaseFactory(start_year=2015, end_year=None)
    assert str(phase.project.span) == "2015–"


def test_span_of_an_undated_project_is_none():
    assert Project.objects.get(slug="itu-post-project").span is None


def test_phase_when_shows_months_where_known():
    assert Phase.objects.get(key="branch-approved").when == "2015-07"


def test_start_year_and_budget_annotations():
    project = (
        Project.objects.with_start_year()
        .with_budget_total()
        .get(slug="bs-financial-computer-center")
    )
    assert (project.first_year, project.budget_total_krw) == (2015, 190_200_000_000)


def test_natural_keys_round_trip_through_serialization():
    project = Project.objects.get(slug="export-research-reactor")
    objects = [project, *project.phases.all()]
    data = serializers.serialize(
        "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    restored = [item.object for item in serializers.deserialize("json", data)]
    assert [obj.pk for obj in restored] == [obj.pk for obj in objects]
    assert Budget.objects.count() == 1


def test_changing_a_phase_updates_its_projects_last_updated():
    project = Project.objects.get(slug="export-research-reactor")
    before = project.updated_at
    phase = project.phases.get(key="research-reactor")
    phase.end_year = 2019
    phase.save()
    project.refresh_from_db()
    assert project.updated_at > before


def test_deleting_a_budget_updates_its_projects_last_updated():
    budget = Budget.objects.get()
    before = budget.project.updated_at
    budget.delete()
    assert Project.objects.get(slug="bs-financial-computer-center").updated_at > before
