"""The reference seed loads once, and every seed goal is linked to the kerndoelen framework.yaml lists for it."""
import yaml
from sqlalchemy import func, select

from tests.references.conftest import SEEDS
from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import Goal
from wt_curriculum.references.models import CrosswalkLink, ReferenceFramework, ReferenceNode


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (ReferenceFramework, ReferenceNode, CrosswalkLink))


def test_seed_loads_twice_without_duplicates(app, references):
    from wt_curriculum.references.seed import load_references, load_seed_crosswalk
    from wt_curriculum.seed import read_yaml

    with app.app_context():
        before = _counts()
        assert before[0] == 3
        again = load_references(db.session, read_yaml(SEEDS / "references.yaml"))
        crosswalk = load_seed_crosswalk(db.session, read_yaml(SEEDS / "framework.yaml"))
        db.session.commit()
        assert _counts() == before
        assert again.startswith("Reference frameworks: 0 frameworks and 0 nodes added")
        assert crosswalk.startswith("Crosswalk: 0 links added")
        assert "Unknown" not in crosswalk


def test_seed_holds_the_facts_of_the_frameworks(app, references):
    with app.app_context():
        frameworks = {f.key: f for f in db.session.scalars(select(ReferenceFramework))}
        assert frameworks["kd2006-po"].status == "wettelijk"
        assert frameworks["kd2025-po"].status == "definitief concept"
        assert frameworks["cnu-2019"].phase_system == "cnu"
        codes = set(db.session.scalars(select(ReferenceNode.code)))
        assert {f"KD2006-PO-{n}" for n in (34, 39, 40, 41, 42, 43, 44, 45, 46)} <= codes
        assert {"KD2025-PO-22D", "KD2025-PO-24C", "KD2025-PO-29A", "KD2025-PO-32C", "MN01.1", "DG3.2"} <= codes
        doelzin = db.session.scalar(select(ReferenceNode).where(ReferenceNode.code == "KD2025-PO-29A"))
        parent = db.session.get(ReferenceNode, doelzin.parent_id)
        assert (doelzin.kind, doelzin.uuid, parent.code) == ("doelzin", "2c236437-c9c7-4cb0-943d-08ed4bd951f9",
                                                              "KD2025-PO-29")
        # Official texts are never seeded: only the importer fills them.
        assert db.session.scalar(select(func.count()).where(ReferenceNode.official_text.is_not(None))) == 0


def test_every_seed_goal_is_linked_as_framework_yaml_says(app, references):
    data = yaml.safe_load((SEEDS / "framework.yaml").read_text(encoding="utf-8"))
    with app.app_context():
        links = {}
        for goal_code, key, node_code in db.session.execute(
            select(Goal.code, ReferenceFramework.key, ReferenceNode.code)
            .join(CrosswalkLink, CrosswalkLink.goal_id == Goal.id)
            .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
            .join(ReferenceFramework, ReferenceFramework.id == ReferenceNode.framework_id)
        ):
            links.setdefault(goal_code, set()).add((key, node_code))
    checked = 0
    for domain in data["domains"]:
        for strand in domain["strands"]:
            for g in strand["goals"]:
                linked = links.get(g["code"], set())
                if g.get("kerndoelen_2006"):
                    assert {("kd2006-po", c) for c in g["kerndoelen_2006"]} <= linked, g["code"]
                    assert any(key == "kd2006-po" for key, _ in linked)
                if g.get("doelzinnen_2025"):
                    assert {("kd2025-po", c) for c in g["doelzinnen_2025"]} <= linked, g["code"]
                    assert any(key == "kd2025-po" for key, _ in linked)
                assert ("cnu-2019", g["source"]) in linked, g["code"]
                checked += 1
    assert checked >= 100
