"""Model rules: database constraints, year semantics, spans and natural keys."""

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from projects.models import (
    Budget,
    Organisation,
    Phase,
    PhaseKind,
    Place,
    Program,
    Project,
    Quantity,
    SourceDocument,
    Span,
    Strategy,
)
from sectors.models import Sector
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


def field_errors(instance):
    """The messages of validating ``instance``'s fields (the ranges are field validators)."""
    with pytest.raises(ValidationError) as error:
        instance.clean_fields(exclude={"project"})
    return error.value.message_dict


def test_the_month_field_rejects_month_13():
    assert field_errors(PhaseFactory.build(start_month=13)) == {
        "start_month": ["Enter a month from 1 to 12."]
    }


def test_the_year_fields_reject_a_year_outside_1900_to_2100():
    assert field_errors(PhaseFactory.build(start_year=1850, end_year=2101)) == {
        "start_year": ["Enter a year between 1900 and 2100."],
        "end_year": ["Enter a year between 1900 and 2100."],
    }


def test_the_year_message_is_in_the_language_of_the_request():
    with translation.override("ko"):
        errors = field_errors(BudgetFactory.build(year=3000))
    assert errors["year"] == ["1900년부터 2100년 사이의 연도를 입력해 주십시오."]


def test_the_amount_field_rejects_a_negative_budget():
    assert field_errors(BudgetFactory.build(amount_krw=-5)) == {
        "amount_krw": ["A budget cannot be negative."]
    }


def test_the_amount_field_rejects_an_absurd_budget():
    assert field_errors(BudgetFactory.build(amount_krw=10**18)) == {
        "amount_krw": ["This is more than a quadrillion won; check the number of digits."]
    }


def test_the_value_field_rejects_a_negative_quantity():
    assert field_errors(Quantity(key="area", value=-1, unit_en="m²")) == {
        "value": ["A quantity cannot be negative."]
    }


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
    assert str(Project.objects.get(pk=phase.project_id).span) == "2015–"


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


SLUGGED_MODELS = [SourceDocument, Strategy, Program, Place, Organisation, Project, Sector]


@pytest.mark.parametrize("model", SLUGGED_MODELS)
def test_every_slugged_row_is_found_by_its_natural_key(model):
    row = model.objects.first()
    assert row.natural_key() == (row.slug,)
    assert model.objects.get_by_natural_key(*row.natural_key()) == row


@pytest.mark.parametrize("model", [Phase, Budget, Quantity])
def test_every_project_part_is_found_by_its_project_and_key(model):
    row = model.objects.select_related("project").first()
    assert row.natural_key() == (row.project.slug, row.key)
    assert model.objects.get_by_natural_key(*row.natural_key()) == row


def test_natural_keys_name_what_their_fixtures_load_after():
    assert Program.natural_key.dependencies == ["projects.strategy"]
    assert set(Project.natural_key.dependencies) == {
        "sectors.sector",
        "projects.program",
        "projects.place",
        "projects.organisation",
        "projects.sourcedocument",
    }
    for model in (Phase, Budget, Quantity):
        assert model.natural_key.dependencies == ["projects.project"]


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
