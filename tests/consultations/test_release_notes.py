"""Release notes between two framework versions, the draft, and what a version changes for a plan."""
from tests.conftest import login_as
from tests.consultations.helpers import goal_id, two_releases
from tests.lessons.helpers import make_package
from tests.reports.helpers import pdf_text
from wt_curriculum.extensions import db
from wt_curriculum.organisations.models import School
from wt_curriculum.planning import services as planning


def _sections(page: str) -> dict[str, str]:
    """The text of each section (added, changed, moved, retired) of the notes page."""
    out = {}
    for name in ("added", "changed", "moved", "retired"):
        start = page.find(f'id="{name}"')
        out[name] = page[start:page.find("</section>", start)] if start >= 0 else ""
    return out


def test_release_notes_show_added_changed_moved_and_retired_goals(app, client):
    two_releases(app)
    response = client.get("/versies/2030.1...2030.2")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    parts = _sections(page)
    assert "CO.1.4" in parts["added"] and "CO.1.1" not in parts["added"] and "CO.1.5" not in page
    assert "CO.1.1" in parts["changed"] and "<ins>en torens</ins>" in parts["changed"]
    assert "CO.1.3" in parts["moved"] and "CO.1.1" not in parts["moved"]
    assert "CO.1.2" in parts["retired"] and "vervangen door CO.1.3" in parts["retired"]
    # The order of the two versions does not matter.
    assert _sections(client.get("/versies/2030.2...2030.1").get_data(as_text=True)) == parts
    assert "Er is niets veranderd" in client.get("/versies/2030.2...2030.2").get_data(as_text=True)


def test_the_draft_is_compared_for_editors_only(app, client, login):
    two_releases(app)
    assert client.get("/versies/2030.2...concept").status_code == 404
    login("leraar")
    assert client.get("/versies/2030.2...concept").status_code == 404
    login("redacteur")
    parts = _sections(client.get("/versies/2030.2...concept").get_data(as_text=True))
    assert "CO.1.5" in parts["added"] and parts["changed"] == "" and parts["retired"] == ""


def test_unknown_versions_and_bad_spans_are_404(app, client):
    two_releases(app)
    for path in ("/versies/2030.1", "/versies/2030.1...", "/versies/2030.1...1999.9", "/versies/...2030.1",
                 "/versies/%25...%27"):
        assert client.get(path).status_code == 404, path


def test_the_release_notes_pdf(app, client):
    two_releases(app)
    response = client.get("/versies/2030.1...2030.2.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages, texts = pdf_text(response.data)
    text = " ".join(texts)
    assert "CO.1.4" in text and "Doel 4 over hefbomen" in text and "CO.1.2" in text and "torens" in text


def test_the_choice_page_sends_you_to_the_notes(app, client):
    two_releases(app)
    page = client.get("/versies").get_data(as_text=True)
    assert "2030.1" in page and "concept" not in page.split("<main")[1].split("</main>")[0].replace(
        "status-concept", "")
    response = client.get("/versies?van=2030.1&naar=2030.2")
    assert response.status_code == 303 and response.headers["Location"].endswith("/versies/2030.1...2030.2")
    assert "Kies twee verschillende versies." in client.get("/versies?van=2030.1&naar=2030.1").get_data(
        as_text=True)


def test_what_a_version_changes_for_a_school_plan_and_a_network(app, client, factory, login):
    two_releases(app)
    network = factory.network()
    school_id = factory.school(network_id=network)
    package = make_package(app, network, [goal_id(app, "CO.1.1")], title="Torens en bruggen")
    retired_package = make_package(app, network, [goal_id(app, "CO.1.2")], title="Oude hefbomen")
    untouched = make_package(app, network, [goal_id(app, "CO.1.3")], title="Niets veranderd")
    with app.app_context():
        school = db.session.get(School, school_id)
        for p in (package, retired_package, untouched):
            planning.add_plan_entry(db.session, school, p, 2030, 6)
        db.session.commit()
    login("leraar", school_id=school_id)
    page = client.get(f"/versies/2030.1...2030.2/school/{school_id}").get_data(as_text=True)
    changed, retired, new = (page.split('id="changed"')[1].split("</section>")[0],
                             page.split('id="retired"')[1].split("</section>")[0],
                             page.split('id="new"')[1].split("</section>")[0])
    assert "Torens en bruggen" in changed and "Niets veranderd" in changed  # CO.1.3 moved
    assert "Oude hefbomen" in retired and "Torens en bruggen" not in retired
    assert "CO.1.4" in new
    # Another school's plan is not yours.
    assert client.get(f"/versies/2030.1...2030.2/school/{factory.school()}").status_code == 403
    coordinator = factory.user("netwerkcoordinator", network_id=network)
    login_as(client, app, coordinator)
    page = client.get(f"/versies/2030.1...2030.2/netwerk/{network}").get_data(as_text=True)
    assert "Oude hefbomen" in page
    assert client.get(f"/versies/2030.1...2030.2/netwerk/{factory.network()}").status_code == 403
