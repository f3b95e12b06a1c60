"""Real queries against the demo data and what each must find, the same on SQLite and PostgreSQL.

Run this module with TEST_DATABASE_URL too: the expectations are shared. The queries are the ones a
teacher typed when search found nothing (issue 22).
"""
from pathlib import Path

import pytest
from sqlalchemy import select, text

from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import LessonPackage
from wt_curriculum.lessons.search import SearchFilters, search_packages
from wt_curriculum.lessons.search_index import STOP_WORDS, stemmed_text
from wt_curriculum.lessons.services import find_goals

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def demo(search_demo):
    """The demo's packages, framework, references and crosswalk (loaded once per test process, see conftest)."""
    return search_demo


def run(app, query, **filters):
    with app.app_context():
        return search_packages(db.session, query, SearchFilters(**filters), 1, 100)


SCRATCH, BEEBOTS, PIXELS, ROBOTS = ("Scratch-spelontwerpers", "Programmeren met Bee-Bots",
                                    "Pixelkunst in nullen en enen", "Robots om ons heen")


@pytest.mark.parametrize(("query", "filters", "must_find", "exactly"), [
    # A word of the leerlijn (Wisselwerking & energie) finds the packages aligned to its goals.
    ("energie", {"groep": 5}, ["Stroomkringen en schakelaars"], False),
    ("energie", {}, ["Energiejagers in school", "Stroomkringen en schakelaars"], False),
    # Dutch stems: programmeer = programmeren; the last word is also a prefix (stroomkr... ).
    ("programmeer", {}, [BEEBOTS, SCRATCH], False),
    ("Programmeren", {}, [BEEBOTS, SCRATCH], False),
    ("stroomkringen", {}, ["Stroomkringen en schakelaars"], True),
    ("stroomkr", {}, ["Stroomkringen en schakelaars"], True),
    ("bruggen karton", {}, ["Bruggen bouwen van karton"], True),
    # Codes in any case, goal codes and (through the crosswalk) kerndoel and doelzin codes.
    ("dg.3.5", {}, [PIXELS, SCRATCH], True),
    ("DG.3.5", {}, [PIXELS, SCRATCH], True),
    ("KD2025-PO-23B", {}, [BEEBOTS, PIXELS, ROBOTS, SCRATCH], True),
    ("kd2025-po-23b", {}, [BEEBOTS, PIXELS, ROBOTS, SCRATCH], True),
    ("KD2025-PO-23", {}, [BEEBOTS, PIXELS, ROBOTS, SCRATCH, "Stopmotion: van zaadje tot plant"], True),
    ("KD2025-PO-23B scratch", {}, [SCRATCH], True),
    # A stop word is left out, not a reason to find nothing.
    ("de energie", {"groep": 5}, ["Stroomkringen en schakelaars"], False),
    ("bruggen van karton", {}, ["Bruggen bouwen van karton"], True),
])
def test_real_queries_find_what_they_must(demo, query, filters, must_find, exactly):
    found = [hit.title for hit in run(demo, query, **filters).hits]
    if exactly:
        assert sorted(found) == sorted(must_find)
    else:
        assert set(must_find) <= set(found), found


def test_a_compound_nobody_wrote_offers_its_known_head(demo):
    result = run(demo, "energiebronnen")
    assert result.suggestion == "energie" and result.original == "energiebronnen"
    assert result.hits[0].title == "Energiejagers in school"  # the title word ranks first
    assert "Stroomkringen en schakelaars" in [h.title for h in result.hits]


def test_a_misspelling_offers_the_right_word(demo):
    result = run(demo, "stroomkrignen")
    assert result.suggestion == "stroomkringen"
    assert [h.title for h in result.hits] == ["Stroomkringen en schakelaars"]


def test_only_stop_words_list_everything_and_say_so(demo):
    result = run(demo, "de het een")
    with demo.app_context():
        published = db.session.scalar(select(db.func.count(LessonPackage.id)).where(
            LessonPackage.status == "gepubliceerd"))
    assert result.total == published and result.ignored == ["de", "het", "een"]


def test_an_unknown_code_finds_nothing_and_suggests_nothing(demo):
    result = run(demo, "DG.CT")
    assert result.total == 0 and result.suggestion == ""


def test_the_goal_filter_ignores_case(demo):
    upper = {h.title for h in run(demo, "", goal="DG.3.5").hits}
    lower = {h.title for h in run(demo, "", goal="dg.3.5").hits}
    strand = {h.title for h in run(demo, "", strand="dg.3").hits}
    assert upper == lower == {PIXELS, SCRATCH} and upper <= strand


def test_the_goal_pickers_hint_example_finds_goals(demo, client):
    with demo.app_context():
        found = find_goals(db.session, "DG.3")
    assert found and all(g.code.startswith("DG.3.") for g in found)


def test_the_search_page_says_what_it_did(demo, client):
    html = client.get("/lespakketten", query_string={"q": "energiebronnen"}).get_data(as_text=True)
    assert "Er is niets gevonden voor “energiebronnen”. Bedoelde je “energie”?" in html
    assert "Energiejagers in school" in html and 'href="/lespakketten?q=energie"' in html
    html = client.get("/lespakketten", query_string={"q": "de energie", "groep": "5"}).get_data(as_text=True)
    assert "Weggelaten omdat het te algemeen is: de" in html and "Stroomkringen en schakelaars" in html
    html = client.get("/lespakketten", query_string={"q": "KD2025-PO-23B"}).get_data(as_text=True)
    assert "4 lespakketten" in html and "Scratch-spelontwerpers" in html


def test_the_index_follows_edits_and_deletes(demo):
    with demo.app_context():
        package = db.session.scalar(select(LessonPackage).where(LessonPackage.title == SCRATCH))
        package.title = "Zelf een spel ontwerpen met stokstaartjes"
        package_id = package.id
        db.session.commit()
    assert [h.title for h in run(demo, "stokstaartje").hits] == ["Zelf een spel ontwerpen met stokstaartjes"]
    assert SCRATCH not in [h.title for h in run(demo, "spelontwerpers").hits]
    with demo.app_context():
        db.session.delete(db.session.get(LessonPackage, package_id))
        db.session.commit()
    assert run(demo, "stokstaartje").total == 0


def test_python_stems_like_postgresql(app):
    """On PostgreSQL: the Python side (used for SQLite) must make the same lexemes as the 'dutch' configuration."""
    sample = ("Leerlingen programmeren robots en bouwen bruggen van karton; de stroomkringen, schakelaars en "
              "energiebronnen van huizen met kinderen. Zonnepaneeltje, geleiders, 3 proeven, creëren.")
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("compares with PostgreSQL's own stemmer")
        vector = db.session.scalar(text("SELECT to_tsvector('dutch', :t)::text"), {"t": sample})
        stop = db.session.scalar(text("SELECT to_tsvector('dutch', :t)::text"), {"t": " ".join(sorted(STOP_WORDS))})
    lexemes = {part.split(":")[0].strip("'") for part in vector.split()}
    assert lexemes == set(stemmed_text(sample).split())
    assert stop == ""  # the same stop words
