from sqlalchemy import func, select

from tests.conftest import PASSWORD, login_as
from wt_curriculum.auth.models import User, UserSession
from wt_curriculum.extensions import db

NEUTRAL = "Het e-mailadres of wachtwoord klopt niet."


def post_login(client, email, password, next_url=None):
    url = "/inloggen" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_login_with_right_password_logs_in_and_records_the_time(client, app, factory):
    user = factory.user("redacteur")
    response = post_login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Uitloggen" in page and "Redacteur" in page
    with app.app_context():
        assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_unknown_account_and_disabled_account_look_the_same(client, factory):
    user = factory.user("leraar")
    disabled = factory.user("leraar", active=False)
    answers = [
        post_login(client, user.email, "wrong-password-here"),
        post_login(client, "nobody@example.org", "wrong-password-here"),
        post_login(client, disabled.email, PASSWORD),
    ]
    for response in answers:
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert NEUTRAL in body
        assert "Uitloggen" not in body
    # What the user typed is kept, the password is not echoed.
    assert user.email in answers[0].get_data(as_text=True)
    assert "wrong-password-here" not in answers[0].get_data(as_text=True)


def test_login_never_redirects_to_another_site(client, factory):
    user = factory.user("leraar")
    response = post_login(client, user.email, PASSWORD, next_url="https://evil.example/")
    assert response.headers["Location"] == "/"
    client.post("/uitloggen")
    response = post_login(client, user.email, PASSWORD, next_url="//evil.example/x")
    assert response.headers["Location"] == "/"
    client.post("/uitloggen")
    response = post_login(client, user.email, PASSWORD, next_url="/account/wachtwoord")
    assert response.headers["Location"] == "/account/wachtwoord"


def test_logout_ends_the_session(client, login):
    login("leraar")
    assert client.get("/account/wachtwoord").status_code == 200
    assert client.get("/uitloggen").status_code == 405  # only by POST, from the form
    assert client.post("/uitloggen").status_code == 302
    assert client.get("/account/wachtwoord").status_code == 302


def test_empty_login_form_shows_field_errors_in_dutch(client):
    body = client.post("/inloggen", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Controleer het formulier" in body
    assert 'aria-invalid="true"' in body


def test_change_password(client, app, login):
    user = login("leraar")
    wrong = client.post("/account/wachtwoord", data={
        "current_password": "not-it", "new_password": "nieuw-en-lang-genoeg", "confirm": "nieuw-en-lang-genoeg"})
    assert "Je huidige wachtwoord klopt niet." in wrong.get_data(as_text=True)
    weak = client.post("/account/wachtwoord", data={
        "current_password": PASSWORD, "new_password": "kort", "confirm": "kort"})
    assert "Gebruik minstens 10 tekens." in weak.get_data(as_text=True)
    mismatch = client.post("/account/wachtwoord", data={
        "current_password": PASSWORD, "new_password": "nieuw-en-lang-genoeg", "confirm": "iets-anders-lang"})
    assert "De twee wachtwoorden zijn niet gelijk." in mismatch.get_data(as_text=True)
    other_browser = app.test_client()
    login_as(other_browser, app, user)
    assert other_browser.get("/account/wachtwoord").status_code == 200
    ok = client.post("/account/wachtwoord", data={
        "current_password": PASSWORD, "new_password": "nieuw-en-lang-genoeg", "confirm": "nieuw-en-lang-genoeg"})
    assert ok.status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.check_password("nieuw-en-lang-genoeg")
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    # This session goes on; the one in the other browser does not.
    assert client.get("/account/wachtwoord").status_code == 200
    assert other_browser.get("/account/wachtwoord").status_code == 302


def test_a_disabled_user_is_logged_out(client, app, factory):
    user = login_as(client, app, factory.user("leraar"))
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get("/account/wachtwoord").status_code == 302
