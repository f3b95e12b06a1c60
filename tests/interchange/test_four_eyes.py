"""Four-eyes publishing of goal imports: with FOUR_EYES on, an import that changes, retires or publishes a published
goal is not written; the whole file waits as one change, with its report, for a second editor."""
import pytest
from sqlalchemy import func, select

from tests.conftest import login_as
from tests.interchange.helpers import confirm, counts, token_of, upload
from tests.objectives.helpers import goal_state
from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import PendingChange

HEADER = "code;leerlijn;titel;omschrijving;groepen;trefwoorden;status;bron\n"


@pytest.fixture
def four_eyes(app):
    app.config["FOUR_EYES"] = True


def _pending(app):
    with app.app_context():
        return list(db.session.execute(select(PendingChange.id, PendingChange.kind, PendingChange.decision)
                                       .order_by(PendingChange.id)))


def _csv(app, title: str) -> bytes:
    """A new draft goal, and MN.3.2 (published) with another title."""
    state = goal_state(app, "MN.3.2")
    assert state["status"] == "vastgesteld"
    return (HEADER + "MN.3.11;MN.3;Een nieuw concept;;5-8;;;\n"
            f"MN.3.2;MN.3;{title};{state['description']};{','.join(map(str, state['groepen']))};;;\n").encode()


def test_an_import_that_changes_a_published_goal_waits_whole_for_a_second_editor(
        app, client, factory, framework, four_eyes):
    first, second = factory.user("redacteur"), factory.user("redacteur")
    login_as(client, app, first)
    old_title = goal_state(app, "MN.3.2")["title"]
    before = counts(app)
    preview = upload(client, "goals", _csv(app, "Een betere titel"))
    answer = confirm(client, "goals", token_of(preview))
    assert answer.status_code == 303
    # Nothing of it is written yet: not the published goal's change, nor the new draft.
    assert goal_state(app, "MN.3.2")["title"] == old_title and goal_state(app, "MN.3.11") is None
    assert counts(app)["goal"] == before["goal"]
    [(change_id, kind, decision)] = _pending(app)
    assert (kind, decision) == ("import.goals", "")
    assert answer.headers["Location"].endswith(f"/doelen/redactie#change-{change_id}")
    page = client.get("/doelen/redactie").get_data(as_text=True)
    assert "Import van leerdoelen: bestand.csv" in page
    assert "Wat de import doet: 1 toegevoegd, 1 gewijzigd" in page
    assert f"<del>{old_title}</del>" in page and "<ins>Een betere titel</ins>" in page and "nieuw leerdoel" in page
    # The importer cannot approve their own import.
    refused = client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}, follow_redirects=True)
    assert "Een tweede redacteur keurt een wijziging goed" in refused.get_data(as_text=True)
    assert goal_state(app, "MN.3.2")["title"] == old_title
    login_as(client, app, second)
    assert client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}).status_code == 303
    assert goal_state(app, "MN.3.2")["title"] == "Een betere titel"
    assert goal_state(app, "MN.3.11")["status"] == "concept"
    assert _pending(app) == [(change_id, "import.goals", "approved")]


def test_a_rejected_import_writes_nothing_and_a_stale_one_is_a_conflict(app, client, factory, framework, four_eyes):
    first, second = factory.user("redacteur"), factory.user("beheerder")
    login_as(client, app, first)
    before = counts(app)
    confirm(client, "goals", token_of(upload(client, "goals", _csv(app, "Voorstel A"))))
    confirm(client, "goals", token_of(upload(client, "goals", _csv(app, "Voorstel B"))))
    (a, _, _), (b, _, _) = _pending(app)
    login_as(client, app, second)
    client.post(f"/doelen/wijzigingen/{a}", data={"decision": "reject"})
    assert goal_state(app, "MN.3.11") is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PendingChange)
                                 .where(PendingChange.decided_at.is_(None))) == 1
    # The goal changes after the import was proposed: approving it now is refused and nothing is written.
    with app.app_context():
        db.session.execute(db.text("UPDATE goal SET title = 'Tussendoor', version = version + 1 WHERE code = 'MN.3.2'"))
        db.session.commit()
    stale = client.post(f"/doelen/wijzigingen/{b}", data={"decision": "approve"})
    assert stale.status_code == 409
    assert "De leerdoelen zijn veranderd nadat deze import werd voorgesteld" in stale.get_data(as_text=True)
    assert goal_state(app, "MN.3.2")["title"] == "Tussendoor" and goal_state(app, "MN.3.11") is None
    assert counts(app)["goal"] == before["goal"]


def test_an_import_of_drafts_only_needs_no_approval(app, client, factory, framework, four_eyes):
    login_as(client, app, factory.user("redacteur"))
    content = (HEADER + "MN.3.11;MN.3;Alleen een concept;;5-8;;;\n").encode()
    answer = confirm(client, "goals", token_of(upload(client, "goals", content)))
    assert answer.status_code == 302
    assert goal_state(app, "MN.3.11")["status"] == "concept"
    assert _pending(app) == []
    # Publishing a new goal through an import does wait.
    content = (HEADER + "MN.3.12;MN.3;Meteen vastgesteld;;5-8;;vastgesteld;\n").encode()
    confirm(client, "goals", token_of(upload(client, "goals", content)))
    assert goal_state(app, "MN.3.12") is None
    assert [kind for _, kind, _ in _pending(app)] == ["import.goals"]
