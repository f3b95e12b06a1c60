"""Consultation rounds: opening, the home-page listing, responses, replies, hiding, explain or comply."""
from datetime import date, timedelta

from sqlalchemy import select, update

from tests.conftest import login_as
from tests.consultations.helpers import add_response, close, make_goals, make_round, response_state, responses
from tests.objectives.helpers import goal_state, revisions
from wt_curriculum.consultations.models import ConsultationRound
from wt_curriculum.core.models import AuditEvent
from wt_curriculum.extensions import db


def _set_dates(app, round_id, starts, ends):
    with app.app_context():
        db.session.execute(update(ConsultationRound).where(ConsultationRound.id == round_id).values(
            starts_on=date.today() + timedelta(days=starts), ends_on=date.today() + timedelta(days=ends)))
        db.session.commit()


def test_an_editor_opens_a_round_and_its_audience_sees_it_on_the_home_page(app, client, factory, login):
    codes = make_goals(app, n=2, publish=(1,))
    login("redacteur")
    end = (date.today() + timedelta(days=10)).isoformat()
    response = client.post("/consultaties/nieuw", data={
        "title": "Bruggen en constructies", "explanation": "Reageer op de nieuwe doelen.",
        "starts_on": date.today().isoformat(), "ends_on": end, "audiences": ["leraren", "netwerken"],
        "scope": "goals", "goal_codes": f"{codes[0]}, {codes[1]}"})
    assert response.status_code == 303
    with app.app_context():
        round_ = db.session.scalar(select(ConsultationRound))
        assert (round_.title, round_.audiences) == ("Bruggen en constructies", ["netwerken", "leraren"])
        round_id = round_.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bruggen en constructies" in page and codes[0] in page and codes[1] in page

    teacher = factory.user("leraar")
    login_as(client, app, teacher)
    home = client.get("/").get_data(as_text=True)
    assert "Bruggen en constructies" in home and f"/consultaties/{round_id}" in home
    coordinator = factory.user("coordinator")
    login_as(client, app, coordinator)
    assert "Bruggen en constructies" not in client.get("/").get_data(as_text=True)
    refused = client.get(f"/consultaties/{round_id}")
    assert refused.status_code == 403
    assert "netwerkcoördinatoren, leraren" in refused.get_data(as_text=True)

    # After its end date it is no longer listed.
    _set_dates(app, round_id, -20, -1)
    login_as(client, app, teacher)
    assert "Bruggen en constructies" not in client.get("/").get_data(as_text=True)


def test_the_round_form_says_what_is_wrong(app, client, login):
    make_goals(app, n=1)
    login("redacteur")
    page = client.post("/consultaties/nieuw", data={
        "title": "X", "starts_on": "2030-05-01", "ends_on": "2030-04-01", "audiences": ["leraren"],
        "scope": "goals", "goal_codes": "CO.1.1"}).get_data(as_text=True)
    assert "De einddatum ligt vóór de begindatum." in page
    page = client.post("/consultaties/nieuw", data={
        "title": "X", "starts_on": "2030-05-01", "ends_on": "2030-06-01", "scope": "goals",
        "goal_codes": "CO.1.1"}).get_data(as_text=True)
    assert "Kies wie er wordt gevraagd te reageren." in page
    page = client.post("/consultaties/nieuw", data={
        "title": "X", "starts_on": "2030-05-01", "ends_on": "2030-06-01", "audiences": ["leraren"],
        "scope": "goals", "goal_codes": "CO.1.1 ZZ.9.9"}).get_data(as_text=True)
    assert "Er is geen leerdoel met code ZZ.9.9." in page
    page = client.post("/consultaties/nieuw", data={
        "title": "X", "starts_on": "2030-05-01", "ends_on": "2030-06-01", "audiences": ["leraren"],
        "scope": "draft"}).get_data(as_text=True)
    assert "Er zijn geen conceptdoelen" in page
    with app.app_context():
        assert db.session.scalar(select(ConsultationRound.id)) is None


def test_responding_with_a_proposed_wording_shows_a_diff_to_the_editor(app, client, factory, login):
    codes = make_goals(app, n=1)
    editor = factory.user("redacteur")
    round_id = make_round(app, codes, audiences=("leraren", "netwerken"))
    network = factory.network(name="Techniek Utrecht")
    school = factory.school(network_id=network, name="De Regenboog")
    teacher = login("leraar", school_id=school)
    form = client.get(f"/consultaties/{round_id}/reageren?doel={codes[0]}")
    assert form.status_code == 200 and "Doel 1 over bruggen bouwen" in form.get_data(as_text=True)
    response = client.post(f"/consultaties/{round_id}/reageren?doel={codes[0]}", data={
        "position": "eens-met-wijzigingen", "comment": "Noem ook torens.",
        "proposed_title": "Doel 1 over bruggen en torens bouwen"})
    assert response.status_code == 303
    [saved] = responses(app, round_id)
    assert (saved["author_id"], saved["position"], saved["comment"]) == (teacher.id, "eens-met-wijzigingen",
                                                                         "Noem ook torens.")
    page = client.get(f"/consultaties/{round_id}").get_data(as_text=True)
    assert "Leraar" in page and "De Regenboog" in page and "Doel 1 over bruggen en torens bouwen" in page

    # Twice on one goal: a clear message, nothing saved.
    again = client.post(f"/consultaties/{round_id}/reageren?doel={codes[0]}", data={
        "position": "oneens", "comment": "Toch niet."})
    assert again.status_code == 200
    assert "Je hebt al op dit leerdoel gereageerd" in again.get_data(as_text=True)
    assert len(responses(app, round_id)) == 1

    login_as(client, app, editor)
    page = client.get(f"/consultaties/{round_id}").get_data(as_text=True)
    assert "<ins>en torens</ins>" in page
    assert "Eens met wijzigingen" in page or "eens met wijzigingen" in page


def test_responses_outside_the_audience_or_the_dates_are_refused_with_a_message(app, client, factory, login):
    codes = make_goals(app, n=1)
    round_id = make_round(app, codes, audiences=("leraren",))
    login("coordinator")
    refused = client.post(f"/consultaties/{round_id}/reageren?doel={codes[0]}", data={
        "position": "eens", "comment": ""})
    assert refused.status_code == 403
    assert "alleen voor leraren" in refused.get_data(as_text=True)
    login("leraar")
    _set_dates(app, round_id, -10, -1)
    late = client.post(f"/consultaties/{round_id}/reageren?doel={codes[0]}", data={"position": "eens"})
    assert late.status_code == 200
    assert "Deze ronde is gesloten op" in late.get_data(as_text=True)
    assert responses(app, round_id) == []
    # A position is needed, and a comment unless you agree.
    _set_dates(app, round_id, 0, 5)
    page = client.post(f"/consultaties/{round_id}/reageren?doel={codes[0]}", data={"position": "oneens"})
    assert "Licht je standpunt toe" in page.get_data(as_text=True)
    page = client.post(f"/consultaties/{round_id}/reageren", data={"comment": "Prima"})
    assert "Kies je standpunt." in page.get_data(as_text=True)
    assert responses(app, round_id) == []


def test_a_respondent_changes_their_response_while_the_round_is_open(app, client, factory, login):
    codes = make_goals(app, n=1)
    round_id = make_round(app, codes)
    teacher = login("leraar")
    response_id = add_response(app, round_id, teacher.id, codes[0], comment="Eerste versie")
    page = client.get(f"/consultaties/{round_id}/reacties/{response_id}/wijzigen")
    assert "Eerste versie" in page.get_data(as_text=True)
    changed = client.post(f"/consultaties/{round_id}/reacties/{response_id}/wijzigen", data={
        "position": "oneens", "comment": "Tweede versie"})
    assert changed.status_code == 303
    assert response_state(app, response_id)["comment"] == "Tweede versie"
    # Someone else may not change it.
    login("leraar")
    assert client.post(f"/consultaties/{round_id}/reacties/{response_id}/wijzigen", data={
        "position": "eens", "comment": "Gekaapt"}).status_code == 403
    close(app, round_id)
    login_as(client, app, teacher)
    late = client.post(f"/consultaties/{round_id}/reacties/{response_id}/wijzigen", data={
        "position": "eens", "comment": "Te laat"})
    assert "Deze ronde is gesloten op" in late.get_data(as_text=True)
    assert response_state(app, response_id)["comment"] == "Tweede versie"


def test_one_level_of_replies_and_editors_hide_abuse(app, client, factory, login):
    codes = make_goals(app, n=1)
    round_id = make_round(app, codes)
    author = factory.user("leraar")
    response_id = add_response(app, round_id, author.id, codes[0], comment="Mijn reactie")
    other = login("netwerkcoordinator")
    assert client.post(f"/consultaties/{round_id}/reacties/{response_id}/reactie",
                       data={"comment": "Helemaal mee eens"}).status_code == 303
    reply = [r for r in responses(app, round_id) if r["parent_id"] == response_id]
    assert [(r["author_id"], r["comment"]) for r in reply] == [(other.id, "Helemaal mee eens")]
    client.post(f"/consultaties/{round_id}/reacties/{reply[0]['id']}/reactie", data={"comment": "Nog dieper"},
                follow_redirects=True)
    assert len(responses(app, round_id)) == 2  # a reply to a reply is refused
    page = client.get(f"/consultaties/{round_id}").get_data(as_text=True)
    assert "Helemaal mee eens" in page and "Netwerkcoördinator" in page

    login("redacteur")
    assert client.post(f"/consultaties/{round_id}/reacties/{response_id}/verbergen",
                       data={"reason": "Beledigend"}).status_code == 303
    assert response_state(app, response_id)["hidden"]
    with app.app_context():
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.hide_response"))
        assert "Beledigend" in audit.summary and "Mijn reactie" in audit.summary
    assert "Verborgen door een redacteur: Beledigend" in client.get(f"/consultaties/{round_id}").get_data(
        as_text=True)
    login_as(client, app, author)
    page = client.get(f"/consultaties/{round_id}").get_data(as_text=True)
    assert "Mijn reactie" not in page and "Helemaal mee eens" not in page
    # A hidden response cannot be replied to or changed: it does not exist for others.
    assert client.post(f"/consultaties/{round_id}/reacties/{response_id}/reactie",
                       data={"comment": "Hallo"}).status_code == 404
    assert client.get(f"/consultaties/{round_id}/reacties/{response_id}/wijzigen").status_code == 404


def test_explain_or_comply_adopts_a_wording_as_a_revision_and_the_round_is_done_when_all_are_answered(
        app, client, factory, login):
    codes = make_goals(app, n=2, publish=())
    round_id = make_round(app, codes)
    teacher, coordinator = factory.user("leraar"), factory.user("netwerkcoordinator")
    adopted = add_response(app, round_id, teacher.id, codes[0], comment="Torens ook",
                           proposed_title="Doel 1 over bruggen en torens bouwen")
    declined = add_response(app, round_id, coordinator.id, codes[1], position="oneens", comment="Te moeilijk")
    login("redacteur")
    early = client.post(f"/consultaties/{round_id}/reacties/{adopted}/beantwoorden", data={
        "answer": "overgenomen", "reason": "Goed punt"})
    assert "Reacties worden beantwoord nadat de ronde is gesloten." in early.get_data(as_text=True)
    assert client.post(f"/consultaties/{round_id}/sluiten").status_code == 303
    page = client.get(f"/consultaties/{round_id}").get_data(as_text=True)
    assert "2 reacties wachten nog op een antwoord." in page

    missing = client.post(f"/consultaties/{round_id}/reacties/{declined}/beantwoorden", data={
        "answer": "niet-overgenomen", "reason": ""})
    assert "Geef de reden van je antwoord." in missing.get_data(as_text=True)
    assert client.post(f"/consultaties/{round_id}/reacties/{declined}/beantwoorden", data={
        "answer": "niet-overgenomen", "reason": "Past bij groep 7 en 8."}).status_code == 303
    assert "1 reactie wacht nog op een antwoord." in client.get(f"/consultaties/{round_id}").get_data(as_text=True)
    form = client.get(f"/consultaties/{round_id}/reacties/{adopted}/beantwoorden").get_data(as_text=True)
    assert "<ins>en torens</ins>" in form
    assert client.post(f"/consultaties/{round_id}/reacties/{adopted}/beantwoorden", data={
        "answer": "overgenomen", "reason": "Goed punt", "apply_wording": "y",
        "title": "Doel 1 over bruggen en torens bouwen",
        "description": "Leerlingen bouwen een brug van papier en testen hoeveel die draagt (1)."}).status_code == 303
    assert goal_state(app, codes[0])["title"] == "Doel 1 over bruggen en torens bouwen"
    newest = revisions(app, codes[0])[0]
    assert f"reactie #{adopted}" in newest.note and "Ronde 1" in newest.note
    assert response_state(app, adopted)["applied_revision"] == newest.number
    assert response_state(app, declined)["answer"] == "niet-overgenomen"
    page = client.get(f"/consultaties/{round_id}").get_data(as_text=True)
    assert "Elke reactie is beantwoord: de ronde is klaar." in page
    assert "Past bij groep 7 en 8." in page


def test_answering_a_response_the_editor_cannot_see_is_404(app, client, factory, login):
    codes = make_goals(app, n=1)
    round_id = make_round(app, codes)
    other_round = make_round(app, codes, title="Andere")
    author = factory.user("leraar")
    response_id = add_response(app, round_id, author.id, codes[0])
    close(app, round_id)
    login("redacteur")
    assert client.get(f"/consultaties/{other_round}/reacties/{response_id}/beantwoorden").status_code == 404
    assert client.post(f"/consultaties/{round_id}/reacties/999999/beantwoorden",
                       data={"answer": "overgenomen", "reason": "x"}).status_code == 404
    client.post(f"/consultaties/{round_id}/reacties/{response_id}/verbergen", data={"reason": "Spam"})
    assert client.post(f"/consultaties/{round_id}/reacties/{response_id}/beantwoorden",
                       data={"answer": "overgenomen", "reason": "x"}).status_code == 404
    assert response_state(app, response_id)["answer"] is None


def test_with_four_eyes_an_adopted_wording_for_a_published_goal_waits_for_approval(app, client, factory, login):
    from wt_curriculum.objectives.models import PendingChange

    app.config["FOUR_EYES"] = True
    codes = make_goals(app, n=1, publish=(1,))
    round_id = make_round(app, codes)
    teacher = factory.user("leraar")
    response_id = add_response(app, round_id, teacher.id, codes[0], proposed_title="Bruggen en torens")
    close(app, round_id)
    login("redacteur")
    assert client.post(f"/consultaties/{round_id}/reacties/{response_id}/beantwoorden", data={
        "answer": "overgenomen", "reason": "Goed", "apply_wording": "y", "title": "Bruggen en torens"}
    ).status_code == 303
    assert goal_state(app, codes[0])["title"] == "Doel 1 over bruggen bouwen"
    with app.app_context():
        change = db.session.scalar(select(PendingChange))
        assert f"reactie #{response_id}" in change.note and "Bruggen en torens" in change.payload
    assert response_state(app, response_id)["answer"] == "overgenomen"
