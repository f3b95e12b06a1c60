"""Issue 15: every create form carries a one-time submission token. The form as the page renders it, sent twice
(a double click, a reload of the answer), makes one record; the second answer is a 409 that explains.

One test per create form; the new school and network forms are in tests/organisations/test_admin.py, the goal
and package forms in tests/objectives and tests/core/test_concurrency.py (also under gunicorn).
"""
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.lessons.helpers import PDF_BYTES, make_goals, make_package
from tests.planning.builders import Builder
from wt_curriculum.extensions import db
from wt_curriculum.schoolyears import current_school_year, format_school_year

TWICE = "Dit formulier is al verstuurd"


def token_of(page: str, action: str | None = None) -> str:
    """The submission token of the form that posts to `action` (or of the first form that has one)."""
    start = 0
    if action is not None:
        start = page.index(f'action="{action}"')
    match = re.compile(r'<input[^>]*name="submission"[^>]*>').search(page, start)
    assert match, f"no submission token on the page after {action!r}:\n{page[start:start + 2000]}"
    value = re.search(r'value="([^"]+)"', match.group(0)).group(1)
    assert len(value) >= 24
    return value


def twice(client, page_path: str, post_path: str, data: dict, action: str | None = None, files=None,
          first=(302, 303)):
    """Open the page, then send its create form twice with the same token: the first saves, the second is 409."""
    page = client.get(page_path)
    assert page.status_code == 200, page.get_data(as_text=True)[:1500]
    token = token_of(page.get_data(as_text=True), action)
    answers = []
    for _ in range(2):
        body = {**data, "submission": token}
        if files:
            body.update({name: (io.BytesIO(content), filename) for name, (content, filename) in files.items()})
        answers.append(client.post(post_path, data=body,
                                   content_type="multipart/form-data" if files else None))
    assert answers[0].status_code in first, answers[0].get_data(as_text=True)[:2000]
    assert answers[1].status_code == 409, answers[1].get_data(as_text=True)[:2000]
    assert TWICE in answers[1].get_data(as_text=True)
    return answers


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- Objectives: domain, strand, framework version -------------------------------------------------------------


def test_new_domain_sent_twice_makes_one_domain(app, client, login):
    from wt_curriculum.objectives.models import Domain

    login("redacteur")
    twice(client, "/doelen/domeinen/nieuw", "/doelen/domeinen/nieuw",
          {"code": "DUB", "title": "Dubbel domein", "description": ""})
    assert count(app, Domain, Domain.code == "DUB") == 1


def test_new_strand_sent_twice_makes_one_strand(app, client, login):
    from wt_curriculum.objectives.models import Domain, Strand

    make_goals(app, prefix="DS", count=1)
    with app.app_context():
        domain_id = db.session.scalar(select(Domain.id).where(Domain.code == "DS"))
    login("redacteur")
    twice(client, "/doelen/leerlijnen/nieuw", "/doelen/leerlijnen/nieuw",
          {"domain_id": str(domain_id), "code": "DS.7", "title": "Dubbele leerlijn"})
    assert count(app, Strand, Strand.code == "DS.7") == 1


def test_new_framework_version_sent_twice_publishes_once(app, client, login):
    from wt_curriculum.objectives.models import FrameworkRelease

    make_goals(app, prefix="DR", count=1)
    login("redacteur")
    twice(client, "/doelen/versies/nieuw", "/doelen/versies/nieuw",
          {"version_label": "2031.1", "published_on": date.today().isoformat(), "note": "dubbel"})
    assert count(app, FrameworkRelease, FrameworkRelease.version == "2031.1") == 1


# --- Accounts and API tokens -------------------------------------------------------------------------------------


def test_new_account_sent_twice_makes_one_account(app, client, login):
    from wt_curriculum.auth.models import User

    login("beheerder")
    twice(client, "/beheer/gebruikers/nieuw", "/beheer/gebruikers/nieuw",
          {"email": "dubbel@example.org", "name": "Dubbel", "role": "redacteur", "active": "y",
           "password": "een-lang-wachtwoord-123"})
    assert count(app, User, User.email == "dubbel@example.org") == 1


def test_new_api_token_sent_twice_makes_one_token(app, client, login):
    from wt_curriculum.api.models import ApiToken

    login("redacteur")
    first, _ = twice(client, "/account/api-sleutels", "/account/api-sleutels",
                     {"name": "Dubbel script", "days": "90"}, first=(200,))
    assert "Dubbel script" in first.get_data(as_text=True)
    assert count(app, ApiToken, ApiToken.name == "Dubbel script") == 1


# --- Year plans: add to plan (three pages), experiences ------------------------------------------------------------


@pytest.fixture
def planned_world(app, factory):
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network("DUBNET")
        b.domain("DP")
        b.strand("DP.1", "DP")
        b.goal("DP.1.1", "DP.1", [5, 6])
        package_id = b.package("Dubbel pakket", [5, 6], {"DP.1.1": "kern"}, network_id).id
        school_id = b.school(network_id)
        db.session.commit()
    return {"network_id": network_id, "package_id": package_id, "school_id": school_id}


def _plan_entries(app, package_id):
    from wt_curriculum.planning.models import PlanEntry

    return count(app, PlanEntry, PlanEntry.package_id == package_id)


@pytest.mark.parametrize("page", ["groep", "package", "gaps"])
def test_add_to_plan_sent_twice_adds_once(app, client, login, planned_world, page):
    school_id, package_id = planned_world["school_id"], planned_world["package_id"]
    login("coordinator", school_id=school_id)
    path = {"groep": f"/scholen/{school_id}/plan/groep/5", "package": f"/lespakketten/{package_id}",
            "gaps": f"/scholen/{school_id}/hiaten"}[page]
    data = {"school_id": str(school_id), "school_year": format_school_year(current_school_year()), "groep": "5",
            "package_id": str(package_id), "period": "", "next": path}
    twice(client, path, "/plan/toevoegen", data, action="/plan/toevoegen")
    assert _plan_entries(app, package_id) == 1


def test_an_experience_sent_twice_is_shared_once(app, client, login, planned_world):
    from wt_curriculum.planning.models import Experience

    package_id = planned_world["package_id"]
    with app.app_context():
        from wt_curriculum.planning.models import PlanEntry

        db.session.add(PlanEntry(school_id=planned_world["school_id"], school_year=current_school_year(), groep=5,
                                 package_id=package_id, taught_on=date.today() - timedelta(days=2)))
        db.session.commit()
    login("leraar", school_id=planned_world["school_id"])
    action = f"/lespakketten/{package_id}/ervaring"
    twice(client, f"/lespakketten/{package_id}", action, {"groep": "5", "rating": "4", "text": "Goed te doen"},
          action=action)
    assert count(app, Experience, Experience.package_id == package_id) == 1


# --- Lessons: attachments, adoption ----------------------------------------------------------------------------


def test_an_attachment_sent_twice_is_added_once(app, client, login, factory):
    from wt_curriculum.lessons.models import Attachment

    network = factory.network(code="NET-DUBF")
    package_id = make_package(app, network, list(make_goals(app, prefix="DF", count=1).values()))
    login("netwerkcoordinator", network_id=network)
    path = f"/lespakketten/{package_id}/bijlagen"
    twice(client, path, path, {}, files={"file": (PDF_BYTES, "werkblad.pdf")})
    assert count(app, Attachment, Attachment.package_id == package_id) == 1


def test_an_adoption_sent_twice_makes_one_copy(app, client, login, factory):
    from wt_curriculum.lessons.models import PackageAdoption

    source_network, own = factory.network(code="NET-DBRON"), factory.network(code="NET-DEIGEN")
    source = make_package(app, source_network, list(make_goals(app, prefix="DA", count=1).values()),
                          licence="CC-BY")
    login("netwerkcoordinator", network_id=own)
    action = f"/lespakketten/{source}/overnemen"
    twice(client, f"/lespakketten/{source}", action, {}, action=action)
    assert count(app, PackageAdoption, PackageAdoption.source_id == source) == 1


# --- Consultations: round, response, reply --------------------------------------------------------------------


def test_a_new_consultation_round_sent_twice_opens_one_round(app, client, login):
    from tests.consultations.helpers import make_goals as consultation_goals
    from wt_curriculum.consultations.models import ConsultationRound

    codes = consultation_goals(app, prefix="DC")
    login("redacteur")
    twice(client, "/consultaties/nieuw", "/consultaties/nieuw", {
        "title": "Dubbele ronde", "explanation": "", "starts_on": date.today().isoformat(),
        "ends_on": (date.today() + timedelta(days=7)).isoformat(), "audiences": "iedereen", "scope": "goals",
        "goal_codes": " ".join(codes)})
    assert count(app, ConsultationRound, ConsultationRound.title == "Dubbele ronde") == 1


def test_a_consultation_response_and_a_reply_sent_twice_are_saved_once(app, client, login):
    from tests.consultations.helpers import add_response, make_round
    from tests.consultations.helpers import make_goals as consultation_goals
    from wt_curriculum.consultations.models import ConsultationResponse

    codes = consultation_goals(app, prefix="DK")
    round_id = make_round(app, codes)
    other = login("leraar")
    parent = add_response(app, round_id, other.id, comment="Eerste reactie")
    login("coordinator")
    twice(client, f"/consultaties/{round_id}/reageren", f"/consultaties/{round_id}/reageren",
          {"position": "eens", "comment": "Dubbel verstuurd"})
    assert count(app, ConsultationResponse, ConsultationResponse.comment == "Dubbel verstuurd") == 1
    action = f"/consultaties/{round_id}/reacties/{parent}/reactie"
    twice(client, f"/consultaties/{round_id}", action, {"comment": "Dubbel antwoord"}, action=action)
    assert count(app, ConsultationResponse, ConsultationResponse.comment == "Dubbel antwoord") == 1


# --- Outside materials: an OAI-PMH source (the crosswalk link: tests/references/test_link_submission.py)


def test_planning_an_outside_material_sent_twice_plans_it_once(app, client, login):
    from wt_curriculum.lessons.models import LessonPackage
    from wt_curriculum.oai.models import ExternalMaterial, HarvestSource, MaterialGoal
    from wt_curriculum.planning.models import PlanEntry

    with app.app_context():
        b = Builder(db.session)
        network_id = b.network("DUBOAI")
        b.domain("DO")
        b.strand("DO.1", "DO")
        goal_id = b.goal("DO.1.1", "DO.1", [5, 6]).id
        source = HarvestSource(name="Bron", url="https://bron.example/oai", network_id=network_id)
        db.session.add(source)
        db.session.flush()
        material = ExternalMaterial(source_id=source.id, identifier="oai:bron:1", title="Dubbel materiaal",
                                    url="https://bron.example/m/1")
        db.session.add(material)
        db.session.flush()
        db.session.add(MaterialGoal(material_id=material.id, goal_id=goal_id, status="bevestigd"))
        db.session.commit()
        material_id = material.id
    login("leraar", network_id=network_id)
    path = f"/materialen/{material_id}"
    twice(client, path, f"{path}/plannen", {"school_year": format_school_year(current_school_year()), "groep": "5"},
          action=f"{path}/plannen")
    assert count(app, PlanEntry) == 1 and count(app, LessonPackage) == 1


def test_a_new_oai_source_sent_twice_is_added_once(app, client, login, fake_dns):
    from wt_curriculum.oai.models import HarvestSource

    login("beheerder")
    twice(client, "/beheer/oai-bronnen", "/beheer/oai-bronnen",
          {"name": "Dubbele bron", "url": "https://public.example/oai", "set_spec": ""})
    assert count(app, HarvestSource, HarvestSource.name == "Dubbele bron") == 1

