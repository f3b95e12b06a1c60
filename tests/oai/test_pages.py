"""The pages of outside materials: sources (adding, harvesting now, failures, removing), a material's page with
its suggested goals to confirm, and the materials in the search beside the lesson packages."""
import pytest
from sqlalchemy import select

from tests.oai.conftest import kerndoel_goals
from tests.oai.sources import record
from tests.oai.test_harvest import PLAIN, deep_lom
from wt_curriculum.extensions import db
from wt_curriculum.oai.models import ExternalMaterial, HarvestSource, MaterialGoal


def add(client, **data):
    return client.post("/beheer/oai-bronnen", data={"name": "Techniek Lab", "url": "", "set_spec": "", **data})


def test_a_network_coordinator_adds_a_source_harvests_it_and_sees_the_materials(app, client, login, scripted,
                                                                                references, local_sources):
    user = login("netwerkcoordinator")
    goal_id, _, uuids = kerndoel_goals(app, 1)[0]
    scripted.pages = [[record("oai:bron:1", "2026-11-01T10:00:00Z", deep_lom(sorted(uuids)[0], sorted(uuids)[0])),
                       record("oai:bron:2", "2026-11-02T10:00:00Z", PLAIN)]]
    response = add(client, url=scripted.url)
    assert response.status_code == 303
    with app.app_context():
        source = db.session.scalars(select(HarvestSource)).one()
        assert (source.network_id, source.created_by_id, source.metadata_prefix) == (user.network_id, user.id, "lom")
    page = client.get(response.headers["Location"])
    assert "Nog niet geoogst" in page.get_data(as_text=True)
    response = client.post(f"/beheer/oai-bronnen/{source.id}/oogsten", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Geoogst" in text and "De laatste oogst bracht 2 records." in text
    assert "Brug van spaghetti" in text and "Alleen een titel" in text
    listing = client.get("/beheer/oai-bronnen").get_data(as_text=True)
    assert "Techniek Lab" in listing and scripted.url in listing


def test_a_failing_source_is_reported_on_its_page_not_as_an_error(app, client, login, scripted, local_sources):
    login("beheerder")
    scripted.pages = [[record("oai:bron:1", "2026-11-01T10:00:00Z", PLAIN)], [record("oai:bron:2", "x", PLAIN)]]
    scripted.failure = {1: "http500"}
    response = add(client, url=scripted.url)
    source_url = response.headers["Location"]
    response = client.post(source_url + "/oogsten", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Oogsten mislukt" in text and "De laatste oogst is mislukt" in text and "HTTP 500" in text
    with app.app_context():
        assert db.session.scalars(select(ExternalMaterial)).all() == []


@pytest.mark.parametrize("data, message", [
    ({"url": "ftp://bron.example/oai"}, "begint met https://"),
    ({"url": "javascript:alert(1)"}, "begint met https://"),
    ({"url": "https://bron.example/oai", "set_spec": "a b"}, "Een set schrijf je"),
    ({"url": "https://bron.example/oai", "name": ""}, "Dit veld is vereist"),
])
def test_bad_sources_are_refused_with_a_message(app, client, login, data, message):
    login("beheerder")
    response = add(client, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(HarvestSource)).all() == []


def test_a_coordinator_sees_only_the_sources_of_their_network(app, client, login, factory):
    other = factory.network()
    with app.app_context():
        db.session.add(HarvestSource(name="Bron van een ander netwerk", url="https://x.example/oai", network_id=other))
        db.session.add(HarvestSource(name="Landelijke bron", url="https://y.example/oai"))
        db.session.commit()
    login("netwerkcoordinator")
    text = client.get("/beheer/oai-bronnen").get_data(as_text=True)
    assert "Bron van een ander netwerk" not in text and "Landelijke bron" not in text


def _material(app, network_id=None, description="Een <b>vet</b> verhaal", url="https://bron.example/m/1",
              goal_ids=(), title="Zonnebootjes"):
    with app.app_context():
        source = HarvestSource(name="Bron", url="https://bron.example/oai", network_id=network_id)
        db.session.add(source)
        db.session.flush()
        material = ExternalMaterial(source_id=source.id, identifier=f"oai:bron:{title}", title=title,
                                    description=description, url=url, licence="cc-by-40", groepen_mask=0b11000000,
                                    keywords="zon, boten")
        db.session.add(material)
        db.session.flush()
        for goal_id in goal_ids:
            db.session.add(MaterialGoal(material_id=material.id, goal_id=goal_id))
        db.session.commit()
        return source.id, material.id


def test_the_material_page_links_out_and_escapes_what_the_source_wrote(app, client, framework):
    _, material_id = _material(app)
    text = client.get(f"/materialen/{material_id}").get_data(as_text=True)
    assert "Een &lt;b&gt;vet&lt;/b&gt; verhaal" in text
    assert 'href="https://bron.example/m/1" rel="external noopener noreferrer"' in text
    assert "CC BY 4.0" in text and "<dd>7-8</dd>" in text and "zon, boten" in text
    assert "Bevestig" not in text  # anonymous visitors see no decisions


def test_an_editor_confirms_and_rejects_suggested_goals(app, client, login, references):
    from wt_curriculum.objectives.models import Goal

    (goal_a, _, _), (goal_b, _, _) = kerndoel_goals(app, 2)
    _, material_id = _material(app, goal_ids=(goal_a, goal_b))
    with app.app_context():
        code_a, code_b = (db.session.get(Goal, g).code for g in (goal_a, goal_b))
    anonymous = client.get(f"/materialen/{material_id}").get_data(as_text=True)
    assert "Bevestigen" not in anonymous and "Er is nog geen leerdoel bevestigd" in anonymous
    user = login("redacteur")
    page = client.get(f"/materialen/{material_id}").get_data(as_text=True)
    for goal_id, code in ((goal_a, code_a), (goal_b, code_b)):
        assert f'action="/materialen/{material_id}/leerdoelen/{goal_id}"' in page
        assert f'Bevestigen<span class="visually-hidden"> {code}</span>' in page
    client.post(f"/materialen/{material_id}/leerdoelen/{goal_a}", data={"besluit": "bevestigen"})
    client.post(f"/materialen/{material_id}/leerdoelen/{goal_b}", data={"besluit": "afwijzen"})
    with app.app_context():
        decided = {link.goal_id: (link.status, link.decided_by_id)
                   for link in db.session.scalars(select(MaterialGoal))}
    assert decided == {goal_a: ("bevestigd", user.id), goal_b: ("afgewezen", user.id)}
    page = client.get(f"/materialen/{material_id}").get_data(as_text=True)
    assert "/leerdoelen/" not in page and "Afwijzen<span class" not in page
    assert f'href="/doelen/{code_a}"' in page


def test_a_coordinator_of_another_network_may_not_decide(app, client, login, factory, references):
    goal_id = kerndoel_goals(app, 1)[0][0]
    _, material_id = _material(app, network_id=factory.network(), goal_ids=(goal_id,))
    login("netwerkcoordinator")
    assert client.post(f"/materialen/{material_id}/leerdoelen/{goal_id}",
                       data={"besluit": "bevestigen"}).status_code == 403
    with app.app_context():
        assert db.session.scalars(select(MaterialGoal.status)).one() == "voorgesteld"


def test_removing_a_source_removes_its_materials(app, client, login):
    login("beheerder")
    source_id, material_id = _material(app)
    response = client.post(f"/beheer/oai-bronnen/{source_id}/verwijderen")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(HarvestSource, source_id) is None
        assert db.session.get(ExternalMaterial, material_id) is None
    assert client.get(f"/materialen/{material_id}").status_code == 404


def test_search_shows_outside_materials_beside_the_packages_marked_external(app, client, references):
    goal_id = kerndoel_goals(app, 1)[0][0]
    _material(app, goal_ids=(goal_id,))
    _material(app, title="Iets heel anders", description="Over muziek", url="https://bron.example/m/2")
    first = client.get("/lespakketten?q=zonneboot").get_data(as_text=True)  # anonymous: the page is cached
    assert "1 materiaal van elders" in first and "Zonnebootjes" in first and "extern" in first
    assert 'href="https://bron.example/m/1" rel="external noopener noreferrer"' in first
    assert "Iets heel anders" not in first
    assert "materiaal van elders" not in client.get("/lespakketten?q=xyzzy").get_data(as_text=True)
    assert "Zonnebootjes" in client.get("/lespakketten?groep=8").get_data(as_text=True)
    assert "Zonnebootjes" not in client.get("/lespakketten?groep=3").get_data(as_text=True)
    with app.app_context():  # a confirmed goal shows; a harvest's change reaches the cached page
        link = db.session.scalars(select(MaterialGoal)).one()
        link.status = "bevestigd"
        db.session.commit()
        from wt_curriculum.objectives.models import Goal

        code = db.session.get(Goal, goal_id).code
    again = client.get("/lespakketten?q=zonneboot").get_data(as_text=True)
    assert f'<span class="code">{code}</span>' in again
    assert "Zonnebootjes" in client.get(f"/lespakketten?goal={code}").get_data(as_text=True)


def test_a_material_with_confirmed_goals_is_taken_up_as_a_draft_package_once(app, client, login, references):
    from wt_curriculum.lessons.models import Alignment, LessonPackage

    (goal_a, _, _), (goal_b, _, _) = kerndoel_goals(app, 2)
    user = login("netwerkcoordinator")
    _, material_id = _material(app, network_id=user.network_id, goal_ids=(goal_a, goal_b))
    refused = client.post(f"/materialen/{material_id}/opnemen", follow_redirects=True)
    assert "Bevestig eerst minstens één leerdoel" in refused.get_data(as_text=True)
    for goal_id in (goal_b, goal_a):
        client.post(f"/materialen/{material_id}/leerdoelen/{goal_id}", data={"besluit": "bevestigen"})
    assert "Opnemen als lespakket" in client.get(f"/materialen/{material_id}").get_data(as_text=True)
    response = client.post(f"/materialen/{material_id}/opnemen")
    assert response.status_code == 303 and response.headers["Location"].endswith("/bewerken")
    with app.app_context():
        package = db.session.scalars(select(LessonPackage)).one()
        assert (package.title, package.status, package.network_id) == ("Zonnebootjes", "concept", user.network_id)
        assert (package.licence, package.links, package.groepen) == ("CC-BY", "https://bron.example/m/1", [7, 8])
        relations = dict(db.session.execute(select(Alignment.goal_id, Alignment.relation)
                                            .where(Alignment.package_id == package.id)).all())
        assert set(relations) == {goal_a, goal_b} and sorted(relations.values()) == ["kern", "raakt"]
        assert db.session.get(ExternalMaterial, material_id).package_id == package.id
    page = client.get(f"/materialen/{material_id}").get_data(as_text=True)
    assert f'href="/lespakketten/{package.id}"' in page and "Opnemen als lespakket" not in page
    again = client.post(f"/materialen/{material_id}/opnemen", follow_redirects=True)
    assert "is al als lespakket opgenomen" in again.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(LessonPackage)).all()) == 1
