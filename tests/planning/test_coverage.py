"""Coverage services on small hand-made cases with exact expected results."""
from datetime import date

import pytest
from sqlalchemy import select

from tests.planning.builders import Builder, base_framework
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import LessonPackage
from wt_curriculum.planning import coverage as cov
from wt_curriculum.planning.coverage import KERN, NONE, PLANNED, RAAKT, TAUGHT, UNKNOWN, Cell


@pytest.fixture
def built(app):
    """School S plans in 2026: P1 taught in groep 1; P2 taught and P1 planned in groep 2; P3 planned in groep 5.
    School T plans P3 in groep 6; school U has a plan in 2025 only; archived school V plans everything."""
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        s, t, u = b.school(network_id, "S"), b.school(network_id, "T"), b.school(network_id, "U")
        v = b.school(network_id, "V", archived=True)
        b.plan(s, 2026, 1, "P1", taught_on=date(2026, 10, 1))
        b.plan(s, 2026, 2, "P2", taught_on=date(2026, 11, 1))
        b.plan(s, 2026, 2, "P1")
        b.plan(s, 2026, 5, "P3")
        b.plan(t, 2026, 6, "P3")
        b.plan(u, 2025, 1, "P1")
        for g in (1, 2):
            b.plan(v, 2026, g, "P1")
        db.session.commit()
        yield {"network": network_id, "S": s, "T": t, "U": u, "V": v,
               "goals": {code: g.id for code, g in b.goals.items()}, "b": b}


def test_school_matrix_cells_distinguish_state_and_relation(app, built):
    with app.app_context():
        c = cov.school_coverage(db.session, built["S"], 2026)
    a1 = c.goal("T.A.1")
    assert a1.cells[1] == Cell(TAUGHT, KERN, True)
    # groep 2: P2 (raakt) is taught, P1 (kern) only planned: taught beats planned, so taught/raakt.
    assert a1.cells[2] == Cell(TAUGHT, RAAKT, True)
    assert a1.cells[3] == Cell(NONE, None, False)
    a2 = c.goal("T.A.2")  # meant for 3-4, planned only in 1-2 (raakt)
    assert a2.cells[1] == Cell(TAUGHT, RAAKT, False)
    assert a2.cells[2] == Cell(PLANNED, RAAKT, False)
    assert a2.cells[3] == Cell(NONE, None, True)
    assert not a2.covered and a2.covered_outside_only
    assert c.goal("T.A.3").cells[5] == Cell(PLANNED, KERN, True) and c.goal("T.A.3").covered
    assert not c.goal("U.B.1").covered


def test_school_percentages_leave_retired_goals_out_and_drafts_away(app, built):
    with app.app_context():
        c = cov.school_coverage(db.session, built["S"], 2026)
    codes = [g.code for g in c.goals]
    assert codes == ["T.A.1", "T.A.2", "T.A.3", "T.A.4", "U.B.1", "U.B.9"]  # draft U.B.5 is not there
    retired = c.goal("U.B.9")
    assert retired.retired and retired.cells[5] == Cell(PLANNED, RAAKT, True)
    strand_a, strand_b = c.strands
    assert (strand_a.covered, strand_a.total, strand_a.share) == (2, 4, 0.5)
    assert (strand_b.covered, strand_b.total, strand_b.share) == (0, 1, 0.0)
    assert [(d.code, d.covered, d.total) for d in c.domains] == [("T", 2, 4), ("U", 0, 1)]
    assert (c.covered, c.total, c.share) == (2, 5, 0.4)
    assert c.has_plan


def test_a_retired_goal_that_is_not_planned_is_not_shown(app, built):
    with app.app_context():
        c = cov.school_coverage(db.session, built["T"], 2025)
    assert "U.B.9" not in [g.code for g in c.goals]
    assert not c.has_plan and c.covered == 0 and c.total == 5


def test_network_shares_median_and_most_missed(app, built):
    with app.app_context():
        n = cov.network_coverage(db.session, built["network"], 2026)
    by_name = {s.name: s for s in n.schools}
    assert sorted(by_name) == ["S", "T", "U"]  # archived V is left out
    s, t, u = by_name["S"], by_name["T"], by_name["U"]
    assert (s.covered, s.total, t.covered) == (2, 5, 1)
    strand_ids = {st.code: st.id for st in n.strands}
    assert (s.strands[strand_ids["T.A"]].covered, s.strands[strand_ids["T.A"]].total) == (2, 4)
    assert t.strands[strand_ids["T.A"]].share == 0.25
    assert [st.total for st in n.strands] == [4, 1]
    assert n.median == pytest.approx(0.3)  # the median of 0.4 and 0.2; U has no plan and is not counted
    assert s.difference == pytest.approx(0.1) and t.difference == pytest.approx(-0.1)
    assert not u.has_plan and u.difference is None
    assert [(m.code, m.missing, m.of) for m in n.most_missed] == [
        ("T.A.2", 2, 2), ("T.A.4", 2, 2), ("U.B.1", 2, 2), ("T.A.1", 1, 2)]


def test_cohort_follows_the_years_and_unplanned_years_are_unknown(app, built):
    """Start 2020: groep g in 2019+g. Plans in 2020, 2021, 2023-2026; none in 2022 (groep 3) or 2027 (groep 8)."""
    with app.app_context():
        b = Builder(db.session)
        b.packages = {p.title: p for p in db.session.scalars(select(LessonPackage))}
        c_id = b.school(built["network"], "C")
        b.plan(c_id, 2020, 1, "P1")  # groep 1 in 2020: A1 met
        b.plan(c_id, 2021, 1, "P2")  # 2021 has a plan, but not for groep 2 of this cohort
        b.plan(c_id, 2023, 5, "P1")  # 2023 known (groep 4 of the cohort): nothing for it
        b.plan(c_id, 2024, 5, "P3")  # groep 5 in 2024: A3 met
        b.plan(c_id, 2025, 1, "P1")
        b.plan(c_id, 2026, 1, "P1")
        db.session.commit()
        c = cov.cohort_coverage(db.session, c_id, 2020)
    assert [(y.groep, y.year, y.known) for y in c.years] == [
        (1, 2020, True), (2, 2021, True), (3, 2022, False), (4, 2023, True),
        (5, 2024, True), (6, 2025, True), (7, 2026, True), (8, 2027, False)]
    a1, a2, a4 = c.goal("T.A.1"), c.goal("T.A.2"), c.goal("T.A.4")
    assert a1.cells[1] == Cell(PLANNED, KERN, True) and a1.outcome == "met" and a1.met_in == [1]
    assert a1.cells[3] == Cell(UNKNOWN, None, False)
    assert a2.outcome == "unknown"  # meant for 3-4; groep 3 fell in a year without any plan
    assert a4.outcome == "not_met"  # meant for 4 only; 2023 had a plan without it
    assert c.goal("T.A.3").outcome == "met"
    assert c.goal("U.B.1").outcome == "unknown"  # groep 8 lies in 2027: no plan yet
    assert (c.count("met"), c.count("not_met"), c.count("unknown")) == (2, 1, 2)
    assert c.goal("U.B.9").status == "vervallen"  # retired but planned on the way (P3 in groep 5): shown


@pytest.fixture
def gaps_case(app):
    with app.app_context():
        b = Builder(db.session)
        n = b.network()
        b.domain("G")
        b.strand("G.S", "G")
        for i in range(1, 7):
            b.goal(f"G.S.{i}", "G.S", [5], position=i)
        b.goal("G.S.7", "G.S", [6], position=7)
        b.package("Alpha", [5], {"G.S.1": "kern", "G.S.2": "raakt"}, n, minutes=60)
        b.package("Beta", [5], {"G.S.1": "raakt", "G.S.2": "kern"}, n, minutes=60)
        b.package("Gamma", [5, 6], {"G.S.3": "kern", "G.S.4": "kern"}, n, lessons=2, minutes=60)
        b.package("Delta", [5], {"G.S.3": "kern", "G.S.4": "kern"}, n, lessons=3, minutes=30)
        b.package("Epsilon", [6], {f"G.S.{i}": "kern" for i in range(1, 5)}, n)  # not meant for groep 5
        b.package("Withdrawn", [5], {f"G.S.{i}": "kern" for i in range(1, 7)}, n, status="ingetrokken")
        b.package("Planned", [5], {"G.S.5": "kern", "G.S.1": "raakt"}, n)
        school = b.school(n)
        b.plan(school, 2026, 5, "Planned")
        b.plan(school, 2025, 5, "Alpha")  # another year: does not count
        db.session.commit()
        return school


def test_gap_suggestions_greedy_set_cover_with_tie_breaks(app, gaps_case):
    with app.app_context():
        r = cov.gap_suggestions(db.session, gaps_case, 2026, 5)
    # G.S.1 is covered in groep 5 by 'Planned' (raakt counts); G.S.7 is meant for groep 6.
    assert [g.code for g in r.gaps] == ["G.S.2", "G.S.3", "G.S.4", "G.S.6"]
    # Delta and Gamma both close G.S.3-4 as kern: Delta has fewer minutes (90 < 120).
    # Then Alpha and Beta both close only G.S.2; Beta serves it as kern, so Beta wins over Alpha.
    assert [(s.title, s.codes, s.kern, s.minutes) for s in r.suggestions] == [
        ("Delta", ["G.S.3", "G.S.4"], 2, 90), ("Beta", ["G.S.2"], 1, 60)]
    assert [g.code for g in r.left_open] == ["G.S.6"]


def test_gap_suggestions_tie_on_everything_goes_to_the_title(app, gaps_case):
    with app.app_context():
        from sqlalchemy import update

        from wt_curriculum.lessons.models import Alignment, LessonPackage
        beta = db.session.scalar(db.select(LessonPackage.id).where(LessonPackage.title == "Beta"))
        db.session.execute(update(Alignment).where(Alignment.package_id == beta).values(relation="raakt"))
        db.session.commit()
        r = cov.gap_suggestions(db.session, gaps_case, 2026, 5)
    assert [s.title for s in r.suggestions] == ["Delta", "Alpha"]


def test_impact_of_goal_lists_packages_kern_first_and_schools(app, built):
    with app.app_context():
        impact = cov.impact_of_goal(db.session, built["goals"]["T.A.1"])
    assert [(p.title, p.relation) for p in impact.packages] == [("P1", "kern"), ("P2", "raakt")]
    assert [(s.name, s.entries, s.first_year, s.last_year) for s in impact.schools] == [
        ("S", 3, 2026, 2026), ("U", 1, 2025, 2025), ("V", 2, 2026, 2026)]
    assert impact.schools[0].years_label == "2026-2027"


def test_unknown_school_or_goal_is_not_found(app, built):
    from wt_curriculum.errors import NotFound

    with app.test_request_context(), pytest.raises(NotFound):
        cov.impact_of_goal(db.session, 999999)
    with app.test_request_context(), pytest.raises(NotFound):
        cov.school_coverage(db.session, 999999, 2026)
