"""factory_boy factories for the portfolio models."""

import datetime

import factory

from projects.facts import refresh_project_facts
from projects.models import (
    Budget,
    Phase,
    PhaseKind,
    Program,
    ProgressUpdate,
    Project,
    ProjectStatus,
)
from sectors.models import Sector


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published project in the IT sector under the first program, with no phases."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"generated-project-{n}")
    title_en = factory.Sequence(lambda n: f"Generated project {n}")
    title_ko = factory.Sequence(lambda n: f"생성된 사업 {n}")
    summary_en = "A project made up for a test."
    program = factory.LazyFunction(lambda: Program.objects.get(slug="cloud-iot"))
    primary_sector = factory.LazyFunction(lambda: Sector.objects.get(slug="it"))
    is_published = True
    position = factory.Sequence(lambda n: 1000 + n)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create:
            self.sectors.set(extracted or [self.primary_sector])


class PhaseFactory(factory.django.DjangoModelFactory):
    """A period phase from 2015 to 2017."""

    class Meta:
        model = Phase

    project = factory.SubFactory(ProjectFactory)
    key = factory.Sequence(lambda n: f"phase-{n}")
    name_en = "Construction"
    kind = PhaseKind.PERIOD
    start_year = 2015
    end_year = 2017


class BudgetFactory(factory.django.DjangoModelFactory):
    """A budget of KRW 1 billion."""

    class Meta:
        model = Budget

    project = factory.SubFactory(ProjectFactory)
    key = factory.Sequence(lambda n: f"budget-{n}")
    amount_krw = 1_000_000_000


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    """A published report: implementation, 40%, as of 30 November 2026, with a source."""

    class Meta:
        model = ProgressUpdate

    project = factory.SubFactory(ProjectFactory)
    as_of = datetime.date(2026, 11, 30)
    status = ProjectStatus.IMPLEMENTATION
    progress_percent = 40
    note_en = "Construction under way."
    note_ko = "공사 진행 중."
    source_title = "Busan city progress report"
    source_url = "https://www.busan.go.kr/report"
    is_published = True


def create_many_projects(count: int, *, with_reports: bool = False) -> list[Project]:
    """Bulk-create ``count`` published projects with a phase, a budget and two sectors each."""
    sectors = list(Sector.objects.order_by("position"))
    programs = list(Program.objects.order_by("position"))
    projects = Project.objects.bulk_create(
        Project(
            slug=f"bulk-project-{n}",
            title_en=f"Bulk project {n}",
            title_ko=f"대량 사업 {n}",
            program=programs[n % len(programs)],
            primary_sector=sectors[n % len(sectors)],
            is_published=True,
            position=2000 + n,
        )
        for n in range(count)
    )
    through = Project.sectors.through
    through.objects.bulk_create(
        through(project=project, sector=sector)
        for n, project in enumerate(projects)
        for sector in {sectors[n % len(sectors)], sectors[(n + 1) % len(sectors)]}
    )
    Phase.objects.bulk_create(
        Phase(
            project=project,
            key="main",
            name_en="Main phase",
            start_year=2010 + n % 10,
            end_year=2012 + n % 10,
        )
        for n, project in enumerate(projects)
    )
    Budget.objects.bulk_create(
        Budget(project=project, key="main", amount_krw=1_000_000 * (n + 1))
        for n, project in enumerate(projects)
    )
    refresh_project_facts(project.pk for project in projects)  # bulk_create sends no signal
    if with_reports:
        add_progress_reports(projects)
    return projects


def add_progress_reports(projects) -> None:
    """Two reports for every project (an older and a newer one, every fifth newer one a
    draft), in bulk, and the projects' current status brought up to date."""
    from projects.progress import refresh_current_progress

    statuses = [value for value in ProjectStatus.values if value != ProjectStatus.COMPLETED]
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            project=project,
            as_of=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 300 + 30 * newer),
            status=statuses[(n + newer) % len(statuses)],
            progress_percent=(n * 7) % 100,
            source_title=f"Report {n}",
            source_url=f"https://example.org/report/{n}",
            is_published=not (newer and n % 5 == 0),
        )
        for n, project in enumerate(projects)
        for newer in (0, 1)
    )
    refresh_current_progress([project.pk for project in projects])
