"""Retiring a goal that packages and plans use is allowed, and the retire page says what it affects."""
import uuid

from sqlalchemy import select

from tests.objectives.helpers import goal_state
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import Alignment, LessonPackage
from wt_curriculum.objectives.models import Goal
from wt_curriculum.planning.coverage import impact_of_goal
from wt_curriculum.planning.models import PlanEntry


def add_package(app, network_id: int, title: str, goal_code: str, relation: str = "kern",
                status: str = "gepubliceerd") -> int:
    with app.app_context():
        goal_id = db.session.scalar(select(Goal.id).where(Goal.code == goal_code))
        package = LessonPackage(uuid=str(uuid.uuid4()), title=title, network_id=network_id, groepen_mask=0b110000,
                                status=status)
        package.alignments = [Alignment(goal_id=goal_id, relation=relation)]
        db.session.add(package)
        db.session.commit()
        return package.id


def plan(app, school_id: int, package_id: int, year: int = 2026, groep: int = 5) -> None:
    with app.app_context():
        db.session.add(PlanEntry(school_id=school_id, school_year=year, groep=groep, package_id=package_id))
        db.session.commit()


def test_goal_impact_counts_packages_and_schools(app, framework, factory):
    network = factory.network()
    schools = [factory.school(network_id=network) for _ in range(3)]
    used = add_package(app, network, "Bruggen bouwen", "MN.1.5")
    draft = add_package(app, network, "Concept over bruggen", "MN.1.5", "raakt", status="concept")
    add_package(app, network, "Ander doel", "MN.1.6")
    plan(app, schools[0], used)
    plan(app, schools[0], used, year=2027, groep=6)
    plan(app, schools[1], draft)
    with app.app_context():
        goal_id = db.session.scalar(select(Goal.id).where(Goal.code == "MN.1.5"))
        impact = impact_of_goal(db.session, goal_id)
    assert [p.title for p in impact.packages] == ["Bruggen bouwen", "Concept over bruggen"]
    assert impact.school_count == 2
    assert sum(school.entries for school in impact.schools) == 3


def test_the_retire_page_lists_what_the_goal_affects(client, app, framework, factory, login):
    network = factory.network()
    school = factory.school(network_id=network)
    package = add_package(app, network, "Bruggen bouwen", "MN.1.5")
    add_package(app, network, "Nog niet gepubliceerd", "MN.1.5", "raakt", status="concept")
    plan(app, school, package)
    login("redacteur")
    html = client.get("/doelen/MN.1.5/laten-vervallen").get_data(as_text=True)
    assert "2 lespakketten zijn gekoppeld aan dit leerdoel" in html
    assert "1 school heeft er een in een jaarplanning" in html
    assert "Bruggen bouwen" in html and "Nog niet gepubliceerd" in html
    # Retiring is still allowed.
    response = client.post("/doelen/MN.1.5/laten-vervallen", data={"note": "Vervangen"})
    assert response.status_code == 302
    assert goal_state(app, "MN.1.5")["status"] == "vervallen"


def test_the_retire_page_says_when_nothing_is_affected(client, app, framework, login):
    login("beheerder")
    html = client.get("/doelen/MN.1.6/laten-vervallen").get_data(as_text=True)
    assert "Geen lespakket is gekoppeld aan dit leerdoel" in html
