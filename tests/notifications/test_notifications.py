"""Notifications: the inbox, mails on a real local SMTP server, the daily digest, unsubscribing without login."""
import re

from sqlalchemy import select

from tests.consultations.helpers import add_response, close, goal_id, make_goals, make_round
from tests.lessons.helpers import make_package
from wt_curriculum.consultations import services as consultations
from wt_curriculum.consultations.models import ConsultationRound
from wt_curriculum.extensions import db
from wt_curriculum.notifications import services
from wt_curriculum.notifications.models import Notification, NotificationSetting
from wt_curriculum.notifications.tasks import send_digests
from wt_curriculum.objectives import services as goals
from wt_curriculum.organisations.models import School
from wt_curriculum.planning import services as planning


def inbox_of(app, user_id) -> list[tuple[str, str]]:
    with app.app_context():
        return [(n.kind, n.subject) for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]


def _open_round(client, codes, audiences, starts=None):
    from datetime import date, timedelta

    return client.post("/consultaties/nieuw", data={
        "title": "Ronde over bruggen", "starts_on": (starts or date.today()).isoformat(),
        "ends_on": (date.today() + timedelta(days=10)).isoformat(), "audiences": audiences,
        "scope": "goals", "goal_codes": " ".join(codes)})


def _link(message, pattern) -> str:
    text = message.get_body(("plain",)).get_content()
    found = re.search(pattern, text)
    assert found, text
    return found.group(0)


def test_a_round_opening_is_told_to_its_audience_only_with_an_unsubscribe_link(app, client, factory, login,
                                                                               smtp_inbox):
    app.config.update(smtp_inbox.config(), BASE_URL="https://wt.example.nl")
    codes = make_goals(app, n=1)
    teacher = factory.user("leraar", email="juf@school.example")
    coordinator = factory.user("coordinator", email="coord@school.example")
    editor = login("redacteur")
    assert _open_round(client, codes, ["leraren"]).status_code == 303
    assert inbox_of(app, teacher.id) == [("consultation.open", "Consultatieronde geopend: Ronde over bruggen")]
    assert inbox_of(app, coordinator.id) == [] and inbox_of(app, editor.id) == []
    [message] = smtp_inbox.wait_for(1)
    assert message["To"] == "juf@school.example"
    assert message["Subject"] == "Consultatieronde geopend: Ronde over bruggen"
    assert "https://wt.example.nl/consultaties/" in message.get_body(("plain",)).get_content()
    unsubscribe = _link(message, r"https://wt\.example\.nl/meldingen/afmelden/\S+")
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"

    # The link works without logging in.
    anonymous = app.test_client()
    path = unsubscribe.removeprefix("https://wt.example.nl")
    page = anonymous.get(path)
    assert page.status_code == 200 and "juf@school.example" in page.get_data(as_text=True)
    done = anonymous.post(path)
    assert done.status_code == 200 and "krijgt geen meldingen meer per e-mail" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(NotificationSetting, teacher.id).mail == "uit"
    # Later notifications stay in the inbox, without mail.
    assert _open_round(client, codes, ["leraren"]).status_code == 303
    assert len(inbox_of(app, teacher.id)) == 2
    smtp_inbox.wait_for(2, seconds=1)
    assert len(smtp_inbox.messages) == 1


def test_a_reply_and_an_answer_are_told_to_the_respondent(app, client, factory, login, smtp_inbox):
    app.config.update(smtp_inbox.config())
    codes = make_goals(app, n=1)
    round_id = make_round(app, codes)
    teacher = factory.user("leraar", email="juf@school.example")
    response_id = add_response(app, round_id, teacher.id, codes[0])
    login("netwerkcoordinator")
    client.post(f"/consultaties/{round_id}/reacties/{response_id}/reactie", data={"comment": "Eens!"})
    close(app, round_id)
    login("redacteur")
    client.post(f"/consultaties/{round_id}/reacties/{response_id}/beantwoorden", data={
        "answer": "deels-overgenomen", "reason": "Deels verwerkt."})
    kinds = [k for k, _s in inbox_of(app, teacher.id)]
    assert kinds == ["consultation.reply", "consultation.answer"]
    messages = smtp_inbox.wait_for(2)
    assert [m["To"] for m in messages] == ["juf@school.example", "juf@school.example"]
    assert "deels overgenomen" in messages[1]["Subject"]
    assert "Deels verwerkt." in messages[1].get_body(("plain",)).get_content()


def test_a_changed_or_retired_goal_is_told_to_the_networks_and_schools_that_use_it(app, client, factory, login):
    codes = make_goals(app, n=2, publish=(1, 2))
    network, other_network = factory.network(), factory.network()
    school_id = factory.school(network_id=other_network)
    package = make_package(app, network, [goal_id(app, codes[0])])
    with app.app_context():
        planning.add_plan_entry(db.session, db.session.get(School, school_id), package, 2030, 6)
        db.session.commit()
    network_user = factory.user("netwerkcoordinator", network_id=network)
    teacher = factory.user("leraar", school_id=school_id)
    outsiders = [factory.user("netwerkcoordinator", network_id=other_network), factory.user("leraar")]
    with app.app_context():
        goal = goals.goal_by_code(db.session, codes[0])
        goals.update_goal(db.session, goal, goals.GoalData(
            goal.code, db.session.scalar(select(goals.Strand.domain_id).where(goals.Strand.id == goal.strand_id)),
            goal.strand_id, "Nieuwe titel", goal.description, goal.groepen), None, "", goal.version)
        goals.retire_goal(db.session, goals.goal_by_code(db.session, codes[1]), None)  # no one uses it
        db.session.commit()
    assert inbox_of(app, network_user.id) == [("goal.update", "Leerdoel CO.1.1 is gewijzigd")]
    assert inbox_of(app, teacher.id) == [("goal.update", "Leerdoel CO.1.1 is gewijzigd")]
    assert all(inbox_of(app, u.id) == [] for u in outsiders)
    with app.app_context():
        goals.retire_goal(db.session, goals.goal_by_code(db.session, codes[0]), None)
        db.session.commit()
    assert inbox_of(app, teacher.id)[-1] == ("goal.retire", "Leerdoel CO.1.1 is vervallen")


def test_the_daily_digest_sends_one_mail_with_everything_new(app, client, factory, login, smtp_inbox):
    app.config.update(smtp_inbox.config())
    codes = make_goals(app, n=1)
    teacher = login("leraar")
    assert client.post("/meldingen/instellingen", data={"mail": "dagelijks"}).status_code == 303
    make_round(app, codes, audiences=("leraren",), title="Eerste ronde")
    make_round(app, codes, audiences=("leraren",), title="Tweede ronde")
    assert len(inbox_of(app, teacher.id)) == 2
    smtp_inbox.wait_for(1, seconds=0.5)
    assert smtp_inbox.messages == []
    with app.app_context():
        send_digests.call_local()
    [message] = smtp_inbox.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    assert "Eerste ronde" in text and "Tweede ronde" in text and "/meldingen/afmelden/" in text
    with app.app_context():
        send_digests.call_local()  # nothing new: nothing sent
    smtp_inbox.wait_for(2, seconds=0.5)
    assert len(smtp_inbox.messages) == 1


def test_mail_server_down_no_request_fails_and_the_inbox_has_it(app, client, factory, login, closed_smtp_port):
    app.config.update({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": closed_smtp_port, "MAIL_TIMEOUT": 2,
                       "MAIL_SENDER": "noreply@wt.test"})
    codes = make_goals(app, n=1)
    teacher = factory.user("leraar")
    login("redacteur")
    assert _open_round(client, codes, ["leraren"]).status_code == 303
    assert len(inbox_of(app, teacher.id)) == 1


def test_the_header_counts_unread_and_the_inbox_opens_them(app, client, factory, login):
    codes = make_goals(app, n=1)
    teacher = login("leraar")
    round_id = make_round(app, codes, audiences=("leraren",))
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'Meldingen <span class="badge"[^>]*>1</span>', page)
    with app.app_context():
        notification_id = db.session.scalar(select(Notification.id).where(Notification.user_id == teacher.id))
    inbox = client.get("/meldingen").get_data(as_text=True)
    assert "Consultatieronde geopend: Ronde 1" in inbox and "1 ongelezen melding." in inbox
    opened = client.post(f"/meldingen/{notification_id}")
    assert opened.status_code == 303 and opened.headers["Location"] == f"/consultaties/{round_id}"
    assert 'class="badge"' not in client.get("/").get_data(as_text=True).split("</header>")[0]
    # Someone else's notification does not exist for you.
    login("leraar")
    assert client.post(f"/meldingen/{notification_id}").status_code == 404


def test_a_round_that_starts_later_is_announced_when_it_starts(app, client, factory, login):
    codes = make_goals(app, n=1)
    teacher = factory.user("leraar")
    round_id = make_round(app, codes, audiences=("leraren",), starts=3)
    assert inbox_of(app, teacher.id) == []
    from datetime import date, timedelta

    with app.app_context():
        db.session.get(ConsultationRound, round_id).starts_on = date.today() - timedelta(days=1)
        db.session.commit()
    with app.test_request_context():
        assert consultations.announce_open_rounds(db.session) == 1
        db.session.commit()
        assert consultations.announce_open_rounds(db.session) == 0
    assert [k for k, _s in inbox_of(app, teacher.id)] == ["consultation.open"]
    with app.app_context():
        assert services.unread_count(db.session, teacher.id) == 1
