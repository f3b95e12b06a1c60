"""Password reset: a user asks by e-mail, an administrator makes a link (mailed, or shown to hand over);
links are single use, expire, and asking never tells whether an address has an account."""
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from tests.conftest import PASSWORD, login_as
from wt_curriculum.auth.models import PasswordReset, User, UserSession
from wt_curriculum.extensions import db

BASE = "https://wt.example.nl/"
NEW = "een-nieuw-sterk-wachtwoord"
SENT = "Als dit adres bij een account hoort, is er een link onderweg"


def link_in(message) -> str:
    """The path of the reset link in a mail (checked to start with the public address)."""
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(r"https?://\S+", text)
    assert link.startswith(BASE + "wachtwoord-herstellen/")
    return "/" + link[len(BASE):]


def resets(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PasswordReset))


def test_a_user_asks_for_a_link_by_mail_and_sets_a_new_password(app, client, factory, smtp_inbox):
    app.config.update(smtp_inbox.config(), BASE_URL=BASE)
    user = factory.user("leraar")
    browser = app.test_client()
    login_as(browser, app, user)  # a session somewhere else, which the reset ends
    form = client.get("/inloggen").get_data(as_text=True)
    assert 'href="/wachtwoord-vergeten"' in form and "Wachtwoord vergeten?" in form
    response = client.post("/wachtwoord-vergeten", data={"email": user.email.upper()},
                           headers={"Host": "evil.example"})
    assert response.status_code == 200 and SENT in response.get_data(as_text=True)
    [message] = smtp_inbox.wait_for(1)
    assert message["To"] == user.email and message["Subject"] == "Nieuw wachtwoord instellen"
    path = link_in(message)  # from WT_BASE_URL, not from the Host header the request named
    page = client.get(path)
    assert page.status_code == 200 and "Deze link werkt één keer" in page.get_data(as_text=True)
    weak = client.post(path, data={"new_password": "kort", "confirm": "kort"})
    assert "Gebruik minstens 10 tekens." in weak.get_data(as_text=True)
    done = client.post(path, data={"new_password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/inloggen"
    assert "Je nieuwe wachtwoord is ingesteld." in client.get("/inloggen").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).check_password(NEW)
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert browser.get("/account").status_code == 302
    assert client.post("/inloggen", data={"email": user.email, "password": NEW}).status_code == 302
    # Single use: the link is spent.
    again = app.test_client().get(path)
    assert again.status_code == 404 and "Deze link is verlopen of al gebruikt." in again.get_data(as_text=True)
    assert app.test_client().post(path, data={"new_password": "nog-een-ander-wachtwoord",
                                              "confirm": "nog-een-ander-wachtwoord"}).status_code == 404
    with app.app_context():
        assert db.session.get(User, user.id).check_password(NEW)


def test_asking_reveals_nothing_about_the_address(app, client, factory, smtp_inbox):
    app.config.update(smtp_inbox.config(), BASE_URL=BASE)
    disabled = factory.user("leraar", active=False)
    known = factory.user("leraar")
    answers = [client.post("/wachtwoord-vergeten", data={"email": address})
               for address in ("nobody@example.org", disabled.email, known.email)]
    bodies = {re.sub(r'name="csrf_token"[^>]*', "", a.get_data(as_text=True)) for a in answers}
    assert {a.status_code for a in answers} == {200}
    assert len(bodies) == 1 and SENT in bodies.pop()
    messages = smtp_inbox.wait_for(1)
    assert [m["To"] for m in messages] == [known.email]  # only the active account got mail
    assert resets(app) == 1


def test_at_most_one_mail_per_interval(app, client, factory, smtp_inbox):
    app.config.update(smtp_inbox.config(), BASE_URL=BASE)
    user = factory.user("coordinator")
    for _ in range(3):
        assert client.post("/wachtwoord-vergeten", data={"email": user.email}).status_code == 200
    smtp_inbox.wait_for(2, seconds=1)
    assert len(smtp_inbox.messages) == 1


def test_a_link_expires(app, client, factory, smtp_inbox):
    app.config.update(smtp_inbox.config(), BASE_URL=BASE)
    user = factory.user("leraar")
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    [message] = smtp_inbox.wait_for(1)
    path = link_in(message)
    with app.app_context():
        reset = db.session.scalar(select(PasswordReset))
        assert timedelta(minutes=59) < reset.expires_at - reset.created_at <= timedelta(minutes=60)
        db.session.execute(update(PasswordReset).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(path).status_code == 404
    assert client.post(path, data={"new_password": NEW, "confirm": NEW}).status_code == 404
    with app.app_context():
        assert db.session.get(User, user.id).check_password(PASSWORD)


def test_a_used_link_spends_the_accounts_other_links(app, client, factory, smtp_inbox):
    app.config.update(smtp_inbox.config(), BASE_URL=BASE, PASSWORD_RESET_MAIL_INTERVAL_MINUTES=0)
    user = factory.user("leraar")
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    first, second = (link_in(m) for m in smtp_inbox.wait_for(2))
    assert first != second
    assert client.post(second, data={"new_password": NEW, "confirm": NEW}).status_code == 302
    assert client.get(first).status_code == 404


def test_without_mail_settings_the_user_is_sent_to_the_administrator(app, client, factory):
    user = factory.user("leraar")
    page = client.get("/wachtwoord-vergeten").get_data(as_text=True)
    assert "Vraag je beheerder om een link" in page and "<form" not in page.split("<main")[1]
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    assert resets(app) == 0


def test_an_unknown_or_odd_link_is_404(client):
    for path in ("/wachtwoord-herstellen/x", "/wachtwoord-herstellen/" + "a" * 3000,
                 "/wachtwoord-herstellen/%E2%82%AC"):
        assert client.get(path).status_code == 404


def test_the_administrator_gets_the_link_to_hand_over_without_mail(app, client, factory, login):
    app.config.update(BASE_URL=BASE)
    login("beheerder")
    user = factory.user("coordinator")
    form = client.get(f"/beheer/gebruikers/{user.id}").get_data(as_text=True)
    assert f'action="/beheer/gebruikers/{user.id}/herstellink"' in form
    page = client.post(f"/beheer/gebruikers/{user.id}/herstellink")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Deze site verstuurt geen mail" in body and "72 uur" in body
    [link] = re.findall(r'value="(https://wt\.example\.nl/wachtwoord-herstellen/[^"]+)"', body)
    path = "/" + link[len(BASE):]
    other = app.test_client()
    assert other.post(path, data={"new_password": NEW, "confirm": NEW}).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).check_password(NEW)
        reset = db.session.scalar(select(PasswordReset))
        assert reset.used_at is not None and reset.expires_at - reset.created_at == timedelta(hours=72)


def test_the_administrator_has_the_link_mailed_when_mail_is_set_up(app, client, factory, login, smtp_inbox):
    app.config.update(smtp_inbox.config(), BASE_URL=BASE)
    login("beheerder")
    user = factory.user("netwerkcoordinator")
    response = client.post(f"/beheer/gebruikers/{user.id}/herstellink")
    assert response.status_code == 303 and response.headers["Location"] == f"/beheer/gebruikers/{user.id}"
    assert f"gestuurd naar {user.email}" in client.get(response.headers["Location"]).get_data(as_text=True)
    [message] = smtp_inbox.wait_for(1)
    assert "Een beheerder heeft een link voor je gemaakt" in message.get_body(("plain",)).get_content()
    path = link_in(message)
    assert app.test_client().post(path, data={"new_password": NEW, "confirm": NEW}).status_code == 302


def test_no_link_for_a_disabled_account(app, client, factory, login):
    login("beheerder")
    user = factory.user("leraar", active=False)
    response = client.post(f"/beheer/gebruikers/{user.id}/herstellink")
    assert response.status_code == 303
    assert "Dit account is uitgeschakeld" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert resets(app) == 0
