"""Editors create, edit, publish, retire, restore and reorder goals; bad input saves nothing."""
from datetime import date

import pytest
from sqlalchemy import select, text

from tests.objectives.helpers import add_goal, counts, goal_form, goal_state, ids, revisions
from wt_curriculum.errors import Conflict, ValidationError
from wt_curriculum.extensions import db
from wt_curriculum.objectives import services
from wt_curriculum.objectives.models import FrameworkRelease, Goal


@pytest.fixture
def editor(login, framework):
    return login("redacteur")


def new_goal_data(app, **changes) -> dict:
    domain_id, strand_id = ids(app, "MN", "MN.7")
    data = {"domain_id": domain_id, "strand_id": strand_id, "code": "MN.7.40", "title": "Zelf een windmolen bouwen",
            "description": "Leerlingen bouwen een werkende windmolen.", "groepen": [5, 6],
            "keywords": "energie, wind", "source_code": "MN07.2", "note": "Nieuw doel"}
    data.update(changes)
    return data


def test_an_editor_creates_a_draft_goal(client, app, editor):
    response = client.post("/doelen/nieuw", data=new_goal_data(app))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/doelen/MN.7.40")
    state = goal_state(app, "MN.7.40")
    assert state["title"] == "Zelf een windmolen bouwen"
    assert state["status"] == "concept" and state["groepen"] == [5, 6] and state["keywords"] == "energie, wind"
    [revision] = revisions(app, "MN.7.40")
    assert revision.action == "create" and revision.note == "Nieuw doel" and revision.author_name


def _retired_code(app) -> str:
    code = "MN.7.41"
    add_goal(app, code)
    with app.app_context():
        services.retire_goal(db.session, db.session.scalar(select(Goal).where(Goal.code == code)), None, "weg")
        db.session.commit()
    return code


BAD_INPUT = [
    ("duplicate code", {"code": "MN.7.1"}, "is al in gebruik"),
    ("malformed code", {"code": "MN-7-4"}, "Een doelcode is de code van de leerlijn"),
    ("code of another strand", {"code": "MN.6.90"}, "Een doelcode is de code van de leerlijn"),
    ("empty title", {"title": "   "}, "Vul een titel in"),
    ("too long title", {"title": "x" * 201}, "Gebruik hoogstens 200 tekens"),
    ("groep 0", {"groepen": [0, 5]}, "Groepen lopen van 1 tot en met 8"),
    ("groep 9", {"groepen": [9]}, "Groepen lopen van 1 tot en met 8"),
    ("no groep", {"groepen": []}, "Kies minstens één groep"),
    ("groep not a number", {"groepen": ["drie"]}, "Groepen lopen van 1 tot en met 8"),
    ("strand id not a number", {"strand_id": "abc"}, "Kies een leerlijn"),
    ("strand that does not exist", {"strand_id": "99999"}, "Kies een van de mogelijkheden"),
]


@pytest.mark.parametrize(("case", "changes", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_for_a_new_goal_is_refused_and_kept(client, app, editor, case, changes, message):
    before = counts(app)
    data = new_goal_data(app, **changes)
    response = client.post("/doelen/nieuw", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="Leerlingen bouwen een werkende windmolen."' not in html  # a textarea keeps it as content
    assert "Leerlingen bouwen een werkende windmolen." in html
    if "title" not in case:
        assert str(data["title"])[:40] in html
    assert counts(app) == before


def test_a_strand_from_another_domain_is_refused(client, app, editor):
    domain_id, _ = ids(app, "DG", "DG.1")
    _, strand_id = ids(app, "MN", "MN.7")
    before = counts(app)
    response = client.post("/doelen/nieuw", data=new_goal_data(app, domain_id=domain_id, strand_id=strand_id))
    assert response.status_code == 200
    assert "Leerlijn MN.7 hoort niet bij domein DG" in response.get_data(as_text=True)
    assert counts(app) == before


def test_the_code_of_a_retired_goal_is_never_used_again(client, app, editor):
    code = _retired_code(app)
    before = counts(app)
    response = client.post("/doelen/nieuw", data=new_goal_data(app, code=code))
    assert "Code MN.7.41 is al in gebruik" in response.get_data(as_text=True)
    assert counts(app) == before


def test_an_editor_edits_a_goal_and_it_becomes_a_revision(client, app, editor):
    response = client.post("/doelen/MN.7.1/bewerken", data=goal_form(
        app, "MN.7.1", title="Een betere titel", groepen=[7, 8], note="Titel verduidelijkt"))
    assert response.status_code == 302
    state = goal_state(app, "MN.7.1")
    assert state["title"] == "Een betere titel" and state["groepen"] == [7, 8] and state["version"] == 2
    newest = revisions(app, "MN.7.1")[0]
    assert (newest.number, newest.action, newest.note) == (2, "update", "Titel verduidelijkt")
    assert newest.snapshot["title"] == "Een betere titel"


def test_an_edit_with_an_empty_title_saves_nothing_and_keeps_the_typing(client, app, editor):
    before = goal_state(app, "MN.7.1")
    response = client.post("/doelen/MN.7.1/bewerken", data=goal_form(
        app, "MN.7.1", title="", description="Mijn nieuwe beschrijving"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Vul een titel in" in html and "Mijn nieuwe beschrijving" in html
    assert goal_state(app, "MN.7.1") == before


def test_the_code_of_a_published_goal_cannot_change(client, app, editor):
    before = goal_state(app, "MN.7.1")
    response = client.post("/doelen/MN.7.1/bewerken", data={**goal_form(app, "MN.7.1"), "code": "MN.7.77"})
    assert response.status_code == 200
    assert "nooit" in response.get_data(as_text=True)
    assert goal_state(app, "MN.7.1") == before


def test_a_second_editor_who_saves_an_older_version_is_refused(client, app, editor, factory):
    from tests.conftest import login_as

    other = app.test_client()
    login_as(other, app, factory.user("redacteur"))
    # Both open the edit form at the same version.
    first_form = goal_form(app, "MN.7.1", title="Titel van de eerste redacteur", note="eerste")
    second_form = goal_form(app, "MN.7.1", title="Titel van de tweede redacteur", keywords="mijn, woorden",
                            note="tweede")
    assert first_form["version"] == second_form["version"]
    assert other.post("/doelen/MN.7.1/bewerken", data=first_form).status_code == 302

    response = client.post("/doelen/MN.7.1/bewerken", data=second_form)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Iemand anders heeft dit leerdoel opgeslagen nadat je het opende" in html
    # The other editor's change is shown, and this editor's typing is kept.
    assert "Titel van de eerste redacteur" in html
    assert 'value="Titel van de tweede redacteur"' in html and 'value="mijn, woorden"' in html
    state = goal_state(app, "MN.7.1")
    assert state["title"] == "Titel van de eerste redacteur" and state["keywords"] != "mijn, woorden"
    # The form now carries the stored version: saving again is a deliberate choice.
    assert f'name="version" type="hidden" value="{state["version"]}"' in html


def test_a_lost_race_at_the_update_is_a_conflict_too(app, framework):
    """Between the version check and the UPDATE someone else saved: SQLAlchemy's StaleDataError."""
    from sqlalchemy.orm.attributes import set_committed_value

    with app.test_request_context():
        goal = db.session.scalar(select(Goal).where(Goal.code == "MN.7.1"))
        opened = goal.version
        db.session.execute(text("UPDATE goal SET version = version + 1, title = 'tussendoor' WHERE id = :id"),
                           {"id": goal.id})
        db.session.commit()
        # This request still holds the goal as it was when it passed the version check.
        set_committed_value(goal, "version", opened)
        domain_id = db.session.scalar(text("SELECT domain_id FROM strand WHERE id = :id"), {"id": goal.strand_id})
        data = services.GoalData("MN.7.1", domain_id, goal.strand_id, "Mijn titel", groepen=[5])
        with pytest.raises(Conflict):
            services.update_goal(db.session, goal, data, None, "", expected_version=opened)
        db.session.rollback()
        assert db.session.get(Goal, goal.id).title == "tussendoor"


def test_publish_retire_with_replacement(client, app, editor):
    add_goal(app, "MN.7.50", title="Concept", publish=False)
    assert client.post("/doelen/MN.7.50/vaststellen", data={"note": "", "version": 1}).status_code == 200
    assert goal_state(app, "MN.7.50")["status"] == "concept"  # a note is required
    assert client.post("/doelen/MN.7.50/vaststellen", data={"note": "Vastgesteld door SLO"}).status_code == 302
    assert goal_state(app, "MN.7.50")["status"] == "vastgesteld"
    assert revisions(app, "MN.7.50")[0].action == "publish"

    response = client.post("/doelen/MN.7.1/laten-vervallen", data={"note": "Opgegaan in MN.7.50",
                                                                   "replaced_by": "MN.7.50"})
    assert response.status_code == 302
    state = goal_state(app, "MN.7.1")
    assert state["status"] == "vervallen" and state["replaced_by"] == "MN.7.50"
    assert revisions(app, "MN.7.1")[0].note == "Opgegaan in MN.7.50"
    # A retired goal stays readable for everyone, clearly marked, with a link to its replacement.
    html = app.test_client().get("/doelen/MN.7.1").get_data(as_text=True)
    assert "Dit leerdoel is vervallen" in html and "/doelen/MN.7.50" in html


@pytest.mark.parametrize(("replaced_by", "message"), [
    ("XX.1.1", "Er is geen leerdoel met code XX.1.1"),
    ("MN.7.1", "Een leerdoel kan zichzelf niet vervangen"),
])
def test_retire_with_a_wrong_replacement_saves_nothing(client, app, editor, replaced_by, message):
    before = goal_state(app, "MN.7.1")
    response = client.post("/doelen/MN.7.1/laten-vervallen", data={"note": "weg", "replaced_by": replaced_by})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and f'value="{replaced_by}"' in html
    assert goal_state(app, "MN.7.1") == before


def test_publishing_a_stale_version_is_refused(client, app, editor):
    add_goal(app, "MN.7.51", publish=False)
    response = client.post("/doelen/MN.7.51/vaststellen", data={"note": "ok", "version": 0})
    assert response.status_code == 409
    assert "Iemand anders" in response.get_data(as_text=True)
    assert goal_state(app, "MN.7.51")["status"] == "concept"


def test_restoring_an_old_revision_adds_a_new_one(client, app, editor):
    original = goal_state(app, "MN.7.1")
    for title in ("Tweede titel", "Derde titel"):
        client.post("/doelen/MN.7.1/bewerken", data=goal_form(app, "MN.7.1", title=title, groepen=[8]))
    assert goal_state(app, "MN.7.1")["title"] == "Derde titel"
    response = client.post("/doelen/MN.7.1/geschiedenis/1/herstellen",
                           data={"version": goal_state(app, "MN.7.1")["version"]})
    assert response.status_code == 302
    state = goal_state(app, "MN.7.1")
    assert state["title"] == original["title"] and state["groepen"] == original["groepen"]
    history = revisions(app, "MN.7.1")
    assert [r.number for r in history] == [4, 3, 2, 1]  # nothing deleted
    assert history[0].action == "restore" and "1" in history[0].note


def test_restoring_a_revision_that_does_not_exist_changes_nothing(client, app, editor):
    before = goal_state(app, "MN.7.1")
    response = client.post("/doelen/MN.7.1/geschiedenis/99/herstellen", data={}, follow_redirects=True)
    assert "heeft geen versie 99" in response.get_data(as_text=True)
    assert goal_state(app, "MN.7.1") == before


def test_moving_goals_up_and_down_within_their_strand(client, app, editor):
    def order():
        with app.app_context():
            return list(db.session.scalars(select(Goal.code).join(Goal.strand).where(Goal.code.like("MN.7.%"))
                                           .order_by(Goal.position, Goal.id)))

    start = order()
    assert client.post(f"/doelen/{start[1]}/verplaatsen", data={"direction": "up"}).status_code == 302
    assert order()[:2] == [start[1], start[0]]
    client.post(f"/doelen/{start[1]}/verplaatsen", data={"direction": "down"})
    assert order() == start
    # At the end already: nothing changes, no error.
    client.post(f"/doelen/{start[0]}/verplaatsen", data={"direction": "up"})
    assert order() == start
    assert client.post(f"/doelen/{start[0]}/verplaatsen", data={"direction": "sideways"}).status_code == 302
    assert order() == start
    # A move is kept in the goal's history, and does not bump its version (no conflict for an editor).
    assert revisions(app, start[1])[0].action == "move"
    assert goal_state(app, start[1])["version"] == 1


def test_a_move_clicked_on_a_stale_page_is_a_conflict_not_a_second_move(client, app, editor):
    """Issue 15: the move buttons carry the goal's position as shown; a second click (or another editor's move
    in between) answers 409 and leaves the order as it is."""
    import re

    page = client.get("/doelen").get_data(as_text=True)
    with app.app_context():
        codes = list(db.session.scalars(select(Goal.code).where(Goal.code.like("MN.7.%"))
                                        .order_by(Goal.position, Goal.id)))
    form = page.split(f'action="/doelen/{codes[1]}/verplaatsen"', 1)[1].split("</form>", 1)[0]
    seen = re.search(r'name="position" value="(\d+)"', form).group(1)
    data = {"direction": "up", "position": seen}
    assert client.post(f"/doelen/{codes[1]}/verplaatsen", data=data).status_code == 302
    moved = [codes[1], codes[0], *codes[2:]]
    again = client.post(f"/doelen/{codes[1]}/verplaatsen", data=data)
    assert again.status_code == 409
    assert "Iemand anders veranderde op hetzelfde moment de volgorde van deze leerlijn" in again.get_data(as_text=True)
    with app.app_context():
        assert list(db.session.scalars(select(Goal.code).where(Goal.code.like("MN.7.%"))
                                       .order_by(Goal.position, Goal.id))) == moved
    for bad in ("x", "²", "9" * 30, "-1"):  # never a 500; not a number means "not checked"
        assert client.post(f"/doelen/{codes[2]}/verplaatsen", data={"direction": "down", "position": bad}
                           ).status_code in (302, 409)


def test_publishing_a_framework_release(client, app, editor):
    response = client.post("/doelen/versies/nieuw", data={"version_label": "2026.2", "published_on": "2027-01-15",
                                                         "note": "Tweede versie"})
    assert response.status_code == 302
    with app.app_context():
        release = db.session.scalar(select(FrameworkRelease).where(FrameworkRelease.version == "2026.2"))
        assert release.published_on == date(2027, 1, 15) and release.note == "Tweede versie"
    again = client.post("/doelen/versies/nieuw", data={"version_label": "2026.2", "published_on": "2027-02-01"})
    assert "Versie 2026.2 is al gepubliceerd" in again.get_data(as_text=True)
    bad = client.post("/doelen/versies/nieuw", data={"version_label": "versie twee", "published_on": "morgen"})
    html = bad.get_data(as_text=True)
    assert "Een versie is een jaartal" in html and 'value="versie twee"' in html
    assert "Kaderversie 2026.2" in client.get("/doelen").get_data(as_text=True)


def test_domains_and_strands_are_created_and_validated(client, app, editor):
    assert client.post("/doelen/domeinen/nieuw", data={"code": "ON", "title": "Onderzoek"}).status_code == 302
    bad_domain = client.post("/doelen/domeinen/nieuw", data={"code": "on1", "title": "Klein"})
    assert "Een domeincode bestaat uit 2 tot 4 hoofdletters" in bad_domain.get_data(as_text=True)
    assert "Code MN is al in gebruik" in client.post(
        "/doelen/domeinen/nieuw", data={"code": "MN", "title": "Dubbel"}).get_data(as_text=True)
    domain_id, _ = ids(app, "ON", "ON.1")
    response = client.post("/doelen/leerlijnen/nieuw", data={"domain_id": domain_id, "code": "ON.1",
                                                             "title": "Meten", "source_code": "MN02"})
    assert response.status_code == 302
    wrong = client.post("/doelen/leerlijnen/nieuw", data={"domain_id": domain_id, "code": "MN.99", "title": "Mis"})
    assert "Een leerlijncode is de domeincode" in wrong.get_data(as_text=True)
    # The strand's domain cannot change once it has goals.
    mn_id, mn7 = ids(app, "MN", "MN.7")
    moved = client.post("/doelen/leerlijnen/MN.7", data={"domain_id": domain_id, "code": "ON.7", "title": "x"})
    assert moved.status_code == 200
    with app.app_context():
        from wt_curriculum.objectives.models import Strand

        assert db.session.get(Strand, mn7).domain_id == mn_id
    before = counts(app)
    assert before["Domain"] == 3 and before["Strand"] >= 16


def test_services_refuse_bad_input_with_the_field_named(app, framework):
    with app.test_request_context():
        goal = db.session.scalar(select(Goal).where(Goal.code == "MN.7.1"))
        data = services.GoalData("MN.7.1", None, goal.strand_id, "x", groepen=[1])
        with pytest.raises(ValidationError) as error:
            services.update_goal(db.session, goal, data, None, "", goal.version)
        assert error.value.details["field"] == "domain_id"
        with pytest.raises(Conflict):
            services.update_goal(db.session, goal, data, None, "", goal.version - 1)
