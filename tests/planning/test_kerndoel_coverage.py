"""kerndoel_coverage and transition_view on hand-made plans: exact results, a fixed number of queries."""
import pytest

from tests.references.helpers import make_goal, make_package, make_reference, plan
from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import GoalStatus
from wt_curriculum.planning.kerndoelen import kerndoel_coverage, transition_view
from wt_curriculum.references.models import CrosswalkLink


@pytest.fixture
def school_plan(app, factory):
    """Goals A (groep 3-4), B (7-8), C (7), D (1-2), retired R and draft E (all groepen);
    kd2006 40/42 and kd2025 29 (29A, 29B) and 30 (30A).

    A -> 40, 29A; B -> 42, 29B; C -> 42; D, R and E -> 30A.
    Package P1 serves A (planned groep 3, 4 and 6: 6 is outside A's groepen), P2 serves B and C (groep 7),
    P3 serves A but is planned at another school, P4 serves B in another year (groep 8), P5 serves D but is
    planned in groep 6 (outside D's groepen; in 2027-2028 in groep 2), P6 serves R and E (groep 5).
    """
    network_id = factory.network()
    school_id = factory.school(network_id=network_id, brin="12AB")
    other_id = factory.school(network_id=network_id, brin="34CD")
    with app.app_context():
        s = db.session
        a, b, c, d = (make_goal(s, code, groepen=groepen) for code, groepen in
                      (("T.A", [3, 4]), ("T.B", [7, 8]), ("T.C", [7]), ("T.D", [1, 2])))
        r = make_goal(s, "T.R", status=GoalStatus.RETIRED)
        e = make_goal(s, "T.E", status=GoalStatus.DRAFT)
        _, old = make_reference(s, "kd2006-po", ["KD2006-PO-40", "KD2006-PO-42"])
        _, new = make_reference(s, "kd2025-po", ["KD2025-PO-29", "KD2025-PO-30"],
                                children={"KD2025-PO-29": ["KD2025-PO-29A", "KD2025-PO-29B"],
                                          "KD2025-PO-30": ["KD2025-PO-30A"]})
        for goal, node in ((a, old["KD2006-PO-40"]), (a, new["KD2025-PO-29A"]), (b, old["KD2006-PO-42"]),
                           (b, new["KD2025-PO-29B"]), (c, old["KD2006-PO-42"]), (d, new["KD2025-PO-30A"]),
                           (r, new["KD2025-PO-30A"]), (e, new["KD2025-PO-30A"])):
            s.add(CrosswalkLink(goal_id=goal.id, node_id=node.id))
        p1 = make_package(s, "Plantenpakket", network_id, [a.id])
        p2 = make_package(s, "Proefjespakket", network_id, [b.id, c.id])
        p3 = make_package(s, "Elders", network_id, [a.id])
        p4 = make_package(s, "Vorig jaar", network_id, [b.id])
        p5 = make_package(s, "Buiten de groepen", network_id, [d.id])
        p6 = make_package(s, "Vervallen en concept", network_id, [r.id, e.id])
        for groep in (3, 4, 6):
            plan(s, school_id, 2026, groep, p1.id)
        plan(s, school_id, 2026, 7, p2.id)
        plan(s, other_id, 2026, 5, p3.id)
        plan(s, school_id, 2025, 8, p4.id)
        plan(s, school_id, 2026, 6, p5.id)
        plan(s, school_id, 2027, 2, p5.id)
        plan(s, school_id, 2026, 5, p6.id)
        s.commit()
        return {"school_id": school_id, "p1": p1.id, "p2": p2.id, "p5": p5.id}


def test_kerndoel_coverage_per_node(app, school_plan, count_queries):
    with app.app_context():
        with count_queries() as counter:
            rows = kerndoel_coverage(db.session, school_plan["school_id"], 2026, "kd2025-po")
        assert counter.count == 3
    summary = {r.code: ([(p.title, p.groepen) for p in r.packages], r.groepen, r.direct, r.is_leaf, r.goal_codes)
               for r in rows}
    assert [r.code for r in rows] == ["KD2025-PO-29", "KD2025-PO-29A", "KD2025-PO-29B", "KD2025-PO-30",
                                      "KD2025-PO-30A"]
    # Plantenpakket is planned in groep 6 too, outside T.A's groepen 3-4: not shown, it covers nothing there.
    # 30A: T.D is planned only outside its groepen (1-2), T.R is retired and T.E a draft: not covered.
    assert summary == {
        "KD2025-PO-29": ([("Plantenpakket", [3, 4]), ("Proefjespakket", [7])], [3, 4, 7], False, False,
                         ["T.A", "T.B"]),
        "KD2025-PO-29A": ([("Plantenpakket", [3, 4])], [3, 4], True, True, ["T.A"]),
        "KD2025-PO-29B": ([("Proefjespakket", [7])], [7], True, True, ["T.B"]),
        "KD2025-PO-30": ([], [], False, False, []),
        "KD2025-PO-30A": ([], [], False, True, []),
    }
    assert [r.covered for r in rows] == [True, True, True, False, False]


def test_a_goal_planned_in_its_own_groep_covers_the_node(app, school_plan):
    """In 2027-2028 the same package as above serves T.D in groep 2, one of its groepen: 30A is covered."""
    with app.app_context():
        rows = {r.code: r for r in kerndoel_coverage(db.session, school_plan["school_id"], 2027, "kd2025-po")}
    assert [(p.package_id, p.groepen) for p in rows["KD2025-PO-30A"].packages] == [(school_plan["p5"], [2])]
    assert rows["KD2025-PO-30A"].goal_codes == ["T.D"] and rows["KD2025-PO-30"].groepen == [2]
    assert not rows["KD2025-PO-29A"].covered


def test_kerndoel_coverage_2006_counts_each_package_once(app, school_plan):
    with app.app_context():
        rows = {r.code: r for r in kerndoel_coverage(db.session, school_plan["school_id"], 2026, "kd2006-po")}
    # P2 serves 42 through two goals (B and C), both meant for groep 7: one package, groep 7.
    assert [(p.package_id, p.groepen) for p in rows["KD2006-PO-42"].packages] == [(school_plan["p2"], [7])]
    assert rows["KD2006-PO-42"].goal_codes == ["T.B", "T.C"]
    assert [(p.package_id, p.groepen) for p in rows["KD2006-PO-40"].packages] == [(school_plan["p1"], [3, 4])]


def test_goal_rows_and_node_rows_agree(app, school_plan):
    """A node is covered exactly when one of its published goals is covered in the per-goal view."""
    from wt_curriculum.planning.coverage import school_coverage
    from wt_curriculum.references.services import framework_tree

    with app.app_context():
        for year in (2025, 2026, 2027):
            goals = {g.code: g for g in school_coverage(db.session, school_plan["school_id"], year).goals}
            for key in ("kd2006-po", "kd2025-po"):
                serving = {n.code: [g.code for g in n.goals]
                           for n in framework_tree(db.session, key, published_only=True).nodes}
                for row in kerndoel_coverage(db.session, school_plan["school_id"], year, key):
                    if row.is_leaf:
                        expected = sorted(c for c in serving[row.code] if goals[c].covered)
                        assert row.goal_codes == expected, (year, row.code)
                        assert row.covered == bool(expected)


def test_transition_view(app, school_plan):
    with app.app_context():
        view = transition_view(db.session, school_plan["school_id"], 2026)
        earlier = transition_view(db.session, school_plan["school_id"], 2025)
    assert [n.code for n in view.covered_2006] == ["KD2006-PO-40", "KD2006-PO-42"]
    assert view.missing_2006 == []
    assert [n.code for n in view.covered_2025] == ["KD2025-PO-29A", "KD2025-PO-29B"]
    assert [n.code for n in view.missing_2025] == ["KD2025-PO-30A"]
    assert [n.code for n in earlier.covered_2006] == ["KD2006-PO-42"]
    assert [n.code for n in earlier.missing_2025] == ["KD2025-PO-29A", "KD2025-PO-30A"]


def test_unknown_framework_is_not_found(app, school_plan):
    from wt_curriculum.errors import NotFound

    with app.test_request_context("/"), pytest.raises(NotFound):
        kerndoel_coverage(db.session, school_plan["school_id"], 2026, "bestaat-niet")
