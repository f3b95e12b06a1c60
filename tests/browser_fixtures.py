"""Browser tests: the app served on 127.0.0.1 in a thread, Playwright driving Debian's Chromium.

Playwright's own browser download does not work on these machines, so the
browser is /usr/bin/chromium (installed by bin/setup test). On failure a
screenshot of the page is saved in test-artifacts/.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("WT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def live_server(app):
    """The test app served over HTTP on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.wt_failed = report.failed
    return report


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page (Dutch, 1280 wide); screenshot kept when the test fails."""
    # bypass_csp lets the tests inject axe-core; the app itself allows no inline script.
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "wt_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace("::", "-")[:150]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def browser_login(page, base_url: str, user) -> None:
    """Log in through the real login form."""
    page.goto(f"{base_url}/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(user.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


# WCAG 2.2 AA, the level the Dutch public sector is moving to, and axe's best practices. `target-size`
# (2.5.8, at least 24 x 24 CSS px) is off in axe by default: it is switched on by name.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "rules": {"target-size": {"enabled": True}},
               "resultTypes": ["violations"]}


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (from node_modules, installed by bin/setup test) on the page with the WCAG 2.2 AA rules."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (options) => await axe.run(document, options)", AXE_OPTIONS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in impacts
    ]
