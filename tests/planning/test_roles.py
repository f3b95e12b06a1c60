"""Who changes which plan entry: a teacher adds packages and changes the entries of their own groepen and
the ones they added; removing others' entries and copying a whole year plan are for the coordinator."""
import pytest
from sqlalchemy import select, update

from tests.conftest import login_as
from tests.planning.builders import Builder, base_framework
from wt_curriculum.auth.models import User
from wt_curriculum.extensions import db
from wt_curriculum.groepen import to_mask
from wt_curriculum.planning.models import PlanEntry


@pytest.fixture
def school(app, factory):
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        school_id = b.school(network_id)
        coordinators_entry = b.plan(school_id, 2026, 1, "P1")  # groep 1: the teacher's own groep
        other_groep = b.plan(school_id, 2026, 2, "P2")  # groep 2: not theirs
        db.session.commit()
        ids = {"school": school_id, "own_groep": coordinators_entry.id, "other_groep": other_groep.id,
               "P3": b.packages["P3"].id}
    teacher = factory.user("leraar", school_id=school_id)
    with app.app_context():
        db.session.execute(update(User).where(User.id == teacher.id).values(groepen_mask=to_mask([1])))
        db.session.commit()
    return {**ids, "teacher": teacher}


def entry(app, entry_id):
    with app.app_context():
        return db.session.get(PlanEntry, entry_id)


def test_a_teacher_adds_a_package_and_may_remove_what_they_added(app, client, school):
    login_as(client, app, school["teacher"])
    response = client.post("/plan/toevoegen", data={"package_id": school["P3"], "school_year": "2026-2027",
                                                    "groep": "5", "next": "/"})
    assert response.status_code == 302
    with app.app_context():
        added = db.session.scalar(select(PlanEntry).where(PlanEntry.groep == 5))
        assert added.created_by_id == school["teacher"].id
    assert client.post(f"/plan/{added.id}/gegeven").status_code == 302  # not their groep, but their entry
    assert entry(app, added.id).taught_on is not None
    assert client.post(f"/plan/{added.id}/verwijderen").status_code == 302
    assert entry(app, added.id) is None


def test_a_teacher_changes_the_entries_of_their_own_groep_but_does_not_remove_them(app, client, school):
    login_as(client, app, school["teacher"])
    assert client.get(f"/plan/{school['own_groep']}").status_code == 200
    assert client.post(f"/plan/{school['own_groep']}/gegeven").status_code == 302
    assert entry(app, school["own_groep"]).taught_on is not None
    assert client.post(f"/plan/{school['own_groep']}/verwijderen").status_code == 403
    assert entry(app, school["own_groep"]) is not None


def test_a_teacher_leaves_other_groepen_alone(app, client, school):
    login_as(client, app, school["teacher"])
    assert client.get(f"/plan/{school['other_groep']}").status_code == 403
    assert client.post(f"/plan/{school['other_groep']}/gegeven").status_code == 403
    assert client.post(f"/plan/{school['other_groep']}/verwijderen").status_code == 403
    assert entry(app, school["other_groep"]).taught_on is None
    page = client.get(f"/scholen/{school['school']}/plan?jaar=2026-2027").get_data(as_text=True)
    assert f"/plan/{school['own_groep']}/gegeven" in page  # buttons only where they work
    assert f"/plan/{school['other_groep']}/gegeven" not in page
    assert "/verwijderen" not in page
    assert "/plan/kopieren" not in page


def test_copying_a_year_plan_is_for_the_coordinator(app, client, factory, school):
    login_as(client, app, school["teacher"])
    assert client.get(f"/scholen/{school['school']}/plan/kopieren").status_code == 403
    assert client.post(f"/scholen/{school['school']}/plan/kopieren",
                       data={"from_year": "2026-2027", "to_year": "2027-2028"}).status_code == 403
    coordinator = app.test_client()
    login_as(coordinator, app, factory.user("coordinator", school_id=school["school"]))
    assert "/plan/kopieren" in coordinator.get(f"/scholen/{school['school']}/plan?jaar=2026-2027").get_data(
        as_text=True)
    assert coordinator.post(f"/plan/{school['other_groep']}/verwijderen").status_code == 302
    assert entry(app, school["other_groep"]) is None


def test_the_administrator_gives_a_teacher_their_groepen(app, client, login, factory):
    school_id = factory.school()
    teacher = factory.user("leraar", school_id=school_id)
    login("beheerder")
    with app.app_context():
        current = db.session.get(User, teacher.id)
        form = {"email": current.email, "name": current.name, "role": "leraar", "school_id": str(school_id),
                "active": "y", "groepen": ["5", "6"]}
    assert client.post(f"/beheer/gebruikers/{teacher.id}", data=form).status_code == 302
    with app.app_context():
        assert db.session.get(User, teacher.id).groepen_mask == to_mask([5, 6])
    page = client.get(f"/beheer/gebruikers/{teacher.id}").get_data(as_text=True)
    assert 'value="5" checked' in page or 'checked value="5"' in page or ('value="5"' in page and "checked" in page)
