from sqlalchemy import func, select

from tests.conftest import PASSWORD, login_as
from wt_curriculum.auth.models import LoginFailure, User
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


def test_repeated_failures_are_throttled_even_with_the_right_password(client, app, factory):
    user = factory.user("coordinator")
    other = factory.user("coordinator")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert post_login(client, user.email, "not-the-password").status_code == 200
    blocked = post_login(client, user.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Te veel mislukte pogingen" in blocked.get_data(as_text=True)
    assert "Uitloggen" not in client.get("/").get_data(as_text=True)
    # Unknown accounts are throttled the same way, so throttling reveals nothing.
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        post_login(client, "ghost@example.org", "x-x-x-x-x-x")
    assert post_login(client, "ghost@example.org", "x-x-x-x-x-x").status_code == 429
    # Another account is not affected by the first one's failures.
    assert post_login(client, other.email, PASSWORD).status_code == 302


def test_successful_login_clears_the_failures(client, app, factory):
    user = factory.user("leraar")
    post_login(client, user.email, "not-the-password")
    assert post_login(client, user.email, PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


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
    with app.app_context():
        old_token = db.session.get(User, user.id).session_token
    ok = client.post("/account/wachtwoord", data={
        "current_password": PASSWORD, "new_password": "nieuw-en-lang-genoeg", "confirm": "nieuw-en-lang-genoeg"})
    assert ok.status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.check_password("nieuw-en-lang-genoeg")
        assert stored.session_token != old_token
    # This session goes on; a session opened with the old token does not.
    assert client.get("/account/wachtwoord").status_code == 200
    stale = app.test_client()
    with stale.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{old_token}"
    assert stale.get("/account/wachtwoord").status_code == 302


def test_a_disabled_user_is_logged_out(client, app, factory):
    user = login_as(client, app, factory.user("leraar"))
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get("/account/wachtwoord").status_code == 302
