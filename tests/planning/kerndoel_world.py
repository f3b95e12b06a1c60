"""A hand-made network for coverage per kerndoel: two small reference sets, four goals, three packages.

kd2006-po: KD2006-PO-40, KD2006-PO-42 (flat). kd2025-po: KD2025-PO-29 (29A, 29B) and KD2025-PO-30 (30A).
Goals (all meant for groep 1-8): A -> 40, 29A; B -> 42, 29B; C -> 42; D -> 30A (never planned);
draft goal E -> 30A; F (meant for groep 1 only) -> 30A, 42; retired goal R -> 30A, 40.
Packages: Plantenpakket (A), Proefjespakket (B, C), Zaaipakket (A), Buitenpakket (F, R).
Neither F nor R covers a node: Bravo plans Buitenpakket in groep 8 (outside F's groepen; R is retired).
Network "Noord": Alfa plans Plantenpakket in groep 3 and 4 and Proefjespakket in groep 7 (2026-2027);
Bravo plans Zaaipakket in groep 5 (2026-2027); Charlie plans Proefjespakket in groep 6 in 2025-2026 only;
archived Delta plans Proefjespakket (2026-2027). School Echo of another network plans Proefjespakket too.
"""
from tests.planning.builders import Builder
from tests.references.helpers import make_reference
from wt_curriculum.extensions import db
from wt_curriculum.references.models import CrosswalkLink

ALL = list(range(1, 9))


def build(app, extra_schools: int = 0) -> dict:
    with app.app_context():
        s = db.session
        b = Builder(s)
        network = b.network("NOORD")
        other_network = b.network("ZUID")
        b.domain("K")
        b.strand("K.S", "K")
        goals = {code: b.goal(f"K.S.{code}", "K.S", ALL) for code in "ABCD"}
        goals["E"] = b.goal("K.S.E", "K.S", ALL, status="concept")
        goals["F"] = b.goal("K.S.F", "K.S", [1])
        goals["R"] = b.goal("K.S.R", "K.S", ALL, status="vervallen")
        _, old = make_reference(s, "kd2006-po", ["KD2006-PO-40", "KD2006-PO-42"])
        _, new = make_reference(s, "kd2025-po", ["KD2025-PO-29", "KD2025-PO-30"],
                                children={"KD2025-PO-29": ["KD2025-PO-29A", "KD2025-PO-29B"],
                                          "KD2025-PO-30": ["KD2025-PO-30A"]})
        links = [("A", old["KD2006-PO-40"]), ("A", new["KD2025-PO-29A"]), ("B", old["KD2006-PO-42"]),
                 ("B", new["KD2025-PO-29B"]), ("C", old["KD2006-PO-42"]), ("D", new["KD2025-PO-30A"]),
                 ("E", new["KD2025-PO-30A"]), ("F", new["KD2025-PO-30A"]), ("F", old["KD2006-PO-42"]),
                 ("R", new["KD2025-PO-30A"]), ("R", old["KD2006-PO-40"])]
        for code, node in links:
            s.add(CrosswalkLink(goal_id=goals[code].id, node_id=node.id))
        b.package("Plantenpakket", ALL, {"K.S.A": "kern"}, network)
        b.package("Proefjespakket", ALL, {"K.S.B": "kern", "K.S.C": "raakt"}, network)
        b.package("Zaaipakket", ALL, {"K.S.A": "raakt"}, network)
        b.package("Buitenpakket", ALL, {"K.S.F": "kern", "K.S.R": "kern"}, network)
        alfa, bravo, charlie = (b.school(network, name) for name in ("Alfa", "Bravo", "Charlie"))
        delta = b.school(network, "Delta", archived=True)
        echo = b.school(other_network, "Echo")
        b.plan(alfa, 2026, 3, "Plantenpakket")
        b.plan(alfa, 2026, 4, "Plantenpakket")
        b.plan(alfa, 2026, 7, "Proefjespakket")
        b.plan(bravo, 2026, 5, "Zaaipakket")
        b.plan(bravo, 2026, 8, "Buitenpakket")
        b.plan(charlie, 2025, 6, "Proefjespakket")
        b.plan(delta, 2026, 7, "Proefjespakket")
        b.plan(echo, 2026, 7, "Proefjespakket")
        for n in range(extra_schools):  # more schools, each planning all three packages
            extra = b.school(network, f"Extra {n:03d}")
            for groep, title in ((2, "Plantenpakket"), (4, "Proefjespakket"), (6, "Zaaipakket")):
                b.plan(extra, 2026, groep, title)
        s.commit()
        return {"network": network, "other_network": other_network, "alfa": alfa, "bravo": bravo,
                "charlie": charlie, "delta": delta, "echo": echo,
                "packages": {title: p.id for title, p in b.packages.items()}}
