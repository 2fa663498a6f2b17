"""Fill a benchmark database with N realistic projects (default 10,000).

Run it against a database of its own, never the real one::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/busan_bench \\
        DJANGO_DEBUG=1 .venv/bin/python benchmarks/generate.py --projects 10000

``benchmarks/run.py`` does this for you. The database is migrated, the real Busan fixtures are
loaded, and N generated projects are added around them, shaped like the real ones: an English
and a Korean title, summaries in both languages, a verbatim source text, one program, one to
three sectors, places and organisations, mostly one to four phases (periods, milestones and a few
open-ended ones; about one in ten undated), budgets for a little over half, a few quantities,
and a status. The random generator is seeded, so every run builds the same portfolio.
"""

import argparse
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "busanportal.settings")

# (English, Korean) building blocks of project titles.
SUBJECTS = [
    ("cloud data", "클라우드 데이터"),
    ("IoT", "사물인터넷"),
    ("marine ICT", "해양 ICT"),
    ("offshore plant", "해양플랜트"),
    ("shipbuilding", "조선"),
    ("drill ship", "시추선"),
    ("radiation medicine", "방사선 의학"),
    ("medical device", "의료기기"),
    ("anti-aging", "항노화"),
    ("footwear", "신발"),
    ("textile", "섬유"),
    ("marine robot", "해양로봇"),
    ("service robot", "서비스 로봇"),
    ("offshore wind", "해상풍력"),
    ("tidal energy", "조력 에너지"),
    ("hydrogen fuel cell", "수소 연료전지"),
    ("smart port", "스마트 항만"),
    ("big data", "빅데이터"),
]
KINDS = [
    ("industrial complex", "산업단지"),
    ("research center", "연구센터"),
    ("demonstration complex", "실증단지"),
    ("cluster", "클러스터"),
    ("support center", "지원센터"),
    ("test bed", "테스트베드"),
    ("training program", "인력양성 사업"),
    ("infrastructure", "기반 구축"),
    ("promotion base", "진흥 거점"),
    ("convergence belt", "융합 벨트"),
]
PLACES = [
    ("Gangseo-gu", "강서구"),
    ("Haeundae", "해운대"),
    ("Centum City", "센텀시티"),
    ("Mieum District", "미음지구"),
    ("Gijang", "기장"),
    ("Saha-gu", "사하구"),
    ("Yeongdo", "영도"),
    ("Busan New Port", "부산신항"),
    ("Eco Delta City", "에코델타시티"),
    ("Dongnae", "동래"),
    ("Sasang", "사상"),
    ("Munhyeon", "문현"),
]
ORGANISATIONS = [
    ("Busan Techno Park", "부산테크노파크"),
    ("Korea Maritime University", "한국해양대학교"),
    ("Pusan National University", "부산대학교"),
    ("Korea Institute of Ocean Science and Technology", "한국해양과학기술원"),
    ("Korea Atomic Energy Research Institute", "한국원자력연구원"),
    ("Busan Port Authority", "부산항만공사"),
    ("Korea Institute of Footwear and Leather Technology", "한국신발피혁연구원"),
    ("Korea Institute of Robotics and Technology Convergence", "한국로봇융합연구원"),
]
VERBS = [
    ("Build", "조성"),
    ("Establish", "구축"),
    ("Expand", "확충"),
    ("Designate", "지정"),
    ("Develop", "육성"),
]
STATUSES = ["not-stated"] * 6 + ["identification"] + ["preparation"] * 2
STATUSES += ["implementation"] * 3 + ["completed"] * 2


def slugify_ascii(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-").replace("--", "-")


def generated_project(n, rng, sectors, programs, document):
    from projects.models import Project

    subject_en, subject_ko = rng.choice(SUBJECTS)
    kind_en, kind_ko = rng.choice(KINDS)
    place_en, place_ko = rng.choice(PLACES)
    verb_en, verb_ko = rng.choice(VERBS)
    title_en = f"{subject_en.capitalize()} {kind_en} in {place_en}"
    title_ko = f"{place_ko} {subject_ko} {kind_ko} {verb_ko}"
    primary = rng.choice(sectors)
    return Project(
        slug=f"{slugify_ascii(subject_en)}-{slugify_ascii(kind_en)}-{n}",
        title_en=title_en,
        title_ko=title_ko,
        summary_en=(
            f"{verb_en} a {subject_en} {kind_en} in {place_en}, so that Busan's "
            f"{primary.name_en.lower()} companies can test, hire and grow. "
            "The city funds the site and works with research institutes and local firms."
        ),
        summary_ko=(
            f"{place_ko}에 {subject_ko} {kind_ko}을(를) {verb_ko}하여 부산의 관련 기업이 "
            "시험, 채용, 성장할 수 있도록 지원합니다. 시는 부지를 마련하고 연구기관 및 "
            "지역 기업과 협력합니다."
        ),
        source_text=(
            f"{verb_en} {subject_en} {kind_en} ({place_en}) to strengthen the "
            f"{primary.name_en} sector; {subject_ko} {kind_ko} {verb_ko} ({place_ko})"
        ),
        source_document=document,
        program=rng.choice(programs) if rng.random() > 0.02 else None,
        primary_sector=primary,
        current_status=rng.choice(STATUSES),
        is_published=rng.random() < 0.97,
        is_featured=False,
        position=1000 + n,
    )


def generated_phases(project, rng):
    from projects.models import Phase, PhaseKind

    if rng.random() < 0.10:
        return []  # undated, as a tenth of the real bullets are
    phases = []
    start = rng.randint(2008, 2026)
    for index in range(rng.choice([1, 1, 2, 2, 3, 4])):
        if rng.random() < 0.15:
            phases.append(
                Phase(
                    project=project,
                    key=f"milestone-{index}",
                    name_en="Opening",
                    name_ko="개소",
                    kind=PhaseKind.MILESTONE,
                    start_year=start,
                    start_month=rng.choice([None, rng.randint(1, 12)]),
                    position=index,
                )
            )
            continue
        length = rng.randint(0, 6)
        open_ended = rng.random() < 0.05
        phases.append(
            Phase(
                project=project,
                key=f"phase-{index}",
                name_en=rng.choice(["Design", "Construction", "Operation", "Expansion"]),
                name_ko=rng.choice(["설계", "건설", "운영", "확장"]),
                kind=PhaseKind.PERIOD,
                start_year=start,
                end_year=None if open_ended else min(start + length, 2040),
                position=index,
            )
        )
        start = min(start + length + rng.randint(0, 2), 2038)
    return phases


def generated_budgets(project, rng):
    from projects.models import Budget

    if rng.random() < 0.45:
        return []
    return [
        Budget(
            project=project,
            key=f"budget-{index}",
            amount_krw=rng.randint(1, 5000) * 100_000_000,
            covers_en=rng.choice(["Construction", "Equipment", "Research", "Total cost"]),
            covers_ko=rng.choice(["건설비", "장비", "연구비", "총사업비"]),
            year=rng.choice([None, rng.randint(2010, 2030)]),
        )
        for index in range(rng.choice([1, 1, 2, 3]))
    ]


def generate(count: int, start: int = 0, seed: int = 20261125, batch: int = 1000):
    """Add ``count`` generated projects numbered from ``start``, in batches of ``batch``."""
    from django.db import transaction

    from projects.facts import refresh_project_facts
    from projects.models import (
        Budget,
        Organisation,
        Phase,
        Place,
        Program,
        Project,
        Quantity,
        SourceDocument,
    )
    from projects.search import refresh_search_text
    from sectors.models import Sector

    rng = random.Random(seed)
    sectors = list(Sector.objects.order_by("position"))
    programs = list(Program.objects.order_by("position"))
    document = SourceDocument.objects.first()
    places = [
        Place.objects.get_or_create(
            slug=f"bench-{slugify_ascii(en)}", defaults={"name_en": en, "name_ko": ko}
        )[0]
        for en, ko in PLACES
    ]
    organisations = [
        Organisation.objects.get_or_create(
            slug=f"bench-{slugify_ascii(en)}", defaults={"name_en": en, "name_ko": ko}
        )[0]
        for en, ko in ORGANISATIONS
    ]
    for first in range(start, start + count, batch):
        numbers = range(first, min(first + batch, start + count))
        with transaction.atomic():
            projects = Project.objects.bulk_create(
                generated_project(n, rng, sectors, programs, document) for n in numbers
            )
            sector_links, place_links, organisation_links = [], [], []
            phases, budgets, quantities = [], [], []
            for project in projects:
                chosen = {project.primary_sector, *rng.sample(sectors, rng.choice([0, 0, 1, 2]))}
                sector_links += [Project.sectors.through(project=project, sector=s) for s in chosen]
                place_links += [
                    Project.places.through(project=project, place=p)
                    for p in rng.sample(places, rng.choice([0, 1, 1, 2]))
                ]
                organisation_links += [
                    Project.organisations.through(project=project, organisation=o)
                    for o in rng.sample(organisations, rng.choice([0, 0, 1]))
                ]
                phases += generated_phases(project, rng)
                budgets += generated_budgets(project, rng)
                if rng.random() < 0.2:
                    quantities.append(
                        Quantity(
                            project=project,
                            key="area",
                            value=rng.randint(1, 900) * 1000,
                            unit_en="m²",
                            unit_ko="㎡",
                            label_en="site area",
                            label_ko="부지 면적",
                        )
                    )
            Project.sectors.through.objects.bulk_create(sector_links)
            Project.places.through.objects.bulk_create(place_links)
            Project.organisations.through.objects.bulk_create(organisation_links)
            Phase.objects.bulk_create(phases)
            Budget.objects.bulk_create(budgets)
            Quantity.objects.bulk_create(quantities)
            # bulk_create sends no signal: derive the year rows, span and budget total, and
            # the search text (without it a search finds only the real projects) here.
            refresh_project_facts(project.pk for project in projects)
            refresh_search_text(Project.objects.filter(pk__in=[p.pk for p in projects]))
        print(f"  {numbers.stop - start:>6} / {count} projects", file=sys.stderr)


#: Beyond this many, PostgreSQL copies the generated projects in SQL instead of building more.
ORM_GENERATED = 10_000
#: Tables hanging off a project, copied along with it.
PROJECT_PARTS = [
    "projects_phase",
    "projects_budget",
    "projects_quantity",
    "projects_project_sectors",
    "projects_project_places",
    "projects_project_organisations",
    "projects_projectyear",
]


def multiply_on_postgresql(target: int):
    """Copy the generated projects (and their parts and derived rows) in SQL until there are
    ``target`` of them: ``INSERT … SELECT`` with shifted ids, seconds for 100,000 projects
    where building them one by one takes most of an hour on a busy machine."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM projects_project WHERE position >= 1000")
        base, top = cursor.fetchone()
        cursor.execute("SELECT max(id) FROM projects_project")
        offset = cursor.fetchone()[0] + 1
        columns = {
            table: [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            for table in ["projects_project", *PROJECT_PARTS]
        }
    copies = 0
    while base * (copies + 1) < target:
        copies += 1
        wanted = min(base, target - base * copies)
        shift = offset * copies
        with transaction.atomic(), connection.cursor() as cursor:
            project_columns = columns["projects_project"]
            select = {
                "id": f"id + {shift}",
                "slug": f"slug || '-x{copies}'",
                "position": f"position + {base * copies}",
            }
            # Names from the schema, numbers computed here: nothing from outside.
            sql = (
                f"INSERT INTO projects_project ({', '.join(project_columns)}) "  # noqa: S608
                f"SELECT {', '.join(select.get(c, c) for c in project_columns)} "
                "FROM projects_project WHERE position >= 1000 AND id <= %s "
                "ORDER BY id LIMIT %s"
            )
            cursor.execute(sql, [top, wanted])
            for table in PROJECT_PARTS:
                names = [c for c in columns[table] if c != "id"]
                values = [f"project_id + {shift}" if c == "project_id" else c for c in names]
                sql = (
                    f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                    f"SELECT {', '.join(values)} FROM {table} "
                    f"WHERE project_id <= {top} AND project_id + {shift} IN "
                    "(SELECT id FROM projects_project)"
                )
                cursor.execute(sql)
        print(f"  copied {wanted} projects (copy {copies})", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('projects_project', 'id'), "
            "(SELECT max(id) FROM projects_project))"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from projects.models import Phase, Project

    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    if Project.objects.count() - 25 >= args.projects:
        # Built before: loading the fixtures again would rebuild the search text of every
        # project that carries a sector's name (projects.search), minutes at 100,000.
        print(f"{Project.objects.count()} projects already there", file=sys.stderr)
        return
    call_command("loaddata", "busan", verbosity=0)
    existing = Project.objects.count() - 25
    built = args.projects
    if connection.vendor == "postgresql" and args.projects > ORM_GENERATED:
        built = ORM_GENERATED
    if existing < built:
        generate(built - existing, start=existing, seed=args.seed + existing)
    if Project.objects.count() - 25 < args.projects:
        multiply_on_postgresql(args.projects)
    print(
        f"{Project.objects.count()} projects ({Project.objects.published().count()} published), "
        f"{Phase.objects.count()} phases",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
