"""Use counts of lesson packages (issue 21), against a hand-computed case: schools and networks that plan a
package and how often it was marked taught, per school year; on the package page, in search (sort and
filter) and in the API."""
from datetime import date

import pytest

from tests.planning.builders import Builder
from wt_curriculum.extensions import db
from wt_curriculum.planning.use import Use, package_use, package_use_by_year


@pytest.fixture
def use_case(app, monkeypatch):
    """Networks N1, N2, N3. Schools A, B (N1), C (N2), D (N3, archived), E (no network).
    P in 2026-2027: A groep 3 (taught), A groep 4, B groep 5 (taught), C groep 3, D groep 3 (taught), E groep 6
    (taught). P in 2025-2026: C groep 3 (taught). Q in 2026-2027: A groep 1. R: nobody.
    By hand, P in 2026: schools A, B, C, E = 4 (D is archived); networks N1, N2 = 2 (E has none); taught: A3, B5,
    E6 = 3. P in 2025: 1 school, 1 network, taught 1. Q in 2026: 1, 1, 0. R: 0, 0, 0."""
    for module in ("wt_curriculum.planning.use", "wt_curriculum.lessons.search", "wt_curriculum.api.packages"):
        monkeypatch.setattr(f"{module}.current_school_year", lambda: 2026)
    with app.app_context():
        b = Builder(db.session)
        n1, n2, n3 = b.network("N1"), b.network("N2"), b.network("N3")
        b.domain("U")
        b.strand("U.S", "U")
        b.goal("U.S.1", "U.S", [1, 2, 3, 4, 5, 6, 7, 8])
        p = b.package("Pakket P", [1, 2, 3, 4, 5, 6], {"U.S.1": "kern"}, n1)
        q = b.package("Pakket Q", [1, 2], {"U.S.1": "kern"}, n2)
        r = b.package("Pakket R", [1, 2], {"U.S.1": "kern"}, n3)
        a, s_b, c = b.school(n1, "A"), b.school(n1, "B"), b.school(n2, "C")
        d, e = b.school(n3, "D", archived=True), b.school(None, "E")
        day = date(2027, 3, 1)
        b.plan(a, 2026, 3, "Pakket P", taught_on=day)
        b.plan(a, 2026, 4, "Pakket P")
        b.plan(s_b, 2026, 5, "Pakket P", taught_on=day)
        b.plan(c, 2026, 3, "Pakket P")
        b.plan(d, 2026, 3, "Pakket P", taught_on=day)
        b.plan(e, 2026, 6, "Pakket P", taught_on=day)
        b.plan(c, 2025, 3, "Pakket P", taught_on=date(2026, 3, 1))
        b.plan(a, 2026, 1, "Pakket Q")
        db.session.commit()
        return {"P": p.id, "Q": q.id, "R": r.id}


def test_use_per_package_and_year_matches_the_hand_count(app, use_case, count_queries):
    ids = [use_case["P"], use_case["Q"], use_case["R"]]
    with app.app_context(), count_queries() as counter:
        now = package_use(db.session, ids, 2026)
        by_year = package_use_by_year(db.session, use_case["P"])
    assert now == {use_case["P"]: Use(4, 2, 3), use_case["Q"]: Use(1, 1, 0), use_case["R"]: Use(0, 0, 0)}
    assert [(y.year_label, y.use) for y in by_year] == [("2026-2027", Use(4, 2, 3)), ("2025-2026", Use(1, 1, 1))]
    assert counter.count == 2  # one grouped query each, whatever the number of packages


def test_the_package_page_says_how_many_schools_in_how_many_networks(client, use_case):
    html = client.get(f"/lespakketten/{use_case['P']}").text
    assert "2026-2027: gepland door 4 scholen in 2 netwerken" in html
    assert "<th scope=\"row\">2025-2026</th><td>1</td><td>1</td><td>1</td>" in html
    one = client.get(f"/lespakketten/{use_case['Q']}").text
    assert "2026-2027: gepland door 1 school in 1 netwerk" in one
    assert "2026-2027: nog door geen enkele school gepland." in client.get(f"/lespakketten/{use_case['R']}").text


def test_a_new_plan_entry_renews_the_cached_page_for_anonymous_visitors(app, client, use_case):
    client.get(f"/lespakketten/{use_case['Q']}")  # cached now
    from tests.planning.builders import Builder
    from wt_curriculum.planning.services import add_plan_entry

    with app.app_context():
        b = Builder(db.session)
        school = b.school(None, "F")
        from wt_curriculum.organisations.models import School
        add_plan_entry(db.session, db.session.get(School, school), use_case["Q"], 2026, 1)
        db.session.commit()
    assert "2026-2027: gepland door 2 scholen in 1 netwerk" in client.get(f"/lespakketten/{use_case['Q']}").text


def test_search_sorts_and_filters_by_use(client, use_case):
    html = client.get("/lespakketten?sort=gebruik").text
    assert html.index("Pakket P") < html.index("Pakket Q") < html.index("Pakket R")
    assert "dit schooljaar gepland door 4 scholen" in html
    filtered = client.get("/lespakketten?gebruik=2").text
    assert "Pakket P" in filtered and "Pakket Q" not in filtered and "Pakket R" not in filtered
    assert client.get("/lespakketten?gebruik=-3&sort=onzin").status_code == 200  # ignored, not an error


def test_api_package_objects_carry_use_for_the_current_school_year(client, use_case):
    body = client.get("/api/v1/packages?per_page=10").json
    use = {item["title"]: item["use"] for item in body["items"]}
    assert use == {"Pakket P": {"schools": 4, "networks": 2, "taught": 3},
                   "Pakket Q": {"schools": 1, "networks": 1, "taught": 0},
                   "Pakket R": {"schools": 0, "networks": 0, "taught": 0}}
    one = client.get(f"/api/v1/packages/{use_case['P']}").json
    assert one["use"] == {"schools": 4, "networks": 2, "taught": 3}
