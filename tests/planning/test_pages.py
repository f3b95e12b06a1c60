"""Coverage pages: render for the right people, bad input is a 400, and a fixed number of queries."""
from datetime import date

import pytest

from tests.conftest import login_as
from tests.planning.builders import Builder, base_framework
from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import Strand


def grow(app, network_id, schools: int, years=(2025, 2026)):
    """Add schools with plans in every groep, plus extra goals and packages: more rows, same queries."""
    with app.app_context():
        b = Builder(db.session)
        from sqlalchemy import select

        from wt_curriculum.lessons.models import LessonPackage
        b.packages = {p.title: p for p in db.session.scalars(select(LessonPackage))}
        ids = []
        for _ in range(schools):
            school = b.school(network_id)
            ids.append(school)
            for year in years:
                for groep in (1, 2):
                    b.plan(school, year, groep, "P1", taught_on=date(2026, 1, 1))
                b.plan(school, year, 5, "P3")
        db.session.commit()
        return ids


@pytest.fixture
def world(app, factory):
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        school = b.school(network_id)
        b.plan(school, 2026, 1, "P1")
        db.session.commit()
        goal_id = b.goals["T.A.1"].id
    return {"network": network_id, "school": school, "goal": goal_id}


def pages(w):
    s, n = w["school"], w["network"]
    return [
        f"/scholen/{s}/dekking?jaar=2026-2027",
        f"/netwerken/{n}/dekking?jaar=2026-2027",
        f"/scholen/{s}/cohort?start=2020-2021",
        f"/scholen/{s}/hiaten?jaar=2026-2027&groep=3",
        f"/scholen/{s}/plan?jaar=2026-2027",
        f"/scholen/{s}/plan/groep/1?jaar=2026-2027",
        f"/dekking/leerdoel/{w['goal']}",
        "/scholen",
    ]


def test_every_coverage_page_runs_the_same_number_of_queries_at_two_sizes(app, client, factory, world,
                                                                         count_queries):
    login_as(client, app, factory.user("beheerder"))
    grow(app, world["network"], 1)
    small = {}
    for path in pages(world):
        with count_queries() as counter:
            assert client.get(path).status_code == 200, path
        small[path] = counter.count
    grow(app, world["network"], 12, years=(2020, 2021, 2022, 2025, 2026))
    with app.app_context():
        b = Builder(db.session)
        b.strands = {"T.A": db.session.scalar(db.select(Strand).where(Strand.code == "T.A"))}
        for i in range(10, 30):
            b.goal(f"T.A.{i}", "T.A", [i % 8 + 1], position=i)
        db.session.commit()
    for path in pages(world):
        with count_queries() as counter:
            assert client.get(path).status_code == 200, path
        assert counter.count == small[path], f"{path}: {small[path]} queries, then {counter.count}"
        assert counter.count <= 12, path


@pytest.mark.parametrize("path", [
    "/scholen/{s}/dekking?jaar=2026", "/scholen/{s}/dekking?jaar=abcd-efgh", "/netwerken/{n}/dekking?jaar=2026-2025",
    "/scholen/{s}/cohort?start=1999-2000", "/scholen/{s}/hiaten?jaar=2026-2027&groep=9",
    "/scholen/{s}/plan?jaar=x", "/scholen/{s}/hiaten?jaar=2026-2027&groep=een",
])
def test_a_bad_year_or_groep_is_a_400_with_a_message(app, client, login, world, path):
    login("beheerder")
    response = client.get(path.format(s=world["school"], n=world["network"]))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "2026-2027" in text or "1 tot en met 8" in text


def test_missing_school_network_goal_are_404(app, client, login):
    login("beheerder")
    for path in ("/scholen/9999/dekking", "/netwerken/9999/dekking", "/dekking/leerdoel/9999", "/plan/9999",
                 "/scholen/1/plan/groep/9"):
        assert client.get(path).status_code == 404, path


def test_school_users_see_only_their_own_school_and_no_network(app, client, factory, world):
    other = factory.school(network_id=world["network"], brin="99QQ")
    login_as(client, app, factory.user("leraar", school_id=world["school"]))
    assert client.get(f"/scholen/{world['school']}/dekking").status_code == 200
    assert client.get(f"/scholen/{other}/dekking").status_code == 403
    assert client.get(f"/scholen/{other}/cohort").status_code == 403
    assert client.get(f"/netwerken/{world['network']}/dekking").status_code == 403


def test_network_coordinators_see_their_networks_schools_only(app, client, factory, world):
    elsewhere_network = factory.network(code="ELSE")
    elsewhere = factory.school(network_id=elsewhere_network, brin="98QQ")
    login_as(client, app, factory.user("netwerkcoordinator", network_id=world["network"]))
    assert client.get("/mijn-netwerk").headers["Location"].startswith(f"/netwerken/{world['network']}/dekking")
    assert client.get(f"/scholen/{world['school']}/dekking").status_code == 200
    assert client.get(f"/scholen/{elsewhere}/dekking").status_code == 403
    assert client.get(f"/netwerken/{elsewhere_network}/dekking").status_code == 403


def test_coverage_page_shows_heat_map_with_text_alternative_and_table(app, client, login, world):
    login("redacteur")
    page = client.get(f"/scholen/{world['school']}/dekking?jaar=2026-2027").get_data(as_text=True)
    assert 'class="heatmap heatmap-wide" role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert 'scope="col"' in page and "<caption>" in page
    assert "1 van 5 leerdoelen gedekt (20%)" in page


def test_network_page_shows_median_and_missed_goals(app, client, login, world):
    grow(app, world["network"], 1)
    login("beheerder")
    page = client.get(f"/netwerken/{world['network']}/dekking?jaar=2026-2027").get_data(as_text=True)
    assert "mediaan" in page and "T.A.2" in page and "Leerdoelen die de meeste scholen missen" in page
