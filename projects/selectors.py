"""Read-side questions the public pages ask: facet counts, key figures and timeline geometry.

Views stay thin: they call these selectors and hand the results to templates. Every selector
runs a fixed number of SQL queries whatever the number of projects.
"""

import copy
import logging
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import CharField, Count, IntegerField, Q, Value
from django.utils import timezone

from busanportal.cache import VERSION_KEY, current_content_version, keep_seconds
from busanportal.deadline import TIMED_OUT, run_within_budget
from projects import search as project_search
from projects.changelog import month_of, plan_latest_month
from projects.facet_index import CHUNK_ROWS, FacetIndex
from projects.filters import ProjectFilterSet
from projects.models import (
    OPEN_END_HORIZON,
    Organisation,
    Phase,
    PhaseKind,
    Place,
    Program,
    Project,
    ProjectStatus,
    ProjectYear,
    SourceDocument,
)
from sectors.models import Sector

logger = logging.getLogger(__name__)

# The year facet counts this range in one pass over the phases; years without projects are
# hidden. The source document covers 2010-2020; officials may add later years.
FACET_YEARS = range(2000, OPEN_END_HORIZON + 1)
TIMELINE_FIRST_YEAR = 2010
# With no facet count to read the total from (its facet ran out of time), a page counts no
# further than this: fifty pages of twenty, in the time of a small count. The page then says
# "at least"; narrower filters, another sort or the export reach the rest.
MAX_COUNTED = 1_000


@dataclass
class Facets:
    """Counts beside each filter choice, each computed with the other filters applied.

    A facet whose query overran its time limit has no counts: its choices (every sector,
    program, status, or year of ``FACET_YEARS``) come with a count of None, and its name is in
    ``timed_out``.
    """

    sectors: list  # Sector objects annotated with project_count
    programs: list  # Program objects annotated with project_count
    statuses: list  # (value, label, count)
    years: list  # (year, count), years with projects only
    undated: int | None
    # The number of projects the whole filter selects, read off the status facet (None: unknown).
    matching: int | None = None
    timed_out: list = field(default_factory=list)


def sectors_with_project_counts(projects=None):
    """Every sector annotated with ``project_count``: how many of ``projects`` (by default the
    published ones) it has."""
    # Explicit order: Meta.ordering does not apply to aggregating queries.
    return Sector.objects.annotate(project_count=_count_of(projects)).order_by("position", "slug")


def programs_with_project_counts(projects=None):
    """Every program, with its goal, annotated with ``project_count``: how many of ``projects``
    (by default the published ones) it has."""
    return (
        Program.objects.select_related("strategy")
        .annotate(project_count=_count_of(projects))
        .order_by("strategy__position", "position", "slug")
    )


def _count_of(projects) -> Count:
    """The number of ``projects`` (by default every published one) linked to each row.

    Every published project is counted through the join itself: as ``IN (published ids)``, at
    100,000 projects and with the table's statistics stale (after a bulk load) PostgreSQL ran
    the subquery once per link row, for minutes."""
    if projects is None:
        return Count("projects", filter=Q(projects__is_published=True))
    return Count("projects", filter=Q(projects__in=projects))


@dataclass(frozen=True)
class PortfolioCounts:
    """The counts of the whole published portfolio: per status, sector, program and year, and
    the key figures. Pages with no filter (the home page, the sector list, the unfiltered
    list) and each facet whose other filters are all unset read them instead of counting; a
    filter of sectors, programs, statuses and years is counted off ``index``."""

    statuses: dict
    sectors: list  # Sector objects annotated with project_count
    programs: list  # Program objects annotated with project_count
    years: list
    undated: int
    figures: "KeyFigures"
    # Source document id -> the latest month its plan mentions (``plan_latest_month``), which
    # reads every phase and phase version of the document: kept here, not computed per page.
    plan_months: dict
    index: FacetIndex


def count_portfolio() -> PortfolioCounts:
    """Count the whole published portfolio in five queries: its projects' rows (for the key
    figures and the facet index), their sector links and year rows (the index), the sectors,
    the programs, and each plan's latest month."""
    rows = (
        Project.objects.published()
        .order_by("pk")
        .values_list(
            "pk", "program_id", "current_status", "budget_sum_krw", "span_start", "span_end"
        )
    )
    totals = KeyFigureTotals()

    def projects():
        for pk, program, status, budget, start, end in rows.iterator(chunk_size=CHUNK_ROWS):
            totals.add(budget, start, end)
            yield pk, program, status

    index = FacetIndex.build(projects())
    everything = index.everything
    sectors = list(Sector.objects.order_by("position", "slug"))
    for sector in sectors:
        sector.project_count = index.count(index.sectors.get(sector.pk, 0), everything)
    programs = list(
        Program.objects.select_related("strategy").order_by(
            "strategy__position", "position", "slug"
        )
    )
    for program in programs:
        program.project_count = index.count(index.programs.get(program.pk, 0), everything)
    return PortfolioCounts(
        statuses={
            value: index.count(index.statuses[value], everything)
            for value in ProjectStatus.values
            if value in index.statuses
        },
        sectors=sectors,
        programs=programs,
        years=[
            (year, index.count(index.years[year], everything))
            for year in FACET_YEARS
            if year in index.years
        ],
        undated=index.count(index.undated, everything),
        figures=totals.figures(),
        plan_months=dict(
            SourceDocument.objects.annotate(month=plan_latest_month("pk")).values_list(
                "pk", "month"
            )
        ),
        index=index,
    )


#: The portfolio's counts belong to one content version and never go stale under it (a change
#: moves the version on). They are kept under one key, with the version they were counted for,
#: so that only the latest are held: at 100,000 projects they take 640 KB (the facet index),
#: and a key per version would have kept one such entry per change for as long as they live.
#: Not the page cache's lifetime: with the page cache off (``DJANGO_PAGE_CACHE_SECONDS=0``)
#: they are still kept.
PORTFOLIO_COUNTS_KEY = "portfolio-counts"
PORTFOLIO_COUNTS_SECONDS = 24 * 60 * 60


def kept_portfolio_counts() -> PortfolioCounts | None:
    """The portfolio's counts as of the current content version (``busanportal.cache``), if
    they were kept: they are counted once per change, when it commits (``recount_portfolio``,
    called through ``after_content_change``), not on each page's first render after it. At
    100,000 projects counting costs hundreds of milliseconds; reading them, one cache read."""
    try:
        kept = cache.get_many([VERSION_KEY, PORTFOLIO_COUNTS_KEY])
        version = current_content_version(kept.get(VERSION_KEY))
    except Exception:  # a cache outage costs the counting, never the page
        logger.warning("Cache unreachable; the portfolio is counted live", exc_info=True)
        return None
    entry = kept.get(PORTFOLIO_COUNTS_KEY)
    if entry is None or entry["version"] != version:
        return None
    return entry["counts"]


def _keep_portfolio_counts(version: float, counts: PortfolioCounts, timeout: int):
    cache.set(PORTFOLIO_COUNTS_KEY, {"version": version, "counts": counts}, timeout=timeout)


def portfolio_counts() -> PortfolioCounts:
    """The kept counts, or (a lost cache, a change not committed yet) counted now and kept."""
    counts = kept_portfolio_counts()
    if counts is None:
        try:
            version = current_content_version()
        except Exception:
            version = None
        counts = count_portfolio()
        if version is not None:
            try:
                # Read perhaps from a replica that lags: then kept only for the lag, as a page
                # is.
                _keep_portfolio_counts(version, counts, keep_seconds(PORTFOLIO_COUNTS_SECONDS))
            except Exception:
                logger.warning("Cache unreachable; the portfolio's counts not kept", exc_info=True)
    return counts


def recount_portfolio():
    """After a committed change: count the portfolio for the new content version (read from
    the primary: the writing request, or code outside a request, reads there). The version
    is read first: should another change commit while this one counts, these counts are
    marked as the older version's, and are not served for the newer."""
    version = current_content_version()
    _keep_portfolio_counts(version, count_portfolio(), PORTFOLIO_COUNTS_SECONDS)


def plan_document() -> SourceDocument | None:
    """The plan (the first source document) with ``plan_month``, the latest month it
    mentions: kept with the portfolio's counts, or (not kept) computed in the same query."""
    kept = kept_portfolio_counts()
    documents = SourceDocument.objects.order_by("slug")
    if kept is None:
        documents = documents.annotate(plan_number=plan_latest_month("pk"))
    document = documents.first()
    if document is not None:
        number = kept.plan_months.get(document.pk) if kept else document.plan_number
        document.plan_month = month_of(number)
    return document


def project_for_page(slug: str) -> Project | None:
    """The published project ``slug`` with everything its page shows (``for_detail``) and
    ``plan_month``, the latest month its plan mentions (as ``plan_document``)."""
    kept = kept_portfolio_counts()
    projects = Project.objects.published().for_detail()
    if kept is None:
        projects = projects.annotate(plan_number=plan_latest_month("source_document"))
    project = projects.filter(slug=slug).first()
    if project is not None:
        number = kept.plan_months.get(project.source_document_id) if kept else project.plan_number
        project.plan_month = month_of(number)
    return project


def sector_page(sector: Sector, per_page: int, page_number):
    """A page of the sector's published projects (with their phases, for the timeline), as
    ``page_of_projects`` fetches it; the number of them is the kept count when there is one."""
    in_sector = Project.objects.published().in_sectors([sector.slug])
    kept = kept_portfolio_counts()
    count = (
        next((s.project_count for s in kept.sectors if s.pk == sector.pk), None) if kept else None
    )
    if count is None:
        count = in_sector.count()
    return page_of_projects(
        in_sector, per_page, page_number, count, lambda rows: rows.for_listing().with_phases()
    )


def _is_every_published(filterset: ProjectFilterSet) -> bool:
    """Whether the filterset filters every published project (not a narrower base)."""
    return filterset.queryset.query.where == Project.objects.published().query.where


def _counts_whole_portfolio(filterset: ProjectFilterSet, facet: str) -> bool:
    """Whether the facet's counts are the whole portfolio's: its base is every published
    project and no filter but its own (and the sort) is applied."""
    others = set(filterset.applied) - {facet, "sort"}
    if others or set(filterset.form.errors) - {facet}:
        return False
    return _is_every_published(filterset)


def _with_count(row, count: int | None):
    """A copy of a kept sector or program with ``project_count``: the kept objects are shared
    by every request of the content version and are never changed."""
    row = copy.copy(row)
    row.project_count = count
    return row


#: A search finding more projects than this is counted no further (its facets are shown
#: without counts): reading the ids of every match of a broad word ("robot", 47,000 of 100,000
#: projects) took longer than the facets' whole budget.
MAX_SEARCH_MATCHES_COUNTED = 5_000


def search_matches(filterset: ProjectFilterSet, index: FacetIndex):
    """The bits of the published projects the search (``q``) alone finds, read in one query
    (the ids, from the search indexes) within the facets' time budget; ``TIMED_OUT`` when
    that ran out or the search finds more than ``MAX_SEARCH_MATCHES_COUNTED``."""
    matches = (
        filterset.filters["q"]
        .filter(filterset.queryset, filterset.applied["q"])
        .order_by()
        .values_list("pk", flat=True)[: MAX_SEARCH_MATCHES_COUNTED + 1]
    )

    def bits():
        pks = list(matches)
        return TIMED_OUT if len(pks) > MAX_SEARCH_MATCHES_COUNTED else index.bits_of(pks)

    return run_within_budget(
        settings.PORTAL_FACET_TIME_BUDGET_MS, {"q": bits}, using=filterset.queryset.db
    )["q"]


def facets_from_index(portfolio: PortfolioCounts, applied: dict, found: int | None) -> Facets:
    """The facets of a filter of sectors, programs, statuses and years, counted off the kept
    facet index (``projects.facet_index``) with no query, and of a search whose matches are
    ``found``: each facet counts the projects the other filters select."""
    index = portfolio.index

    def counter(facet: str):
        within = index.selection(applied, without=facet, found=found)
        return lambda bits: index.count(bits, within)

    in_sectors, in_programs = counter("sector"), counter("program")
    in_statuses, in_years = counter("status"), counter("year")
    year_counts = [
        (year, in_years(index.years[year])) for year in FACET_YEARS if year in index.years
    ]
    return Facets(
        sectors=[
            _with_count(sector, in_sectors(index.sectors.get(sector.pk, 0)))
            for sector in portfolio.sectors
        ],
        programs=[
            _with_count(program, in_programs(index.programs.get(program.pk, 0)))
            for program in portfolio.programs
        ],
        statuses=[
            (value, label, in_statuses(index.statuses.get(value, 0)))
            for value, label in ProjectStatus.choices
        ],
        years=[(year, count) for year, count in year_counts if count],
        undated=in_years(index.undated),
        matching=index.selection(applied, found=found).bit_count(),
    )


@dataclass(frozen=True)
class ProjectLabels:
    """The sectors, places and organisations a project's page names, in their display order."""

    sectors: list
    places: list
    organisations: list


def project_labels(project: Project) -> ProjectLabels:
    """The three lists of names a project page shows, read in one query (a UNION of the three
    link tables with their names) instead of one prefetch each: they are short, and the page's
    queries stay within the budget of eight (issue 19)."""

    def links(through, name: str, extra: str | None, order: str | None):
        text = CharField()
        return through.objects.filter(project=project).values_list(
            Value(name, output_field=text),
            f"{name}_id",
            f"{name}__slug",
            f"{name}__name_en",
            f"{name}__name_ko",
            f"{name}__{extra}" if extra else Value("", output_field=text),
            f"{name}__{order}" if order else Value(0, output_field=IntegerField()),
        )

    rows = links(Project.sectors.through, "sector", None, "position").union(
        links(Project.places.through, "place", None, None),
        links(Project.organisations.through, "organisation", "acronym", None),
        all=True,
    )
    found = {"sector": [], "place": [], "organisation": []}
    for kind, pk, slug, name_en, name_ko, acronym, position in rows:
        found[kind].append((pk, slug, name_en, name_ko, acronym, position))
    return ProjectLabels(
        sectors=[
            Sector(pk=pk, slug=slug, name_en=en, name_ko=ko, position=position)
            for pk, slug, en, ko, _acronym, position in sorted(
                found["sector"], key=lambda row: (row[5], row[1])
            )
        ],
        places=[
            Place(pk=pk, slug=slug, name_en=en, name_ko=ko)
            for pk, slug, en, ko, _acronym, _position in sorted(
                found["place"], key=lambda row: row[2]
            )
        ],
        organisations=[
            Organisation(pk=pk, slug=slug, name_en=en, name_ko=ko, acronym=acronym)
            for pk, slug, en, ko, acronym, _position in sorted(
                found["organisation"], key=lambda row: row[2]
            )
        ],
    )


def project_facets(filterset: ProjectFilterSet) -> Facets:
    """Facet counts for the current filter: choosing IT shows how many IT projects run each
    year, and the sector counts show what each other sector would add or give.

    The four facet queries share a time budget (``settings.PORTAL_FACET_TIME_BUDGET_MS``, see
    ``busanportal.deadline``): a facet that cannot finish in what is left of it is shown
    without counts, as Datasette does, instead of slowing the page.
    """
    applied = filterset.applied
    portfolio, found = None, None
    if FacetIndex.answers(applied) and _is_every_published(filterset):
        portfolio = kept_portfolio_counts()
        if portfolio is not None:
            found = search_matches(filterset, portfolio.index) if "q" in applied else None
            if found is not TIMED_OUT:
                return facets_from_index(portfolio, applied, found)
    queries = {
        "status": lambda: dict(
            filterset.queryset_without("status")
            .order_by()
            .values_list("current_status")
            .annotate(count=Count("pk"))
        ),
        "sector": lambda: list(sectors_with_project_counts(filterset.queryset_without("sector"))),
        "year": lambda: year_facet(filterset.queryset_without("year")),
        "program": lambda: list(
            programs_with_project_counts(filterset.queryset_without("program"))
        ),
    }
    # A facet whose other filters are all unset counts the whole portfolio: those counts are
    # kept per change (``portfolio_counts``), so the unfiltered list counts nothing.
    whole = [name for name in queries if _counts_whole_portfolio(filterset, name)]
    # Not kept (a lost cache; the next change, the home page or the sector list keeps them
    # again): every facet is counted, under the time limit.
    if whole and portfolio is None:
        portfolio = kept_portfolio_counts()
    counted = {}
    if portfolio is not None:
        kept = {
            "status": portfolio.statuses,
            "sector": portfolio.sectors,
            "year": (portfolio.years, portfolio.undated),
            "program": portfolio.programs,
        }
        counted = {name: kept[name] for name in whole}
    rest = {name: query for name, query in queries.items() if name not in counted}
    if found is TIMED_OUT:
        # The search's matches could not be read within the budget: no facet would be.
        counted = dict.fromkeys(queries, TIMED_OUT)
    elif rest:
        counted |= run_within_budget(
            settings.PORTAL_FACET_TIME_BUDGET_MS, rest, using=filterset.queryset.db
        )
    timed_out = [name for name, result in counted.items() if result is TIMED_OUT]
    # A facet that timed out lists its choices without counts (project_count None).
    sectors = counted["sector"]
    if sectors is TIMED_OUT:
        sectors = (
            [_with_count(sector, None) for sector in portfolio.sectors]
            if portfolio is not None
            else list(
                Sector.objects.annotate(project_count=Value(None, IntegerField())).order_by(
                    "position", "slug"
                )
            )
        )
    programs = counted["program"]
    if programs is TIMED_OUT:
        programs = (
            [_with_count(program, None) for program in portfolio.programs]
            if portfolio is not None
            else list(
                Program.objects.select_related("strategy")
                .annotate(project_count=Value(None, IntegerField()))
                .order_by("strategy__position", "position", "slug")
            )
        )
    status_counts = counted["status"]
    if status_counts is TIMED_OUT:
        statuses = [(value, label, None) for value, label in ProjectStatus.choices]
        matching = None
    else:
        statuses = [
            (value, label, status_counts.get(value, 0)) for value, label in ProjectStatus.choices
        ]
        matching = matching_count(filterset, status_counts)
    if counted["year"] is TIMED_OUT:
        years, undated = [(year, None) for year in FACET_YEARS], None
    else:
        years, undated = counted["year"]
    return Facets(
        sectors=sectors,
        programs=programs,
        statuses=statuses,
        matching=matching,
        years=years,
        undated=undated,
        timed_out=timed_out,
    )


def offered_facets(facets: Facets, filterset: ProjectFilterSet) -> set[str]:
    """The facets worth offering as filters: those with a choice that would narrow the result.

    A facet that is not applied counts over the current selection, so one of its choices
    narrows when it holds some but not all of the selected projects (0 < count < total).
    When every project has the same value (every status "not stated", say), no choice can,
    and the form leaves the facet out. A facet that is applied, or that the query gave a bad
    value for, is always offered, so that the reader can change it and see the message; so
    is a facet whose counts timed out (it is shown without counts).
    """
    total = facets.matching
    counts = {
        "sector": lambda: [sector.project_count for sector in facets.sectors],
        "year": lambda: [count for _, count in facets.years] + [facets.undated],
        "status": lambda: [count for _, _, count in facets.statuses],
        "program": lambda: [program.project_count for program in facets.programs],
    }
    applied = set(filterset.applied)
    errors = set(filterset.form.errors)
    return {
        name
        for name, values in counts.items()
        if name in applied
        or name in errors
        or name in facets.timed_out
        or total is None
        or any(0 < count < total for count in values())
    }


def matching_count(filterset: ProjectFilterSet, status_counts: dict) -> int:
    """How many projects the whole filter selects, read off the status facet: it counts the
    filtered set without the status filter, by status, so with no status chosen the total is
    its sum, and with one chosen it is that status's count."""
    status = filterset.applied.get("status")
    return sum(status_counts.values()) if status is None else status_counts.get(status, 0)


def year_facet(projects) -> tuple[list, int]:
    """(year, number of ``projects`` active in it) for the years with any, and the number of
    undated ones, in one aggregate over the derived year rows (``ProjectYear``: one row per
    project and active year, one with no year for an undated project), which their
    (year, project) index answers without reading a phase."""
    first, last = FACET_YEARS[0], FACET_YEARS[-1]
    rows = (
        ProjectYear.objects.filter(project__in=projects.order_by().values("pk"))
        .filter(Q(year__isnull=True) | Q(year__range=(first, last)))
        .order_by()
        .values_list("year")
        .annotate(count=Count("pk"))
    )
    counts = dict(rows)
    undated = counts.pop(None, 0)
    return sorted(counts.items()), undated


def bounded_count(queryset, limit: int) -> int:
    """How many rows ``queryset`` selects, counting no further than ``limit`` (a count over
    a slice reads at most that many rows)."""
    return queryset.order_by().values("pk")[:limit].count()


def page_of_projects(queryset, per_page: int, page_number, count: int | None, listing):
    """The requested page of ``queryset`` (in its order), fetched in one narrow step:

    the page's ids come from the sort key alone (an index scan of a narrow partial index for
    every sort order, ``Project.Meta.indexes``), and only those rows are then read with what a
    row shows (``listing``, e.g. ``for_listing()``), in the same statement (a sliced subquery).
    So the joins and prefetches cost the same on the first page and the last, whatever the
    portfolio's size. ``count`` (from the facets) saves the COUNT query; when it is unknown
    (the facet timed out) the count is bounded to ``MAX_COUNTED`` rows.
    """
    paginator = Paginator(queryset.values("pk"), per_page)
    if count is not None:
        paginator.count, bounded = count, False
    elif project_search.is_broad_search(queryset):
        # Counted when it was ranked: more than FULL_RANK_LIMIT matches (projects.search), so
        # at least the bound, with no second count.
        paginator.count, bounded = min(MAX_COUNTED, project_search.FULL_RANK_LIMIT + 1), True
    else:
        paginator.count = bounded_count(queryset, MAX_COUNTED)
        bounded = paginator.count >= MAX_COUNTED
    page = paginator.get_page(page_number)
    # A count that reached its bound is a lower bound: the page says "at least", never a
    # number the portfolio does not have.
    page.count_is_bounded = bounded
    offset = (page.number - 1) * per_page
    ranked_ids = project_search.bucketed_page_ids(queryset, offset, per_page)
    if ranked_ids is not None:
        # A broad search: the page's ids in order, read bucket by bucket (projects.search).
        rows = {row.pk: row for row in listing(queryset.model.objects.filter(pk__in=ranked_ids))}
        page.object_list = [rows[pk] for pk in ranked_ids if pk in rows]
        return page
    ids = queryset.values("pk")[offset : offset + per_page]
    if queryset.query.annotations:
        # An order by an annotation (the search's relevance) needs the annotation itself: the
        # page's rows are then the selection's own, narrowed to the page's ids.
        rows = queryset.filter(pk__in=ids)
    else:
        rows = queryset.model.objects.filter(pk__in=ids)
        if queryset.query.order_by:
            rows = rows.order_by(*queryset.query.order_by)
    page.object_list = list(listing(rows))
    return page


@dataclass
class KeyFigures:
    """The headline numbers of the portfolio for the home page."""

    projects: int
    first_year: int | None
    last_year: int | None
    with_budget: int
    budget_total_krw: int | None


class KeyFigureTotals:
    """The key figures summed up project by project, from the derived columns
    (``projects.facts``) that ``count_portfolio`` reads: budget total, first and last year."""

    def __init__(self):
        self.projects = self.with_budget = self.total = 0
        self.first = self.last = None

    def add(self, budget: int | None, start: int | None, end: int | None):
        self.projects += 1
        if budget is not None:
            self.with_budget += 1
            self.total += budget
        if start is not None and (self.first is None or start < self.first):
            self.first = start
        if end is not None and (self.last is None or end > self.last):
            self.last = end

    def figures(self) -> KeyFigures:
        return KeyFigures(
            projects=self.projects,
            first_year=self.first,
            last_year=self.last,
            with_budget=self.with_budget,
            budget_total_krw=self.total if self.with_budget else None,
        )


@dataclass
class TimelineBar:
    """One phase's planned or actual dates drawn on a year axis; x and width are in year units
    from the axis start. Planned bars are drawn as outlines, actual ones filled."""

    phase: Phase
    x: float
    width: float
    is_milestone: bool
    is_open_ended: bool
    y: float = 0.3
    height: float = 0.4
    is_actual: bool = False

    @property
    def css_class(self) -> str:
        """E.g. "bar planned open", "milestone actual met"."""
        classes = ["milestone" if self.is_milestone else "bar"]
        classes.append("actual" if self.is_actual else "planned")
        if self.is_open_ended:
            classes.append("open")
        if self.is_milestone:
            classes.append(self.phase.milestone_state)
        return " ".join(classes)


@dataclass
class TimelineRow:
    """One project on the timeline with its bars."""

    project: Project
    bars: list = field(default_factory=list)

    @property
    def phases(self) -> list:
        """The row's phases, once each (a phase may have a planned and an actual bar)."""
        return [bar.phase for bar in self.bars if not bar.is_actual]


@dataclass
class Timeline:
    """A year axis and the projects drawn on it."""

    first_year: int
    last_year: int
    rows: list

    @property
    def years(self):
        return list(range(self.first_year, self.last_year + 1))

    @property
    def year_count(self):
        return self.last_year - self.first_year + 1

    @cached_property
    def grid_path(self) -> str:
        """The year lines behind every row as one SVG path (``M0 0V1M1 0V1…``): a line
        element per year and row made most of a 100-row page's bytes and render time."""
        return "".join(f"M{year} 0V1" for year in range(self.year_count))


def _bar(phase, first, last, *, actual: bool) -> TimelineBar:
    """The planned (or actual) dates of ``phase`` as a bar on an axis from ``first`` to ``last``."""
    is_milestone = phase.kind == PhaseKind.MILESTONE
    if actual:
        start, month = phase.actual_start_year, phase.actual_start_month
        open_ended = phase.actual_is_open_ended
        last_year = phase.actual_end_year or phase.actual_start_year
    else:
        start, month = phase.start_year, phase.start_month
        open_ended = phase.is_open_ended
        last_year = phase.last_year
    # A milestone sits inside its year at its month, when the month is known.
    month_offset = ((month or 7) - 1) / 12 if is_milestone else 0
    end = last + 1 if open_ended else last_year + 1
    return TimelineBar(
        phase=phase,
        x=start - first + month_offset,
        width=0 if is_milestone else end - start,
        is_milestone=is_milestone,
        is_open_ended=open_ended,
        is_actual=actual,
    )


def build_timeline(projects, first_year: int | None = None, last_year: int | None = None):
    """Lay the (prefetched) phases of ``projects`` out on one axis: each phase's planned dates,
    and beside them its actual dates where an official reported them. Undated projects get no
    row.

    The axis runs from ``first_year`` (default: the earliest date, planned or actual, but not
    after 2010) to the latest year any phase reaches (this year, when an actually started phase
    is still running); an open-ended phase runs to the end of the axis.
    """
    dated = [project for project in projects if project.span is not None]
    if not dated:
        return None
    phases = [phase for project in dated for phase in project.phases.all()]
    start = min(
        min(phase.start_year, phase.actual_start_year or phase.start_year) for phase in phases
    )
    end = max(max(phase.last_year, phase.active_last_year) for phase in phases)
    if any(phase.actual_is_open_ended for phase in phases):
        end = max(end, timezone.localdate().year)
    first = first_year if first_year is not None else min(start, TIMELINE_FIRST_YEAR)
    last = max(last_year or end, end, first)
    rows = []
    for project in dated:
        row = TimelineRow(project)
        lanes = []
        for phase in project.phases.all():
            planned = _bar(phase, first, last, actual=False)
            row.bars.append(planned)
            if phase.has_actual_dates:
                actual = _bar(phase, first, last, actual=True)
                row.bars.append(actual)
                lanes.append((planned, actual))
            else:
                lanes.append((planned, None))
        periods = [pair for pair in lanes if not pair[0].is_milestone]
        if len(periods) > 1:  # two lanes, so that overlapping periods stay visible
            for index, (planned, _actual) in enumerate(periods):
                planned.y, planned.height = (0.1 if index % 2 == 0 else 0.55), 0.35
        for planned, actual in lanes:
            if actual is not None and not actual.is_milestone:
                # The actual bar sits inside its planned outline's lane, so the two compare.
                actual.y, actual.height = planned.y + planned.height / 4, planned.height / 2
        rows.append(row)
    return Timeline(first_year=first, last_year=last, rows=rows)


@dataclass(frozen=True)
class NamedFilter:
    """A sector or program whose name the search query gives, offered as that filter."""

    kind: str  # "sector" or "program"
    name: str
    query: str  # the list's query string with this filter instead of the search


def filters_named_by(filterset: ProjectFilterSet, facets: Facets) -> list[NamedFilter]:
    """The sectors and programs whose English or Korean name holds every word of ``q`` (e.g.
    "green energy" names the sector Green energy), not already applied. Read off the facets'
    sectors and programs, so it costs no query."""

    applied = filterset.applied
    words = project_search.query_words(applied.get("q", ""))
    if not words:
        return []

    def named(*names):
        return any(
            all(word in project_search.normalise(name) for word in words) for name in names if name
        )

    def query_with(name, value):
        query = filterset.data.copy()
        for key in ("q", "page", "sort"):
            query.pop(key, None)
        if name == "sector":
            query.setlist("sector", [*query.getlist("sector"), value])
        else:
            query[name] = value
        return query.urlencode()

    chosen_sectors = {sector.slug for sector in applied.get("sector", [])}
    suggestions = [
        NamedFilter("sector", sector.name, query_with("sector", sector.slug))
        for sector in facets.sectors
        if sector.slug not in chosen_sectors and named(sector.name_en, sector.name_ko)
    ]
    if "program" not in applied:
        suggestions += [
            NamedFilter("program", program.title, query_with("program", program.slug))
            for program in facets.programs
            if named(program.title_en, program.title_ko)
        ]
    return suggestions
