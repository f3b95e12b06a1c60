"""In a real browser: the unread count in the header, the inbox, the mail settings and the unsubscribe page
(without logging in); every page passes axe."""
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser_fixtures import axe_violations, browser_login
from tests.consultations.helpers import make_goals, make_round
from wt_curriculum.extensions import db
from wt_curriculum.notifications.models import NotificationSetting
from wt_curriculum.notifications.services import unsubscribe_token

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("WT_SCREENSHOTS")


def _look(page, name: str) -> None:
    assert axe_violations(page) == [], name
    if SHOTS:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def _choice(app, user_id):
    with app.app_context():
        return db.session.scalar(select(NotificationSetting.mail).where(NotificationSetting.user_id == user_id))


def test_inbox_settings_and_unsubscribing(live_server, page, app, factory):
    codes = make_goals(app, n=1)
    teacher = factory.user("leraar")
    round_id = make_round(app, codes, audiences=("leraren",), title="Ronde over hefbomen")
    browser_login(page, live_server, teacher)
    header = page.locator("header .user-box")
    assert header.get_by_role("link", name="Meldingen 1").count() == 1
    _look(page, "home-teacher")
    header.get_by_role("link", name="Meldingen 1").click()
    _look(page, "inbox")
    with page.expect_navigation():
        page.get_by_role("button", name="Consultatieronde geopend: Ronde over hefbomen").click()
    assert page.url.endswith(f"/consultaties/{round_id}")
    assert header.get_by_role("link", name="Meldingen", exact=True).count() == 1  # nothing unread

    page.goto(f"{live_server}/meldingen/instellingen")
    page.get_by_label("één e-mail per dag met alle nieuwe meldingen").check()
    _look(page, "settings")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    assert _choice(app, teacher.id) == "dagelijks"

    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    with app.app_context():
        token = unsubscribe_token(teacher.id)
    page.goto(f"{live_server}/meldingen/afmelden/{token}")
    _look(page, "unsubscribe")
    with page.expect_navigation():
        page.get_by_role("button", name="Stop de e-mails").click()
    assert "krijgt geen meldingen meer per e-mail" in page.get_by_role("status").inner_text()
    assert _choice(app, teacher.id) == "uit"
