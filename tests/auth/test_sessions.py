"""Server-side sessions: logout ends a copied cookie, "log out everywhere", idle and absolute timeouts."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from tests.conftest import PASSWORD, login_as
from wt_curriculum.auth.models import User, UserSession
from wt_curriculum.extensions import db


def copy_cookie(app, client):
    """A second client with the same session cookie, as a thief who copied it would have."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def sessions_of(app, user_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id))


def test_logout_ends_a_copied_session_cookie(app, client, factory):
    user = factory.user("leraar")
    assert client.post("/inloggen", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert sessions_of(app, user.id) == 1
    thief = copy_cookie(app, client)
    assert thief.get("/account").status_code == 200
    assert client.post("/uitloggen").status_code == 302
    assert sessions_of(app, user.id) == 0
    # The copy is worth nothing now, on the HTML pages as on the account page.
    response = thief.get("/account")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert "Uitloggen" not in thief.get("/").get_data(as_text=True)


def test_log_out_everywhere_ends_every_session_of_the_user_only(app, client, factory):
    user = factory.user("coordinator")
    other_user = login_as(app.test_client(), app, factory.user("coordinator"))
    login_as(client, app, user)
    laptop = app.test_client()
    login_as(laptop, app, user)
    page = client.get("/account")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Waar je bent ingelogd" in body and "deze browser" in body and "Overal uitloggen" in body
    response = client.post("/account/overal-uitloggen")
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    assert "Je bent in 2 browsers uitgelogd." in client.get("/inloggen").get_data(as_text=True)
    assert laptop.get("/account").status_code == 302
    assert client.get("/account").status_code == 302
    assert sessions_of(app, user.id) == 0
    assert sessions_of(app, other_user.id) == 1


def test_a_session_ends_after_the_idle_time(app, client, login):
    user = login("leraar")
    assert client.get("/account").status_code == 200
    with app.app_context():
        idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"], seconds=5)
        db.session.execute(update(UserSession).values(last_seen_at=datetime.now(UTC) - idle))
        db.session.commit()
    assert client.get("/account").status_code == 302
    assert sessions_of(app, user.id) == 0  # removed when it was found expired


def test_use_keeps_a_session_alive_and_the_absolute_limit_still_holds(app, client, login):
    user = login("leraar")
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=30)))
        db.session.commit()
    assert client.get("/account").status_code == 200
    with app.app_context():
        seen = db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id))
        assert datetime.now(UTC) - seen < timedelta(minutes=1)
        too_old = app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
        db.session.execute(update(UserSession).values(created_at=datetime.now(UTC) - too_old))
        db.session.commit()
    assert client.get("/account").status_code == 302


def test_the_idle_time_is_a_setting(app, client, login):
    login("leraar")
    app.config["SESSION_IDLE_MINUTES"] = 5
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=6)))
        db.session.commit()
    assert client.get("/account").status_code == 302


def test_a_forged_or_old_style_cookie_does_not_log_in(app, client, factory):
    user = factory.user("beheerder")
    for value in (f"{user.id}:", f"{user.id}:guessed-secret", "x:y", str(user.id)):
        with client.session_transaction() as session:
            session["_user_id"] = value
        assert client.get("/account").status_code == 302


def test_disabling_a_user_ends_their_sessions(app, client, factory):
    user = login_as(client, app, factory.user("leraar"))
    admin = login_as(app.test_client(), app, factory.user("beheerder"))
    from wt_curriculum.auth import services

    with app.app_context():
        target = db.session.get(User, user.id)
        data = services.UserData(email=target.email, name=target.name, role=target.role,
                                 school_id=target.school_id, active=False)
        services.update_user(db.session, target, data, db.session.get(User, admin.id))
        db.session.commit()
    assert sessions_of(app, user.id) == 0
    assert client.get("/account").status_code == 302


def test_expired_sessions_are_removed_by_the_periodic_task(app, factory):
    from wt_curriculum.auth.tasks import remove_expired_sessions

    fresh, stale = factory.user("leraar"), factory.user("leraar")
    login_as(app.test_client(), app, fresh)
    login_as(app.test_client(), app, stale)
    with app.app_context():
        db.session.execute(update(UserSession).where(UserSession.user_id == stale.id)
                           .values(last_seen_at=datetime.now(UTC) - timedelta(days=1)))
        db.session.commit()
        remove_expired_sessions.call_local()
    assert sessions_of(app, fresh.id) == 1 and sessions_of(app, stale.id) == 0
