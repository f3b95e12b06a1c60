"""Four-eyes publishing of large imports: approving a pending import of goals with more rows than
IMPORTS_BACKGROUND_ROWS is done by the task queue. The request checks the change and submits one job per change
(answering 303 to the job page); nothing is written until the job runs; the job fails with the reason when the
change was decided meanwhile, the approver is no longer an editor, or the goals changed. Small imports are still
approved in the request."""
import re

import pytest
from sqlalchemy import func, select, update

from tests.conftest import login_as
from tests.interchange.helpers import confirm, token_of, upload
from tests.objectives.helpers import goal_state
from tests.queue_fixtures import job_row
from wt_curriculum.auth.models import User
from wt_curriculum.core import jobs
from wt_curriculum.core.models import AuditEvent, Job
from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import PendingChange

HEADER = "code;leerlijn;titel;omschrijving;groepen;trefwoorden;status;bron\n"


@pytest.fixture
def queue_storage() -> str:
    """The queue's storage does not matter here (tests/core covers Redis): the SQLite file only."""
    return "sqlite"


@pytest.fixture
def large(app, queue):
    """Four-eyes on, every import of more than one row is large, and jobs wait in a real queue (no consumer: the
    test runs them with `_run`)."""
    app.config.update(FOUR_EYES=True, IMPORTS_BACKGROUND_ROWS=1)


def _csv(app, title: str) -> bytes:
    """Two rows: a new draft goal, and MN.3.2 (published) with another title."""
    state = goal_state(app, "MN.3.2")
    return (HEADER + "MN.3.11;MN.3;Een nieuw concept;;5-8;;;\n"
            f"MN.3.2;MN.3;{title};{state['description']};{','.join(map(str, state['groepen']))};;;\n").encode()


def _propose(client, app, editor, title: str = "Een betere titel") -> int:
    login_as(client, app, editor)
    assert confirm(client, "goals", token_of(upload(client, "goals", _csv(app, title)))).status_code == 303
    with app.app_context():
        return db.session.scalar(select(func.max(PendingChange.id)))


def _approve(client, change_id: int, decision: str = "approve"):
    return client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": decision})


def _run(app, job_id: int):
    """What a consumer does when the job's message arrives."""
    with app.app_context():
        jobs.run_job(job_id)
        db.session.remove()
    return job_row(app, job_id)


def _change(app, change_id: int):
    with app.app_context():
        return db.session.execute(select(PendingChange.decision, PendingChange.decided_by_id)
                                  .where(PendingChange.id == change_id)).one()


def _jobs(app) -> list:
    with app.app_context():
        return list(db.session.execute(select(Job.id, Job.kind, Job.user_id, Job.key, Job.state).order_by(Job.id)))


def _audit(app, change_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_type == "pending_change", AuditEvent.entity_id == change_id).order_by(AuditEvent.id)))


def _name(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).name


def _job_id(response) -> int:
    assert response.status_code == 303, response.status_code
    match = re.fullmatch(r"/taken/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def test_approving_a_large_import_is_done_by_a_job_that_links_back_to_the_editors_page(
        app, client, factory, framework, large):
    first, second, third = (factory.user("redacteur"), factory.user("redacteur"), factory.user("beheerder"))
    old_title = goal_state(app, "MN.3.2")["title"]
    change_id = _propose(client, app, first)
    # The proposer still cannot approve their own import, with the same message as before; no job is made.
    refused = client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}, follow_redirects=True)
    assert "Een tweede redacteur keurt een wijziging goed" in refused.text
    assert _jobs(app) == []

    login_as(client, app, second)
    job_id = _job_id(_approve(client, change_id))
    [(_, kind, user_id, key, state)] = _jobs(app)
    assert (kind, user_id, key, state) == ("objectives.approve_import", second.id, f"objectives.approve:{change_id}",
                                           "queued")
    assert job_row(app, job_id).title == "Goedkeuren van de import van leerdoelen: bestand.csv"
    # Nothing is applied yet, and the change is still undecided.
    assert goal_state(app, "MN.3.2")["title"] == old_title and goal_state(app, "MN.3.11") is None
    assert _change(app, change_id) == ("", None)
    assert _audit(app, change_id) == ["pending.import.goals"]
    # A second approval while the job is queued gets the same job.
    assert _job_id(_approve(client, change_id)) == job_id
    assert len(_jobs(app)) == 1
    # The editor's page says the change is being applied, with a link to the job, instead of the buttons.
    page = client.get("/doelen/redactie").text
    item = re.search(rf'<li id="change-{change_id}">(.*?)</li>', page, re.S).group(1)
    assert "Wacht op doorvoeren" in item and "Je hebt deze import goedgekeurd" in item
    assert f'href="/taken/{job_id}"' in item
    assert 'value="approve"' not in item and 'value="reject"' not in item
    # Another editor approving it meanwhile is told so, and gets no job of their own.
    other = app.test_client()
    login_as(other, app, third)
    answer = _approve(other, change_id)
    assert answer.status_code == 303 and answer.headers["Location"] == f"/doelen/redactie#change-{change_id}"
    assert len(_jobs(app)) == 1
    page = other.get("/doelen/redactie").text
    assert f"{_name(app, second)} heeft deze import al goedgekeurd; hij wordt nu doorgevoerd." in page
    item = re.search(rf'<li id="change-{change_id}">(.*?)</li>', page, re.S).group(1)
    assert f"{_name(app, second)} heeft deze import goedgekeurd; de takenwachtrij voert hem door." in item
    assert "/taken/" not in item and 'value="approve"' not in item  # the job page is the approver's

    row = _run(app, job_id)
    assert row.state == "done", row.message
    assert row.message == "De import is goedgekeurd en doorgevoerd: 1 toegevoegd, 1 gewijzigd, 0 ongewijzigd."
    assert row.result_url == "/doelen/redactie"
    assert (row.progress_done, row.progress_total, row.progress_unit) == (2, 2, "rows")
    assert goal_state(app, "MN.3.2")["title"] == "Een betere titel"
    assert goal_state(app, "MN.3.11")["status"] == "concept"
    assert _change(app, change_id) == ("approved", second.id)
    assert _audit(app, change_id) == ["pending.import.goals", "pending.approved"]
    job_page = client.get(f"/taken/{job_id}")
    assert job_page.status_code == 200 and 'href="/doelen/redactie"' in job_page.text
    assert "De import is goedgekeurd en doorgevoerd" in job_page.text
    # Decided: the change has left the approval queue.
    assert f'id="change-{change_id}"' not in client.get("/doelen/redactie").text


def test_a_change_rejected_while_its_job_waits_makes_the_job_fail_with_that(app, client, factory, framework, large):
    first, second, third = factory.user("redacteur"), factory.user("redacteur"), factory.user("redacteur")
    old_title = goal_state(app, "MN.3.2")["title"]
    change_id = _propose(client, app, first)
    login_as(client, app, second)
    job_id = _job_id(_approve(client, change_id))
    other = app.test_client()
    login_as(other, app, third)
    assert _approve(other, change_id, "reject").status_code == 303  # rejecting stays immediate
    assert _change(app, change_id) == ("rejected", third.id)
    row = _run(app, job_id)
    assert row.state == "failed"
    assert row.message == f"{_name(app, third)} heeft deze import intussen afgewezen, dus er is niets geïmporteerd."
    assert goal_state(app, "MN.3.2")["title"] == old_title and goal_state(app, "MN.3.11") is None
    assert _change(app, change_id) == ("rejected", third.id)
    assert _audit(app, change_id) == ["pending.import.goals", "pending.rejected"]


def test_an_approver_who_is_no_longer_an_editor_applies_nothing(app, client, factory, framework, large):
    first, second = factory.user("redacteur"), factory.user("redacteur")
    old_title = goal_state(app, "MN.3.2")["title"]
    change_id = _propose(client, app, first)
    login_as(client, app, second)
    job_id = _job_id(_approve(client, change_id))
    with app.app_context():
        db.session.execute(update(User).where(User.id == second.id).values(role="leraar"))
        db.session.commit()
    row = _run(app, job_id)
    assert row.state == "failed" and row.message.startswith("Het account dat deze import goedkeurde is geen "
                                                            "redacteur meer")
    assert goal_state(app, "MN.3.2")["title"] == old_title
    assert _change(app, change_id) == ("", None)
    # The change waits again, with its buttons, for an editor.
    login_as(client, app, first)
    page = client.get("/doelen/redactie").text
    item = re.search(rf'<li id="change-{change_id}">(.*?)</li>', page, re.S).group(1)
    assert 'value="approve"' in item and "/taken/" not in item


def test_an_import_that_no_longer_applies_fails_its_job_and_writes_nothing(app, client, factory, framework, large):
    first, second = factory.user("redacteur"), factory.user("beheerder")
    change_id = _propose(client, app, first)
    login_as(client, app, second)
    job_id = _job_id(_approve(client, change_id))
    with app.app_context():
        db.session.execute(db.text("UPDATE goal SET title = 'Tussendoor', version = version + 1 WHERE code = 'MN.3.2'"))
        db.session.commit()
    row = _run(app, job_id)
    assert row.state == "failed"
    assert row.message.startswith("De leerdoelen zijn veranderd nadat deze import werd voorgesteld")
    assert goal_state(app, "MN.3.2")["title"] == "Tussendoor" and goal_state(app, "MN.3.11") is None
    assert _change(app, change_id) == ("", None)
    assert _audit(app, change_id) == ["pending.import.goals"]
    # Once the job has ended, approving again makes a new job (here: it fails the same way).
    again = _job_id(_approve(client, change_id))
    assert again != job_id and _run(app, again).state == "failed"


def test_a_small_import_is_still_approved_in_the_request(app, client, factory, framework, queue):
    app.config["FOUR_EYES"] = True  # IMPORTS_BACKGROUND_ROWS as configured: 500, the import has 2 rows
    first, second = factory.user("redacteur"), factory.user("redacteur")
    change_id = _propose(client, app, first)
    login_as(client, app, second)
    answer = _approve(client, change_id)
    assert answer.status_code == 303 and answer.headers["Location"] == "/doelen/redactie"
    assert goal_state(app, "MN.3.2")["title"] == "Een betere titel"
    assert _change(app, change_id) == ("approved", second.id)
    assert _audit(app, change_id) == ["pending.import.goals", "pending.approved"]
    assert _jobs(app) == []


def test_the_editors_page_looks_up_the_jobs_in_one_query(app, client, factory, framework, large, count_queries):
    first, second = factory.user("redacteur"), factory.user("redacteur")
    _propose(client, app, first, "Voorstel A")
    login_as(client, app, second)
    with count_queries() as one:
        assert client.get("/doelen/redactie").status_code == 200
    changes = [_propose(client, app, first, title) for title in ("Voorstel B", "Voorstel C")]
    login_as(client, app, second)
    for change_id in changes:
        _job_id(_approve(client, change_id))
    with count_queries() as three:
        page = client.get("/doelen/redactie").text
    assert page.count("Je hebt deze import goedgekeurd") == 2
    assert three.count == one.count
