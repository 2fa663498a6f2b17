"""Every sentence is as strong as the source, and no stronger (issue 16, item 3).

Each rule runs over every project, in English and in Korean:

* targets stay targets: no phase name or summary states a planned step as done, and Korean
  summaries speak in the plan's voice (-할 계획입니다), not as an accomplished or ongoing act;
* summaries restate no fact a field holds (no year, month, amount or count: no digit at all),
  so that an official's edit of a phase or amount can never leave the page contradicting itself;
* every place the source text names is linked to its project;
* a money figure is labelled as the source gives it (a stated cost) and never as a budget,
  since the source says nobody pays it;
* the two entries that name the same undertaking are told apart by their titles.
"""

import re

import pytest

from projects.models import Phase, PhaseKind, Place, Project

pytestmark = pytest.mark.django_db

PROJECT_SLUGS = [
    "radiological-medical-sciences-complex",
    "offshore-wind-farm",
    "world-level-drill-ships",
    "cloud-data-center-complex",
    "bs-financial-computer-center",
    "cloud-cluster-designation",
    "iot-demonstration-complex",
    "itu-post-project",
    "marine-ict-convergence-belt",
    "iot-convergence-promotion-base",
    "offshore-plant-research-infrastructure",
    "offshore-plant-training",
    "new-port-hinterland-complex",
    "it-convergence-cluster",
    "etri-busan-branch",
    "export-research-reactor",
    "nuclear-decommissioning-research-center",
    "medical-industry-support",
    "antiaging-industry",
    "world-class-footwear",
    "marine-convergence-materials",
    "marine-robot-center",
    "robot-convergence-ecosystem",
    "renewable-energy-and-offshore-wind",
    "bio-cogeneration-plant",
]

# English words that report a step as done (or happening now) rather than planned.
DONE_EN = re.compile(
    r"\b(completed|finished|began|begun|begins|designated|approved|established|built|"
    r"constructed|opened|launched|achieved|done|invests|invested|builds|creates)\b",
    re.IGNORECASE,
)
# Korean endings that report an act as done or as happening now: 했습니다, 되었습니다, 됐다,
# 완료됨, and the present declarative -합니다 (추진합니다, 조성합니다 …).
DONE_KO = re.compile(r"(했|되었|됐|완료됨|완료된|합니다|됩니다)")
# A Korean milestone names a point the plan aims at: it says so (예정 / 추진 / 목표).
PLANNED_KO = ("예정", "추진", "목표")
PLAN_VOICE_KO = ("계획입니다.", "예정입니다.", "않습니다.", "하나입니다.")
# Where the source spells a place differently from the place's own name.
SOURCE_SPELLINGS = {
    "mieum-district": ["Mieum"],
    "seokdae-centum": ["Seokdae–Centum"],
    "busan-new-port-hinterland": ["Busan New port hinterland"],
    "dongnam-region": ["Dongnam region"],
}


def test_the_rules_run_over_every_project():
    assert set(Project.objects.values_list("slug", flat=True)) == set(PROJECT_SLUGS)


@pytest.mark.parametrize("slug", PROJECT_SLUGS)
def test_no_summary_states_a_target_as_done(slug):
    project = Project.objects.get(slug=slug)
    assert not DONE_EN.search(project.summary_en), project.summary_en
    assert not DONE_KO.search(project.summary_ko), project.summary_ko


@pytest.mark.parametrize("slug", PROJECT_SLUGS)
def test_korean_summaries_speak_in_the_plans_voice(slug):
    summary = Project.objects.get(slug=slug).summary_ko
    sentences = [part for part in re.split(r"(?<=[.])\s+", summary.strip()) if part]
    # Each sentence ends as a plan (…할 계획입니다 / …예정입니다), or, for the one highlight
    # the source says nothing about, says what the source does not state.
    for sentence in sentences:
        assert sentence.endswith(PLAN_VOICE_KO), sentence


@pytest.mark.parametrize("slug", PROJECT_SLUGS)
def test_no_phase_name_states_a_target_as_done(slug):
    for phase in Phase.objects.filter(project__slug=slug):
        assert not DONE_EN.search(phase.name_en), phase.name_en
        assert not DONE_KO.search(phase.name_ko), phase.name_ko
        if phase.kind == PhaseKind.MILESTONE:
            assert phase.name_ko.endswith(PLANNED_KO), phase.name_ko


def test_the_research_reactor_site_is_a_target_in_both_languages():
    phase = Phase.objects.get(
        project__slug="export-research-reactor", key="site-construction-complete"
    )
    names = (phase.name_en, phase.name_ko)
    assert names == ("Complete the site construction", "부지 조성 완료 예정")


@pytest.mark.parametrize("slug", PROJECT_SLUGS)
def test_no_summary_restates_a_year_an_amount_or_a_count(slug):
    project = Project.objects.get(slug=slug)
    for summary in (project.summary_en, project.summary_ko):
        assert not re.search(r"\d", summary), summary
        assert not re.search(r"KRW|billion|million|억 원|만 원|㎡|m²", summary), summary


@pytest.mark.parametrize("slug", PROJECT_SLUGS)
def test_every_place_the_source_names_is_linked(slug):
    project = Project.objects.prefetch_related("places").get(slug=slug)
    linked = {place.slug for place in project.places.all()}
    for place in Place.objects.all():
        spellings = [place.name_en, *SOURCE_SPELLINGS.get(place.slug, [])]
        if any(spelling.casefold() in project.source_text.casefold() for spelling in spellings):
            assert place.slug in linked, f"{slug} names {place.name_en} but does not link it"


def test_every_place_is_spelt_out_for_the_place_check():
    # A new place needs its source spelling here, or the check above could miss it.
    assert set(Place.objects.values_list("slug", flat=True)) == set(SOURCE_SPELLINGS)


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("slug", PROJECT_SLUGS)
def test_a_project_page_never_calls_a_stated_amount_a_budget(client, slug, language):
    prefix = "" if language == "en" else "/ko"
    # A literal path: reverse() would follow the language a previous request left active.
    body = client.get(f"{prefix}/projects/{slug}/").content.decode()
    main = body[body.index('<main id="main"') : body.index("</main>")]
    main = re.sub(r"<[^>]+>", " ", main)  # the words a reader sees, not ids or classes
    word = "budget" if language == "en" else "예산"
    assert word not in main.casefold()
    project = Project.objects.get(slug=slug)
    if project.budgets.exists():
        # Who pays is said only where the source says it: here it does not.
        payer = "Who pays" if language == "en" else "부담 주체"
        assert payer in main
        assert all(budget.payer == "not-stated" for budget in project.budgets.all())


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_two_offshore_wind_entries_have_titles_that_tell_them_apart(language):
    highlight = Project.objects.get(slug="offshore-wind-farm")
    bullet = Project.objects.get(slug="renewable-energy-and-offshore-wind")
    one, other = getattr(highlight, f"title_{language}"), getattr(bullet, f"title_{language}")
    assert one != other and one not in other and other not in one


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_two_projects_share_a_title(language):
    titles = list(Project.objects.values_list(f"title_{language}", flat=True))
    assert len(titles) == len(set(titles))
