"""Year plans: adding with its rules, permissions, taught/untaught, editing with a version, removing, copying."""
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.planning.builders import Builder, base_framework
from wt_curriculum.extensions import db
from wt_curriculum.planning.models import PlanEntry


@pytest.fixture
def setup(app, factory):
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        b.package("Concept", [1, 2], {"T.A.1": "kern"}, network_id, status="concept")
        b.package("Ingetrokken", [1, 2], {"T.A.1": "kern"}, network_id, status="ingetrokken")
        school = b.school(network_id)
        other = b.school(network_id)
        db.session.commit()
        ids = {title: p.id for title, p in b.packages.items()}
    return {"school": school, "other": other, "network": network_id, "packages": ids}


def entries(app, **where):
    with app.app_context():
        q = select(PlanEntry)
        for k, v in where.items():
            q = q.where(getattr(PlanEntry, k) == v)
        return [(e.school_year, e.groep, e.package_id, e.period, e.taught_on) for e in db.session.scalars(q)]


def add(client, package_id, year="2026-2027", groep="1", **extra):
    data = {"package_id": str(package_id), "school_year": year, "groep": groep, "next": "/scholen/x/plan", **extra}
    return client.post("/plan/toevoegen", data=data, follow_redirects=False)


def test_a_coordinator_adds_a_package_to_their_own_school(app, client, login, setup):
    login("coordinator", school_id=setup["school"])
    response = add(client, setup["packages"]["P1"], period="periode 2")
    assert response.status_code == 302 and response.headers["Location"] == "/scholen/x/plan"
    assert entries(app) == [(2026, 1, setup["packages"]["P1"], "periode 2", None)]
    page = client.get(f"/scholen/{setup['school']}/plan?jaar=2026-2027").get_data(as_text=True)
    assert "P1" in page and "periode 2" in page


def test_next_must_be_a_local_path(app, client, login, setup):
    login("leraar", school_id=setup["school"])
    response = add(client, setup["packages"]["P1"], next="https://evil.example/")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("case, message", [
    ({"school_year": "2026/2027"}, "2026-2027"),
    ({"school_year": "2026-2028"}, "2026-2027"),
    ({"groep": "9"}, "1"),
    ({"groep": "x"}, "1"),
    ({"package": "Concept"}, "Concept"),
    ({"package": "Ingetrokken"}, "Ingetrokken"),
    ({"package_id": "abc"}, "lespakket"),
    ({"package_id": "99999"}, "lespakket"),
])
def test_bad_plan_entries_are_refused_with_a_message_and_nothing_saved(app, client, login, setup, case, message):
    login("coordinator", school_id=setup["school"])
    package_id = case.pop("package_id", None) or setup["packages"][case.pop("package", "P1")]
    response = add(client, package_id, **{"year" if k == "school_year" else k: v for k, v in case.items()})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "flash-error" in page and message in page
    assert entries(app) == []


def test_a_duplicate_entry_is_refused(app, client, login, setup):
    login("coordinator", school_id=setup["school"])
    add(client, setup["packages"]["P1"])
    add(client, setup["packages"]["P1"])
    page = client.get("/").get_data(as_text=True)
    assert "al in de planning" in page
    assert len(entries(app)) == 1


def test_a_groep_outside_the_package_is_allowed_with_a_warning(app, client, login, setup):
    login("coordinator", school_id=setup["school"])
    add(client, setup["packages"]["P1"], groep="5")
    page = client.get("/").get_data(as_text=True)
    assert "flash-warning" in page and "groep 1-2" in page
    assert len(entries(app)) == 1
    plan = client.get(f"/scholen/{setup['school']}/plan?jaar=2026-2027").get_data(as_text=True)
    assert "warning-text" in plan  # flagged in the plan view as well


def test_another_schools_plan_is_forbidden(app, client, login, setup):
    login("coordinator", school_id=setup["school"])
    response = add(client, setup["packages"]["P1"], school_id=str(setup["other"]))
    assert response.status_code == 403
    assert client.get(f"/scholen/{setup['other']}/plan").status_code == 403
    assert client.get(f"/scholen/{setup['other']}/plan/kopieren").status_code == 403
    with app.app_context():
        other_entry = PlanEntry(school_id=setup["other"], school_year=2026, groep=1, package_id=setup["packages"]["P1"])
        db.session.add(other_entry)
        db.session.commit()
        entry_id = other_entry.id
    assert client.post(f"/plan/{entry_id}/verwijderen").status_code == 403
    assert client.post(f"/plan/{entry_id}/gegeven").status_code == 403
    assert len(entries(app, school_id=setup["other"])) == 1


def test_a_network_coordinator_sees_but_cannot_edit(app, client, login, setup):
    login("netwerkcoordinator", network_id=setup["network"])
    assert client.get(f"/scholen/{setup['school']}/plan").status_code == 200
    assert add(client, setup["packages"]["P1"], school_id=str(setup["school"])).status_code == 403


def test_an_admin_plans_for_a_named_school(app, client, login, setup):
    login("beheerder")
    add(client, setup["packages"]["P1"], school_id=str(setup["school"]))
    assert len(entries(app, school_id=setup["school"])) == 1


def _entry(app, setup, **kw):
    with app.app_context():
        entry = PlanEntry(school_id=setup["school"], school_year=2026, groep=1, package_id=setup["packages"]["P1"],
                          **kw)
        db.session.add(entry)
        db.session.commit()
        return entry.id, entry.version


def test_mark_taught_and_untaught(app, client, login, setup):
    from sqlalchemy import update

    from wt_curriculum.auth.models import User
    from wt_curriculum.groepen import ALL_GROEPEN, to_mask

    teacher = login("leraar", school_id=setup["school"])
    with app.app_context():  # a teacher marks the entries of their own groepen
        db.session.execute(update(User).where(User.id == teacher.id).values(groepen_mask=to_mask(ALL_GROEPEN)))
        db.session.commit()
    entry_id, version = _entry(app, setup)
    client.post(f"/plan/{entry_id}/gegeven", data={"version": version, "taught_on": "2026-10-05"})
    assert entries(app)[0][4] == date(2026, 10, 5)
    client.post(f"/plan/{entry_id}/niet-gegeven", data={"version": version + 1})
    assert entries(app)[0][4] is None
    client.post(f"/plan/{entry_id}/gegeven", data={"version": version + 2, "taught_on": "7-10-2026"})
    assert entries(app)[0][4] == date(2026, 10, 7)  # typed the Dutch way
    refused = client.post(f"/plan/{entry_id}/gegeven", data={"version": version + 3, "taught_on": "31-02-2026"},
                          follow_redirects=True)
    assert "Geef de datum als dd-mm-jjjj of jjjj-mm-dd." in refused.get_data(as_text=True)
    assert entries(app)[0][4] == date(2026, 10, 7)


def test_edit_with_a_stale_version_is_a_conflict(app, client, login, setup):
    login("coordinator", school_id=setup["school"])
    entry_id, version = _entry(app, setup)
    assert client.get(f"/plan/{entry_id}").status_code == 200
    ok = client.post(f"/plan/{entry_id}", data={"version": version, "period": "week 3", "taught_on": ""})
    assert ok.status_code == 302
    stale = client.post(f"/plan/{entry_id}", data={"version": version, "period": "week 9", "taught_on": ""})
    assert stale.status_code == 409
    assert entries(app)[0][3] == "week 3"
    future = client.post(f"/plan/{entry_id}", data={"version": version + 1, "period": "", "taught_on": "2999-01-01"})
    assert future.status_code == 200 and "toekomst" in future.get_data(as_text=True)


def test_remove_an_entry_with_a_stale_version_is_refused(app, client, login, setup):
    login("coordinator", school_id=setup["school"])
    entry_id, version = _entry(app, setup)
    client.post(f"/plan/{entry_id}/verwijderen", data={"version": version + 5})
    assert len(entries(app)) == 1
    client.post(f"/plan/{entry_id}/verwijderen", data={"version": version})
    assert entries(app) == []


def test_copy_last_years_plan_without_taught_dates_skipping_withdrawn(app, client, login, setup):
    login("coordinator", school_id=setup["school"])
    with app.app_context():
        b = Builder(db.session)
        ids = setup["packages"]
        rows = ((1, ids["P1"], date(2026, 3, 1)), (2, ids["P2"], None), (1, ids["Ingetrokken"], None))
        for groep, pid, taught in rows:
            db.session.add(PlanEntry(school_id=setup["school"], school_year=2025, groep=groep, package_id=pid,
                                     taught_on=taught, period="periode 1"))
        db.session.commit()
        del b
    response = client.post(f"/scholen/{setup['school']}/plan/kopieren",
                           data={"from_year": "2025-2026", "to_year": "2026-2027"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Ingetrokken" in page and "flash-warning" in page
    assert sorted(entries(app, school_year=2026)) == [(2026, 1, ids["P1"], "periode 1", None),
                                                      (2026, 2, ids["P2"], "periode 1", None)]
    client.post(f"/scholen/{setup['school']}/plan/kopieren", data={"from_year": "2025-2026", "to_year": "2026-2027"})
    with app.app_context():
        assert db.session.scalar(select(func.count(PlanEntry.id)).where(PlanEntry.school_year == 2026)) == 2


def test_copy_from_an_empty_year_says_so(app, client, login, setup):
    login("coordinator", school_id=setup["school"])
    response = client.post(f"/scholen/{setup['school']}/plan/kopieren",
                           data={"from_year": "2025-2026", "to_year": "2027-2028"})
    assert response.status_code == 200 and "2025-2026" in response.get_data(as_text=True)
    assert entries(app) == []


def test_my_plan_and_my_coverage_lead_to_the_own_school(app, client, login, setup):
    login("leraar", school_id=setup["school"])
    assert client.get("/mijn-plan").headers["Location"].startswith(f"/scholen/{setup['school']}/plan")
    assert client.get("/mijn-dekking").headers["Location"].startswith(f"/scholen/{setup['school']}/dekking")


def test_a_taught_date_outside_the_plans_school_year_is_a_field_error(app, client, login, setup):
    """Issue 15: 0001-01-01 was accepted for a 2026-2027 plan entry."""
    login("coordinator", school_id=setup["school"])
    entry_id, version = _entry(app, setup)
    for day in ("0001-01-01", "2026-07-31"):
        response = client.post(f"/plan/{entry_id}", data={"version": version, "period": "", "taught_on": day})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "schooljaar 2026-2027" in page, day
        assert "1 augustus 2026" in page and "31 juli 2027" in page
        assert entries(app)[0][4] is None
    quick = client.post(f"/plan/{entry_id}/gegeven", data={"version": version, "taught_on": "0001-01-01"})
    assert quick.status_code == 302 and entries(app)[0][4] is None
    ok = client.post(f"/plan/{entry_id}", data={"version": version, "period": "", "taught_on": "2026-08-01"})
    assert ok.status_code == 302 and entries(app)[0][4] == date(2026, 8, 1)
