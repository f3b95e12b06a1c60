"""In a real browser (issue 21): a network coordinator adopts another network's package, the source changes, the
copy shows the newer version and its diff; axe on the pages, screenshots at 1280 and 375 px."""
import pytest

from tests.browser_fixtures import ARTIFACTS, axe_violations, browser_login
from tests.lessons.helpers import make_goals, make_package
from wt_curriculum.extensions import db

pytestmark = pytest.mark.browser


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"issue21-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_adopt_and_see_a_newer_version(app, live_server, page, factory):
    goals = make_goals(app, prefix="LZ", count=2)
    source_network = factory.network(code="NET-BRON", name="Bronnetwerk")
    own = factory.network(code="NET-EIGEN", name="Eigen netwerk")
    source = make_package(app, source_network, list(goals.values()), title="Zonneboten", licence="CC-BY-SA")
    browser_login(page, live_server, factory.user("netwerkcoordinator", network_id=own))

    page.goto(f"{live_server}/lespakketten/{source}")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Overnemen voor mijn netwerk").click()
    assert "Het lespakket is overgenomen als concept van je netwerk." in page.content()
    assert "Overgenomen van" in page.content()
    copy_url = page.url

    with app.app_context():
        from wt_curriculum.lessons.models import LessonPackage
        db.session.get(LessonPackage, source).title = "Zonneboten 2.0"
        db.session.commit()
    page.goto(copy_url)
    assert "Er is een nieuwere versie van de bron beschikbaar." in page.content()
    assert axe_violations(page) == []
    shoot(page, "adopted")
    with page.expect_navigation():
        page.get_by_role("link", name="Bekijk wat er veranderd is en neem het over").click()
    assert "Zonneboten 2.0" in page.content()
    assert axe_violations(page) == []
    shoot(page, "newer-version")
    with page.expect_navigation():
        page.get_by_role("button", name="De nieuwere versie overnemen").click()
    assert "De nieuwere versie van de bron is overgenomen." in page.content()
