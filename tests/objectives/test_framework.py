"""Reading the framework: the tree, its filters and search, one goal, the seed, the retire impact."""
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.objectives.helpers import add_goal, counts
from wt_curriculum.extensions import db
from wt_curriculum.objectives import services
from wt_curriculum.objectives.models import Goal
from wt_curriculum.objectives.seed import load_framework
from wt_curriculum.seed import read_yaml

SEED = Path(__file__).resolve().parents[2] / "seeds" / "framework.yaml"


def goal_codes(html: str) -> set[str]:
    return set(re.findall(r'id="goal-([A-Z]{2,4}\.\d+\.\d+)"', html))


def published_codes(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Goal.code).where(Goal.status == "vastgesteld")))


def test_the_tree_shows_every_published_goal_by_domain_and_strand(client, app, framework):
    html = client.get("/doelen").get_data(as_text=True)
    assert goal_codes(html) == published_codes(app)
    assert html.index('id="domain-MN"') < html.index('id="strand-MN.1"') < html.index('id="goal-MN.1.1"')
    assert html.index('id="domain-MN"') < html.index('id="domain-DG"')
    assert "Kaderversie 2026.1" in html


def test_visitors_never_see_drafts_editors_can_filter_on_status(client, app, framework, login):
    add_goal(app, "MN.7.60", title="Geheim concept", publish=False)
    assert "MN.7.60" not in client.get("/doelen").get_data(as_text=True)
    assert "MN.7.60" not in client.get("/doelen?status=concept").get_data(as_text=True)
    assert client.get("/doelen/MN.7.60").status_code == 404
    login("leraar")
    assert "MN.7.60" not in client.get("/doelen?status=concept").get_data(as_text=True)
    login("redacteur")
    assert goal_codes(client.get("/doelen?status=concept").get_data(as_text=True)) == {"MN.7.60"}
    assert "MN.7.60" in goal_codes(client.get("/doelen").get_data(as_text=True))
    assert client.get("/doelen/MN.7.60").status_code == 200


def test_filter_on_domain_and_groep(client, app, framework):
    dg = goal_codes(client.get("/doelen?domain=DG").get_data(as_text=True))
    assert dg and all(code.startswith("DG.") for code in dg)
    with app.app_context():
        expected = {g.code for g in db.session.scalars(select(Goal).where(Goal.status == "vastgesteld"))
                    if 3 in g.groepen and g.code.startswith("MN.")}
    html = client.get("/doelen?domain=MN&groep=3").get_data(as_text=True)
    assert goal_codes(html) == expected and expected
    assert 'id="domain-DG"' not in html


def test_search_over_code_title_description_and_keywords(client, app, framework):
    add_goal(app, "MN.7.61", title="Zonnepanelen op het dak", description="Over de Zonnecel en stroom",
             keywords="duurzaamheid, ZONNE-energie")
    assert "MN.7.61" in goal_codes(client.get("/doelen?q=ZONNEPANELEN").get_data(as_text=True))
    assert "MN.7.61" in goal_codes(client.get("/doelen?q=zonnecel").get_data(as_text=True))
    assert "MN.7.61" in goal_codes(client.get("/doelen?q=zonne-ENERGIE").get_data(as_text=True))
    assert goal_codes(client.get("/doelen?q=mn.7.61").get_data(as_text=True)) == {"MN.7.61"}
    # Several words: every word must match somewhere.
    assert goal_codes(client.get("/doelen?q=dak+stroom").get_data(as_text=True)) == {"MN.7.61"}
    assert goal_codes(client.get("/doelen?q=dak+onbekendwoord").get_data(as_text=True)) == set()


@pytest.mark.parametrize("query", [
    "%", "_", "100%", "'", '"', "'; DROP TABLE goal; --", "\\", "a%b_c", "[", "<script>alert(1)</script>",
    "😀", "x" * 500, "%00", "MN.1.1'",
])
def test_hostile_search_strings_are_plain_text(client, app, framework, query):
    response = client.get("/doelen", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    if query in ("%", "_", "a%b_c", "100%"):
        assert goal_codes(html) == set()  # wildcards are not wildcards
    assert counts(app)["Goal"] > 0


def test_bad_filter_values_are_ignored_not_errors(client, app, framework):
    everything = goal_codes(client.get("/doelen").get_data(as_text=True))
    for query in ("groep=9", "groep=0", "groep=abc", "domain=XX", "status=bogus", "domain=%27"):
        response = client.get(f"/doelen?{query}")
        assert response.status_code == 200, query
        assert goal_codes(response.get_data(as_text=True)) == everything, query


def test_the_tree_runs_a_fixed_number_of_queries(client, app, framework, count_queries, login):
    with count_queries() as seeded:
        assert client.get("/doelen").status_code == 200
    for n in range(1, 31):
        add_goal(app, f"DG.1.{100 + n}", title=f"Extra doel {n}", publish=n % 2 == 0)
    with count_queries() as grown:
        client.get("/doelen")
    assert grown.count == seeded.count <= 6
    login("redacteur")
    with count_queries() as as_editor:
        client.get("/doelen?q=extra&groep=5")
    with count_queries() as as_editor_all:
        client.get("/doelen")
    assert as_editor.count == as_editor_all.count


def test_the_goal_page_shows_everything_about_a_goal(client, app, framework):
    with app.app_context():
        goal = db.session.scalar(select(Goal).where(Goal.code == "MN.1.5"))
        source = goal.source_code
    html = client.get("/doelen/MN.1.5").get_data(as_text=True)
    assert "Herkennen dat mensen techniek bedenken" in html
    assert "1-4" in html  # groepen label
    assert "techniek, voorwerpen, uitvindingen" in html
    assert source in html and "vastgesteld" in html
    assert "Aard van natuurwetenschappen" in html  # its strand
    assert "Nog geen gepubliceerd lespakket" in html


def test_the_goal_page_lists_aligned_packages_main_aim_first(client, app, framework, factory):
    from tests.objectives.test_impact import add_package

    network = factory.network()
    add_package(app, network, "B-pakket dat het raakt", "MN.1.5", "raakt")
    add_package(app, network, "Z-pakket met hoofddoel", "MN.1.5", "kern")
    add_package(app, network, "Een concept-pakket", "MN.1.5", "kern", status="concept")
    html = client.get("/doelen/MN.1.5").get_data(as_text=True)
    assert html.index("Z-pakket met hoofddoel") < html.index("B-pakket dat het raakt")
    assert 'class="badge relation-kern"' in html and 'class="badge relation-raakt"' in html
    assert "Een concept-pakket" not in html


def test_loading_the_seed_twice_adds_nothing(app):
    data = read_yaml(SEED)
    with app.app_context():
        first = load_framework(db.session, data)
        db.session.commit()
    once = counts(app)
    with app.app_context():
        second = load_framework(db.session, data)
        db.session.commit()
        releases = db.session.scalar(select(func.count()).select_from(services.FrameworkRelease))
    assert counts(app) == once
    assert once["Goal"] >= 90 and once["Revision"] == once["Goal"]
    assert ": 0 goals added" in second and ": 0 goals added" not in first
    assert releases == 1
    # Seeded goals are published and their first revision remembers the version they were stored at.
    with app.app_context():
        goal = db.session.scalar(select(Goal).where(Goal.code == "DG.1.1"))
        assert goal.status == "vastgesteld"
        assert services.goal_history(db.session, goal).revisions[0].snapshot["version"] == goal.version
