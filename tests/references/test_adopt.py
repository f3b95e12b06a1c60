"""Turning part of a reference framework into our own goals: preview, confirm, all or nothing; drafts with their
first revision and a crosswalk link to the node each came from."""
import json
from pathlib import Path

from sqlalchemy import func, select

from wt_curriculum.case.frameworks import import_reference_package
from wt_curriculum.core.models import Revision
from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import Domain, Goal, GoalStatus, Strand
from wt_curriculum.references.models import CrosswalkLink, ReferenceNode

PACKAGE = Path(__file__).parents[1] / "case" / "data" / "foreign-draft-deep-1p1.json"


def _foreign(app) -> tuple[str, int, int]:
    with app.app_context():
        key = import_reference_package(db.session, json.loads(PACKAGE.read_text(encoding="utf-8"))).key
        db.session.commit()
        domain = db.session.scalar(select(Domain).where(Domain.code == "MN"))
        last = max(int(c.rsplit(".", 1)[1]) for c in db.session.scalars(
            select(Strand.code).where(Strand.domain_id == domain.id)))
        return key, domain.id, last


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(t)) for t in (Strand, Goal, CrosswalkLink))


def test_preview_then_confirm_makes_draft_goals_linked_to_their_nodes(app, client, login, framework):
    key, domain_id, last = _foreign(app)
    editor = login("redacteur")
    page = client.get(f"/referentiekaders/{key}/overnemen?knoop=ESS.L1.1")
    assert page.status_code == 200 and 'value="ESS.L1.1"' in page.get_data(as_text=True)
    before = _counts(app)
    form = {"node": "ess.l1.1", "domain": str(domain_id), "groepen": ["5", "6"], "action": "preview"}
    preview = client.post(f"/referentiekaders/{key}/overnemen", data=form)
    body = preview.get_data(as_text=True)
    strand = f"MN.{last + 1}"
    assert preview.status_code == 200 and "4 conceptleerdoelen zouden gemaakt worden" in body
    assert f"{strand}.1" in body and f"{strand}.4" in body and "ESS.L1.1.x.x.x.x.x" in body
    assert _counts(app) == before  # a preview writes nothing
    digest = body.split('name="digest" type="hidden" value="', 1)[1].split('"', 1)[0]
    done = client.post(f"/referentiekaders/{key}/overnemen", data={**form, "action": "confirm", "digest": digest,
                                                                   "submission": "adopt-1"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"#strand-{strand}")
    with app.app_context():
        made = db.session.scalars(select(Goal).join(Strand).where(Strand.code == strand).order_by(Goal.code)).all()
        assert [g.code for g in made] == [f"{strand}.{n}" for n in range(1, 5)]
        assert {g.status for g in made} == {GoalStatus.DRAFT}
        assert {g.groepen_mask for g in made} == {(1 << 4) | (1 << 5)}
        nodes = dict(db.session.execute(select(CrosswalkLink.goal_id, ReferenceNode.code).join(
            ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id).where(
            CrosswalkLink.goal_id.in_([g.id for g in made]))).tuples().all())
        assert [nodes[g.id] for g in made] == ["ESS.L1.1.x.x", "ESS.L1.1.x.x.x", "ESS.L1.1.x.x.x.x",
                                              "ESS.L1.1.x.x.x.x.x"]
        assert db.session.scalar(select(Strand.source_code).where(Strand.code == strand)) == "ESS.L1.1.x"
        revisions = db.session.scalars(select(Revision).where(Revision.entity_type == "goal", Revision.entity_id.in_(
            [g.id for g in made]))).all()
        assert len(revisions) == 4 and {r.author_id for r in revisions} == {editor.id}
        assert all("ESS.L1.1" in r.note for r in revisions)
    # The same form once more makes nothing twice: the plan moved on (the next strand number), so the editor
    # sees a new preview; with that preview's digest the one-time token still refuses it.
    again = client.post(f"/referentiekaders/{key}/overnemen", data={**form, "action": "confirm", "digest": digest,
                                                                    "submission": "adopt-1"})
    assert again.status_code == 200 and "veranderd na je voorbeeld" in again.get_data(as_text=True)
    fresh = again.get_data(as_text=True).split('name="digest" type="hidden" value="', 1)[1].split('"', 1)[0]
    twice = client.post(f"/referentiekaders/{key}/overnemen", data={**form, "action": "confirm", "digest": fresh,
                                                                    "submission": "adopt-1"})
    assert twice.status_code == 409
    assert _counts(app)[1] == before[1] + 4


def test_a_node_whose_children_have_children_makes_a_strand_per_child(app, client, login, framework):
    key, domain_id, last = _foreign(app)
    login("beheerder")
    body = client.post(f"/referentiekaders/{key}/overnemen", data={
        "node": "ESS", "domain": str(domain_id), "groepen": ["8"], "action": "preview"}).get_data(as_text=True)
    assert "in 13 nieuwe leerlijnen van MN" in body
    assert f"MN.{last + 13}" in body and f"MN.{last + 14}" not in body


def test_a_stale_preview_or_a_bad_choice_makes_nothing(app, client, login, framework):
    key, domain_id, _ = _foreign(app)
    login("redacteur")
    before = _counts(app)
    stale = client.post(f"/referentiekaders/{key}/overnemen", data={
        "node": "ESS.L1.1", "domain": str(domain_id), "groepen": ["5"], "action": "confirm", "digest": "oud"})
    assert stale.status_code == 200 and "veranderd na je voorbeeld" in stale.get_data(as_text=True)
    leaf = client.post(f"/referentiekaders/{key}/overnemen", data={
        "node": "ESS.L1.2", "domain": str(domain_id), "groepen": ["5"], "action": "preview"})
    assert "heeft geen items eronder" in leaf.get_data(as_text=True)
    unknown = client.post(f"/referentiekaders/{key}/overnemen", data={
        "node": "XYZ", "domain": str(domain_id), "groepen": ["5"], "action": "preview"})
    assert "heeft geen knoop XYZ" in unknown.get_data(as_text=True)
    no_domain = client.post(f"/referentiekaders/{key}/overnemen", data={
        "node": "ESS.L1.1", "domain": "999999", "groepen": ["5"], "action": "preview"})
    assert "Kies een van de mogelijkheden." in no_domain.get_data(as_text=True)
    no_groepen = client.post(f"/referentiekaders/{key}/overnemen", data={
        "node": "ESS.L1.1", "domain": str(domain_id), "action": "preview"})
    assert "Kies minstens één groep." in no_groepen.get_data(as_text=True)
    assert _counts(app) == before
    assert client.get("/referentiekaders/bestaat-niet/overnemen").status_code == 404
