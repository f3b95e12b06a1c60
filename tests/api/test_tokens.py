"""Personal API tokens: made on /account/api-sleutels (secret shown once, only its hash stored), used, revoked."""
import hashlib
import re

from sqlalchemy import select

from tests.api.helpers import bearer, make_token
from wt_curriculum.extensions import db


def tokens_in_db(app):
    from wt_curriculum.api.models import ApiToken

    with app.app_context():
        return [(t.user_id, t.name, t.token_hash, t.prefix, t.last_used_at, t.revoked_at)
                for t in db.session.scalars(select(ApiToken).order_by(ApiToken.id))]


def test_make_a_token_shows_the_secret_once_and_stores_only_its_hash(app, client, login):
    user = login("coordinator")
    page = client.post("/account/api-sleutels", data={"name": "Rooster-script"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(wtc_[A-Za-z0-9_\-]+)"', page.get_data(as_text=True)).group(1)
    [(user_id, name, token_hash, prefix, last_used, revoked)] = tokens_in_db(app)
    assert (user_id, name, revoked, last_used) == (user.id, "Rooster-script", None, None)
    assert token_hash == hashlib.sha256(secret.encode()).hexdigest() and prefix == secret[:12]
    # The secret itself is nowhere in the database.
    with app.app_context():
        from wt_curriculum.api.models import ApiToken

        columns = [c.name for c in ApiToken.__table__.columns]
        row = db.session.execute(select(ApiToken.__table__)).one()
    assert secret not in [str(v) for v in row] and "secret" not in columns
    # The list shows the prefix, never the secret again.
    listing = client.get("/account/api-sleutels").get_data(as_text=True)
    assert prefix in listing and secret not in listing and "Rooster-script" in listing


def test_a_token_reads_and_is_marked_used(app, client, factory):
    school_id = factory.school()
    user = factory.user("leraar", school_id=school_id)
    secret = make_token(app, user.id)
    response = app.test_client().get(f"/api/v1/schools/{school_id}/coverage", headers=bearer(secret))
    assert response.status_code == 200
    assert tokens_in_db(app)[0][4] is not None


def test_revoking_stops_the_token(app, client, login):
    user = login("netwerkcoordinator")
    secret = make_token(app, user.id)
    path = f"/api/v1/networks/{user.network_id}/coverage"
    api = app.test_client()
    assert api.get(path, headers=bearer(secret)).status_code == 200
    from wt_curriculum.api.models import ApiToken

    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    response = client.post(f"/account/api-sleutels/{token_id}/intrekken")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/api-sleutels")
    assert tokens_in_db(app)[0][5] is not None
    assert api.get(path, headers=bearer(secret)).status_code == 401
    assert "revoked" in client.get("/account/api-sleutels", headers={"Accept-Language": "en"}).get_data(as_text=True) \
        or "ingetrokken" in client.get("/account/api-sleutels").get_data(as_text=True)


def test_nobody_revokes_someone_elses_token(app, client, factory, login):
    owner = factory.user("leraar")
    make_token(app, owner.id)
    from wt_curriculum.api.models import ApiToken

    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    login("beheerder")
    assert client.post(f"/account/api-sleutels/{token_id}/intrekken").status_code == 404
    assert tokens_in_db(app)[0][5] is None


def test_a_disabled_users_tokens_stop_working_and_do_not_come_back(app, factory):
    from wt_curriculum.auth import services
    from wt_curriculum.auth.models import User

    school_id = factory.school()
    user = factory.user("coordinator", school_id=school_id)
    secret = make_token(app, user.id)
    api = app.test_client()
    path = f"/api/v1/schools/{school_id}/coverage"
    assert api.get(path, headers=bearer(secret)).status_code == 200
    admin = factory.user("beheerder")
    with app.app_context():
        account = db.session.get(User, user.id)
        data = services.UserData(email=account.email, name=account.name, role=account.role, school_id=school_id)
        data.active = False
        services.update_user(db.session, account, data, db.session.get(User, admin.id))
        db.session.commit()
    assert api.get(path, headers=bearer(secret)).status_code == 401
    with app.app_context():
        account = db.session.get(User, user.id)
        data = services.UserData(email=account.email, name=account.name, role=account.role, school_id=school_id)
        services.update_user(db.session, account, data, db.session.get(User, admin.id))
        db.session.commit()
    assert api.get(path, headers=bearer(secret)).status_code == 401


def test_a_name_is_required(client, login):
    login("leraar")
    response = client.post("/account/api-sleutels", data={"name": "  "})
    assert response.status_code == 400
    assert client.post("/account/api-sleutels", data={"name": "x" * 101}).status_code == 400


def test_the_token_forms_are_csrf_protected(app, factory):
    from tests.conftest import login_as

    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    login_as(client, app, factory.user("leraar"))
    assert client.post("/account/api-sleutels", data={"name": "script"}).status_code == 400
    assert client.post("/account/api-sleutels/1/intrekken").status_code == 400
    assert tokens_in_db(app) == []
    page = client.get("/account/api-sleutels").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert client.post("/account/api-sleutels", data={"name": "script", "csrf_token": csrf.group(1)}).status_code == 200
    assert len(tokens_in_db(app)) == 1


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/account/api-sleutels")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_a_token_is_made_for_the_chosen_time_and_stops_working_when_it_expires(app, client, factory):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from tests.conftest import login_as
    from wt_curriculum.api.models import ApiToken

    school_id = factory.school()
    user = login_as(client, app, factory.user("coordinator", school_id=school_id))
    form = client.get("/account/api-sleutels").get_data(as_text=True)
    assert '<option selected value="365">1 jaar</option>' in form
    page = client.post("/account/api-sleutels", data={"name": "kort script", "days": "30"}).get_data(as_text=True)
    secret = re.search(r'value="(wtc_[^"]+)"', page).group(1)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert timedelta(days=29, hours=23) < token.expires_at - datetime.now(UTC) <= timedelta(days=30)
    assert client.post("/account/api-sleutels", data={"name": "x", "days": "9999"}).status_code == 400
    default = client.post("/account/api-sleutels", data={"name": "standaard"})
    assert default.status_code == 200
    with app.app_context():
        made = db.session.scalar(select(ApiToken).where(ApiToken.name == "standaard"))
        assert timedelta(days=364) < made.expires_at - datetime.now(UTC) <= timedelta(days=365)
    path = f"/api/v1/schools/{school_id}/coverage"
    api = app.test_client()
    assert api.get(path, headers=bearer(secret)).status_code == 200
    listing = client.get("/account/api-sleutels").get_data(as_text=True)
    assert "Verloopt" in listing and "kort script" in listing
    with app.app_context():
        db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.name == "kort script")
                           .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    assert api.get(path, headers=bearer(secret)).status_code == 401
    assert "verlopen" in client.get("/account/api-sleutels").get_data(as_text=True)


def test_a_token_never_counts_for_a_request_that_could_change_something(app, factory):
    school_id = factory.school()
    user = factory.user("beheerder")
    secret = make_token(app, user.id)
    api = app.test_client()
    assert api.get("/api/v1/goals", headers=bearer(secret)).status_code == 200
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = api.open(f"/api/v1/schools/{school_id}/coverage", method=method, headers=bearer(secret))
        assert response.status_code in (401, 405), method
        assert response.status_code != 200
    # The token is not taken as a login for a write, even where a route would accept one.
    from flask_login import current_user

    with app.test_request_context("/api/v1/goals", method="POST", headers=bearer(secret)):
        assert not current_user.is_authenticated
    with app.test_request_context("/api/v1/goals", method="GET", headers=bearer(secret)):
        assert current_user.is_authenticated and current_user.id == user.id
