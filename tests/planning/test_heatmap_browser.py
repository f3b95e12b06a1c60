"""The heat-map coverage pages in Chromium at 375, 768 and 1280 px, with the demo data: axe finds nothing, nothing
runs off the side, the school page fits two screens with its strands folded, a strand opens without JavaScript,
and a phone gets the stacked layout at full size instead of a shrunken one."""
import re

import pytest
from sqlalchemy import func, select

from tests.browser_fixtures import axe_violations, browser_login
from wt_curriculum.extensions import db

WIDTHS = (375, 768, 1280)
# Below these widths (app.css) the maps switch to their narrow layout.
SCHOOL_WIDE_FROM, NETWORK_WIDE_FROM = 58 * 16, 66 * 16


@pytest.fixture
def demo(demo_data):
    from wt_curriculum.organisations.models import School
    from wt_curriculum.planning.models import PlanEntry

    app = demo_data
    with app.app_context():
        school_id, network_id = db.session.execute(
            select(PlanEntry.school_id, School.network_id).join(School, School.id == PlanEntry.school_id)
            .where(PlanEntry.school_year == 2026).group_by(PlanEntry.school_id, School.network_id)
            .order_by(func.count().desc()).limit(1)).one()
    return {"school": school_id, "network": network_id}


def _visible_maps(page) -> list[dict]:
    """The heat maps shown (not display:none): their layout, drawn width and own width."""
    return page.evaluate("""() => [...document.querySelectorAll('svg.heatmap')]
        .filter(svg => svg.checkVisibility())
        .map(svg => ({narrow: svg.classList.contains('heatmap-narrow'),
                      drawn: svg.getBoundingClientRect().width, own: svg.width.baseVal.value,
                      right: svg.getBoundingClientRect().right}))""")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.browser
def test_school_coverage_heat_map_at_three_widths(app, live_server, page, factory, demo):
    user = factory.user("coordinator", school_id=demo["school"])
    browser_login(page, live_server, user)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/scholen/{demo['school']}/dekking?jaar=2026-2027")
        strands = page.locator("details.heat-strand")
        assert strands.count() == 15
        assert _visible_maps(page) == []  # folded: only the strands' summaries show
        if width == 1280:
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height <= 2 * 900, height  # was about 8,600 px before the strands folded
        assert axe_violations(page) == []
        # Open a strand by its summary (a click, no script of ours): its map shows, at its own size.
        strands.nth(2).locator("summary").click()
        assert strands.nth(2).get_attribute("open") is not None
        maps = _visible_maps(page)
        assert len(maps) == 1
        assert maps[0]["narrow"] == (width < SCHOOL_WIDE_FROM)
        assert abs(maps[0]["drawn"] - maps[0]["own"]) < 1  # never shrunk to fit
        assert maps[0]["right"] <= width
        assert _overflow(page) <= 0
        assert axe_violations(page) == []


@pytest.mark.browser
def test_network_coverage_heat_map_at_three_widths(app, live_server, page, factory, demo):
    browser_login(page, live_server, factory.user("netwerkcoordinator", network_id=demo["network"]))
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/netwerken/{demo['network']}/dekking?jaar=2026-2027")
        maps = _visible_maps(page)
        assert len(maps) == 1 and maps[0]["narrow"] == (width < NETWORK_WIDE_FROM)
        assert abs(maps[0]["drawn"] - maps[0]["own"]) < 1 and maps[0]["right"] <= width
        assert _overflow(page) <= 0
        legend = page.locator(".strand-legend dl")
        assert "MN.1" in legend.inner_text() and "Aard van natuurwetenschappen & technologie" in legend.inner_text()
        # The strand's name on hover: the column heading's <title>.
        assert page.locator("svg.heatmap-wide g > title",
                            has_text=re.compile("^MN.6 Wisselwerking & energie$")).count() == 1
        assert axe_violations(page) == []
