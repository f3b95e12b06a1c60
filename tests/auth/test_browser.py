"""In a real browser: forgot password → mail → link → new password → log in → account page → log out
everywhere; axe finds nothing serious on these pages, wide and narrow."""
import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import axe_violations, browser_login

SHOTS = os.environ.get("WT_SCREENSHOTS")  # a folder: keep screenshots to look at


def check(page, name):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], (name, width)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.browser
def test_forgot_password_to_log_out_everywhere(app, live_server, page, factory, smtp_inbox):
    app.config.update(smtp_inbox.config(), BASE_URL=live_server + "/")
    user = factory.user("coordinator")
    page.goto(f"{live_server}/inloggen")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    check(page, "forgot")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_role("button", name="Stuur me een link").click()
    assert "is er een link onderweg" in page.locator("main").inner_text()
    check(page, "forgot-sent")

    [message] = smtp_inbox.wait_for(1)
    [link] = re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())
    page.goto(link)
    check(page, "reset")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("een-nieuw-sterk-wachtwoord")
    page.get_by_label("Nieuw wachtwoord nogmaals").fill("een-nieuw-sterk-wachtwoord")
    page.get_by_role("button", name="Wachtwoord instellen").click()
    assert "Je nieuwe wachtwoord is ingesteld." in page.locator("main").inner_text()

    user.password = "een-nieuw-sterk-wachtwoord"
    browser_login(page, live_server, user)
    page.get_by_role("link", name="Account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Je account"
    assert "deze browser" in page.locator("table").inner_text()
    check(page, "account")
    page.get_by_role("button", name="Overal uitloggen").click()
    assert "Je bent in 1 browser uitgelogd." in page.locator("main").inner_text()
    page.goto(f"{live_server}/account")
    assert page.url.startswith(f"{live_server}/inloggen")


@pytest.mark.browser
def test_two_step_sign_in_set_up_and_used(app, live_server, page, factory):
    import pyotp

    app.config["REQUIRE_2FA_FOR"] = "redacteur"
    user = factory.user("redacteur")
    browser_login(page, live_server, user)
    assert page.url == f"{live_server}/account/tweestapsverificatie"  # required: set it up first
    check(page, "two-factor-setup")
    secret = page.locator("code.code").inner_text()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Aanzetten").click()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)  # waits for the answer to the click
    check(page, "recovery-codes")
    page.get_by_role("button", name="Uitloggen").click()

    browser_login(page, live_server, user)
    assert page.url == f"{live_server}/inloggen/code"
    check(page, "login-code")
    totp = pyotp.TOTP(secret)
    from datetime import UTC, datetime

    page.get_by_label("Code").fill(totp.generate_otp(totp.timecode(datetime.now(UTC)) + 1))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen" not in url)  # signed in before the next address is asked for
    page.goto(f"{live_server}/account")
    main = page.locator("main").inner_text()
    assert "Inloggen in twee stappen: aan" in main
