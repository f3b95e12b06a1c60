"""Finding packages: full-text search (SQLite FTS5 / PostgreSQL 'dutch' tsvector) plus filters.

`search_packages` is the one entry point; the database difference stays in
`_text_matches`. Whatever a user types becomes a list of plain words, each
quoted (SQLite) or written as a quoted lexeme (PostgreSQL), so FTS operators,
quotes and % in the input never reach the query language.
"""
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, func, literal_column, select, table
from sqlalchemy.orm import Session

from ..core.hooks import Hook
from ..groepen import ALL_GROEPEN, bit, label
from ..numbers import whole_or_none
from ..objectives.models import Domain, Goal, Strand
from ..organisations.models import Network
from ..schoolyears import current_school_year
from .models import Alignment, LessonPackage, Licence, PackageStatus
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


def search_terms(text: str) -> list[str]:
    """The words of a search text: letters and digits only, at most 8 words of 40 characters."""
    words = re.findall(r"[^\W_]+", (text or "")[:MAX_QUERY_LENGTH])
    seen: list[str] = []
    for word in words:
        word = word.lower()[:MAX_TERM_LENGTH]
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    """Every word quoted and prefix-matched, all required: "brug"* "karton"*."""
    return " ".join('"' + term.replace('"', "") + '"*' for term in terms)


def tsquery_text(terms: list[str]) -> str:
    """Every word a quoted prefix lexeme, all required: 'brug':* & 'karton':*."""
    return " & ".join("'" + term.replace("'", "").replace("\\", "") + "':*" for term in terms)


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


def _text_matches(session: Session, terms: list[str]):
    """A subquery (package_id, rank) of the packages whose text holds every term; higher rank is better."""
    if session.get_bind().dialect.name == "postgresql":
        vector = literal_column(PG_VECTOR)
        query = func.to_tsquery(literal_column("'dutch'::regconfig"), bindparam("tsq", tsquery_text(terms)))
        # Materialised first, through the GIN index on the vector: as a plain subquery the planner may
        # compute the vector for every package that passes the other filters (a domain: thousands).
        return (
            select(LessonPackage.id.label("package_id"), func.ts_rank(vector, query).label("rank"))
            .where(vector.op("@@")(query))
            .cte("matches").prefix_with("MATERIALIZED")
        )
    fts = table("lesson_package_fts")
    return (
        select(
            literal_column("lesson_package_fts.rowid").label("package_id"),
            # bm25 is lower for better matches; title and keywords weigh most.
            (-func.bm25(literal_column("lesson_package_fts"), 10.0, 2.0, 1.0, 5.0)).label("rank"),
        )
        .select_from(fts)
        .where(literal_column("lesson_package_fts").op("MATCH")(bindparam("fts", fts5_query(terms))))
        .subquery("matches")
    )


def _goal_conditions(filters: SearchFilters):
    """Conditions on Goal (joined with Strand and Domain) for the goal, strand and domain filters."""
    conditions = []
    if filters.goal:
        conditions.append(Goal.code == filters.goal)
    if filters.strand:
        conditions.append(Strand.code == filters.strand)
    if filters.domain:
        conditions.append(Domain.code == filters.domain)
    return conditions


def search_packages(session: Session, query: str, filters: SearchFilters | None = None, page: int = 1,
                    per_page: int = 25, sort: str = "") -> SearchResult:
    """Published packages matching the text and filters, best match first (or, with sort="gebruik", the ones
    most schools plan this school year first), one page of them.

    Runs three queries whatever the page size: the count, the page, and the goals of the page.
    """
    filters = filters or SearchFilters()
    terms = search_terms(query)
    use = None
    if sort == "gebruik" or filters.min_schools:
        use = next(iter(package_use_source(current_school_year())), None)
    schools = func.coalesce(use.c.schools, 0) if use is not None else literal_column("NULL")
    rating = next(iter(package_rating_source()), None) if sort == "waardering" else None
    statement = (
        select(LessonPackage, Network.name, schools.label("schools"),
               (rating.c.rating if rating is not None else literal_column("NULL")).label("rating"))
        .join(Network, Network.id == LessonPackage.network_id)
        .where(LessonPackage.status == PackageStatus.PUBLISHED)
    )
    if use is not None:
        statement = statement.outerjoin(use, use.c.package_id == LessonPackage.id)
        if filters.min_schools:
            statement = statement.where(schools >= filters.min_schools)
    if rating is not None:
        statement = statement.outerjoin(rating, rating.c.package_id == LessonPackage.id)
    matches = None
    if terms:
        matches = _text_matches(session, terms)
        statement = statement.join(matches, matches.c.package_id == LessonPackage.id)
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
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    order = [matches.c.rank.desc()] if matches is not None else [LessonPackage.published_at.desc()]
    if sort == "gebruik" and use is not None:
        order = [schools.desc(), *order]
    if rating is not None:
        order = [func.coalesce(rating.c.rating, 0).desc(), func.coalesce(rating.c.ratings, 0).desc(), *order]
    rows = session.execute(
        statement.order_by(*order, LessonPackage.title, LessonPackage.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    goals = aligned_goals(session, [row[0].id for row in rows])
    hits = []
    for package, network_name, school_count, mean_rating in rows:
        package_goals = goals[package.id]
        hits.append(SearchHit(
            id=package.id, title=package.title, summary=package.summary, groepen_label=label(package.groepen),
            lesson_count=package.lesson_count, minutes_per_lesson=package.minutes_per_lesson,
            total_minutes=package.total_minutes, network_name=network_name,
            licence_label=LICENCE_LABELS.get(package.licence, package.licence), goals=package_goals,
            matched_codes=_matched_codes(package_goals, filters), schools=school_count,
            rating=float(mean_rating) if mean_rating is not None else None,
        ))
    return SearchResult(hits, total, page, per_page, pages, terms)


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

