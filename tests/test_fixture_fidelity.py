"""The fixtures hold the Busan document faithfully: every heading and bullet, and its facts.

These tests read the document text itself, so a bullet dropped or reworded in the fixtures
fails here.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from projects.models import (
    Budget,
    Organisation,
    Phase,
    PhaseKind,
    Place,
    Program,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Quantity,
    SourceDocument,
    Strategy,
)
from sectors.models import Sector

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "fixtures/source/busan-future-strategic-industry.txt"
BREADCRUMBS = 3
HIGHLIGHTS = 3


def parse_document():
    """Split the document into highlights, goals, programs and the bullets under each program."""
    lines = [line.rstrip() for line in DOCUMENT.read_text(encoding="utf-8").splitlines()]
    bullets = [line.strip()[2:] for line in lines if line.strip().startswith("• ")]
    highlights = bullets[BREADCRUMBS : BREADCRUMBS + HIGHLIGHTS]
    body_start = next(i for i, line in enumerate(lines) if line.startswith("Enhance"))
    body = [line for line in lines[body_start:] if line.strip()]
    goals, programs, current_program = [], {}, None
    for index, line in enumerate(body):
        if line.strip().startswith("• "):
            programs[current_program].append(line.strip()[2:])
        elif index + 1 < len(body) and not body[index + 1].strip().startswith("• "):
            goals.append(line)  # a heading followed by another heading is a goal
        else:
            current_program = line
            programs[current_program] = []
    return highlights, goals, programs


HIGHLIGHT_TEXTS, GOALS, PROGRAMS = parse_document()
BULLETS = [(program, bullet) for program, bullets in PROGRAMS.items() for bullet in bullets]


def test_the_document_has_the_shape_the_contract_describes():
    assert (len(HIGHLIGHT_TEXTS), len(GOALS), len(PROGRAMS), len(BULLETS)) == (3, 3, 6, 22)


@pytest.mark.django_db
@pytest.mark.parametrize("goal", GOALS)
def test_every_goal_is_a_strategy_with_its_verbatim_title(goal):
    assert Strategy.objects.filter(title_en=goal, source_text=goal).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("program", list(PROGRAMS))
def test_every_program_heading_is_a_program(program):
    assert Program.objects.filter(title_en=program, source_text=program).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("program", "bullet"), BULLETS)
def test_every_bullet_is_a_project_under_its_program_with_its_verbatim_text(program, bullet):
    project = Project.objects.get(source_text=bullet)
    assert project.program.title_en == program
    assert project.is_featured is False


@pytest.mark.django_db
@pytest.mark.parametrize("highlight", HIGHLIGHT_TEXTS)
def test_every_highlight_is_a_featured_project(highlight):
    project = Project.objects.get(source_text=highlight)
    assert project.is_featured is True
    assert project.program is None


@pytest.mark.django_db
def test_programs_sit_under_the_goal_that_precedes_them_in_the_document():
    assert (
        list(Program.objects.filter(strategy__position=3).values_list("title_en", flat=True))
        == list(PROGRAMS)[2:]
    )


@pytest.mark.django_db
def test_the_fixture_holds_exactly_the_documents_projects():
    assert Project.objects.count() == len(BULLETS) + len(HIGHLIGHT_TEXTS) == 25
    assert Project.objects.published().count() == 25


@pytest.mark.django_db
def test_every_project_points_to_the_source_document():
    document = SourceDocument.objects.get()
    assert document.title_en == "Future Strategic Industry and New Growth Industry"
    assert document.publisher_en == "Busan Metropolitan City"
    assert Project.objects.exclude(source_document=document).count() == 0


@pytest.mark.django_db
def test_no_status_is_invented():
    assert set(Project.objects.values_list("current_status", flat=True)) == {
        ProjectStatus.NOT_STATED
    }
    assert not ProgressUpdate.objects.exists()
    assert not Project.objects.filter(status_as_of__isnull=False).exists()


@pytest.mark.django_db
def test_no_actual_date_milestone_state_payer_or_stage_is_invented():
    assert not Phase.objects.filter(actual_start_year__isnull=False).exists()
    assert not Phase.objects.exclude(milestone_state="scheduled").exists()
    assert set(Budget.objects.values_list("payer", "stage")) == {("not-stated", "not-stated")}


@pytest.mark.django_db
def test_every_dated_phase_quotes_the_words_that_date_it():
    for phase in Phase.objects.select_related("project"):
        assert phase.source_text and phase.source_text in phase.project.source_text, phase


@pytest.mark.django_db
def test_the_research_reactor_has_its_three_dated_parts():
    phases = Project.objects.get(slug="export-research-reactor").phases.order_by("position")
    assert [(p.kind, p.start_year, p.start_month, p.end_year) for p in phases] == [
        (PhaseKind.PERIOD, 2010, None, 2018),
        (PhaseKind.MILESTONE, 2015, 4, None),
        (PhaseKind.PERIOD, 2015, None, 2019),
    ]


@pytest.mark.django_db
def test_the_bs_financial_group_budget_is_integer_won():
    budget = Budget.objects.get()
    assert budget.project.slug == "bs-financial-computer-center"
    assert budget.amount_krw == 190_200_000_000
    assert budget.year is None  # the document gives the budget no year


@pytest.mark.django_db
def test_the_etri_branch_is_a_july_2015_milestone():
    phase = Project.objects.get(slug="etri-busan-branch").phases.get()
    assert (phase.kind, phase.start_year, phase.start_month) == (PhaseKind.MILESTONE, 2015, 7)
    assert Organisation.objects.get(acronym="ETRI").projects.get().slug == "etri-busan-branch"


@pytest.mark.django_db
def test_the_computer_center_construction_begins_in_august_2015():
    phase = Project.objects.get(slug="bs-financial-computer-center").phases.get()
    assert (phase.kind, phase.start_year, phase.start_month) == (PhaseKind.MILESTONE, 2015, 8)


@pytest.mark.django_db
def test_the_documents_quantities_are_held_as_numbers_with_units():
    quantities = {(q.project.slug, q.value, q.unit_en) for q in Quantity.objects.all()}
    assert quantities == {
        ("bs-financial-computer-center", 2, "buildings"),
        ("new-port-hinterland-complex", 660_000, "m²"),
        ("renewable-energy-and-offshore-wind", 18, "places"),
    }


@pytest.mark.django_db
def test_the_documents_places_are_linked_to_their_projects():
    mieum = Place.objects.get(slug="mieum-district")
    assert set(mieum.projects.values_list("slug", flat=True)) == {
        "cloud-data-center-complex",
        "cloud-cluster-designation",
    }
    assert Place.objects.get(slug="busan-new-port-hinterland").projects.get().slug == (
        "new-port-hinterland-complex"
    )


@pytest.mark.django_db
def test_undated_bullets_stay_undated():
    undated = Project.objects.filter(program__isnull=False).undated()
    assert undated.count() == 8
    assert not Phase.objects.filter(project__in=undated).exists()


@pytest.mark.django_db
def test_the_six_sectors_of_the_contract_exist():
    assert list(Sector.objects.values_list("slug", flat=True)) == [
        "it",
        "offshore-shipbuilding",
        "bio-medical",
        "footwear-textile",
        "robotics",
        "green-energy",
    ]


@pytest.mark.django_db
def test_every_project_includes_its_primary_sector_among_its_sectors():
    for project in Project.objects.prefetch_related("sectors"):
        assert project.primary_sector in project.sectors.all(), project


@pytest.mark.django_db
def test_every_project_sector_and_program_has_a_korean_title():
    assert not Project.objects.filter(title_ko="").exists()
    assert not Sector.objects.filter(name_ko="").exists()
    assert not Program.objects.filter(title_ko="").exists()


@pytest.mark.django_db
def test_loading_the_document_twice_changes_nothing():
    models = [Sector, Strategy, Program, Project, Phase, Budget, Quantity, Place, Organisation]
    before = {model: list(model.objects.order_by("pk").values()) for model in models}
    call_command("loaddata", "busan", verbosity=0)
    assert {model: list(model.objects.order_by("pk").values()) for model in models} == before
