"""Planning an outside material like a lesson package: the first planning takes it up as a package of kind
'extern' with only its confirmed goals (owned by the source's network), every later planning reuses it; the
entry shows in the year plan marked as an outside material with its link, and coverage counts the confirmed
goals, never the merely suggested ones. Such a package is not offered, searched, listed or edited as a package."""
from sqlalchemy import func, select

from tests.oai.conftest import kerndoel_goals
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import Alignment, LessonPackage
from wt_curriculum.oai.models import ExternalMaterial, HarvestSource, MaterialGoal
from wt_curriculum.planning.models import PlanEntry
from wt_curriculum.schoolyears import current_school_year, format_school_year

YEAR = current_school_year()


def _material(app, network_id, confirmed=(), suggested=(), url="https://bron.example/m/1", title="Zonnebootjes"):
    with app.app_context():
        source = HarvestSource(name="Bron", url="https://bron.example/oai", network_id=network_id)
        db.session.add(source)
        db.session.flush()
        material = ExternalMaterial(source_id=source.id, identifier=f"oai:bron:{title}", title=title,
                                    description="Bootjes op zonne-energie.", url=url, licence="cc-by-40",
                                    groepen_mask=0, keywords="zon, boten")
        db.session.add(material)
        db.session.flush()
        for goal_id in confirmed:
            db.session.add(MaterialGoal(material_id=material.id, goal_id=goal_id, status="bevestigd"))
        for goal_id in suggested:
            db.session.add(MaterialGoal(material_id=material.id, goal_id=goal_id))
        db.session.commit()
        return material.id


def _goals(app, count=2):
    """Seed goals that reach kerndoelen, with a groep each is meant for: [(id, code, groep)]."""
    from wt_curriculum.objectives.models import Goal

    ids = [goal_id for goal_id, _, _ in kerndoel_goals(app, count)]
    with app.app_context():
        goals = {g.id: g for g in db.session.scalars(select(Goal).where(Goal.id.in_(ids)))}
        return [(i, goals[i].code, goals[i].groepen[0]) for i in ids]


def _plan(client, material_id, groep, year=YEAR, period=""):
    page = client.get(f"/materialen/{material_id}").get_data(as_text=True)
    token = page.split('name="submission" value="', 1)[1].split('"', 1)[0]
    return client.post(f"/materialen/{material_id}/plannen", data={
        "school_year": format_school_year(year), "groep": str(groep), "period": period, "submission": token})


def _covered(app, school_id, year=YEAR) -> set[str]:
    from wt_curriculum.planning.coverage import school_coverage

    with app.app_context():
        data = school_coverage(db.session, school_id, year)
        return {g.code for g in data.goals if g.covered}


def test_a_teacher_plans_an_outside_material_and_it_counts_for_its_confirmed_goal_only(app, client, login,
                                                                                         factory, references):
    (confirmed, confirmed_code, groep), (suggested, suggested_code, other_groep) = _goals(app)
    network_id = factory.network(code="NET-BRON")
    material_id = _material(app, network_id, confirmed=(confirmed,), suggested=(suggested,))
    teacher = login("leraar", network_id=factory.network(code="NET-SCHOOL"))
    page = client.get(f"/materialen/{material_id}").get_data(as_text=True)
    assert f'action="/materialen/{material_id}/plannen"' in page
    assert "telt het alleen mee voor de dekking van de hierboven bevestigde leerdoelen" in page
    assert suggested_code not in page  # teachers see no suggestions

    response = _plan(client, material_id, groep, period="week 12")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/scholen/{teacher.school_id}/plan?jaar={format_school_year(YEAR)}")
    with app.app_context():
        entry = db.session.scalars(select(PlanEntry)).one()
        package = db.session.get(LessonPackage, entry.package_id)
        assert (entry.school_id, entry.school_year, entry.groep, entry.period, entry.created_by_id) == (
            teacher.school_id, YEAR, groep, "week 12", teacher.id)
        assert (package.kind, package.status, package.title, package.network_id, package.links) == (
            "extern", "gepubliceerd", "Zonnebootjes", network_id, "https://bron.example/m/1")
        assert dict(db.session.execute(select(Alignment.goal_id, Alignment.relation)
                                       .where(Alignment.package_id == package.id)).all()) == {confirmed: "kern"}
        assert db.session.get(ExternalMaterial, material_id).external_package_id == package.id
    covered = _covered(app, teacher.school_id)
    assert confirmed_code in covered and suggested_code not in covered

    plan = client.get(response.headers["Location"])
    text = plan.get_data(as_text=True)
    assert "Zonnebootjes" in text and "Materiaal van elders" in text
    assert 'href="https://bron.example/m/1" rel="external noopener noreferrer"' in text
    assert "Zonnebootjes is toegevoegd aan de planning van groep" in text

    # Planning it in a groep the suggested goal is meant for still covers nothing of that goal.
    if other_groep != groep:
        assert _plan(client, material_id, other_groep).status_code == 303
        assert suggested_code not in _covered(app, teacher.school_id)


def test_a_second_planning_reuses_the_package_and_a_duplicate_is_refused(app, client, login, factory, references):
    (goal_id, _, groep), = _goals(app, 1)
    network_id = factory.network(code="NET-BRON")
    material_id = _material(app, network_id, confirmed=(goal_id,))
    login("coordinator", network_id=network_id)
    assert _plan(client, material_id, groep).status_code == 303
    assert _plan(client, material_id, groep, year=YEAR + 1).status_code == 303
    again = _plan(client, material_id, groep)
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/materialen/{material_id}")
    assert "staat al in de planning van groep" in client.get(again.headers["Location"]).get_data(as_text=True)
    login("leraar", network_id=factory.network(code="NET-ANDER"))  # another school plans it too
    assert _plan(client, material_id, groep).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonPackage)) == 1
        package_ids = set(db.session.scalars(select(PlanEntry.package_id)))
        assert len(package_ids) == 1 and db.session.scalar(select(func.count()).select_from(PlanEntry)) == 3


def test_without_a_confirmed_goal_the_material_is_not_planned(app, client, login, factory, references):
    (goal_id, _, groep), = _goals(app, 1)
    material_id = _material(app, factory.network(), suggested=(goal_id,))
    login("leraar")
    page = client.get(f"/materialen/{material_id}").get_data(as_text=True)
    assert "/plannen" not in page and "Dit materiaal kun je nog niet plannen" in page
    response = client.post(f"/materialen/{material_id}/plannen",
                           data={"school_year": format_school_year(YEAR), "groep": str(groep)})
    assert response.status_code == 303
    assert "Er is nog geen leerdoel bevestigd voor dit materiaal" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonPackage)) == 0
        assert db.session.scalar(select(func.count()).select_from(PlanEntry)) == 0


def test_bad_values_and_other_roles(app, client, login, factory, references):
    (goal_id, _, _), = _goals(app, 1)
    material_id = _material(app, factory.network(), confirmed=(goal_id,))
    for role in ("redacteur", "netwerkcoordinator", "beheerder"):
        login(role)
        assert "/plannen" not in client.get(f"/materialen/{material_id}").get_data(as_text=True)
        assert client.post(f"/materialen/{material_id}/plannen",
                           data={"school_year": format_school_year(YEAR), "groep": "5"}).status_code == 403
    login("leraar")
    for data in ({"school_year": "2026", "groep": "5"}, {"school_year": format_school_year(YEAR), "groep": "9"},
                 {"school_year": format_school_year(YEAR), "groep": "５"}):
        response = client.post(f"/materialen/{material_id}/plannen", data=data)
        assert response.status_code == 303
    assert client.post("/materialen/999999/plannen",
                       data={"school_year": format_school_year(YEAR), "groep": "5"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlanEntry)) == 0


def test_a_source_and_a_school_without_a_network_cannot_plan(app, client, login, factory, references):
    (goal_id, _, groep), = _goals(app, 1)
    material_id = _material(app, None, confirmed=(goal_id,))
    login("leraar", school_id=factory.school(network_id=None))
    response = _plan(client, material_id, groep)
    assert response.status_code == 303
    assert "hoort bij geen netwerk" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlanEntry)) == 0


def test_the_goals_confirmed_later_follow_into_coverage(app, client, login, factory, references):
    (goal_a, code_a, groep), (goal_b, code_b, groep_b) = _goals(app)
    network_id = factory.network(code="NET-BRON")
    material_id = _material(app, network_id, confirmed=(goal_a,), suggested=(goal_b,))
    teacher = login("leraar", network_id=network_id)
    assert _plan(client, material_id, groep).status_code == 303
    if groep_b != groep:
        assert _plan(client, material_id, groep_b).status_code == 303
    assert code_b not in _covered(app, teacher.school_id)
    login("netwerkcoordinator", network_id=network_id)
    client.post(f"/materialen/{material_id}/leerdoelen/{goal_b}", data={"besluit": "bevestigen"})
    assert {code_a, code_b} <= _covered(app, teacher.school_id)
    client.post(f"/materialen/{material_id}/leerdoelen/{goal_a}", data={"besluit": "afwijzen"})
    with app.app_context():
        package_id = db.session.scalar(select(ExternalMaterial.external_package_id))
        assert dict(db.session.execute(select(Alignment.goal_id, Alignment.relation)
                                       .where(Alignment.package_id == package_id)).all()) == {goal_b: "kern"}
    covered = _covered(app, teacher.school_id)
    assert code_a not in covered and code_b in covered


def test_the_package_of_an_outside_material_is_no_package_of_the_network(app, client, login, factory, references):
    (goal_id, code, groep), = _goals(app, 1)
    network_id = factory.network(code="NET-BRON")
    material_id = _material(app, network_id, confirmed=(goal_id,))
    login("leraar")
    assert _plan(client, material_id, groep).status_code == 303
    with app.app_context():
        package = db.session.scalars(select(LessonPackage)).one()
        package_id, uuid = package.id, package.uuid
    # Not offered as ours over OAI-PMH, not a package hit in the search (the material itself is), not in the goal's
    # packages or the plan's select box.
    assert uuid not in client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").get_data(as_text=True)
    search = client.get("/lespakketten?q=zonnebootjes").get_data(as_text=True)
    assert f'href="/lespakketten/{package_id}"' not in search and "1 materiaal van elders" in search
    assert f'href="/lespakketten/{package_id}"' not in client.get(f"/doelen/{code}").get_data(as_text=True)
    from wt_curriculum.planning.services import plannable_packages

    with app.app_context():
        assert package_id not in {p.id for p in plannable_packages(db.session)}
    # Its network's coordinator may not edit, publish or withdraw it: it follows the material.
    login("netwerkcoordinator", network_id=network_id)
    page = client.get(f"/lespakketten/{package_id}").get_data(as_text=True)
    assert "Materiaal van elders" in page and f"/lespakketten/{package_id}/bewerken" not in page
    assert client.get(f"/lespakketten/{package_id}/bewerken").status_code == 403
    assert client.post(f"/lespakketten/{package_id}/intrekken").status_code == 403
    assert f'href="/lespakketten/{package_id}"' not in client.get("/lespakketten/beheer").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(LessonPackage, package_id).status == "gepubliceerd"


def _planned_package(app, client, login, factory, title):
    (goal_id, _, groep), = _goals(app, 1)
    network_id = factory.network()
    material_id = _material(app, network_id, confirmed=(goal_id,), title=title)
    login("leraar")
    assert _plan(client, material_id, groep).status_code == 303
    with app.app_context():
        material = db.session.get(ExternalMaterial, material_id)
        return material.source_id, material.identifier, material.external_package_id


def test_a_material_deleted_at_its_source_withdraws_its_package_but_the_plan_keeps_it(app, client, login, factory,
                                                                                     references):
    from types import SimpleNamespace

    from wt_curriculum.oai.harvest import HarvestReport, _apply

    source_id, identifier, package_id = _planned_package(app, client, login, factory, "Weg bij de bron")
    deleted = SimpleNamespace(header=SimpleNamespace(identifier=identifier, datestamp="2026-12-01T00:00:00Z"),
                              deleted=True)
    with app.app_context():
        report = HarvestReport(ok=True)
        _apply(db.session, db.session.get(HarvestSource, source_id), [deleted], report)
        db.session.commit()
        assert report.deleted == 1 and db.session.scalar(select(func.count()).select_from(ExternalMaterial)) == 0
        assert db.session.get(LessonPackage, package_id).status == "ingetrokken"
        assert db.session.scalar(select(func.count()).select_from(PlanEntry)) == 1


def test_removing_the_source_withdraws_the_packages_of_its_planned_materials(app, client, login, factory,
                                                                             references):
    source_id, _, package_id = _planned_package(app, client, login, factory, "Bron verwijderd")
    login("beheerder")
    assert client.post(f"/beheer/oai-bronnen/{source_id}/verwijderen").status_code == 303
    with app.app_context():
        assert db.session.get(LessonPackage, package_id).status == "ingetrokken"
        assert db.session.scalar(select(func.count()).select_from(PlanEntry)) == 1


def test_a_planned_material_changed_at_its_source_changes_its_package_at_once(app, client, login, factory,
                                                                              references):
    """The harvest that brings a new title or address brings it to the package in the year plans too; the
    confirmed goal stays its aim."""
    from types import SimpleNamespace

    from lxml import etree

    from wt_curriculum.oai.harvest import HarvestReport, _apply

    source_id, identifier, package_id = _planned_package(app, client, login, factory, "Oude titel")
    with app.app_context():
        goals_before = {a.goal_id for a in db.session.scalars(select(Alignment).where(
            Alignment.package_id == package_id))}
    record = etree.fromstring(
        '<record xmlns="http://www.openarchives.org/OAI/2.0/"><metadata><lom xmlns="http://ltsc.ieee.org/xsd/LOM">'
        '<general><title><string language="nl">Nieuwe titel</string></title></general>'
        '<technical><location>https://bron.example/m/nieuw</location></technical></lom></metadata></record>')
    changed = SimpleNamespace(header=SimpleNamespace(identifier=identifier, datestamp="2026-12-02T00:00:00Z"),
                              deleted=False, xml=record)
    with app.app_context():
        report = HarvestReport(ok=True)
        _apply(db.session, db.session.get(HarvestSource, source_id), [changed], report)
        db.session.commit()
        package = db.session.get(LessonPackage, package_id)
        assert report.updated == 1
        assert (package.title, package.links, package.status) == (
            "Nieuwe titel", "https://bron.example/m/nieuw", "gepubliceerd")
        assert set(db.session.scalars(select(Alignment.goal_id).where(Alignment.package_id == package_id))) == \
            goals_before and goals_before


def test_the_network_start_page_counts_its_own_packages_not_the_outside_materials_it_harvested(
        app, client, login, factory, references):
    _, _, package_id = _planned_package(app, client, login, factory, "Geoogst materiaal")
    with app.app_context():
        network_id = db.session.get(LessonPackage, package_id).network_id
    from tests.conftest import login_as

    coordinator = app.test_client()  # not the planning teacher's client, which still has its flash message
    login_as(coordinator, app, factory.user("netwerkcoordinator", network_id=network_id))
    page = coordinator.get("/").get_data(as_text=True)
    assert "0 gepubliceerde lespakketten" in page
    assert "Geoogst materiaal" not in page
