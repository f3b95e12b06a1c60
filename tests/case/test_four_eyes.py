"""Four-eyes publishing of `flask case import` restoring our framework: with FOUR_EYES on, a package that changes
published goals becomes one change waiting for a second editor (the whole package, its report shown); the
command prints the link. The proposing editor cannot approve it."""
import json
import re

import pytest
from sqlalchemy import select

from tests.conftest import login_as
from tests.objectives.helpers import goal_state
from wt_curriculum.case import services
from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import PendingChange

BASE = "https://wt.example.org"


@pytest.fixture
def four_eyes(app):
    app.config["FOUR_EYES"] = True


def _package_with(app, tmp_path, code: str, title: str):
    with app.app_context():
        package = services.export_package(db.session, BASE)
    item = next(i for i in package["CFItems"] if i["humanCodingScheme"] == code)
    item["fullStatement"] = title
    path = tmp_path / "kader.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return path


def _pending(app):
    with app.app_context():
        return list(db.session.execute(select(PendingChange.id, PendingChange.kind, PendingChange.decision)))


def test_a_case_restore_that_changes_published_goals_waits_for_a_second_editor(
        app, client, runner, factory, framework, tmp_path, four_eyes):
    first, second = factory.user("redacteur"), factory.user("redacteur")
    old = goal_state(app, "DG.1.1")
    assert old["status"] == "vastgesteld"
    path = _package_with(app, tmp_path, "DG.1.1", "Een nieuwe titel uit CASE")
    # Without an editor to propose it, nothing happens.
    refused = runner.invoke(args=["case", "import", str(path)])
    assert refused.exit_code == 1 and "--editor" in refused.output and "Nothing was imported" in refused.output
    assert _pending(app) == []
    result = runner.invoke(args=["case", "import", str(path), "--editor", first.email])
    assert result.exit_code == 0, result.output
    [(change_id, kind, decision)] = _pending(app)
    assert (kind, decision) == ("import.case", "")
    assert re.search(rf"waits for a second editor's approval: \S+/doelen/redactie#change-{change_id}", result.output)
    assert "updated goal DG.1.1" in result.output
    assert goal_state(app, "DG.1.1") == old  # nothing imported yet
    login_as(client, app, first)
    page = client.get("/doelen/redactie").get_data(as_text=True)
    assert "CASE-import van het kader: kader.json" in page and "leerdoel DG.1.1 bijgewerkt" in page
    client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"})
    assert goal_state(app, "DG.1.1")["title"] == old["title"]  # not by the one who proposed it
    login_as(client, app, second)
    assert client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}).status_code == 303
    assert goal_state(app, "DG.1.1")["title"] == "Een nieuwe titel uit CASE"
    assert _pending(app) == [(change_id, "import.case", "approved")]
    # The same package again changes nothing: it is imported at once, with nothing to approve.
    again = runner.invoke(args=["case", "import", str(path)])
    assert again.exit_code == 0 and "0 created, 0 updated" in again.output, again.output
    assert len(_pending(app)) == 1


def test_an_approval_after_the_framework_changed_is_a_conflict(app, client, runner, factory, framework, tmp_path,
                                                               four_eyes):
    first, second = factory.user("redacteur"), factory.user("beheerder")
    path = _package_with(app, tmp_path, "DG.1.1", "Voorstel uit CASE")
    assert runner.invoke(args=["case", "import", str(path), "--editor", first.email]).exit_code == 0
    [(change_id, _kind, _decision)] = _pending(app)
    with app.app_context():
        db.session.execute(db.text("UPDATE goal SET title = 'Tussendoor', version = version + 1 "
                                   "WHERE code = 'DG.1.2'"))
        db.session.commit()
    login_as(client, app, second)
    answer = client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"})
    assert answer.status_code == 409
    assert "Het kader is veranderd nadat deze import werd voorgesteld" in answer.get_data(as_text=True)
    assert goal_state(app, "DG.1.1")["title"] != "Voorstel uit CASE"
    assert goal_state(app, "DG.1.2")["title"] == "Tussendoor"


def _proposed(app, runner, factory, tmp_path, title="Voorstel uit CASE"):
    """An editor proposes a CASE restore that changes DG.1.1; the second editor who will decide on it."""
    first, second = factory.user("redacteur"), factory.user("redacteur")
    path = _package_with(app, tmp_path, "DG.1.1", title)
    assert runner.invoke(args=["case", "import", str(path), "--editor", first.email]).exit_code == 0
    [(change_id, _kind, _decision)] = _pending(app)
    return change_id, second


def _queue(client) -> str:
    page = client.get("/doelen/redactie").get_data(as_text=True)
    start = page.index('class="approval-queue"')
    return page[start:page.index("</section>", start)]


def test_the_pending_change_keeps_the_report_without_language(app, runner, factory, framework, tmp_path, four_eyes):
    change_id, _second = _proposed(app, runner, factory, tmp_path)
    with app.app_context():
        summary = json.loads(db.session.get(PendingChange, change_id).payload)
    assert "lines" not in summary and "report" not in summary
    assert summary["entries"]["updated"] == [["goal", "DG.1.1"]]
    assert summary["entries"]["created"] == [] and summary["entries"]["notes"] == []
    assert summary["counts"] == {"added": 0, "changed": 1, "unchanged": summary["entries"]["unchanged"]}


def test_the_approving_editor_reads_the_report_in_their_language(app, client, runner, factory, framework, tmp_path,
                                                                 four_eyes):
    change_id, second = _proposed(app, runner, factory, tmp_path)
    login_as(client, app, second)
    start = client.get("/").get_data(as_text=True)  # the start page names it as the editor's page does
    assert f'#change-{change_id}">CASE-import van het kader: kader.json</a>' in start
    dutch = _queue(client)
    assert "CASE-import van het kader: kader.json" in dutch
    assert "CASE 1.1-pakket: 0 aangemaakt, 1 bijgewerkt," in dutch and "<li>leerdoel DG.1.1 bijgewerkt</li>" in dutch
    assert "updated goal" not in dutch and "package:" not in dutch
    client.set_cookie("lang", "en")
    english = _queue(client)
    assert "CASE import of the framework: kader.json" in english
    assert "CASE 1.1 package: 0 created, 1 updated," in english and "<li>updated goal DG.1.1</li>" in english
    assert "bijgewerkt" not in english
    # Read in English, approved all the same: the comparison does not depend on the reader's language.
    assert client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}).status_code == 303
    assert goal_state(app, "DG.1.1")["title"] == "Voorstel uit CASE"
    assert _pending(app) == [(change_id, "import.case", "approved")]


def _as_stored_before_neutral_entries(app, change_id):
    """Rewrite a pending change as the app stored it before its report kept entries without language: the
    English lines of the command line (summary["lines"] shown, summary["report"] compared)."""
    with app.app_context():
        change = db.session.get(PendingChange, change_id)
        summary = json.loads(change.payload)
        assert summary["entries"]["notes"] == []  # so the old lines are the counts and the updated goal
        counts = summary["counts"]
        lines = [f"CASE 1.1 package: {counts['added']} created, {counts['changed']} updated, "
                 f"{counts['unchanged']} unchanged.", "updated goal DG.1.1"]
        change.payload = json.dumps({"filename": summary["filename"], "lines": lines, "more": 0, "report": lines,
                                     "counts": counts})
        db.session.commit()
        return lines


def test_a_change_stored_before_the_neutral_entries_is_shown_and_approved(app, client, runner, factory, framework,
                                                                          tmp_path, four_eyes):
    change_id, second = _proposed(app, runner, factory, tmp_path)
    lines = _as_stored_before_neutral_entries(app, change_id)
    login_as(client, app, second)
    queue = _queue(client)
    assert "CASE-import van het kader: kader.json" in queue
    assert all(f"<li>{line}</li>" in queue for line in lines)  # as stored: there is nothing else to say it from
    assert client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}).status_code == 303
    assert goal_state(app, "DG.1.1")["title"] == "Voorstel uit CASE"
    assert _pending(app) == [(change_id, "import.case", "approved")]


def test_a_change_stored_before_the_neutral_entries_still_sees_that_the_framework_changed(
        app, client, runner, factory, framework, tmp_path, four_eyes):
    change_id, second = _proposed(app, runner, factory, tmp_path)
    _as_stored_before_neutral_entries(app, change_id)
    with app.app_context():
        db.session.execute(db.text("UPDATE goal SET title = 'Voorstel uit CASE', version = version + 1 "
                                   "WHERE code = 'DG.1.1'"))  # already done: the import would change nothing
        db.session.commit()
    login_as(client, app, second)
    answer = client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"})
    assert answer.status_code == 409
    assert "Het kader is veranderd nadat deze import werd voorgesteld" in answer.get_data(as_text=True)
    assert _pending(app) == [(change_id, "import.case", "")]


def test_approving_a_large_case_restore_is_done_by_a_job(app, client, runner, factory, framework, tmp_path,
                                                          four_eyes, queue):
    """More goals than IMPORTS_BACKGROUND_ROWS: the approval is a job; nothing changes until it runs."""
    from tests.queue_fixtures import job_row
    from wt_curriculum.core import jobs

    app.config["IMPORTS_BACKGROUND_ROWS"] = 1
    first, second = factory.user("redacteur"), factory.user("redacteur")
    old = goal_state(app, "DG.1.1")
    path = _package_with(app, tmp_path, "DG.1.1", "Een nieuwe titel uit CASE")
    assert runner.invoke(args=["case", "import", str(path), "--editor", first.email]).exit_code == 0
    [(change_id, _kind, _decision)] = _pending(app)
    login_as(client, app, second)
    answer = client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"})
    assert answer.status_code == 303
    job_id = int(re.fullmatch(r"/taken/(\d+)", answer.headers["Location"]).group(1))
    assert goal_state(app, "DG.1.1") == old and _pending(app) == [(change_id, "import.case", "")]
    assert job_row(app, job_id).title == "Goedkeuren van de CASE-import van het kader: kader.json"
    assert client.post(f"/doelen/wijzigingen/{change_id}", data={"decision": "approve"}).headers["Location"] == \
        f"/taken/{job_id}"
    with app.app_context():
        jobs.run_job(job_id)
        db.session.remove()
    row = job_row(app, job_id)
    assert row.state == "done", row.message
    assert row.message.startswith("De import is goedgekeurd en doorgevoerd: 0 toegevoegd, 1 gewijzigd, ")
    assert row.result_url == "/doelen/redactie"
    assert goal_state(app, "DG.1.1")["title"] == "Een nieuwe titel uit CASE"
    assert _pending(app) == [(change_id, "import.case", "approved")]


@pytest.fixture
def queue_storage() -> str:
    """The queue's storage does not matter here (tests/core covers Redis): the SQLite file only."""
    return "sqlite"
