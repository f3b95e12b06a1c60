"""Finding packages: the same answers on SQLite (FTS5) and PostgreSQL ('dutch'), hostile input, filters, pages."""
import pytest
from sqlalchemy import select

from tests.lessons.helpers import make_goals, make_package
from wt_curriculum.extensions import db
from wt_curriculum.lessons.search import SearchFilters, fts5_query, search_packages, search_terms, tsquery_text


@pytest.fixture
def catalogue(app, factory):
    """Six packages in two networks, aligned to goals in two domains."""
    north = factory.network(code="NET-N", name="Netwerk Noord")
    south = factory.network(code="NET-Z", name="Netwerk Zuid")
    lx = make_goals(app, prefix="LX", count=2)
    ly = make_goals(app, prefix="LY", count=1, domain_title="Ander domein")
    ids = {
        "Bruggen bouwen": make_package(app, north, [lx["LX.1.1"]], title="Bruggen bouwen",
                                       summary="Een brug van karton", description="Stevige constructies.",
                                       keywords="bruggen, constructies", groepen_mask=0b00110000, lesson_count=4,
                                       minutes=60),
        "Waterfilter": make_package(app, south, [lx["LX.1.2"]], title="Waterfilter",
                                    summary="Vies water helder maken", description="Filteren met zand en grind.",
                                    keywords="water, scheiden", groepen_mask=0b11000000, lesson_count=3, minutes=75,
                                    licence="CC-BY"),
        "Vulkanen": make_package(app, north, [ly["LY.1.1"]], title="Vulkanen",
                                 summary="Hoe een vulkaan werkt", description="Een proef met azijn.",
                                 keywords="aarde", groepen_mask=0b00001100, lesson_count=1, minutes=45),
        "Aardrijkskunde proeven": make_package(app, south, [ly["LY.1.1"], lx["LX.1.1"]],
                                               title="Aardrijkskunde proeven", summary="Proeven over de aarde",
                                               description="We bouwen een kleine vulkaan na.", keywords="aarde",
                                               groepen_mask=0b00001100, lesson_count=8, minutes=60,
                                               licence="ARR"),
        "Robots programmeren": make_package(app, north, [lx["LX.1.2"]], title="Robots programmeren",
                                            summary="Een robot een route laten rijden",
                                            description="Programmeren met pijlkaartjes.", keywords="robots",
                                            groepen_mask=0b00000011, lesson_count=5, minutes=30),
    }
    make_package(app, north, [lx["LX.1.1"]], title="Concept over bruggen", status="concept")
    make_package(app, north, [lx["LX.1.1"]], title="Ingetrokken bruggen", status="ingetrokken")
    return {"ids": ids, "north": north, "south": south, "goals": {**lx, **ly}}


def titles(app, query, filters=None, page=1, per_page=25):
    with app.app_context():
        result = search_packages(db.session, query, filters or SearchFilters(), page, per_page)
        return [hit.title for hit in result.hits]


# The expected answers are the same on SQLite and PostgreSQL (run this module with TEST_DATABASE_URL too).
@pytest.mark.parametrize(("query", "expected"), [
    ("brug", ["Bruggen bouwen"]),
    ("Bruggen", ["Bruggen bouwen"]),
    ("water", ["Waterfilter"]),
    ("karton", ["Bruggen bouwen"]),
    ("robot programmeren", ["Robots programmeren"]),
    ("constructies", ["Bruggen bouwen"]),
    ("zand grind", ["Waterfilter"]),
    ("brug water", []),
    ("onbekendwoord", []),
])
def test_text_search_finds_the_same_packages_on_every_database(app, catalogue, query, expected):
    assert titles(app, query) == expected


def test_title_matches_rank_above_description_matches(app, catalogue):
    assert titles(app, "vulkaan")[:2] == ["Vulkanen", "Aardrijkskunde proeven"]


def test_without_words_every_published_package_is_listed(app, catalogue):
    assert sorted(titles(app, "")) == sorted(catalogue["ids"])


HOSTILE = [
    '"', "'", '"brug', "brug'", "brug OR water", "NOT brug", "brug AND", "NEAR(brug water)", "title:brug",
    "*", "brug*", "^brug", "-brug", "+brug", "%", "%%brug%%", "_", "\\", "\\'", "(((", ")", "{brug}",
    "'; DROP TABLE lesson_package; --", "brug & !water", "brug | water", "brug <-> water", "brug:*",
    "a" * 5000, "brug " * 300, "🙂", "\u200b", "\x00", "é", "&#39;", "<script>", "\t\n", "::", "'':*",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_text_never_errors(app, client, catalogue, query):
    titles(app, query)  # the service itself raises nothing
    response = client.get("/lespakketten", query_string={"q": query})
    if "\x00" in query:  # the app refuses NUL in any request up front (PostgreSQL cannot store it)
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert "lespakket" in response.get_data(as_text=True).lower()


def test_hostile_words_become_plain_quoted_terms():
    terms = search_terms('"brug" OR wa\'ter* NEAR(x) %_% ' + "z" * 100)
    assert terms == ["brug", "or", "wa", "ter", "near", "x", "z" * 40]
    # Stemmed on SQLite (PostgreSQL stems the lexemes itself); only the last word is also a prefix.
    assert fts5_query(["bruggen", "or"]) == '"brugg" "or"*'
    assert tsquery_text(["bruggen", "or"]) == "'bruggen' & 'or':*"
    assert len(search_terms(" ".join(f"w{n}" for n in range(50)))) == 8


def test_hostile_text_with_or_does_not_widen_the_search(app, catalogue):
    # 'OR' is a plain word here, not an operator: no package holds both 'brug' and 'or...'.
    assert titles(app, "brug OR water") == []


@pytest.mark.parametrize(("filters", "expected"), [
    (SearchFilters(groep=5), ["Bruggen bouwen"]),
    (SearchFilters(groep=3), ["Aardrijkskunde proeven", "Vulkanen"]),
    (SearchFilters(licence="CC-BY"), ["Waterfilter"]),
    (SearchFilters(licence="ARR"), ["Aardrijkskunde proeven"]),
    (SearchFilters(duration="tot-1u"), ["Vulkanen"]),
    (SearchFilters(duration="1-3u"), ["Robots programmeren"]),
    (SearchFilters(duration="3-6u"), ["Bruggen bouwen", "Waterfilter"]),
    (SearchFilters(duration="meer"), ["Aardrijkskunde proeven"]),
    (SearchFilters(goal="LX.1.1"), ["Aardrijkskunde proeven", "Bruggen bouwen"]),
    (SearchFilters(strand="LY.1"), ["Aardrijkskunde proeven", "Vulkanen"]),
    (SearchFilters(domain="LY"), ["Aardrijkskunde proeven", "Vulkanen"]),
    (SearchFilters(domain="LX", groep=7), ["Waterfilter"]),
    (SearchFilters(goal="BESTAAT.NIET"), []),
    (SearchFilters(groep=42, licence="onzin", duration="eeuwig"), None),  # unknown values are ignored
])
def test_filters(app, catalogue, filters, expected):
    found = sorted(titles(app, "", filters))
    assert found == (sorted(catalogue["ids"]) if expected is None else expected)


def test_network_filter_and_text_together(app, catalogue):
    assert titles(app, "vulkaan", SearchFilters(network=catalogue["south"])) == ["Aardrijkskunde proeven"]


def test_results_show_the_goals_they_matched(app, client, catalogue):
    html = client.get("/lespakketten", query_string={"goal": "LX.1.1"}).get_data(as_text=True)
    assert "Aardrijkskunde proeven" in html and "Bruggen bouwen" in html and "Vulkanen" not in html
    assert 'class="code goal-code matched"' in html and ">LX.1.1</span>" in html
    with app.app_context():
        result = search_packages(db.session, "", SearchFilters(strand="LY.1"))
        hit = next(h for h in result.hits if h.title == "Aardrijkskunde proeven")
        assert hit.matched_codes == {"LY.1.1"}
        assert {g.code for g in hit.goals} == {"LY.1.1", "LX.1.1"}


def test_search_page_with_filters_and_nothing_found(client, catalogue):
    html = client.get("/lespakketten", query_string={"q": "brug", "groep": "1"}).get_data(as_text=True)
    assert "Niets gevonden" in html
    html = client.get("/lespakketten", query_string={"q": "brug"}).get_data(as_text=True)
    assert "1 lespakket" in html and "Bruggen bouwen" in html and 'value="brug"' in html


def many_packages(app, factory, count):
    network = factory.network(code=f"NET-M{count}")
    goals = list(make_goals(app, prefix=f"M{count}", count=3).values())
    for n in range(count):
        make_package(app, network, goals, title=f"Proefje {n:02d} met magneten", keywords="magneten")


def test_pagination(app, client, factory):
    many_packages(app, factory, 30)
    first = titles(app, "magneten", page=1, per_page=25)
    second = titles(app, "magneten", page=2, per_page=25)
    assert len(first) == 25 and len(second) == 5 and not set(first) & set(second)
    with app.app_context():
        result = search_packages(db.session, "magneten", SearchFilters(), 99, 25)
        assert (result.total, result.pages, result.page, len(result.hits)) == (30, 2, 2, 5)
    html = client.get("/lespakketten", query_string={"q": "magneten", "page": "2"}).get_data(as_text=True)
    assert "30 lespakketten" in html and 'aria-current="page">2<' in html and "q=magneten" in html


def test_the_number_of_queries_does_not_grow_with_the_results(app, client, factory, count_queries):
    many_packages(app, factory, 5)
    client.get("/lespakketten")  # warm-up: nothing cached on purpose, but the first request loads the app
    with count_queries() as few:
        assert client.get("/lespakketten", query_string={"q": "magneten"}).status_code == 200
    many_packages(app, factory, 25)  # 30 in all
    with count_queries() as many:
        html = client.get("/lespakketten", query_string={"q": "magneten"}).get_data(as_text=True)
    assert "30 lespakketten" in html
    assert few.count == many.count
    # 8, the goals and crosswalk codes for the words (2, read again here because packages were added) and the
    # counter they are kept by, the outside materials (oai).
    assert many.count <= 12


def test_the_search_vocabulary_is_kept_until_packages_or_goals_change(app, factory, count_queries):
    many_packages(app, factory, 5)
    with app.app_context():
        with count_queries() as first:
            assert search_packages(db.session, "magneten").total == 5
        with count_queries() as second:
            assert search_packages(db.session, "magneet").total == 5
        assert second.count == first.count - 2  # the goals and the crosswalk codes are not read again
        assert search_packages(db.session, "zeppelins").suggestion == ""
    network = factory.network(code="NET-Z")
    make_package(app, network, list(make_goals(app, prefix="Z", count=1).values()), title="De zeppelin",
                 keywords="luchtvaart")
    with app.app_context():  # the new package's words are known at once: a close spelling is offered
        result = search_packages(db.session, "zepelin")
        assert (result.suggestion, result.total) == ("zeppelin", 1)


def test_a_change_rolled_back_never_stays_in_the_search_vocabulary(app, factory):
    """A search inside a transaction that changed content reads afresh and keeps nothing: the counter it would
    be kept by goes back at the rollback, and the next committed change takes it to that value again."""
    from wt_curriculum.lessons.models import LessonPackage
    from wt_curriculum.objectives.models import Strand

    many_packages(app, factory, 1)
    with app.app_context():
        assert search_packages(db.session, "streng").total == 1  # through its leerlijn "Streng M1"
        db.session.scalars(select(Strand)).first().title = "Leerlijn zonder naam"
        db.session.flush()
        assert search_packages(db.session, "streng").total == 0
        db.session.rollback()
        db.session.scalars(select(LessonPackage)).first().keywords = "magneten, kompas"
        db.session.commit()
        assert search_packages(db.session, "streng").total == 1
        assert search_packages(db.session, "kompas").total == 1
