"""Two-step sign-in (TOTP with pyotp, recovery codes): set up, log in with a code, a code works once,
recovery codes work once, required for the roles in REQUIRE_2FA_FOR."""
import re
from datetime import UTC, datetime

import pyotp
from sqlalchemy import select

from tests.conftest import PASSWORD, login_as
from wt_curriculum.auth.models import User
from wt_curriculum.extensions import db


def set_up(app, client, user_ref) -> tuple[str, list[str]]:
    """Turn two-step sign-in on through the pages; the secret and the recovery codes."""
    page = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code
    secret = re.search(r'<code class="code">([A-Z2-7]+)</code>', page).group(1)
    wrong = client.post("/account/tweestapsverificatie", data={"code": "000000"})
    assert "Deze code klopt niet" in wrong.get_data(as_text=True)
    done = client.post("/account/tweestapsverificatie", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>", done.get_data(as_text=True))
    assert len(codes) == 10
    with app.app_context():
        assert db.session.get(User, user_ref.id).totp_secret == secret
    return secret, codes


def next_code(secret: str) -> str:
    """The code of the next time step (accepted: one step of clock difference), unused so far."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + 1)


def password_step(client, user, next_url=""):
    return client.post("/inloggen" + (f"?next={next_url}" if next_url else ""),
                       data={"email": user.email, "password": PASSWORD})


def test_set_up_then_log_in_with_a_code_that_works_once(app, client, factory):
    user = login_as(client, app, factory.user("coordinator"))
    secret, _ = set_up(app, client, user)
    client.post("/uitloggen")

    browser = app.test_client()
    first = password_step(browser, user, next_url="/account")
    assert first.status_code == 302 and first.headers["Location"] == "/inloggen/code"
    assert browser.get("/account").status_code == 302  # not logged in before the second step
    wrong = browser.post("/inloggen/code", data={"code": "123456"})
    assert "Deze code klopt niet." in wrong.get_data(as_text=True)
    code = next_code(secret)
    ok = browser.post("/inloggen/code", data={"code": code})
    assert ok.status_code == 302 and ok.headers["Location"] == "/account"
    assert browser.get("/account").status_code == 200

    # The same code again, in another browser: refused (replay).
    other = app.test_client()
    password_step(other, user)
    assert "Deze code klopt niet." in other.post("/inloggen/code", data={"code": code}).get_data(as_text=True)
    assert other.get("/account").status_code == 302


def test_a_recovery_code_works_once(app, client, factory):
    user = login_as(client, app, factory.user("leraar"))
    _, codes = set_up(app, client, user)
    browser = app.test_client()
    password_step(browser, user)
    assert browser.post("/inloggen/code", data={"code": codes[0].upper()}).status_code == 302
    assert "9 ongebruikte herstelcodes" in browser.get("/account/tweestapsverificatie").get_data(as_text=True)
    again = app.test_client()
    password_step(again, user)
    assert "Deze code klopt niet." in again.post("/inloggen/code", data={"code": codes[0]}).get_data(as_text=True)


def test_the_second_step_is_throttled_and_expires(app, client, factory):
    app.config["LOGIN_LIMITS_PER_ACCOUNT_AND_ADDRESS"] = "3/minute"
    user = login_as(client, app, factory.user("leraar"))
    secret, _ = set_up(app, client, user)
    browser = app.test_client()
    password_step(browser, user)
    for _ in range(3):
        browser.post("/inloggen/code", data={"code": "111111"})
    blocked = browser.post("/inloggen/code", data={"code": next_code(secret)})
    assert blocked.status_code == 429
    later = app.test_client()
    password_step(later, user)
    with later.session_transaction() as session:
        pending = dict(session["wt_2fa_pending"])
        pending["at"] -= 301
        session["wt_2fa_pending"] = pending
    assert later.get("/inloggen/code").headers["Location"] == "/inloggen"
    assert app.test_client().get("/inloggen/code").headers["Location"] == "/inloggen"


def test_required_roles_set_it_up_before_anything_else(app, client, factory):
    app.config["REQUIRE_2FA_FOR"] = "beheerder,redacteur"
    editor = factory.user("redacteur")
    assert password_step(client, editor).status_code == 302
    response = client.get("/doelen")
    assert response.status_code == 302 and response.headers["Location"] == "/account/tweestapsverificatie"
    page = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert "Je rol logt in met twee stappen" in page
    secret, _ = set_up(app, client, editor)
    assert client.get("/doelen").status_code == 200
    # No way to turn it off for this role.
    off = client.post("/account/tweestapsverificatie/uit", data={"code": next_code(secret)})
    assert off.status_code == 303
    with app.app_context():
        assert db.session.get(User, editor.id).totp_secret == secret
    # Other roles are not asked.
    teacher = factory.user("leraar")
    other = app.test_client()
    password_step(other, teacher)
    assert other.get("/account").status_code == 200


def test_others_may_turn_it_off_with_a_code(app, client, factory):
    user = login_as(client, app, factory.user("netwerkcoordinator"))
    secret, _ = set_up(app, client, user)
    assert client.post("/account/tweestapsverificatie/uit", data={"code": "000000"}).status_code == 303
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret == secret
    client.post("/account/tweestapsverificatie/uit", data={"code": next_code(secret)})
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret is None
    assert password_step(app.test_client(), user).headers["Location"] == "/"


def test_the_setting_is_read_from_the_environment_as_a_list(app):
    from wt_curriculum.auth import two_factor

    with app.app_context():
        for value, roles in (("beheerder,redacteur", {"beheerder", "redacteur"}), ("", set()),
                             (" beheerder ", {"beheerder"}), (["redacteur"], {"redacteur"})):
            app.config["REQUIRE_2FA_FOR"] = value
            assert two_factor.required_roles() == roles
    from wt_curriculum.config import Config

    assert Config.REQUIRE_2FA_FOR == "beheerder,redacteur"  # on by default outside the tests
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None
