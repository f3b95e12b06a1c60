"""Notifications are stored language-neutral (the English source text and its parameters) and shown in the
reader's language: the inbox in the page's language (the user's choice, User.language, when no cookie says
otherwise), the mail and the daily digest in the recipient's chosen language, Dutch when they chose none."""
from datetime import date, timedelta

from flask_babel import force_locale, format_date
from sqlalchemy import select, update

from tests.conftest import login_as
from tests.consultations.helpers import add_response, close, make_goals, make_round
from wt_curriculum.auth.models import User
from wt_curriculum.extensions import db
from wt_curriculum.notifications import services
from wt_curriculum.notifications.models import Notification
from wt_curriculum.notifications.tasks import send_digests


def _prefer(app, user_id, language):
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(language=language))
        db.session.commit()


def _open_round(client, codes, ends_on):
    return client.post("/consultaties/nieuw", data={
        "title": "Ronde over bruggen", "starts_on": date.today().isoformat(), "ends_on": ends_on.isoformat(),
        "audiences": ["leraren"], "scope": "goals", "goal_codes": " ".join(codes)})


def _long_date(app, day, language):
    with app.test_request_context(), force_locale(language):
        return format_date(day, "long")


def test_each_recipient_gets_the_mail_and_the_inbox_in_their_own_language(app, client, factory, login, smtp_inbox):
    app.config.update(smtp_inbox.config())
    codes = make_goals(app, n=1)
    english = factory.user("leraar", email="teacher@school.example")
    dutch = factory.user("leraar", email="juf@school.example")
    _prefer(app, english.id, "en")
    ends_on = date.today() + timedelta(days=10)
    login("redacteur")
    assert _open_round(client, codes, ends_on).status_code == 303
    mails = {m["To"]: m for m in smtp_inbox.wait_for(2)}
    assert mails["teacher@school.example"]["Subject"] == "Consultation round opened: Ronde over bruggen"
    text = mails["teacher@school.example"].get_body(("plain",)).get_content()
    assert f"Respond until {_long_date(app, ends_on, 'en')}." in text and "All your notifications" in text
    assert mails["juf@school.example"]["Subject"] == "Consultatieronde geopend: Ronde over bruggen"
    text = mails["juf@school.example"].get_body(("plain",)).get_content()
    assert f"Reageren kan tot en met {_long_date(app, ends_on, 'nl')}." in text and "Al je meldingen" in text
    # Stored once, neutral: the source text and the date as a date.
    with app.app_context():
        stored = db.session.scalar(select(Notification).where(Notification.user_id == english.id))
        assert "Consultation round opened: %(title)s" in stored.message and ends_on.isoformat() in stored.message
    # The inbox: the English-preferring teacher reads English (no cookie, no Accept-Language), the other Dutch.
    login_as(client, app, english)
    page = client.get("/meldingen").get_data(as_text=True)
    assert "Consultation round opened: Ronde over bruggen" in page and "Notifications" in page
    assert f"Respond until {_long_date(app, ends_on, 'en')}." in page
    login_as(client, app, dutch)
    page = client.get("/meldingen").get_data(as_text=True)
    assert "Consultatieronde geopend: Ronde over bruggen" in page and "Meldingen" in page
    # The language switch decides for the page (a Dutch reader switching to English reads it in English).
    client.post("/taal", data={"lang": "en", "next": "/meldingen"})
    assert "Consultation round opened: Ronde over bruggen" in client.get("/meldingen").get_data(as_text=True)


def test_an_answer_and_the_daily_digest_in_the_chosen_language(app, client, factory, login, smtp_inbox):
    app.config.update(smtp_inbox.config())
    codes = make_goals(app, n=1)
    teacher = factory.user("leraar", email="teacher@school.example")
    _prefer(app, teacher.id, "en")
    login_as(client, app, teacher)
    assert client.post("/meldingen/instellingen", data={"mail": "dagelijks"}).status_code == 303
    round_id = make_round(app, codes, audiences=("leraren",), ends=2)
    response_id = add_response(app, round_id, teacher.id, codes[0], comment="Te moeilijk")
    close(app, round_id)
    editor = login("redacteur")
    assert client.post(f"/consultaties/{round_id}/reacties/{response_id}/beantwoorden", data={
        "answer": "overgenomen", "reason": "Goed punt"}).status_code in (302, 303)
    with app.app_context():
        kinds = list(db.session.scalars(select(Notification.kind).where(Notification.user_id == teacher.id)))
        assert kinds == ["consultation.open", "consultation.answer"]
        send_digests.call_local()
    [digest] = smtp_inbox.wait_for(1)
    assert digest["Subject"] == "Your notifications of the day (2)"
    text = digest.get_body(("plain",)).get_content()
    assert 'Your response in "Ronde 1" was answered: adopted' in text and "Respond until" in text
    assert editor.id != teacher.id


def test_rows_stored_before_in_dutch_keep_working(app, client, factory, login):
    teacher = factory.user("leraar")
    _prefer(app, teacher.id, "en")
    with app.app_context():  # as the rows made before the texts were stored neutrally
        db.session.add(Notification(user_id=teacher.id, kind="goal.update", subject="Leerdoel MN.1.1 is gewijzigd",
                                    body="Het doel wordt gebruikt.", url="/doelen/MN.1.1"))
        db.session.commit()
    login_as(client, app, teacher)
    page = client.get("/meldingen").get_data(as_text=True)
    assert "Leerdoel MN.1.1 is gewijzigd" in page and "Het doel wordt gebruikt." in page


def test_the_language_switch_is_remembered_for_the_account(app, client, factory):
    teacher = factory.user("leraar")
    login_as(client, app, teacher)
    client.post("/taal", data={"lang": "en", "next": "/"})
    with app.app_context():
        assert db.session.get(User, teacher.id).language == "en"
    other_browser = app.test_client()  # no cookie: the account's choice
    login_as(other_browser, app, teacher)
    assert "Notifications" in other_browser.get("/meldingen").get_data(as_text=True)
    # Encoding keeps plain text (what a user wrote) as it is.
    with app.test_request_context():
        assert services.render(services.encode("<b>eigen tekst</b>")) == "<b>eigen tekst</b>"
