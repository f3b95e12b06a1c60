"""End-to-end in a real browser on the demo data: a teacher's journey, every main page at phone, tablet
and desktop width, axe on every main page, and the keyboard basics."""
import pytest
from sqlalchemy import select

from tests.browser_fixtures import ARTIFACTS, axe_violations, browser_login
from wt_curriculum.extensions import db

pytestmark = pytest.mark.browser
WIDTHS = (375, 768, 1280)


@pytest.fixture
def demo(demo_data, factory):
    """The demo installation (framework, networks, schools, packages, plans) and a user per role."""

    from wt_curriculum.lessons.models import LessonPackage, PackageStatus
    from wt_curriculum.objectives.models import Goal
    from wt_curriculum.organisations.models import School
    app = demo_data
    with app.app_context():
        school = db.session.scalar(select(School).order_by(School.id))
        package_id = db.session.scalar(select(LessonPackage.id).where(
            LessonPackage.status == PackageStatus.PUBLISHED).order_by(LessonPackage.id))
        # A goal that a published package for groep 6 serves: what the teacher will look for.
        from wt_curriculum.groepen import bit
        from wt_curriculum.lessons.models import Alignment

        goal_code = db.session.scalar(
            select(Goal.code).join(Alignment, Alignment.goal_id == Goal.id)
            .join(LessonPackage, LessonPackage.id == Alignment.package_id)
            .where(LessonPackage.status == PackageStatus.PUBLISHED, LessonPackage.groepen_mask.op("&")(bit(6)) != 0,
                   Goal.code.like("DG.%"))
            .order_by(Goal.code).limit(1))
        school_id, network_id = school.id, school.network_id
    users = {
        "leraar": factory.user("leraar", school_id=school_id),
        "coordinator": factory.user("coordinator", school_id=school_id),
        "netwerkcoordinator": factory.user("netwerkcoordinator", network_id=network_id),
        "beheerder": factory.user("beheerder"),
    }
    return {"school_id": school_id, "network_id": network_id, "package_id": package_id, "goal": goal_code,
            "users": users}


def main_pages(d) -> list[tuple[str, str]]:
    """(who, path) of every page people use most."""
    return [
        (None, "/"),
        (None, "/doelen"),
        (None, f"/doelen/{d['goal']}"),
        (None, "/lespakketten?groep=6&q=programmeren"),
        (None, f"/lespakketten/{d['package_id']}"),
        (None, "/toegankelijkheid"),
        ("coordinator", f"/scholen/{d['school_id']}/plan?jaar=2026-2027"),
        ("coordinator", f"/scholen/{d['school_id']}/dekking?jaar=2026-2027"),
        ("coordinator", f"/scholen/{d['school_id']}/cohort?start=2019-2020"),
        ("coordinator", f"/scholen/{d['school_id']}/kerndoelen?set=kd2025-po&jaar=2026-2027"),
        ("netwerkcoordinator", f"/netwerken/{d['network_id']}/dekking?jaar=2026-2027"),
        ("netwerkcoordinator", "/lespakketten/nieuw"),
        ("beheerder", "/dekking/landelijk?jaar=2026-2027"),
        ("beheerder", "/beheer/gebruikers/nieuw"),
    ]


def test_a_teacher_finds_a_package_by_goal_and_groep_and_plans_it(live_server, page, demo):
    browser_login(page, live_server, demo["users"]["leraar"])
    page.get_by_role("link", name="Lespakketten").first.click()
    page.get_by_label("Leerdoelcode").fill(demo["goal"])
    page.get_by_label("Groep", exact=True).select_option("6")
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken").click()
    results = page.locator("ol.results li")
    assert results.count() >= 1
    with page.expect_navigation():
        results.first.get_by_role("link").first.click()
    title = page.locator("h1").inner_text()
    page.get_by_label("Schooljaar").select_option("2026-2027")
    page.locator("#plan-groep").select_option("6")
    with page.expect_navigation():
        page.get_by_role("button", name="Toevoegen aan jaarplanning").click()
    assert page.get_by_role("status").count() >= 1
    page.goto(f"{live_server}/scholen/{demo['school_id']}/plan?jaar=2026-2027")
    assert title in page.locator("main").inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_main_pages_fit_the_screen_and_pass_axe(live_server, browser, demo, width):
    """Nothing wider than the screen (wide tables scroll inside their own box); no serious axe findings."""
    problems = []
    contexts = {}
    try:
        for who, path in main_pages(demo):
            if who not in contexts:
                context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900},
                                              bypass_csp=True)
                contexts[who] = context.new_page()
                if who:
                    browser_login(contexts[who], live_server, demo["users"][who])
            page = contexts[who]
            response = page.goto(live_server + path)
            if response.status != 200:
                problems.append(f"{path}: HTTP {response.status}")
                continue
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                ARTIFACTS.mkdir(exist_ok=True)
                name = path.strip("/").replace("/", "_").split("?")[0] or "home"
                page.screenshot(path=str(ARTIFACTS / f"layout-{width}-{name}.png"), full_page=True)
                problems.append(f"{path} at {width}px: {overflow}px wider than the screen")
            if width == 1280:  # axe once per page; the layout check covers the other widths
                found = axe_violations(page)
                if found:
                    problems.append(f"{path}: axe {found}")
    finally:
        for p in contexts.values():
            p.context.close()
    assert not problems, "\n".join(problems)


def test_keyboard_skip_link_and_visible_focus(live_server, page, demo):
    page.goto(live_server + "/doelen")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # The next Tab lands inside the main content, not back in the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
