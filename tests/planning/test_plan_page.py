"""The plan page: rows link to the package and its goals, removing asks first (no JavaScript), and undo."""
from datetime import date

import pytest
from sqlalchemy import select

from tests.planning.builders import Builder, base_framework
from wt_curriculum.extensions import db
from wt_curriculum.planning.models import PlanEntry


@pytest.fixture
def setup(app, factory):
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        school = b.school(network_id)
        entry = b.plan(school, 2026, 1, "P1", taught_on=date(2026, 10, 1), period="periode 2")
        db.session.commit()
        return {"school": school, "entry": entry.id, "package": b.packages["P1"].id,
                "goals": [a for a in ("T.A.1",)]}


def rows(app, school):
    with app.app_context():
        return [(e.school_year, e.groep, e.package_id, e.period, e.taught_on)
                for e in db.session.scalars(select(PlanEntry).where(PlanEntry.school_id == school))]


def test_rows_link_to_the_package_and_its_goals(client, login, setup):
    login("leraar", school_id=setup["school"])
    html = client.get(f"/scholen/{setup['school']}/plan?jaar=2026-2027").get_data(as_text=True)
    assert f'href="/lespakketten/{setup["package"]}">P1</a>' in html
    assert 'href="/doelen/T.A.1"' in html and 'href="/doelen/T.A.2"' in html and "1 oktober 2026" in html
    assert 'class="actions"' not in html.split("<table", 1)[1]  # no flex on a table cell


def test_removing_asks_first_and_can_be_undone(app, client, login, setup):
    login("coordinator", school_id=setup["school"])
    plan_url = f"/scholen/{setup['school']}/plan?jaar=2026-2027"
    page = client.get(plan_url).get_data(as_text=True)
    assert f'href="/plan/{setup["entry"]}/verwijderen?next=' in page  # a link to a page, not a bare POST
    confirm = client.get(f"/plan/{setup['entry']}/verwijderen?next=/scholen/{setup['school']}/plan")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "“P1” uit de planning verwijderen?" in html
    assert "Ja, verwijderen" in html and "Nee, laten staan" in html and "gegeven op 1 oktober 2026" in html
    assert len(rows(app, setup["school"])) == 1  # asking removed nothing
    removed = client.post(f"/plan/{setup['entry']}/verwijderen",
                          data={"version": "1", "next": f"/scholen/{setup['school']}/plan"})
    assert removed.status_code == 302 and rows(app, setup["school"]) == []
    page = client.get(plan_url).get_data(as_text=True)
    assert "Onlangs verwijderd" in page and "Terugzetten" in page
    assert client.post(f"/scholen/{setup['school']}/plan/terugzetten/1", data={"next": plan_url}).status_code == 302
    assert rows(app, setup["school"]) == [(2026, 1, setup["package"], "periode 2", date(2026, 10, 1))]
    page = client.get(plan_url).get_data(as_text=True)
    assert "opnieuw gepland" in page  # the same removal cannot be put back twice
    again = client.post(f"/scholen/{setup['school']}/plan/terugzetten/1", data={"next": plan_url},
                        follow_redirects=True)
    assert "staat al in de planning" in again.get_data(as_text=True)
    assert len(rows(app, setup["school"])) == 1
    with app.app_context():
        from wt_curriculum.core.models import AuditEvent
        actions = [a for (a,) in db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id))]
    assert actions[-2:] == ["plan.remove", "plan.restore"]


def test_another_school_cannot_put_back_or_see_the_removed(app, client, login, factory, setup):
    login("coordinator", school_id=setup["school"])
    client.post(f"/plan/{setup['entry']}/verwijderen", data={"version": "1"})
    other = factory.school()
    login("coordinator", school_id=other)
    assert client.post(f"/scholen/{setup['school']}/plan/terugzetten/1").status_code == 403
    assert client.post(f"/scholen/{other}/plan/terugzetten/1").status_code == 404
    assert rows(app, setup["school"]) == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 768, 1280])
def test_plan_page_in_the_browser(app, live_server, page, factory, setup, width):
    from tests.browser_fixtures import ARTIFACTS, axe_violations, browser_login

    page.set_viewport_size({"width": width, "height": 900})
    user = factory.user("coordinator", school_id=setup["school"])
    browser_login(page, live_server, user)
    page.goto(f"{live_server}/scholen/{setup['school']}/plan/groep/1?jaar=2026-2027")
    page.screenshot(path=str(ARTIFACTS / f"plan-groep-{width}.png"), full_page=True)
    # Nothing sticks out to the right: every action button is inside the viewport.
    for button in page.locator(".row-actions .button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (width, box)
        assert box["height"] >= 24 and box["width"] >= 24
    current = page.locator('.groep-tabs a[aria-current="page"]')
    assert current.inner_text() == "Groep 1"
    assert page.evaluate("getComputedStyle(document.querySelector('.groep-tabs')).listStyleType") == "none"
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.locator("a.button.danger").first.click()
    assert "uit de planning verwijderen?" in page.content()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, verwijderen").click()
    page.goto(f"{live_server}/scholen/{setup['school']}/plan?jaar=2026-2027")
    with page.expect_navigation():
        page.locator("#removed-heading ~ div button").first.click()
    assert "De regel staat weer in de planning van groep 1." in page.content()
    assert axe_violations(page) == []
