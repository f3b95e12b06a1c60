"""Reference framework pages, the crosswalk editing page and the fragment other goal pages include."""
import pytest
from flask import render_template_string
from sqlalchemy import func, select

from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import Goal
from wt_curriculum.references.models import CrosswalkLink, ReferenceFramework, ReferenceNode

URL = "/doelen/MN.1.1/kruistabel"


def _links_of(app, goal_code):
    with app.app_context():
        return sorted(db.session.scalars(
            select(ReferenceNode.code).join(CrosswalkLink, CrosswalkLink.node_id == ReferenceNode.id)
            .join(Goal, Goal.id == CrosswalkLink.goal_id).where(Goal.code == goal_code)
        ))


def test_framework_list_and_tree_show_status_phases_and_serving_goals(client, login, references):
    login("leraar")
    page = client.get("/referentiekaders").get_data(as_text=True)
    assert "Kerndoelen primair onderwijs 2006" in page
    assert "definitief concept" in page and "wettelijk" in page and "einde van groep 8" in page
    tree = client.get("/referentiekaders/kd2025-po").get_data(as_text=True)
    assert "KD2025-PO-29A" in tree and "MN.1.1" in tree
    assert "Koppelingen bewerken" not in tree  # teachers do not edit the crosswalk
    assert client.get("/referentiekaders/onbekend").status_code == 404


def test_unserved_page_lists_nodes_no_goal_serves(app, client, login, references):
    with app.app_context():
        db.session.execute(CrosswalkLink.__table__.delete().where(CrosswalkLink.node_id.in_(
            select(ReferenceNode.id).where(ReferenceNode.code == "KD2006-PO-46"))))
        db.session.commit()
    login("netwerkcoordinator")
    page = client.get("/referentiekaders/kd2006-po/zonder-doelen").get_data(as_text=True)
    assert "KD2006-PO-46" in page
    assert "KD2006-PO-42" not in page


def test_editor_adds_and_removes_a_link(app, client, login, references):
    login("redacteur")
    before = _links_of(app, "MN.1.1")
    assert "KD2025-PO-32A" not in before
    response = client.post(URL, data={"framework": "kd2025-po", "node": "kd2025-po-32a", "relation": "isPartOf"})
    assert response.status_code == 302
    assert _links_of(app, "MN.1.1") == sorted(before + ["KD2025-PO-32A"])
    with app.app_context():
        link_id = db.session.scalar(select(CrosswalkLink.id).join(ReferenceNode).join(Goal).where(
            ReferenceNode.code == "KD2025-PO-32A", Goal.code == "MN.1.1"))
        relation = db.session.get(CrosswalkLink, link_id).relation
    assert relation == "isPartOf"
    # By UUID as well: 32B.
    client.post(URL, data={"framework": "kd2025-po", "node": "23b8bf43-68b0-4140-a330-713a056088cf",
                           "relation": "isRelatedTo"})
    assert "KD2025-PO-32B" in _links_of(app, "MN.1.1")
    response = client.post(f"{URL}/verwijderen", data={"link_id": link_id}, follow_redirects=True)
    assert "is verwijderd" in response.get_data(as_text=True)
    assert "KD2025-PO-32A" not in _links_of(app, "MN.1.1")
    for hostile in ("99999999999999999999", "-1", "٣"):  # past SQLite's integers, negative, not ASCII
        for action in ("verwijderen", "vervangen"):
            response = client.post(f"{URL}/{action}", data={"link_id": hostile}, follow_redirects=True)
            assert response.status_code == 200 and "bestaat niet (meer)" in response.get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"framework": "kd2025-po", "node": "KD2025-PO-29A", "relation": "isRelatedTo"}, "is al gekoppeld aan"),
    ({"framework": "kd2025-po", "node": "KD2025-PO-99Z", "relation": "isRelatedTo"}, "heeft geen knoop KD2025-PO-99Z"),
    ({"framework": "kd2025-po", "node": "00000000-0000-4000-8000-000000000000", "relation": "isRelatedTo"},
     "heeft geen knoop"),
    ({"framework": "kd2006-po", "node": "KD2025-PO-30A", "relation": "isRelatedTo"}, "heeft geen knoop"),
    ({"framework": "bestaat-niet", "node": "KD2025-PO-30A", "relation": "isRelatedTo"}, "Kies een van de"),
    ({"framework": "oud-kader", "node": "OUD-1", "relation": "isRelatedTo"}, "is vervallen"),
    ({"framework": "kd2025-po", "node": "", "relation": "isRelatedTo"}, "Vul een code of UUID in"),
    ({"framework": "kd2025-po", "node": "KD2025-PO-30A", "relation": "sameAs"}, "Ongeldige keuze"),
])
def test_bad_link_shows_a_field_error_and_saves_nothing(app, client, login, references, data, message):
    from tests.references.helpers import make_reference

    with app.app_context():
        make_reference(db.session, "oud-kader", ["OUD-1"], retired=True)
        db.session.commit()
        count = db.session.scalar(select(func.count()).select_from(CrosswalkLink))
    login("beheerder")
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CrosswalkLink)) == count


def test_retired_framework_is_not_offered(app, client, login, references):
    with app.app_context():
        db.session.scalar(select(ReferenceFramework).where(ReferenceFramework.key == "cnu-2019")).retired = True
        db.session.commit()
    login("redacteur")
    page = client.get(URL).get_data(as_text=True)
    assert 'value="kd2025-po"' in page
    assert 'value="cnu-2019"' not in page


def test_deprecated_node_proposes_its_replacement_for_an_editor_to_confirm(app, client, login, references):
    with app.app_context():
        old = db.session.scalar(select(ReferenceNode).where(ReferenceNode.code == "KD2025-PO-29A"))
        old.deprecated = True
        old.replaced_by_uuid = "f310dace-65d9-48db-899a-aaf56a196f8c"  # 30A
        old_id = old.id
        db.session.commit()
    login("redacteur")
    page = client.get(URL).get_data(as_text=True)
    assert "vervallen" in page and "KD2025-PO-30A" in page
    assert "KD2025-PO-29A" in _links_of(app, "MN.1.1")  # nothing dropped by looking at it
    with app.app_context():
        link_id = db.session.scalar(select(CrosswalkLink.id).join(Goal).where(
            Goal.code == "MN.1.1", CrosswalkLink.node_id == old_id))
    response = client.post(f"{URL}/vervangen", data={"link_id": link_id})
    assert response.status_code == 302
    links = _links_of(app, "MN.1.1")
    assert "KD2025-PO-30A" in links and "KD2025-PO-29A" not in links
    # Confirming again finds nothing to replace and says so.
    page = client.post(f"{URL}/vervangen", data={"link_id": link_id}, follow_redirects=True).get_data(as_text=True)
    assert "bestaat niet (meer)" in page


def test_goal_page_section_shows_links_grouped_by_framework_in_one_query(app, references, count_queries):
    from wt_curriculum.objectives.services import goal_page_sections
    from wt_curriculum.references.views import _crosswalk_section

    assert _crosswalk_section in goal_page_sections._functions  # the goal page shows it
    with app.test_request_context("/"):
        goal = db.session.scalar(select(Goal).where(Goal.code == "MN.1.1"))
        with count_queries() as counter:
            section = _crosswalk_section(db.session, goal, None)
            html = render_template_string("{% include section.template %}", section=section, goal=goal)
        assert counter.count == 1
    assert html.index("Kerndoelen primair onderwijs 2006") < html.index("KD2006-PO-42")
    assert html.index("Kerndoelen primair onderwijs (herzien, 2025)") < html.index("KD2025-PO-29A")
    assert "MN01.1" in html
    assert "/kruistabel" not in html  # anonymous: no edit link


def test_a_link_number_out_of_range_is_no_link(app, client, login):
    from tests.references.helpers import make_goal

    with app.app_context():
        make_goal(db.session, "BIG.1")
        db.session.commit()
    login("redacteur")
    for value in ("99999999999999999999", "-1", "1e3", "٣"):
        response = client.post("/doelen/BIG.1/kruistabel/verwijderen", data={"link_id": value})
        assert response.status_code == 302, value
