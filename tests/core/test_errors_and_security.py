import pytest

from tests.conftest import BASE_CONFIG


def test_not_found_is_a_friendly_page_in_the_users_language(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Pagina niet gevonden" in body and "Terug naar de startpagina" in body
    english = client.get("/bestaat-niet", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page not found" in english


def test_an_unexpected_error_is_a_friendly_500_without_a_trace(app):
    @app.route("/_boom")
    def boom():
        raise RuntimeError("secret internals")

    boom.access = "public"
    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Er ging bij ons iets mis" in body
    assert "secret internals" not in body and "Traceback" not in body


@pytest.fixture
def csrf_client(database_template, tmp_path):
    from tests.conftest import _fresh_database_url
    from wt_curriculum import create_app

    app = create_app({**BASE_CONFIG, "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": _fresh_database_url(database_template, tmp_path)})
    return app.test_client()


def test_forms_without_a_csrf_token_are_refused(csrf_client):
    response = csrf_client.post("/inloggen", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Het formulier was verlopen" in response.get_data(as_text=True)
    response = csrf_client.post("/taal", data={"lang": "en"})
    assert response.status_code == 400
    assert "Het formulier was verlopen" in response.get_data(as_text=True)


def test_every_form_page_carries_a_csrf_token(csrf_client):
    body = csrf_client.get("/inloggen").get_data(as_text=True)
    assert body.count('name="csrf_token"') == 2  # the login form and the language switch


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite_and_secure_when_configured(app, database_template, tmp_path,
                                                                            monkeypatch, factory):
    from tests.conftest import PASSWORD

    user = factory.user("leraar")
    response = app.test_client().post("/inloggen", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.config["SESSION_COOKIE_SECURE"] = True
    response = app.test_client().post("/inloggen", data={"email": user.email, "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


def test_healthz_reports_database_and_migrations(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "migrations": "current"}


def test_nul_characters_are_refused_up_front(client):
    response = client.post("/inloggen", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    assert client.get("/?q=a%00b").status_code == 400


def test_healthz_says_503_when_the_database_is_behind_the_migrations(app, client):
    # As if the code brought a migration that the database has not had yet (the database itself is left
    # alone: on PostgreSQL its alembic_version is shared with the next tests).
    app.extensions["wt_migration_heads"] = ["a-newer-revision"]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "behind"
