"""Sign-in through the federation (OpenID Connect) against a real provider running locally
(oidc-provider-mock): the whole flow, a wrong state, a replayed code, an expired token, an unknown person."""
import warnings
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from wt_curriculum.auth.models import User, UserSession
from wt_curriculum.extensions import db

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def provider(app, monkeypatch):
    """A local OIDC provider; `provider(max_age=...)` starts one. Yields a function giving its issuer."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the provider answers over plain http here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import oidc_provider_mock

    stack = []

    def start(max_age=timedelta(hours=1)) -> str:
        server = oidc_provider_mock.run_server_in_thread(access_token_max_age=max_age)
        running = server.__enter__()
        stack.append(server)
        issuer = f"http://localhost:{running.server_port}"
        app.config.update(OIDC_ISSUER=issuer, OIDC_CLIENT_ID="wt-curriculum", OIDC_CLIENT_SECRET="geheim",
                          OIDC_NAME="SURFconext", BASE_URL="http://localhost/")
        app.extensions.pop("wt_oidc", None)
        return issuer

    yield start
    for server in reversed(stack):
        server.__exit__(None, None, None)


def person(issuer, sub, **claims):
    """The provider knows this person with these claims."""
    assert requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5).status_code == 204


def to_provider(client, next_url=None) -> str:
    """Press "log in with …": the provider's authorization address."""
    response = client.get("/inloggen/federatie" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response.headers["Location"]


def consent(authorize_url, sub) -> str:
    """The person signs in at the provider; the address it sends the browser back to (path and query)."""
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/inloggen/federatie/terug"
    return f"{back.path}?{back.query}"


def test_the_whole_flow_with_pkce_state_and_nonce(app, client, factory, provider):
    issuer = provider()
    user = factory.user("coordinator", email="juf@school.nl")
    person(issuer, "surf-123", email="Juf@School.nl", email_verified=True)
    page = client.get("/inloggen").get_data(as_text=True)
    assert 'href="/inloggen/federatie"' in page and "Inloggen met SURFconext" in page

    authorize_url = to_provider(client, next_url="/account")
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(f"{issuer}/oauth2/authorize")
    assert query["response_type"] == ["code"] and query["client_id"] == ["wt-curriculum"]
    assert query["redirect_uri"] == ["http://localhost/inloggen/federatie/terug"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert "openid" in query["scope"][0].split()

    back = client.get(consent(authorize_url, "surf-123"))
    assert back.status_code == 302 and back.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.oidc_subject == "surf-123" and stored.last_login_at is not None
        assert db.session.scalar(select(UserSession.user_id)) == user.id
    # Next time the subject finds the account, whatever the e-mail claim says.
    person(issuer, "surf-123", email="nieuw@elders.nl", email_verified=True)
    again = app.test_client()
    assert again.get(consent(to_provider(again), "surf-123")).status_code == 302
    assert again.get("/account").status_code == 200


def test_an_unknown_person_is_sent_to_the_administrator_and_no_account_is_made(app, client, factory, provider):
    issuer = provider()
    person(issuer, "surf-unknown", email="nieuw@school.nl", email_verified=True)
    response = client.get(consent(to_provider(client), "surf-unknown"))
    assert response.status_code == 403
    assert "Vraag je beheerder" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None
    assert client.get("/account").status_code == 302


def test_an_unverified_address_does_not_link_an_account(app, client, factory, provider):
    issuer = provider()
    factory.user("leraar", email="meester@school.nl")
    person(issuer, "surf-x", email="meester@school.nl", email_verified=False)
    assert client.get(consent(to_provider(client), "surf-x")).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(User.oidc_subject)) is None


def test_a_disabled_account_is_not_signed_in(app, client, factory, provider):
    issuer = provider()
    factory.user("leraar", email="weg@school.nl", active=False)
    person(issuer, "surf-weg", email="weg@school.nl", email_verified=True)
    assert client.get(consent(to_provider(client), "surf-weg")).status_code == 403
    assert client.get("/account").status_code == 302


def test_a_wrong_state_is_refused(app, client, factory, provider):
    issuer = provider()
    factory.user("leraar", email="a@school.nl")
    person(issuer, "surf-a", email="a@school.nl", email_verified=True)
    back = consent(to_provider(client), "surf-a")
    path, _, query = back.partition("?")
    params = parse_qs(query)
    forged = f"{path}?code={params['code'][0]}&state=not-the-state"
    response = client.get(forged)
    assert response.status_code == 400 and "Inloggen is niet gelukt" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    # A callback from another browser's flow (an attacker's code in the victim's browser) fails the same way.
    victim = app.test_client()
    assert victim.get(back).status_code == 400
    assert victim.get("/account").status_code == 302


def test_a_replayed_code_is_refused(app, client, factory, provider):
    issuer = provider()
    factory.user("leraar", email="b@school.nl")
    person(issuer, "surf-b", email="b@school.nl", email_verified=True)
    authorize_url = to_provider(client)
    saved = client.get_cookie("session").value  # the session with the state, before the callback
    back = consent(authorize_url, "surf-b")
    assert client.get(back).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", saved)  # same state, same code: the provider has spent the code
    response = replay.get(back)
    assert response.status_code == 400
    assert replay.get("/account").status_code == 302


def test_an_expired_token_is_refused(app, client, factory, provider):
    issuer = provider(max_age=timedelta(minutes=-10))
    factory.user("leraar", email="c@school.nl")
    person(issuer, "surf-c", email="c@school.nl", email_verified=True)
    response = client.get(consent(to_provider(client), "surf-c"))
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_two_step_users_still_give_their_code(app, client, factory, provider):
    import pyotp
    from sqlalchemy import update

    issuer = provider()
    user = factory.user("redacteur", email="red@slo.nl")
    secret = pyotp.random_base32()
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(totp_secret=secret))
        db.session.commit()
    person(issuer, "surf-red", email="red@slo.nl", email_verified=True)
    response = client.get(consent(to_provider(client), "surf-red"))
    assert response.headers["Location"] == "/inloggen/code"
    assert client.get("/account").status_code == 302
    assert client.post("/inloggen/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/account").status_code == 200


def test_without_settings_there_is_no_button_and_no_flow(client):
    assert "/inloggen/federatie" not in client.get("/inloggen").get_data(as_text=True)
    assert client.get("/inloggen/federatie").status_code == 404
    assert client.get("/inloggen/federatie/terug?code=x&state=y").status_code == 404


def test_a_provider_that_cannot_be_reached_is_a_clear_page(app, client, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.config.update(OIDC_ISSUER=f"http://127.0.0.1:{port}", OIDC_CLIENT_ID="wt")
    response = client.get("/inloggen/federatie")
    assert response.status_code == 503 and "Inloggen is niet gelukt" in response.get_data(as_text=True)
