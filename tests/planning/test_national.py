"""The national summary: every network's schools, who plans, median coverage; fixed query count."""
from wt_curriculum.extensions import db
from wt_curriculum.planning.coverage import national_summary

from .builders import Builder


def build(app, extra_schools=0):
    """Network N1: school a covers 2 of 4 goals, school b 1 of 4, school c has no plan.
    Network N2: school d covers 4 of 4. A school without network covers 0 (plans a package off-groep)."""
    with app.app_context():
        b = Builder(db.session)
        n1, n2 = b.network("N1"), b.network("N2")
        b.domain("T")
        b.strand("T.A", "T")
        for code, groepen in (("A1", [1, 2]), ("A2", [3, 4]), ("A3", [5, 6]), ("A4", [7, 8])):
            b.goal(code, "T.A", groepen)
        b.goal("R1", "T.A", [5], status="vervallen")
        b.package("P12", [1, 2, 3, 4], {"A1": "kern", "A2": "raakt"}, n1)
        b.package("P3", [5, 6], {"A3": "kern", "R1": "raakt"}, n1)
        b.package("P4", [7, 8], {"A4": "kern"}, n2)
        a, bb, _no_plan, d = (b.school(n1, "a"), b.school(n1, "b"), b.school(n1, "c"), b.school(n2, "d"))
        loose = b.school(None, "zonder netwerk")
        b.plan(a, 2026, 1, "P12")
        b.plan(a, 2026, 3, "P12")
        b.plan(bb, 2026, 5, "P3")
        b.plan(bb, 2025, 1, "P12")  # another year: not counted
        for groep, title in ((2, "P12"), (4, "P12"), (6, "P3"), (8, "P4")):
            b.plan(d, 2026, groep, title)
        b.plan(loose, 2026, 8, "P12")  # outside the goals' groepen: covers nothing
        for i in range(extra_schools):
            s = b.school(n2, f"extra {i}")
            b.plan(s, 2026, 7, "P4")
        db.session.commit()
        return {"n1": n1, "n2": n2}


def test_national_summary_counts_networks_and_shares(app):
    ids = build(app)
    with app.app_context():
        data = national_summary(db.session, 2026)
    assert data.goals == 4  # the retired goal is not counted
    assert (data.schools, data.with_plan, data.without_network) == (5, 4, 1)
    by_code = {n.code: n for n in data.networks}
    n1, n2 = by_code["N1"], by_code["N2"]
    assert (n1.id, n1.schools, n1.with_plan) == (ids["n1"], 3, 2)
    assert (n1.median, n1.lowest, n1.highest) == (0.375, 0.25, 0.5)
    assert (n2.schools, n2.with_plan, n2.median) == (1, 1, 1.0)
    # Shares 0.5, 0.25, 1.0 and 0.0 (the school without network).
    assert data.median == 0.375
    assert dict(data.distribution) == {0: 1, 10: 0, 20: 1, 30: 0, 40: 0, 50: 1, 60: 0, 70: 0, 80: 0, 90: 1}


def test_national_page_shows_every_network_with_a_fixed_number_of_queries(app, client, login, count_queries):
    build(app)
    login("redacteur")
    with count_queries() as small:
        response = client.get("/dekking/landelijk?jaar=2026-2027")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Landelijk overzicht 2026-2027" in body and "Netwerk N1" in body and "Netwerk N2" in body
    assert "38%" in body  # N1's median, 37.5% rounded
    assert client.get("/dekking/landelijk?jaar=2026").status_code == 400

    build_more(app)
    with count_queries() as large:
        assert client.get("/dekking/landelijk?jaar=2026-2027").status_code == 200
    assert large.count == small.count


def build_more(app):
    """Ten more schools with plans in a third network."""
    from wt_curriculum.lessons.models import LessonPackage

    with app.app_context():
        b = Builder(db.session)
        n3 = b.network("N3")
        package = db.session.scalar(db.select(LessonPackage).where(LessonPackage.title == "P4"))
        b.packages["P4"] = package
        for i in range(10):
            b.plan(b.school(n3, f"n3-{i}"), 2026, 8, "P4")
        db.session.commit()


def test_the_year_picker_offers_school_years_and_selects_the_shown_one(app, client, login):
    build(app)
    login("beheerder")
    body = client.get("/dekking/landelijk?jaar=2026-2027").get_data(as_text=True)
    assert '<option value="2026-2027" selected>2026-2027</option>' in body
    assert "(&#39;" not in body and "('" not in body
