"""Foreign CASE frameworks kept whole as reference frameworks: any depth, every field, every association type,
Draft and Deprecated documents; shown as a tree in sequence and natural code order; crosswalkable; export →
import → export without loss; `flask case import` / `export --document`."""
import copy
import json
from pathlib import Path

from sqlalchemy import select

from wt_curriculum.case import frameworks
from wt_curriculum.extensions import db
from wt_curriculum.references import services as references
from wt_curriculum.references.models import CrosswalkLink, ReferenceFramework, ReferenceNode

DATA = Path(__file__).parent / "data"
DRAFT = DATA / "foreign-draft-deep-1p1.json"
DEPRECATED = DATA / "foreign-deprecated-1p0.json"
REST = "/ims/case/v1p1"


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _import(runner, path):
    result = runner.invoke(args=["case", "import", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def _export(runner, tmp_path, identifier, name="out.json"):
    target = tmp_path / name
    result = runner.invoke(args=["case", "export", "--document", identifier, str(target)])
    assert result.exit_code == 0, result.output
    return json.loads(target.read_text(encoding="utf-8"))


def test_a_foreign_package_becomes_a_reference_framework_kept_whole(app, runner, framework, tmp_path):
    original = _load(DRAFT)
    identifier = original["CFDocument"]["identifier"]
    out = _import(runner, DRAFT)
    assert f"Reference framework case-{identifier[:13]} (Voorbeeldkader ESS) added: 19 items added" in out
    with app.app_context():
        kept = db.session.scalar(select(ReferenceFramework).where(ReferenceFramework.case_identifier == identifier))
        assert (kept.title, kept.status, kept.version, kept.publisher, kept.retired) == (
            "Voorbeeldkader ESS", "Draft", "0.9", "Example Publisher", False)
        nodes = {n.code: n for n in db.session.scalars(select(ReferenceNode).where(
            ReferenceNode.framework_id == kept.id))}
        assert len(nodes) == len(original["CFItems"]) == 19
        deepest = nodes["ESS.L1.1.x.x.x.x.x"]
        depth, parent = 0, deepest
        while parent.parent_id is not None:
            parent, depth = db.session.get(ReferenceNode, parent.parent_id), depth + 1
        assert depth == 6 and parent.code == "ESS"
        long_item = next(i for i in original["CFItems"] if i["humanCodingScheme"] == "ESS.L1.1.x.x.x")
        assert len(long_item["fullStatement"]) > 200
        assert nodes["ESS.L1.1.x.x.x"].official_text == long_item["fullStatement"]
        assert nodes["ESS.L1.1.x.x.x"].short_title == "D4"  # abbreviatedStatement
        assert nodes["ESS.L1.1.x.x.x"].kind == "Component"  # the package's own CFItemType
        assert nodes["ESS"].uuid == original["CFItems"][0]["identifier"]
    # Export gives back exactly what came in: every field of every object, in order.
    assert _export(runner, tmp_path, identifier) == original
    # Import of the export changes nothing and exports the same again.
    again = _import(runner, tmp_path / "out.json")
    assert "updated: 0 items added, 0 changed, 0 no longer in the package, 19 unchanged." in again
    assert _export(runner, tmp_path, identifier, "again.json") == original


def test_tree_order_is_sequence_then_natural_code_order(app, runner, framework):
    _import(runner, DRAFT)
    identifier = _load(DRAFT)["CFDocument"]["identifier"]
    with app.app_context():
        tree = references.framework_tree(db.session, f"case-{identifier[:13]}")
        top = [n.code for n in tree.nodes if n.depth == 1]
        assert top == ["ESS.S.2", "ESS.S.1"] + [f"ESS.L1.{n}" for n in range(1, 12)]
        assert max(n.depth for n in tree.nodes) == 6


def test_every_association_type_survives(app, runner, framework, tmp_path):
    original = _load(DRAFT)
    kinds = {a["associationType"] for a in original["CFAssociations"]}
    assert kinds == {"isChildOf", "isPeerOf", "isPartOf", "exactMatchOf", "precedes", "isRelatedTo", "replacedBy",
                     "exemplar", "hasSkillLevel", "isTranslationOf", "ext:isAlignedWith"}
    _import(runner, DRAFT)
    exported = _export(runner, tmp_path, original["CFDocument"]["identifier"])
    assert exported["CFAssociations"] == original["CFAssociations"]
    assert exported["CFDefinitions"] == original["CFDefinitions"]


def test_a_deprecated_1p0_document_is_kept_and_retired(app, runner, framework, tmp_path, login, client):
    original = _load(DEPRECATED)
    identifier = original["CFDocument"]["identifier"]
    _import(runner, DEPRECATED)
    assert _export(runner, tmp_path, identifier) == original
    with app.app_context():
        kept = db.session.scalar(select(ReferenceFramework).where(ReferenceFramework.case_identifier == identifier))
        assert (kept.status, kept.retired) == ("Deprecated", True)
        key = kept.key
    login("redacteur")
    page = client.get(f"/referentiekaders/{key}")
    assert page.status_code == 200 and "OLD.L1.10" in page.get_data(as_text=True)


def test_foreign_nodes_are_crosswalkable_and_changes_are_reported(app, runner, framework, tmp_path):
    from wt_curriculum.objectives.models import Goal

    original = _load(DRAFT)
    identifier = original["CFDocument"]["identifier"]
    _import(runner, DRAFT)
    key = f"case-{identifier[:13]}"
    with app.app_context():
        goal = db.session.scalar(select(Goal).where(Goal.code == "MN.1.1"))
        references.add_link(db.session, goal, key, "ESS.L1.5", "isRelatedTo", None)
        references.add_link(db.session, goal, key, "ESS.L1.6", "exactMatchOf", None)
        db.session.commit()
    changed = copy.deepcopy(original)
    items = changed["CFItems"]
    dropped = next(i for i in items if i["humanCodingScheme"] == "ESS.L1.6")
    items.remove(dropped)
    changed["CFAssociations"] = [a for a in changed["CFAssociations"]
                                 if dropped["identifier"] not in (a["originNodeURI"]["identifier"],
                                                                  a["destinationNodeURI"]["identifier"])]
    next(i for i in items if i["humanCodingScheme"] == "ESS.L1.5")["fullStatement"] = "Cluster 5, rewritten"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    out = _import(runner, path)
    assert "0 items added, 1 changed, 1 no longer in the package, 17 unchanged." in out
    assert "needs an editor: ESS.L1.5: its text or code changed" in out
    assert "needs an editor: Cluster 6: no longer in the package, but goals link to it" in out
    with app.app_context():
        links = db.session.scalars(select(CrosswalkLink.node_id)).all()
        nodes = {n.id: n for n in db.session.scalars(select(ReferenceNode).where(ReferenceNode.id.in_(links)))}
        assert {n.official_text for n in nodes.values()} >= {"Cluster 5, rewritten", "Cluster 6"}
        assert any(n.deprecated for n in nodes.values())  # kept for the crosswalk, marked
    assert _export(runner, tmp_path, identifier) == changed


def test_reference_frameworks_are_served_through_the_binding(app, runner, framework, client):
    original = _load(DRAFT)
    identifier = original["CFDocument"]["identifier"]
    _import(runner, DRAFT)
    documents = client.get(f"{REST}/CFDocuments").get_json()["CFDocuments"]
    assert identifier in {d["identifier"] for d in documents} and len(documents) == 2
    served = client.get(f"{REST}/CFPackages/{identifier}")
    assert served.status_code == 200 and served.get_json() == original
    assert client.get(f"{REST}/CFPackages/{identifier}",
                      headers={"If-None-Match": served.headers["ETag"]}).status_code == 304


def test_our_own_package_still_restores_ours(app, runner, framework, tmp_path):
    target = tmp_path / "ours.json"
    assert runner.invoke(args=["case", "export", str(target)]).exit_code == 0
    out = _import(runner, target)
    assert out.startswith("CASE 1.1 package:")
    with app.app_context():
        assert db.session.scalar(select(ReferenceFramework.id).where(
            ReferenceFramework.case_identifier.is_not(None))) is None
        assert frameworks.is_ours(db.session, json.loads(target.read_text()))


def test_unknown_document_for_export_and_a_cycle_are_refused(app, runner, framework, tmp_path):
    result = runner.invoke(args=["case", "export", "--document", "00000000-0000-4000-8000-000000000000",
                                 str(tmp_path / "x.json")])
    assert result.exit_code != 0 and "no framework with CFDocument identifier" in result.output
    broken = _load(DRAFT)
    a, b = broken["CFItems"][1], broken["CFItems"][2]
    for x, y in ((a, b), (b, a)):
        for association in broken["CFAssociations"]:
            if association["associationType"] == "isChildOf" and association["originNodeURI"]["identifier"] == \
                    x["identifier"]:
                association["destinationNodeURI"] = {"title": "t", "identifier": y["identifier"], "uri": y["uri"]}
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = runner.invoke(args=["case", "import", str(path)])
    assert result.exit_code != 0 and "form a cycle" in result.output
    with app.app_context():
        assert db.session.scalar(select(ReferenceFramework.id).where(
            ReferenceFramework.case_identifier.is_not(None))) is None


def test_items_and_associations_of_reference_frameworks_are_served_too(app, runner, framework, client):
    original = _load(DRAFT)
    _import(runner, DRAFT)
    item = original["CFItems"][3]
    association = original["CFAssociations"][2]
    found = client.get(f"{REST}/CFItems/{item['identifier']}", headers={"Accept": "application/json"})
    assert found.status_code == 200
    assert found.get_json() == {**item, "CFDocumentURI": {"title": original["CFDocument"]["title"],
                                                          "identifier": original["CFDocument"]["identifier"],
                                                          "uri": original["CFDocument"]["uri"]}}
    assert client.get(f"{REST}/CFAssociations/{association['identifier']}").get_json()["associationType"] == \
        association["associationType"]
    related = client.get(f"{REST}/CFItemAssociations/{item['identifier']}").get_json()
    assert related["CFItem"]["identifier"] == item["identifier"] and related["CFAssociations"]
    definition = original["CFDefinitions"]["CFItemTypes"][0]
    assert client.get(f"{REST}/CFItemTypes/{definition['identifier']}").get_json() == {"CFItemTypes": [definition]}
    assert client.get(f"{REST}/CFDocuments/{original['CFDocument']['identifier']}").status_code == 200
    browser = client.get(f"{REST}/CFItems/{item['identifier']}", headers={"Accept": "text/html"})
    assert browser.status_code == 303 and f"/referentiekaders/knoop/{item['identifier']}" in browser.headers["Location"]
