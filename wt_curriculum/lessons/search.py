"""Finding packages: full-text search (SQLite FTS5 / PostgreSQL 'dutch' tsvector) plus filters.

`search_packages` is the one entry point; the database difference stays in
`_text_matches`. Whatever a user types becomes a list of plain words, each
quoted (SQLite) or written as a quoted lexeme (PostgreSQL), so FTS operators,
quotes and % in the input never reach the query language.
"""
import bisect
import difflib
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, func, literal_column, or_, select, table
from sqlalchemy.orm import Session

from ..core.hooks import Hook
from ..core.page_cache import kept_until_content_changes
from ..groepen import ALL_GROEPEN, bit, label
from ..numbers import whole_or_none
from ..objectives.models import Domain, Goal, Strand
from ..organisations.models import Network
from ..references.models import CrosswalkLink, ReferenceNode
from ..schoolyears import current_school_year
from .models import Alignment, LessonPackage, Licence, PackageKind, PackageStatus
from .search_index import FTS_TABLE, STOP_WORDS, is_stop_word, stem, words
from .services import LICENCE_LABELS, AlignedGoal, aligned_goals

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
MAX_QUERY_LENGTH = 200

# Must stay identical to the expression of the GIN index in migration b7c41e2a9d05.
PG_VECTOR = (
    "setweight(to_tsvector('dutch'::regconfig, coalesce(lesson_package.title, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(lesson_package.keywords, '')), 'B') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(lesson_package.summary, '')), 'C') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(lesson_package.description, '')), 'D')"
)

# Total minutes (lessons x minutes per lesson): key -> (label, lowest, highest), bounds inclusive.
DURATIONS = {
    "tot-1u": (_l("up to 1 hour"), 0, 60),
    "1-3u": (_l("1 to 3 hours"), 61, 180),
    "3-6u": (_l("3 to 6 hours"), 181, 360),
    "meer": (_l("more than 6 hours"), 361, None),
}


# How packages are used is known to the planning area: it registers a function (school year) -> a subquery with
# the columns package_id, schools, networks, taught. Sorting and filtering by use join that subquery.
package_use_source = Hook("lessons.package_use_source")

# The rating of packages (the planning area's moderated experiences): a function () -> a subquery with the
# columns package_id, rating (the mean), ratings (how many).
package_rating_source = Hook("lessons.package_rating_source")

# Orders of the results: key -> label ('' = best match first when searching, else newest first).
SORTS = {
    "": _l("Best match / newest"),
    "gebruik": _l("Most used this school year"),
    "waardering": _l("Best rated"),
}


def parse_sort(args) -> str:
    value = (args.get("sort") or "").strip()
    return value if value in SORTS else ""


CODE = re.compile(r"[^\W_]+(?:[.\-][^\W_]+)+")


def search_terms(text: str) -> list[str]:
    """The words of a search text: letters and digits only, at most 8 words of 40 characters."""
    words = re.findall(r"[^\W_]+", (text or "")[:MAX_QUERY_LENGTH])
    seen: list[str] = []
    for word in words:
        word = word.lower()[:MAX_TERM_LENGTH]
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def _quoted(term: str) -> str:
    return term.replace('"', "").replace("'", "").replace("\\", "")


def _fts_term(word: str, prefix: bool) -> str:
    return '"' + _quoted(stem(word)) + '"' + ("*" if prefix else "")


def _pg_term(word: str, prefix: bool) -> str:
    return "'" + _quoted(word) + "'" + (":*" if prefix else "")


def fts5_query(terms: list[str], joiner: str = " ") -> str:
    """Every word stemmed and quoted, all required, the last one also as a prefix: "brug" "karton"*."""
    return joiner.join(_fts_term(term, i == len(terms) - 1) for i, term in enumerate(terms))


def tsquery_text(terms: list[str], joiner: str = " & ") -> str:
    """Every word a quoted lexeme (PostgreSQL stems it), all required, the last a prefix: 'brug' & 'karton':*."""
    return joiner.join(_pg_term(term, i == len(terms) - 1) for i, term in enumerate(terms))


@dataclass
class ParsedQuery:
    """What a search text asks for: words to find in the text, codes of goals and kerndoelen, ignored words."""

    words: list[str]
    codes: list[str]  # upper case, as typed: DG.3.5, KD2025-PO-23B
    stop_words: list[str]

    @property
    def empty(self) -> bool:
        return not self.words and not self.codes


def parse_query(text: str, known_code) -> ParsedQuery:
    """Split a search text; a token like DG.3.5 or KD2025-PO-23B is a code when `known_code(token)` says so."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    codes: list[str] = []
    rest = []
    for token in re.split(r"\s+", text):
        for match in CODE.finditer(token):
            code = match.group(0).upper()[:MAX_TERM_LENGTH]
            if known_code(code):
                if code not in codes:
                    codes.append(code)
                token = token.replace(match.group(0), " ")
        rest.append(token)
    kept, stop_words = [], []
    for word in search_terms(" ".join(rest)):
        (stop_words if is_stop_word(word) else kept).append(word)
    return ParsedQuery(kept, codes[:MAX_TERMS], stop_words)


def _code_matches(code: str, candidate: str) -> bool:
    """DG.3 finds DG.3 and DG.3.5 (not DG.31); KD2025-PO-23 finds KD2025-PO-23A and -23B."""
    candidate = candidate.upper()
    return candidate == code or (candidate.startswith(code) and not candidate[len(code)].isdigit())


@dataclass
class _Vocabulary:
    """Goals with their codes and strand words, and kerndoel/doelzin codes with the goals that serve them."""

    goal_codes: list[tuple[str, int]]  # every code that names a goal (its own, its strand's and domain's)
    strand_words: dict[int, set[str]]  # goal id -> stemmed words of its strand's title
    node_codes: list[tuple[str, int]]  # reference node code -> goal id (through the crosswalk)
    strand_titles: set[str]  # the lower-case words of every leerlijn's title
    # The words of the published packages, read at the first search that needs a suggestion and then kept
    # with the rest (what keeps the vocabulary keeps them too).
    known: "_KnownWords | None" = None

    def known_words(self, session: Session) -> "_KnownWords":
        if self.known is None:
            self.known = _known_words(session, self)
        return self.known

    def known_code(self, code: str) -> bool:
        return any(_code_matches(code, c) for c, _ in self.goal_codes) or any(
            _code_matches(code, c) for c, _ in self.node_codes)

    def goals_for_code(self, code: str) -> set[int]:
        return {g for c, g in (*self.goal_codes, *self.node_codes) if _code_matches(code, c)}

    def goals_for_word(self, word: str, prefix: bool) -> set[int]:
        stemmed = stem(word)
        return {goal for goal, words in self.strand_words.items()
                if any(w == stemmed or (prefix and w.startswith(stemmed)) for w in words)}


def _vocabulary(session: Session) -> _Vocabulary:
    """Two queries: every goal with its strand and domain, and the crosswalk's codes."""
    goal_codes: list[tuple[str, int]] = []
    strand_words: dict[int, set[str]] = {}
    strand_titles: set[str] = set()
    for goal_id, code, source, strand_code, strand_title, domain_code in session.execute(
            select(Goal.id, Goal.code, Goal.source_code, Strand.code, Strand.title, Domain.code)
            .join(Strand, Strand.id == Goal.strand_id).join(Domain, Domain.id == Strand.domain_id)):
        goal_codes.extend((c, goal_id) for c in (code, source, strand_code, domain_code)
                          if c and ("." in c or "-" in c))
        strand_words[goal_id] = {stem(w) for w in words(strand_title) if not is_stop_word(w)}
        strand_titles.update(words(strand_title))
    node_codes = [(code, goal_id) for code, goal_id in session.execute(
        select(ReferenceNode.code, CrosswalkLink.goal_id)
        .join(CrosswalkLink, CrosswalkLink.node_id == ReferenceNode.id))]
    return _Vocabulary(goal_codes, strand_words, node_codes, strand_titles)


@dataclass
class SearchFilters:
    domain: str = ""  # domain code, e.g. DG
    strand: str = ""  # strand code, e.g. DG.CT
    goal: str = ""  # goal code, e.g. DG.CT.3
    groep: int | None = None
    network: int | None = None  # network id
    licence: str = ""
    duration: str = ""  # a key of DURATIONS
    min_schools: int | None = None  # planned by at least this many schools this school year

    @property
    def active(self) -> bool:
        return any((self.domain, self.strand, self.goal, self.groep, self.network, self.licence, self.duration,
                    self.min_schools))


@dataclass
class SearchHit:
    id: int
    title: str
    summary: str
    groepen_label: str
    lesson_count: int
    minutes_per_lesson: int
    total_minutes: int
    network_name: str
    licence_label: str
    goals: list[AlignedGoal] = field(default_factory=list)
    matched_codes: set[str] = field(default_factory=set)  # the goals that the goal filters matched
    schools: int | None = None  # schools planning it this school year (when sorted or filtered by use)
    rating: float | None = None  # mean of the approved experiences (when sorted by rating)


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    pages: int
    terms: list[str]
    ignored: list[str] = field(default_factory=list)  # stop words left out of the search
    suggestion: str = ""  # nothing was found for `original`; these are the results for `suggestion`
    original: str = ""


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _word_condition(session: Session, word: str, prefix: bool, name: str):
    """The packages whose own text holds this word (stemmed; as a prefix when `prefix`)."""
    if _is_postgresql(session):
        # Matched once, through the GIN index's expression, in a materialised CTE: as a plain condition the
        # planner may start from a domain's packages and compute the vector for each of them (issue 18:
        # word + domain took 125-193 ms at scale 1 instead of ~14 ms).
        query = func.to_tsquery(literal_column("'dutch'::regconfig"), bindparam(name, _pg_term(word, prefix)))
        package = LessonPackage.__table__
        matches = (
            select(package.c.id).where(literal_column(PG_VECTOR).op("@@")(query))
            .cte(f"matches_{name}").prefix_with("MATERIALIZED")
        )
        return LessonPackage.id.in_(select(matches.c.id))
    match = _fts_term(word, prefix)
    return LessonPackage.id.in_(
        select(literal_column("rowid")).select_from(table(FTS_TABLE))
        .where(literal_column(FTS_TABLE).op("MATCH")(bindparam(name, match)))
    )


def _rank(session: Session, words_: list[str]):
    """(joined subquery or None, rank expression): how well the package's text matches any of the words."""
    if _is_postgresql(session):
        text_query = tsquery_text(words_, " | ")
        query = func.to_tsquery(literal_column("'dutch'::regconfig"), bindparam("rank_q", text_query))
        return None, func.ts_rank(literal_column(PG_VECTOR), query)
    text_query = fts5_query(words_, " OR ")
    ranked = (
        select(
            literal_column("rowid").label("package_id"),
            # bm25 is lower for better matches; title and keywords weigh most.
            (-func.bm25(literal_column(FTS_TABLE), 10.0, 2.0, 1.0, 5.0)).label("rank"),
        )
        .select_from(table(FTS_TABLE))
        .where(literal_column(FTS_TABLE).op("MATCH")(bindparam("rank_q", text_query)))
        .subquery("ranked")
    )
    return ranked, func.coalesce(ranked.c.rank, 0.0)


def _aligned_to(goal_ids: set[int]):
    return exists(select(Alignment.id).where(Alignment.package_id == LessonPackage.id,
                                             Alignment.goal_id.in_(sorted(goal_ids))))


def _goal_conditions(filters: SearchFilters):
    """Conditions on Goal (joined with Strand and Domain) for the goal, strand and domain filters (any case)."""
    conditions = []
    if filters.goal:
        conditions.append(func.upper(Goal.code) == filters.goal.upper())
    if filters.strand:
        conditions.append(func.upper(Strand.code) == filters.strand.upper())
    if filters.domain:
        conditions.append(func.upper(Domain.code) == filters.domain.upper())
    return conditions


def search_packages(session: Session, query: str, filters: SearchFilters | None = None, page: int = 1,
                    per_page: int = 25, suggest: bool = True, sort: str = "") -> SearchResult:
    """Published packages matching the text and filters, best match first (sort="gebruik": the ones most
    schools plan this school year first; "waardering": best rated first), one page of them.

    Each word must be in the package's text (Dutch stems; the last word also as the start of a word) or in the
    title of the leerlijn of one of its goals; stop words are left out; a code (DG.3.5, DG.3, KD2025-PO-23B)
    finds the packages aligned to the goals it names, directly or through the crosswalk. When nothing is found
    for the words, a close spelling that finds something is tried and offered ("did you mean").
    Runs five queries whatever the page size: the goals and codes, the count, the page, and the page's goals;
    the goals and codes (and the known words for a suggestion) are kept per process until public content
    changes (core/page_cache.kept_until_content_changes), which costs one query for the counter.
    """
    filters = filters or SearchFilters()
    vocabulary = (kept_until_content_changes(session, "search.vocabulary", lambda: _vocabulary(session))
                  if (query or "").strip() else None)
    parsed = parse_query(query, vocabulary.known_code) if vocabulary else ParsedQuery([], [], [])
    use = None
    if sort == "gebruik" or filters.min_schools:
        use = next(iter(package_use_source(current_school_year())), None)
    schools = func.coalesce(use.c.schools, 0) if use is not None else literal_column("NULL")
    rating = next(iter(package_rating_source()), None) if sort == "waardering" else None
    statement = (
        select(LessonPackage, Network.name, schools.label("schools"),
               (rating.c.rating if rating is not None else literal_column("NULL")).label("rating"))
        .join(Network, Network.id == LessonPackage.network_id)
        .where(LessonPackage.status == PackageStatus.PUBLISHED, LessonPackage.kind == PackageKind.OWN)
    )
    if use is not None:
        statement = statement.outerjoin(use, use.c.package_id == LessonPackage.id)
        if filters.min_schools:
            statement = statement.where(schools >= filters.min_schools)
    if rating is not None:
        statement = statement.outerjoin(rating, rating.c.package_id == LessonPackage.id)
    rank = None
    for i, word in enumerate(parsed.words):
        prefix = i == len(parsed.words) - 1
        condition = _word_condition(session, word, prefix, f"w{i}")
        strand_goals = vocabulary.goals_for_word(word, prefix)
        statement = statement.where(or_(condition, _aligned_to(strand_goals)) if strand_goals else condition)
    for code in parsed.codes:
        statement = statement.where(_aligned_to(vocabulary.goals_for_code(code)))
    if parsed.words:
        ranked, rank = _rank(session, parsed.words)
        if ranked is not None:
            statement = statement.outerjoin(ranked, ranked.c.package_id == LessonPackage.id)
    goal_conditions = _goal_conditions(filters)
    if goal_conditions:
        statement = statement.where(exists(
            select(Alignment.id)
            .join(Goal, Goal.id == Alignment.goal_id)
            .join(Strand, Strand.id == Goal.strand_id)
            .join(Domain, Domain.id == Strand.domain_id)
            .where(Alignment.package_id == LessonPackage.id, *goal_conditions)
        ))
    if filters.groep in ALL_GROEPEN:
        statement = statement.where(LessonPackage.groepen_mask.op("&")(bit(filters.groep)) != 0)
    if filters.network:
        statement = statement.where(LessonPackage.network_id == filters.network)
    if filters.licence in set(Licence):
        statement = statement.where(LessonPackage.licence == filters.licence)
    if filters.duration in DURATIONS:
        _, low, high = DURATIONS[filters.duration]
        total_minutes = LessonPackage.lesson_count * LessonPackage.minutes_per_lesson
        statement = statement.where(total_minutes >= low)
        if high is not None:
            statement = statement.where(total_minutes <= high)

    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    if total == 0 and suggest and parsed.words:
        suggestion = _suggestion(session, parsed, vocabulary)
        if suggestion:
            found = search_packages(session, suggestion, filters, page, per_page, suggest=False, sort=sort)
            if found.total:
                found.suggestion, found.original = suggestion, query
                return found
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    order = [rank.desc()] if rank is not None else [LessonPackage.published_at.desc()]
    if sort == "gebruik" and use is not None:
        order = [schools.desc(), *order]
    if rating is not None:
        order = [func.coalesce(rating.c.rating, 0).desc(), func.coalesce(rating.c.ratings, 0).desc(), *order]
    rows = session.execute(
        statement.order_by(*order, LessonPackage.title, LessonPackage.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    goals = aligned_goals(session, [row[0].id for row in rows])
    code_goals = {code for code in parsed.codes}
    hits = []
    for package, network_name, school_count, mean_rating in rows:
        package_goals = goals[package.id]
        matched = _matched_codes(package_goals, filters)
        matched |= {g.code for g in package_goals if any(_code_matches(c, g.code) for c in code_goals)}
        hits.append(SearchHit(
            id=package.id, title=package.title, summary=package.summary, groepen_label=label(package.groepen),
            lesson_count=package.lesson_count, minutes_per_lesson=package.minutes_per_lesson,
            total_minutes=package.total_minutes, network_name=network_name,
            licence_label=LICENCE_LABELS.get(package.licence, package.licence), goals=package_goals,
            matched_codes=matched, schools=school_count,
            rating=float(mean_rating) if mean_rating is not None else None,
        ))
    return SearchResult(hits, total, page, per_page, pages, parsed.words + [c.lower() for c in parsed.codes],
                        ignored=parsed.stop_words)


@dataclass
class _KnownWords:
    words: list[str]  # sorted: every word of a published package or a leerlijn title
    word_set: set[str]
    stems: list[str]  # sorted: their stems, for a prefix look-up by bisection


def _known_words(session: Session, vocabulary: _Vocabulary) -> _KnownWords:
    known: set[str] = set()
    for title, summary, keywords in session.execute(
            select(LessonPackage.title, LessonPackage.summary, LessonPackage.keywords)
            .where(LessonPackage.status == PackageStatus.PUBLISHED, LessonPackage.kind == PackageKind.OWN)):
        known.update(w for w in words(f"{title} {summary} {keywords}") if len(w) > 2 and not w.isdigit())
    known.update(w for w in vocabulary.strand_titles if len(w) > 2)
    known -= STOP_WORDS
    return _KnownWords(sorted(known), known, sorted({stem(k) for k in known}))


def _suggestion(session: Session, parsed: ParsedQuery, vocabulary: _Vocabulary) -> str:
    """The search text with each unknown word replaced by a close known one ("did you mean"), or ''.

    A word is known when a word of a published package or a leerlijn starts with its stem. An unknown word
    becomes the closest known word by spelling or, for a compound (energiebronnen), the longest known word it
    starts with (energie).
    """
    known = vocabulary.known_words(session)
    replaced, changed = [], False
    for word in parsed.words:
        stemmed = stem(word)
        at = bisect.bisect_left(known.stems, stemmed)
        if at < len(known.stems) and known.stems[at].startswith(stemmed):
            replaced.append(word)
            continue
        close = difflib.get_close_matches(word, known.words, n=1, cutoff=0.8)
        heads = [word[:n] for n in range(len(word), 3, -1) if word[:n] in known.word_set]
        choice = close[0] if close else (heads[0] if heads else "")
        if not choice:
            return ""
        replaced.append(choice)
        changed = True
    if not changed:
        return ""
    return " ".join([*replaced, *parsed.codes])


def _matched_codes(goals: list[AlignedGoal], filters: SearchFilters) -> set[str]:
    """Which of a hit's goals the goal/strand/domain filters asked for (codes start with their parents')."""
    prefixes = [p for p in (filters.goal, filters.strand and filters.strand + ".", filters.domain and
                            filters.domain + ".") if p]
    if not prefixes:
        return set()
    return {g.code for g in goals if any(g.code == p or (p.endswith(".") and g.code.startswith(p))
                                         for p in prefixes)}


@dataclass
class FilterOptions:
    domains: list[tuple[str, str]]
    strands: list[tuple[str, str]]
    networks: list[tuple[int, str]]
    licences: list[tuple[str, str]]
    durations: list[tuple[str, str]]


def filter_options(session: Session) -> FilterOptions:
    """The choices of the search filters (three queries)."""
    domains = [(code, f"{code} {title}") for code, title in
               session.execute(select(Domain.code, Domain.title).order_by(Domain.position, Domain.code))]
    strands = [(code, f"{code} {title}") for code, title in session.execute(
        select(Strand.code, Strand.title).join(Domain, Domain.id == Strand.domain_id)
        .order_by(Domain.position, Strand.position, Strand.code))]
    networks = list(session.execute(
        select(Network.id, Network.name).where(Network.archived.is_(False)).order_by(Network.name)))
    return FilterOptions(
        domains=domains, strands=strands, networks=[(i, n) for i, n in networks],
        licences=[(value.value, str(text)) for value, text in LICENCE_LABELS.items()],
        durations=[(key, str(text)) for key, (text, _, _) in DURATIONS.items()],
    )


def parse_filters(args) -> SearchFilters:
    """Filters from the query string; anything unexpected is ignored rather than an error."""
    return SearchFilters(
        domain=(args.get("domain") or "").strip()[:10],
        strand=(args.get("strand") or "").strip()[:20],
        goal=(args.get("goal") or "").strip()[:30],
        groep=whole_or_none(args.get("groep"), 1, 8),
        network=whole_or_none(args.get("network"), 1),
        licence=(args.get("licence") or "").strip()[:20],
        duration=(args.get("duration") or "").strip()[:10],
        min_schools=whole_or_none(args.get("gebruik"), 1, 100_000),
    )

