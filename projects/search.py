"""The ``q`` search: what a project is found by, and how the results are ranked.

Every project keeps one derived column, ``search_text``: its titles, summaries and source text
and the English and Korean names of its sectors, program, goal, places and organisations,
normalised (NFKC, case-folded, control characters removed). It is rebuilt whenever any of those
change: the project's own save, a change of its sectors, places or organisations, and a rename
of a sector, program, goal, place or organisation (which rebuilds every project that carries the
name). Fixture loads and bulk writes call ``refresh_search_text`` themselves.

Both databases match the same way first: a project matches when its search text contains every
word of the query (a substring, so that a Korean word is found inside a longer compound, e.g.
"풍력" in "해상풍력단지"). The query is normalised as the text is, so case never matters.

PostgreSQL adds two ways in for a word that is in no published project's text at all (a typo,
an inflected form), each answerable from a GIN index:

* full-text search (the English configuration), for a word no known word is near, which
  finds inflected forms the stemmer knows;
* correction against a dictionary of the projects' words (``SearchWord``, kept with the search
  text, its trigram index from migration ``0013_i19_search_words``): the word is searched as
  the few known words most similar to it (``pg_trgm``'s word similarity, threshold 0.5 from
  the settings), which forgives typos ("radation" is searched as "radiation") and finds most
  inflected forms ("designating" is near "designate").

Correctly spelt words never take these paths, so they pay only for the substring test, which
the trigram index answers. Which words are in no project, and their corrections, are asked
first (``misspelt_words``), so that every condition of the search is one an index answers.

SQLite keeps the substring rule alone. Its FTS5 trigram tokenizer (SQLite >= 3.34) would only
index the same substring question, and it cannot answer words shorter than three characters,
which Korean words often are ("로봇", "신발", "섬유"); a plain ``LIKE`` over one column is the
same result, and at 10,000 projects it counts the matches in 15-20 ms (a ranked page of a
5,000-project result in about 240 ms, of a narrow one in 40 ms). SQLite is the development
and snapshot database; production is PostgreSQL.

Ranking, with ``q``: an exact title match first, then a title holding the whole query, then a
search text holding it as a phrase, with a bonus for a project in a sector whose name holds
it; on PostgreSQL the full-text rank of the titles (weighted above the summaries) orders the
rest. A search matching more than ``FULL_RANK_LIMIT`` projects is ranked in two tiers instead,
each in the plan's order: the titles holding the query (an exact one first), then the rest
(``bucketed_page_ids``), which two queries read up to the page without ranking every match.
Ties keep the document's order.
"""

import hashlib
import logging
import re
import unicodedata

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)

from busanportal.cache import current_content_version, keep_seconds

logger = logging.getLogger(__name__)

#: The text search configuration of the full-text index; it must match the index's.
FTS_CONFIG = "english"
# Words shorter than this are not matched by similarity: "bio" is near too many words.
FUZZY_MIN_LENGTH = 4
# Control and format characters (e.g. NUL, bidirectional overrides) carry no words.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")
# A word of the dictionary: letters and digits, Korean included (``str.isalnum``'s).
_WORD = re.compile(r"\w+")
# Punctuation that may surround a word the reader typed, e.g. "radiation," or "(2015)".
_EDGE_PUNCTUATION = "\"'“”‘’()[]{}<>,.;:!?"


def normalise(text: str) -> str:
    """Text as the search compares it: NFKC, case-folded, control characters removed and
    whitespace collapsed (so "ＩｏＴ", "IOT" and "iot" are one word)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub(" ", text).casefold()
    return _SPACE.sub(" ", text).strip()


def query_words(text: str) -> list[str]:
    """The words of a query, normalised, without surrounding punctuation, each once."""
    words = []
    for word in normalise(text).split(" "):
        word = word.strip(_EDGE_PUNCTUATION)
        if word and word not in words:
            words.append(word)
    return words


def text_words(text: str) -> set[str]:
    """The words of a normalised search text that a misspelt word may be corrected to: those
    of ``FUZZY_MIN_LENGTH`` characters or more (a ``SearchWord`` each)."""
    return {word for word in _WORD.findall(text or "") if FUZZY_MIN_LENGTH <= len(word) <= 100}


def add_search_words(texts) -> None:
    """Add the words of ``texts`` to the dictionary (``SearchWord``) that are not in it yet."""
    from projects.models import SearchWord

    words = set()
    for text in texts:
        words |= text_words(text)
    if words:
        SearchWord.objects.bulk_create(
            (SearchWord(word=word) for word in sorted(words)),
            ignore_conflicts=True,
            batch_size=1000,
        )


def uses_postgres(queryset) -> bool:
    """Whether ``queryset`` runs on PostgreSQL (full-text and trigram search available)."""
    return connections[queryset.db].vendor == "postgresql"


# --- The search text ------------------------------------------------------------------------


def build_search_text(project) -> str:
    """Every name ``project`` is found by, one per line, normalised. Uses prefetched relations
    (see ``refresh_search_text``)."""
    parts = [
        project.title_en,
        project.title_ko,
        project.summary_en,
        project.summary_ko,
        project.source_text,
    ]
    for sector in project.sectors.all():
        parts += [sector.name_en, sector.name_ko]
    if project.program_id:
        program = project.program
        parts += [program.title_en, program.title_ko]
        parts += [program.strategy.title_en, program.strategy.title_ko]
    for place in project.places.all():
        parts += [place.name_en, place.name_ko]
    for organisation in project.organisations.all():
        parts += [organisation.name_en, organisation.name_ko, organisation.acronym]
    return "\n".join(normalise(part) for part in parts if part)


def refresh_search_text(projects=None) -> int:
    """Rebuild the search text of ``projects`` (a queryset; default: every project), writing
    only the rows whose text changed. Returns how many changed. A queryset ``update`` per row,
    not ``save()``: the search text is derived, so it must not touch ``updated_at`` or the
    history."""
    from projects.models import Project

    if projects is None:
        projects = Project.objects.all()
    rows = projects.select_related("program__strategy").prefetch_related(
        "sectors", "places", "organisations"
    )
    changed = []
    for project in rows:
        text = build_search_text(project)
        if text != project.search_text:
            project.search_text = text
            changed.append(project)
    Project.objects.bulk_update(changed, ["search_text"], batch_size=500)
    add_search_words(project.search_text for project in changed)
    return len(changed)


# --- Signal receivers: keep the search text current ----------------------------------------


def project_saved(sender, instance, **kwargs):
    from projects.models import Project

    refresh_search_text(Project.objects.filter(pk=instance.pk))


def project_names_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A project's sectors, places or organisations changed (either side of the relation)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from projects.models import Project

    if not reverse:
        refresh_search_text(Project.objects.filter(pk=instance.pk))
    elif action == "post_clear":
        # The cleared projects are gone from the relation already: rebuild every project.
        refresh_search_text()
    else:
        refresh_search_text(Project.objects.filter(pk__in=pk_set or ()))


def name_saved(lookup):
    """A receiver for a named thing (sector, program, goal, place, organisation): rebuild the
    projects that carry its name, found through ``lookup`` (e.g. ``"program__strategy"``)."""

    def receiver(sender, instance, raw=False, created=False, **kwargs):
        if created:
            return  # a new name is on no project yet
        from projects.models import Project

        refresh_search_text(Project.objects.filter(**{lookup: instance}).distinct())

    return receiver


def connect_signals():
    """Connect the receivers that keep ``search_text`` current (from ``AppConfig.ready``)."""
    from django.db.models.signals import m2m_changed, post_save

    from projects.models import Organisation, Place, Program, Project, Strategy
    from sectors.models import Sector

    post_save.connect(project_saved, sender=Project, dispatch_uid="search-project-saved")
    for field in ("sectors", "places", "organisations"):
        through = getattr(Project, field).through
        m2m_changed.connect(
            project_names_changed, sender=through, dispatch_uid=f"search-{field}-changed"
        )
    for model, lookup in (
        (Sector, "sectors"),
        (Program, "program"),
        (Strategy, "program__strategy"),
        (Place, "places"),
        (Organisation, "organisations"),
    ):
        post_save.connect(
            name_saved(lookup), sender=model, weak=False, dispatch_uid=f"search-{lookup}-saved"
        )


# --- Matching and ranking ---------------------------------------------------------------------


def misspelt_words(model, words: list[str]) -> dict[str, list[str]]:
    """The words of a search that no published project's search text holds (a typo, an
    inflected form), each with its corrections: the dictionary's words (``SearchWord``) most
    similar to it by trigrams (``pg_trgm``'s word similarity ``<%``, at the threshold the
    settings give), at most ``MAX_CORRECTIONS`` of them, best first. The dictionary holds the
    words of drafts too: a correction that only a draft holds finds nothing published.

    Asked before the search, in at most two queries (which words are found, each word's
    ``LIMIT 1`` answered by the trigram index; then the corrections of those that are not), and
    kept per content version, so that the same search asks once per change. The search is then
    a plain ``OR`` of indexed conditions. Deciding it inside the search, as a subquery in an
    ``OR``, kept PostgreSQL from combining the indexes (it computed the full-text vector and
    similarity of every row), and matching the misspelt word against every project's whole
    text checked the similarity of tens of thousands of long texts: 6-17 s at 100,000 projects
    (issue 19).
    """
    from projects.models import SearchWord

    key = None
    try:
        version = current_content_version()
        key = "search-words:" + hashlib.sha256(repr((version, words)).encode()).hexdigest()
        misspelt = cache.get(key)
    except Exception:  # a cache outage costs the queries, never the search
        logger.warning("Cache unreachable; the search's words are looked up", exc_info=True)
        misspelt = None
    if misspelt is not None:
        return misspelt
    published = model.objects.published()
    found_at = [
        published.filter(search_text__contains=word).values_list(
            Value(number, output_field=IntegerField())
        )[:1]
        for number, word in enumerate(words)
    ]
    found = {number for (number,) in found_at[0].union(*found_at[1:], all=True)}
    missing = [word for number, word in enumerate(words) if number not in found]
    misspelt = {word: [] for word in missing}
    # The corrections of every misspelt word long enough to correct, in one statement too, so
    # that a query of many nonsense words costs two queries, not one per word.
    nearest = [
        SearchWord.objects.filter(word__trigram_word_similar=word)
        .annotate(
            misspelt=Value(number, output_field=IntegerField()),
            similarity=TrigramWordSimilarity(word, "word"),
        )
        .order_by("-similarity", "word")
        .values_list("misspelt", "similarity", "word")[:MAX_CORRECTIONS]
        for number, word in enumerate(missing)
        if len(word) >= FUZZY_MIN_LENGTH
    ]
    if nearest:
        corrections = (
            nearest[0]  # one word: already in its order (a query of one part is not a union)
            if len(nearest) == 1
            else nearest[0]
            .union(*nearest[1:], all=True)
            .order_by("misspelt", "-similarity", "word")
        )
        for number, _similarity, correction in corrections:
            misspelt[missing[number]].append(correction)
    if key is not None:
        try:
            # Read perhaps from a replica that lags: then kept only for the lag, as a page is.
            cache.set(key, misspelt, timeout=keep_seconds(SEARCH_WORDS_SECONDS))
        except Exception:
            logger.warning("Cache unreachable; the search's words not kept", exc_info=True)
    return misspelt


#: How long a search's misspelt words are kept at most (a change moves the version on).
SEARCH_WORDS_SECONDS = 60 * 60
#: The corrections a misspelt word is searched as, at most ("radation": "radiation", ...).
MAX_CORRECTIONS = 5


def every_word(queryset, words, fuzzy: bool) -> Q:
    """Each word is in the search text (a substring). With ``fuzzy`` (PostgreSQL), a word that
    is in no published project's search text at all (``misspelt_words``) may instead match as
    one of its corrections (a typo, and most inflected forms: "designating" is near
    "designate"), or with none near it by full-text search (an inflected form the stemmer
    knows); a correctly spelt word never pays for those checks, and each condition is one an
    index answers.
    """
    misspelt = misspelt_words(queryset.model, words) if fuzzy else {}
    condition = Q()
    for word in words:
        word_condition = Q(search_text__contains=word)
        if misspelt.get(word):
            for correction in misspelt[word]:
                word_condition |= Q(search_text__contains=correction)
        elif word in misspelt:
            # No known word is near it: perhaps an inflected form the English stemmer knows.
            # Only then, since the full-text vector is computed row by row wherever the
            # indexes cannot answer alone (300 ms for 4,000 rows). The vector is the alias
            # ``filter_matching`` gives (its GIN index).
            word_condition |= Q(search_document=SearchQuery(word, config=FTS_CONFIG))
        condition &= word_condition
    return condition


def filter_matching(queryset, text: str):
    """``queryset`` narrowed to the projects the query ``text`` finds (see the module)."""
    words = query_words(text)
    if not words:
        return queryset
    if not uses_postgres(queryset):
        return queryset.filter(every_word(queryset, words, fuzzy=False))
    document = SearchVector("search_text", config=FTS_CONFIG)
    return queryset.alias(search_document=document).filter(every_word(queryset, words, fuzzy=True))


#: A search matching more than this many projects is ranked in two tiers (titles holding the
#: query, then the rest; ties in the plan's order): the full-text rank is computed row by row,
#: and ranking every match of a broad word costs seconds at 100,000 projects ("robot": 47,000
#: matches), for an order nobody reads past the first pages of.
FULL_RANK_LIMIT = 1_000


def _broad(queryset) -> bool:
    """Whether ``queryset`` (a search's matches) holds more than ``FULL_RANK_LIMIT`` projects:
    a count that stops there (one narrow query, answered from the search index)."""
    return queryset.order_by().values("pk")[: FULL_RANK_LIMIT + 1].count() > FULL_RANK_LIMIT


def _relevance_tests(queryset, phrase: str) -> dict[str, Q]:
    """The tests the relevance is made of: an exact title, a title holding the phrase, a search
    text holding it, and a sector whose name holds it."""
    # Titles are stored as typed and the phrase is normalised: the lookups ignore case.
    # A project in a sector whose name holds the query ("green energy") comes before one that
    # only mentions it in passing (a program "... robot industry and green energy industry").
    through = queryset.model.sectors.through
    in_named_sector = Exists(
        through.objects.filter(project=OuterRef("pk")).filter(
            Q(sector__name_en__icontains=phrase) | Q(sector__name_ko__icontains=phrase)
        )
    )
    return {
        "exact": Q(title_en__iexact=phrase) | Q(title_ko__iexact=phrase),
        "title": Q(title_en__icontains=phrase) | Q(title_ko__icontains=phrase),
        "text": Q(search_text__contains=phrase),
        "sector": Q(in_named_sector),
    }


#: The relevance's parts: the first of these that a project passes, plus the sector's bonus.
TEXT_SCORES = (("exact", 100.0), ("title", 10.0), ("text", 1.0))
SECTOR_BONUS = 3.0
#: The name of the (unselected) annotation that marks a broad search's order as its buckets,
#: holding the phrase (``bucketed_page_ids``).
BROAD_PHRASE = "broad_search_phrase"


def order_by_relevance(queryset, text: str):
    """``queryset`` ordered best match first, annotated with ``relevance`` (a number). The
    order is the same for every reader of the queryset (the list, the exports, the API); the
    list reads a broad search's page through ``bucketed_page_ids``, in that same order."""
    words = query_words(text)
    if not words:
        return queryset
    phrase = " ".join(words)
    tests = _relevance_tests(queryset, phrase)
    if uses_postgres(queryset) and _broad(queryset):
        # Two tiers, an exact title first within the first: 2, 1, 0.
        relevance = Case(
            When(tests["exact"], then=Value(2.0)),
            When(tests["title"], then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        return (
            queryset.annotate(relevance=relevance)
            .alias(**{BROAD_PHRASE: Value(phrase, output_field=CharField())})
            .order_by(F("relevance").desc(), "position", "slug")
        )
    relevance = Case(
        *(When(tests[name], then=Value(score)) for name, score in TEXT_SCORES),
        default=Value(0.0),
        output_field=FloatField(),
    ) + Case(
        When(tests["sector"], then=Value(SECTOR_BONUS)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if uses_postgres(queryset):
        # Titles weigh more than summaries; the short columns keep this cheap per row.
        document = SearchVector("title_en", "title_ko", weight="A", config=FTS_CONFIG) + (
            SearchVector("summary_en", "summary_ko", weight="B", config=FTS_CONFIG)
        )
        query = SearchQuery(phrase, search_type="websearch", config=FTS_CONFIG)
        relevance = relevance + SearchRank(document, query)
    return queryset.annotate(relevance=relevance).order_by(
        F("relevance").desc(), "position", "slug"
    )


def is_broad_search(queryset) -> bool:
    """Whether ``queryset`` is a broad search ranked in tiers (``order_by_relevance``): it
    matched more than ``FULL_RANK_LIMIT`` projects when it was ranked."""
    return BROAD_PHRASE in queryset.query.annotations


def bucketed_page_ids(queryset, offset: int, limit: int) -> list[int] | None:
    """The ids of rows ``offset`` to ``offset + limit`` of a broad search (``order_by_relevance``
    marked it), in its order; None for any other queryset.

    A broad search is ranked in two tiers, each in the plan's order: the projects whose title
    holds the query (an exact title first), then the rest. Ranking every match by the full
    relevance computed it for each (47,000 rows for "robot" at 100,000 projects: 220 ms).
    Each tier is read in the plan's order up to ``offset + limit`` rows and no further: the
    titles in one statement (the exact ones from the titles' upper-case indexes, then the
    others holding the query), the rest in a second only when the titles do not fill the
    page. (The sector's bonus and the full-text rank order a narrower search only.)"""
    if not is_broad_search(queryset):
        return None
    tests = _relevance_tests(queryset, queryset.query.annotations[BROAD_PHRASE].value)
    base = queryset.order_by()
    wanted = offset + limit

    def tier(matches, number: int):
        # Each tier in the plan's order, up to the page: an index scan that stops there.
        return (
            matches.annotate(tier=Value(number, output_field=IntegerField()))
            .order_by("position", "slug")
            .values_list("pk", "tier", "position", "slug")[:wanted]
        )

    # The exact titles (the titles' upper-case indexes, migration 0014) and the other titles
    # holding the query, in one statement.
    titles = tier(base.filter(tests["exact"]), 0).union(
        tier(base.filter(tests["title"]).exclude(tests["exact"]), 1), all=True
    )
    in_title = [pk for pk, *_order in titles.order_by("tier", "position", "slug")[:wanted]]
    ids = in_title
    if len(in_title) < wanted:
        ids = in_title + list(
            base.exclude(tests["title"])
            .order_by("position", "slug")
            .values_list("pk", flat=True)[: wanted - len(in_title)]
        )
    return ids[offset:wanted]
