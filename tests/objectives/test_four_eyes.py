"""Four-eyes publishing (FOUR_EYES, on by default): a change to a published goal or a new framework version
takes effect only when a second editor approves it from the approval queue on the editor's home page."""
import pytest
from sqlalchemy import func, select

from tests.conftest import login_as
from tests.objectives.helpers import goal_state, revisions
from wt_curriculum.extensions import db
from wt_curriculum.objectives import services
from wt_curriculum.objectives.models import FrameworkRelease, PendingChange


@pytest.fixture
def four_eyes(app):
    app.config["FOUR_EYES"] = True


def _goals(app):
    with app.app_context():
        domain = services.create_domain(db.session, services.DomainData("VE", "Vier ogen"), None)
        strand = services.create_strand(db.session, services.StrandData("VE.1", domain.id, "Leerlijn"), None)
        goal = services.create_goal(db.session, services.GoalData("VE.1.1", domain.id, strand.id, "Oude titel",
                                                                  groepen=[5]), None)
        draft = services.create_goal(db.session, services.GoalData("VE.1.2", domain.id, strand.id, "Concept",
                                                                   groepen=[5]), None)
        services.publish_goal(db.session, goal, None)
        db.session.commit()
        return domain.id, strand.id, goal.version, draft.version


def _edit(client, domain_id, strand_id, code, title, version):
    return client.post(f"/doelen/{code}/bewerken", data={
        "code": code, "domain_id": domain_id, "strand_id": strand_id, "title": title, "groepen": ["5"],
        "version": version, "note": "Scherper"})


def _pending(app):
    with app.app_context():
        return list(db.session.scalars(select(PendingChange.id).where(PendingChange.decided_at.is_(None))))


def test_the_setting_is_on_by_default():
    from wt_curriculum.config import Config

    assert Config.FOUR_EYES is True


def test_a_change_to_a_published_goal_waits_for_a_second_editor(app, client, factory, four_eyes):
    domain_id, strand_id, version, draft_version = _goals(app)
    first, second = factory.user("redacteur"), factory.user("redacteur")
    login_as(client, app, first)
    response = _edit(client, domain_id, strand_id, "VE.1.1", "Nieuwe titel", version)
    assert response.status_code == 302
    assert goal_state(app, "VE.1.1")["title"] == "Oude titel"
    [change_id] = _pending(app)
    page = client.get("/doelen/redactie").get_data(as_text=True)
    assert "Wacht op goedkeuring" in page and "<del>Oude titel</del>" in page and "<ins>Nieuwe titel</ins>" in page
    # A draft is not published: its edit takes effect at once.
    _edit(client, domain_id, strand_id, "VE.1.2", "Concept, beter", draft_version)
    assert goal_state(app, "VE.1.2")["title"] == "Concept, beter"
    # Not by the one who proposed it.
    refused = client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}, follow_redirects=True)
    assert "Een tweede redacteur keurt een wijziging goed" in refused.get_data(as_text=True)
    assert goal_state(app, "VE.1.1")["title"] == "Oude titel"
    login_as(client, app, second)
    assert client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}).status_code == 303
    assert goal_state(app, "VE.1.1")["title"] == "Nieuwe titel"
    assert "goedgekeurd door" in revisions(app, "VE.1.1")[0].note
    assert _pending(app) == []


def test_retiring_and_a_release_wait_too_and_can_be_rejected(app, client, factory, four_eyes):
    _goals(app)
    first, second = factory.user("redacteur"), factory.user("beheerder")
    login_as(client, app, first)
    with app.app_context():
        version = services.goal_by_code(db.session, "VE.1.1").version
    client.post("/doelen/VE.1.1/laten-vervallen", data={"note": "Weg", "version": version})
    client.post("/doelen/versies/nieuw", data={"version_label": "2031.1", "published_on": "2031-01-01"})
    assert goal_state(app, "VE.1.1")["status"] == "vastgesteld"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FrameworkRelease)) == 0
    retire_id, release_id = _pending(app)
    login_as(client, app, second)
    client.post(f"/doelen/wijzigingen/{retire_id}", data={"decision": "reject"})
    client.post(f"/doelen/wijzigingen/{release_id}", data={"decision": "approve"})
    assert goal_state(app, "VE.1.1")["status"] == "vastgesteld"
    with app.app_context():
        assert db.session.scalar(select(FrameworkRelease.version)) == "2031.1"
    assert _pending(app) == []
    # A decided change cannot be decided again.
    assert client.post(f"/doelen/wijzigingen/{retire_id}", data={"decision": "approve"}).status_code == 404
    assert goal_state(app, "VE.1.1")["status"] == "vastgesteld"


def test_a_goal_changed_meanwhile_makes_the_approval_a_conflict(app, client, factory, four_eyes):
    domain_id, strand_id, version, _draft = _goals(app)
    first, second = factory.user("redacteur"), factory.user("redacteur")
    login_as(client, app, first)
    _edit(client, domain_id, strand_id, "VE.1.1", "Voorstel A", version)
    _edit(client, domain_id, strand_id, "VE.1.1", "Voorstel B", version)
    change_a, change_b = _pending(app)
    login_as(client, app, second)
    client.post(f"/doelen/wijzigingen/{change_b}", data={"decision": "approve"})
    assert goal_state(app, "VE.1.1")["title"] == "Voorstel B"
    conflict = client.post(f"/doelen/wijzigingen/{change_a}", data={"decision": "approve"})
    assert conflict.status_code == 409
    assert goal_state(app, "VE.1.1")["title"] == "Voorstel B"


def test_restoring_an_old_revision_of_a_published_goal_waits_too(app, client, factory, four_eyes):
    domain_id, strand_id, version, _draft = _goals(app)
    first, second = factory.user("redacteur"), factory.user("redacteur")
    login_as(client, app, first)
    _edit(client, domain_id, strand_id, "VE.1.1", "Nieuwe titel", version)
    [change_id] = _pending(app)
    login_as(client, app, second)
    client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"})
    current = goal_state(app, "VE.1.1")
    client.post("/doelen/VE.1.1/geschiedenis/1/herstellen", data={"version": current["version"], "note": ""})
    assert goal_state(app, "VE.1.1")["title"] == "Nieuwe titel"
    [restore_id] = _pending(app)
    assert "Leerdoel VE.1.1 terug naar versie 1" in client.get("/doelen/redactie").get_data(as_text=True)
    login_as(client, app, first)
    client.post(f"/doelen/wijzigingen/{restore_id}", data={"decision": "approve"})
    assert goal_state(app, "VE.1.1")["title"] == "Oude titel"


def _order(app, strand_id):
    with app.app_context():
        from wt_curriculum.objectives.models import Goal

        return list(db.session.scalars(select(Goal.code).where(Goal.strand_id == strand_id)
                                       .order_by(Goal.position, Goal.id)))


def test_publishing_a_draft_waits_for_a_second_editor(app, client, factory, four_eyes):
    _goals(app)
    first, second = factory.user("redacteur"), factory.user("redacteur")
    login_as(client, app, first)
    draft = goal_state(app, "VE.1.2")
    form = client.get("/doelen/VE.1.2/vaststellen").get_data(as_text=True)
    assert "Een tweede redacteur keurt het vaststellen goed" in form
    answer = client.post("/doelen/VE.1.2/vaststellen", data={"note": "Klaar", "version": draft["version"]},
                         follow_redirects=True)
    assert "Het vaststellen van leerdoel VE.1.2 wacht op goedkeuring" in answer.get_data(as_text=True)
    assert goal_state(app, "VE.1.2")["status"] == "concept"
    [change_id] = _pending(app)
    page = client.get("/doelen/redactie").get_data(as_text=True)
    assert "Leerdoel VE.1.2 vaststellen" in page
    client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"})
    assert goal_state(app, "VE.1.2")["status"] == "concept"  # not by the one who proposed it
    login_as(client, app, second)
    assert client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}).status_code == 303
    assert goal_state(app, "VE.1.2")["status"] == "vastgesteld"
    assert revisions(app, "VE.1.2")[0].action == "publish"
    assert _pending(app) == []


def test_moving_a_published_goal_waits_and_a_changed_order_makes_the_approval_a_conflict(
        app, client, factory, four_eyes):
    _domain_id, strand_id, _version, _draft = _goals(app)
    first, second = factory.user("redacteur"), factory.user("redacteur")
    login_as(client, app, first)
    assert _order(app, strand_id) == ["VE.1.1", "VE.1.2"]
    answer = client.post("/doelen/VE.1.2/verplaatsen", data={"direction": "up"}, follow_redirects=True)
    assert "Het verplaatsen van leerdoel VE.1.2 wacht op goedkeuring" in answer.get_data(as_text=True)
    assert _order(app, strand_id) == ["VE.1.1", "VE.1.2"]  # the draft would pass the published goal: it waits
    [move_id] = _pending(app)
    assert "Leerdoel VE.1.2 omhoog in zijn leerlijn" in client.get("/doelen/redactie").get_data(as_text=True)
    login_as(client, app, second)
    assert client.post(f"/doelen/wijzigingen/{move_id}", data={"decision": "approve"}).status_code == 303
    assert _order(app, strand_id) == ["VE.1.2", "VE.1.1"]
    assert revisions(app, "VE.1.2")[0].action == "move"
    # Two moves proposed on the same order: after the first is applied, the second no longer fits.
    client.post("/doelen/VE.1.1/verplaatsen", data={"direction": "up"})
    client.post("/doelen/VE.1.2/verplaatsen", data={"direction": "down"})
    up, down = _pending(app)
    login_as(client, app, first)
    client.post(f"/doelen/wijzigingen/{up}", data={"decision": "approve"})
    assert _order(app, strand_id) == ["VE.1.1", "VE.1.2"]
    conflict = client.post(f"/doelen/wijzigingen/{down}", data={"decision": "approve"})
    assert conflict.status_code == 409
    assert "De volgorde van de leerdoelen in deze leerlijn is veranderd" in conflict.get_data(as_text=True)
    assert _order(app, strand_id) == ["VE.1.1", "VE.1.2"]


def test_moving_drafts_among_drafts_needs_no_approval(app, client, factory, four_eyes):
    with app.app_context():
        domain = services.create_domain(db.session, services.DomainData("VD", "Concepten"), None)
        strand = services.create_strand(db.session, services.StrandData("VD.1", domain.id, "Leerlijn"), None)
        for n in (1, 2):
            services.create_goal(db.session, services.GoalData(f"VD.1.{n}", domain.id, strand.id, f"Doel {n}",
                                                               groepen=[5]), None)
        db.session.commit()
        strand_id = strand.id
    login_as(client, app, factory.user("redacteur"))
    client.post("/doelen/VD.1.2/verplaatsen", data={"direction": "up"})
    assert _order(app, strand_id) == ["VD.1.2", "VD.1.1"]
    assert _pending(app) == []


def test_two_editors_deciding_at_the_same_moment_one_gets_a_conflict(app, client, factory, four_eyes):
    """Deciding is one conditional UPDATE: an approval that read the change before another editor's decision was
    committed does not overwrite that decision (here a reject lands between the check and the update)."""
    from wt_curriculum.auth.models import User
    from wt_curriculum.errors import Conflict

    domain_id, strand_id, version, _draft = _goals(app)
    first, second, third = factory.user("redacteur"), factory.user("redacteur"), factory.user("redacteur")
    login_as(client, app, first)
    _edit(client, domain_id, strand_id, "VE.1.1", "Nieuwe titel", version)
    [change_id] = _pending(app)
    with app.app_context():
        approver = db.session.get(User, second.id)
        seen = services.undecided_change(db.session, change_id, approver)  # read (and kept): undecided
        assert seen.decided_at is None
        with db.engine.begin() as other:  # meanwhile, on another connection, a third editor rejects it
            other.execute(PendingChange.__table__.update().where(PendingChange.id == change_id)
                          .values(decided_at=func.now(), decided_by_id=third.id, decision="rejected"))
        with pytest.raises(Conflict):
            services.decide_change(db.session, change_id, approver, True)
        db.session.rollback()
    assert goal_state(app, "VE.1.1")["title"] == "Oude titel"
    with app.app_context():
        assert db.session.execute(select(PendingChange.decision, PendingChange.decided_by_id)
                                  .where(PendingChange.id == change_id)).one() == ("rejected", third.id)
