"""Adopting a package from another network (issue 21), per licence kind: CC BY and CC BY-SA are copied and may be
adapted (BY-SA keeps its licence), CC BY-ND is copied but not changed, all rights reserved is linked, not
copied; attribution on both pages; a newer version of the source is shown with its diff and can be taken over."""
import pytest
from sqlalchemy import select

from tests.lessons.helpers import make_goals, make_package
from tests.lessons.test_authoring import form_data
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import Alignment, LessonPackage, PackageAdoption


@pytest.fixture
def goals(app):
    return make_goals(app, prefix="LB", count=3)


@pytest.fixture
def networks(factory):
    return {"source": factory.network(code="NET-BRON", name="Bronnetwerk"),
            "own": factory.network(code="NET-EIGEN", name="Eigen netwerk")}


def source(app, networks, goals, licence):
    return make_package(app, networks["source"], [goals["LB.1.1"], goals["LB.1.2"]], title=f"Bron {licence}",
                        licence=licence, groepen_mask=0b11000000)


def adopt(client, package_id):
    response = client.post(f"/lespakketten/{package_id}/overnemen")
    assert response.status_code == 302
    return response


def copies(app, source_id):
    with app.app_context():
        return [(p.id, p.network_id, p.status, p.title, p.licence) for p in db.session.scalars(
            select(LessonPackage).join(PackageAdoption, PackageAdoption.package_id == LessonPackage.id)
            .where(PackageAdoption.source_id == source_id))]


@pytest.mark.parametrize("licence", ["CC-BY", "CC-BY-SA"])
def test_cc_by_and_by_sa_are_copied_with_attribution_and_may_be_adapted(app, client, login, goals, networks,
                                                                        licence):
    src = source(app, networks, goals, licence)
    login("netwerkcoordinator", network_id=networks["own"])
    response = adopt(client, src)
    [(copy_id, network_id, status, title, copy_licence)] = copies(app, src)
    assert (network_id, status, title, copy_licence) == (networks["own"], "concept", f"Bron {licence}", licence)
    assert response.headers["Location"].endswith(f"/lespakketten/{copy_id}")
    with app.app_context():
        assert {a.goal_id: a.relation for a in db.session.scalars(
            select(Alignment).where(Alignment.package_id == copy_id))} == {goals["LB.1.1"]: "kern",
                                                                          goals["LB.1.2"]: "raakt"}
    page = client.get(f"/lespakketten/{copy_id}").text
    assert "Overgenomen van" in page and f'href="/lespakketten/{src}"' in page and "Bronnetwerk" in page
    source_page = client.get(f"/lespakketten/{src}").text
    assert "Overgenomen door:" in source_page and f'href="/lespakketten/{copy_id}">Eigen netwerk' in source_page
    # The copies come with the source's cached body; a draft copy is still shown only to those who may see it.
    assert "Overgenomen door:" not in app.test_client().get(f"/lespakketten/{src}").text

    # Adapting the copy: allowed; a BY-SA copy keeps its licence, a BY copy may change it.
    data = form_data(goals, title="Onze versie", groepen=["7", "8"], licence="CC-BY-NC-SA",
                     goal_id=[str(goals["LB.1.1"])], version="1")
    data.pop(f"relation-{goals['LB.1.2']}")
    response = client.post(f"/lespakketten/{copy_id}/bewerken", data=data)
    with app.app_context():
        copy = db.session.get(LessonPackage, copy_id)
        saved = (copy.title, copy.licence)
    if licence == "CC-BY":
        assert response.status_code == 302 and saved == ("Onze versie", "CC-BY-NC-SA")
    else:
        assert response.status_code == 200 and saved == (f"Bron {licence}", licence)
        assert "ShareAlike" in response.text and "houdt die licentie" in response.text
        data["licence"] = "CC-BY-SA"
        assert client.post(f"/lespakketten/{copy_id}/bewerken", data=data).status_code == 302
    # Adopting the same package twice is refused.
    adopt(client, src)
    assert len(copies(app, src)) == 1


def test_cc_by_nd_is_copied_but_not_changed(app, client, login, goals, networks):
    src = source(app, networks, goals, "CC-BY-ND")
    login("netwerkcoordinator", network_id=networks["own"])
    adopt(client, src)
    [(copy_id, *_)] = copies(app, src)
    assert "Onder CC BY-ND wordt deze kopie niet gewijzigd." in client.get(f"/lespakketten/{copy_id}").text
    response = client.post(f"/lespakketten/{copy_id}/bewerken", data=form_data(
        goals, title="Anders", licence="CC-BY-ND", version="1"))
    assert response.status_code == 200 and "mag het niet gewijzigd worden" in response.text
    with app.app_context():
        assert db.session.get(LessonPackage, copy_id).title == "Bron CC-BY-ND"


def test_all_rights_reserved_is_linked_not_copied(app, client, login, goals, networks):
    src = source(app, networks, goals, "ARR")
    login("netwerkcoordinator", network_id=networks["own"])
    page = client.get(f"/lespakketten/{src}").text
    assert "mag het niet gekopieerd worden" in page and f"/lespakketten/{src}</span>" in page
    assert f'action="/lespakketten/{src}/overnemen"' not in page
    adopt(client, src)
    assert copies(app, src) == []
    assert "Alle rechten op dit lespakket zijn voorbehouden" in client.get(f"/lespakketten/{src}").text


def test_a_newer_version_of_the_source_shows_its_diff_and_can_be_taken_over(app, client, login, factory, goals,
                                                                           networks):
    src = source(app, networks, goals, "CC-BY-ND")
    login("netwerkcoordinator", network_id=networks["own"])
    adopt(client, src)
    [(copy_id, *_)] = copies(app, src)
    assert "Er is een nieuwere versie van de bron" not in client.get(f"/lespakketten/{copy_id}").text
    assert "Je kopie is bij met de bron." in client.get(f"/lespakketten/{copy_id}/nieuwe-versie").text

    # The source's network improves its package.
    from tests.conftest import login_as
    login_as(client, app, factory.user("netwerkcoordinator", network_id=networks["source"]))
    response = client.post(f"/lespakketten/{src}/bewerken", data=form_data(
        goals, title="Bron verbeterd", licence="CC-BY-ND", groepen=["7", "8"], version="1",
        goal_id=[str(goals["LB.1.1"]), str(goals["LB.1.3"])], **{f"relation-{goals['LB.1.3']}": "raakt"}))
    assert response.status_code == 302

    login("netwerkcoordinator", network_id=networks["own"])
    page = client.get(f"/lespakketten/{copy_id}").text
    assert "Er is een nieuwere versie van de bron beschikbaar." in page
    diff = client.get(f"/lespakketten/{copy_id}/nieuwe-versie").text
    assert "Bron CC-BY-ND" in diff and "Bron verbeterd" in diff and "LB.1.3 (raakt)" in diff
    assert client.post(f"/lespakketten/{copy_id}/nieuwe-versie").status_code == 302
    with app.app_context():
        copy = db.session.get(LessonPackage, copy_id)
        assert (copy.title, copy.network_id, copy.status) == ("Bron verbeterd", networks["own"], "concept")
        assert {a.goal_id for a in db.session.scalars(select(Alignment).where(Alignment.package_id == copy_id))} == {
            goals["LB.1.1"], goals["LB.1.3"]}
    assert "Er is een nieuwere versie van de bron" not in client.get(f"/lespakketten/{copy_id}").text
    assert "nieuwere versie van de bron overgenomen" in client.get(f"/lespakketten/{copy_id}/geschiedenis").text
