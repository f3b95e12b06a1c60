"""A hand-computed world for the network benchmark and the national picture (tests/planning/test_benchmark.py,
tests/reports/test_benchmark_reports.py, the browser tests).

Goals: strand T.A: A1 (groep 1-2), A2 (3-4); strand T.B: B1 (5-6), B2 (7-8), B3 (7-8): five published goals.
Reference set kd2025-po: K1 (doelzinnen K1a, K1b), K2 (doelzin K2a); A1 -> K1a, A2 -> K1b, B1 -> K2a.
Packages PA (groep 1-4: A1, A2) and PB (groep 5-8: B1, B2, B3).

2026-2027 (shares: all goals; T.A; T.B; K1; K2):
  N1 a (Utrecht)    PA in groep 1                      A1               0.2; 0.5; 0;   0.5; 0
  N1 b (Utrecht)    PA in 3, PB in 7                   A2, B2, B3       0.6; 0.5; 2/3; 0.5; 0
  N1 c (Groningen)  no plan
  N1 f (archived)   PB in 5                            not counted anywhere
  N2 d (Brabant)    PA in 2 and 4, PB in 5 and 8       all              1;   1;   1;   1;   1
  N2 e (no prov.)   PB in 6                            B1               0.2; 0;   1/3; 0;   1
  -- g (Z-Holland)  PA in 1 (no network)               A1               0.2; 0.5; 0;   0.5; 0
2025-2026: a plans PA in groep 1 (0.2). 2024-2025: nobody.
"""
from tests.planning.builders import Builder
from tests.references.helpers import make_reference
from wt_curriculum.extensions import db
from wt_curriculum.organisations.models import School
from wt_curriculum.references.models import CrosswalkLink


def build(app) -> dict:
    with app.app_context():
        b = Builder(db.session)
        n1, n2 = b.network("N1"), b.network("N2")
        b.domain("T")
        b.strand("T.A", "T", position=0)
        b.strand("T.B", "T", position=1)
        for code, strand, groepen in (("A1", "T.A", [1, 2]), ("A2", "T.A", [3, 4]), ("B1", "T.B", [5, 6]),
                                      ("B2", "T.B", [7, 8]), ("B3", "T.B", [7, 8])):
            b.goal(code, strand, groepen)
        _, nodes = make_reference(db.session, "kd2025-po", ["K1", "K2"], children={"K1": ["K1a", "K1b"],
                                                                                   "K2": ["K2a"]})
        for goal, node in (("A1", "K1a"), ("A2", "K1b"), ("B1", "K2a")):
            db.session.add(CrosswalkLink(goal_id=b.goals[goal].id, node_id=nodes[node].id))
        b.package("PA", [1, 2, 3, 4], {"A1": "kern", "A2": "raakt"}, n1)
        b.package("PB", [5, 6, 7, 8], {"B1": "kern", "B2": "kern", "B3": "raakt"}, n2)
        ids = {}
        for name, network, province, archived in (("a", n1, "UT", False), ("b", n1, "UT", False),
                                                  ("c", n1, "GR", False), ("f", n1, "UT", True),
                                                  ("d", n2, "NB", False), ("e", n2, "", False),
                                                  ("g", None, "ZH", False)):
            ids[name] = b.school(network, name=f"School {name}", archived=archived)
            db.session.get(School, ids[name]).province = province
        for school, groep, package in (("a", 1, "PA"), ("b", 3, "PA"), ("b", 7, "PB"), ("f", 5, "PB"),
                                       ("d", 2, "PA"), ("d", 4, "PA"), ("d", 5, "PB"), ("d", 8, "PB"),
                                       ("e", 6, "PB"), ("g", 1, "PA")):
            b.plan(ids[school], 2026, groep, package)
        b.plan(ids["a"], 2025, 1, "PA")
        db.session.commit()
        return {"n1": n1, "n2": n2, **ids}
