"""A school or network is deleted only when nothing refers to it; the areas above say what does (hooks)."""
from sqlalchemy import select

from tests.planning.builders import Builder
from wt_curriculum.extensions import db
from wt_curriculum.organisations.models import Network, School


def _world(app, plan: bool = False, package: bool = False):
    with app.app_context():
        b = Builder(db.session)
        network = b.network("DEL")
        school = b.school(network)
        if package or plan:
            b.domain("DL")
            b.strand("DL.S", "DL")
            b.goal("DL.S.1", "DL.S", [3])
            b.package("Wisbaar pakket", [3], {"DL.S.1": "kern"}, network)
        if plan:
            b.plan(school, 2026, 3, "Wisbaar pakket")
        db.session.commit()
        return network, school


def _exists(app, model, record_id) -> bool:
    with app.app_context():
        return db.session.scalar(select(model.id).where(model.id == record_id)) is not None


def test_a_school_with_year_plans_is_archived_not_deleted(app, client, login):
    network, school = _world(app, plan=True)
    login("beheerder")
    response = client.post(f"/beheer/scholen/{school}/verwijderen", follow_redirects=True)
    assert "heeft jaarplanningen en kan niet worden verwijderd" in response.text
    assert _exists(app, School, school)


def test_a_network_whose_schools_plan_is_not_deleted(app, client, login):
    network, school = _world(app, plan=True)
    login("beheerder")
    response = client.post(f"/beheer/netwerken/{network}/verwijderen", follow_redirects=True)
    assert "heeft scholen met jaarplanningen" in response.text
    assert _exists(app, Network, network)


def test_a_network_with_lesson_packages_is_not_deleted(app, client, login):
    with app.app_context():
        b = Builder(db.session)
        network = b.network("PKG")
        b.domain("DL")
        b.strand("DL.S", "DL")
        b.goal("DL.S.1", "DL.S", [3])
        b.package("Pakket van het netwerk", [3], {"DL.S.1": "kern"}, network)
        db.session.commit()
    login("beheerder")
    response = client.post(f"/beheer/netwerken/{network}/verwijderen", follow_redirects=True)
    assert "heeft nog scholen, lespakketten of accounts" in response.text
    assert _exists(app, Network, network)


def test_an_unused_school_and_network_are_deleted(app, client, login):
    network, school = _world(app)
    login("beheerder")
    assert client.post(f"/beheer/scholen/{school}/verwijderen").status_code == 302
    assert not _exists(app, School, school)
    assert client.post(f"/beheer/netwerken/{network}/verwijderen").status_code == 302
    assert not _exists(app, Network, network)
