"""Importing goals: the report, the preview, applying all or nothing, and their history."""
import json

from sqlalchemy import select

from tests.interchange.helpers import confirm, counts, error_lines, errors_of, read, token_of, upload
from wt_curriculum.extensions import db


def export_csv(client, **args) -> bytes:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    response = client.get(f"/uitwisseling/leerdoelen/export?{query}")
    assert response.status_code == 200
    return response.data


def test_new_goals_are_previewed_then_written_through_the_objectives_services(app, client, login, framework):
    editor = login("redacteur")
    before = counts(app)
    response = upload(client, "goals", read("goals_new.csv"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and not errors_of(response)
    assert "MN.3.11" in html and "MN.3.12" in html and "UTF-8" in html
    assert counts(app) == before  # the preview writes nothing
    token = token_of(response)
    assert token
    response = confirm(client, "goals", token)
    assert response.status_code == 302
    after = counts(app)
    assert after["goal"] == before["goal"] + 2
    with app.app_context():
        from wt_curriculum.core.models import AuditEvent, Revision
        from wt_curriculum.objectives.models import Goal

        new = db.session.scalar(select(Goal).where(Goal.code == "MN.3.11"))
        published = db.session.scalar(select(Goal).where(Goal.code == "MN.3.12"))
        assert new.status == "concept" and new.groepen == [5, 6, 7, 8] and new.keywords == "herhalen, meten"
        assert new.description == "Leerlingen herhalen een proef,\nen vergelijken."
        assert published.status == "vastgesteld" and published.groepen == [5, 6, 7, 8]
        actions = db.session.scalars(select(Revision.action).where(
            Revision.entity_type == "goal", Revision.entity_id == published.id).order_by(Revision.number)).all()
        assert actions == ["create", "publish"]
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import.goals"))
        assert audit.user_id == editor.id and json.loads(audit.summary)["added"] == 2
    # The same file again: everything is left alone, nothing to confirm.
    response = upload(client, "goals", read("goals_new.csv"))
    assert token_of(response) is None and not errors_of(response)
    assert counts(app) == after


def test_every_problem_is_reported_with_its_spreadsheet_line_and_nothing_is_written(app, client, login, framework):
    login("redacteur")
    before = counts(app)
    response = upload(client, "goals", read("goals_errors.csv"))
    assert response.status_code == 200
    # Line 3 holds a line break inside quotes: it is still line 3, as in a spreadsheet; line 6 is blank.
    assert error_lines(response) == [2, 3, 4, 5, 7, 9, 10, 11]
    messages = " ".join(errors_of(response))
    assert "XX.1" in messages and "9-10" in messages and "misschien" in messages and "MN.3.15" in messages
    assert token_of(response) is None
    assert counts(app) == before


def test_a_retired_goal_cannot_be_changed_or_reused(app, client, login, framework):
    user = login("redacteur")
    with app.app_context():
        from wt_curriculum.auth.models import User
        from wt_curriculum.objectives import services

        services.retire_goal(db.session, services.goal_by_code(db.session, "MN.1.1"), db.session.get(User, user.id))
        db.session.commit()
    exported = export_csv(client).decode("utf-8-sig")
    line = next(x for x in exported.splitlines() if x.startswith("MN.1.1;"))
    assert ";vervallen;" in line
    header = exported.splitlines()[0]
    # Unchanged, it is left alone; changed, or brought back, it is refused.
    assert token_of(upload(client, "goals", f"{header}\n{line}\n".encode())) is None
    changed = line.replace("Verwonderen", "Opnieuw verwonderen")
    response = upload(client, "goals", f"{header}\n{changed}\n".encode())
    assert error_lines(response) == [2] and "MN.1.1" in errors_of(response)[0]
    revived = line.replace(";vervallen;", ";vastgesteld;")
    assert error_lines(upload(client, "goals", f"{header}\n{revived}\n".encode())) == [2]


def test_preview_shows_changed_fields_and_apply_writes_exactly_that(app, client, login, framework):
    login("beheerder")
    exported = export_csv(client).decode("utf-8-sig").splitlines()
    header, rows = exported[0], exported[1:]
    index = next(i for i, r in enumerate(rows) if r.startswith("MN.3.2;"))
    rows[index] = rows[index].replace("Een eenvoudig onderzoekje", "Een klein onderzoekje")
    retire = next(i for i, r in enumerate(rows) if r.startswith("MN.3.3;"))
    rows[retire] = rows[retire].replace(";vastgesteld;", ";vervallen;")
    before = counts(app)
    response = upload(client, "goals", ("\n".join([header, *rows]) + "\n").encode("utf-8"))
    html = response.get_data(as_text=True)
    assert not errors_of(response)
    assert "Een eenvoudig onderzoekje" in html and "Een klein onderzoekje" in html
    assert "vastgesteld → vervallen" in html
    response = confirm(client, "goals", token_of(response))
    assert response.status_code == 302
    after = counts(app)
    assert after["goal"] == before["goal"]
    assert after["revision"] == before["revision"] + 2  # one update, one retirement: nothing else
    with app.app_context():
        from wt_curriculum.objectives import services

        assert services.goal_by_code(db.session, "MN.3.2").title.startswith("Een klein onderzoekje")
        assert services.goal_by_code(db.session, "MN.3.3").status == "vervallen"
        assert services.goal_by_code(db.session, "MN.3.4").version == 1


def test_a_failure_while_applying_rolls_everything_back(app, client, login, framework, monkeypatch):
    login("redacteur")
    response = upload(client, "goals", read("goals_new.csv"))
    token = token_of(response)
    before = counts(app)
    from wt_curriculum.errors import ValidationError
    from wt_curriculum.objectives import services

    def refuse(*args, **kwargs):
        raise ValidationError("Nope")

    monkeypatch.setattr(services, "publish_goal", refuse)
    response = confirm(client, "goals", token)
    assert response.status_code == 200 and error_lines(response) == [3]
    assert counts(app) == before


def test_the_confirmation_belongs_to_the_uploader_and_is_used_once(app, client, login, framework, factory):
    from tests.conftest import login_as

    login("redacteur")
    token = token_of(upload(client, "goals", read("goals_new.csv")))
    other = app.test_client()
    login_as(other, app, factory.user("redacteur"))
    before = counts(app)
    assert errors_of(confirm(other, "goals", token))
    assert counts(app) == before
    assert confirm(client, "goals", token).status_code == 302
    assert errors_of(confirm(client, "goals", token))  # gone after it was applied


def test_the_data_changing_after_the_preview_asks_for_a_new_confirmation(app, client, login, framework):
    login("redacteur")
    token = token_of(upload(client, "goals", read("goals_new.csv")))
    with app.app_context():
        from wt_curriculum.objectives import services
        from wt_curriculum.objectives.models import Strand

        strand = db.session.scalar(select(Strand).where(Strand.code == "MN.3"))
        services.create_goal(db.session, services.GoalData("MN.3.12", strand.domain_id, strand.id, "Eerder", "",
                                                           [5]), None)
        db.session.commit()
    before = counts(app)
    response = confirm(client, "goals", token)
    assert response.status_code == 200 and counts(app) == before
    new_token = token_of(response)
    assert new_token and "Eerder" in response.get_data(as_text=True)
    assert confirm(client, "goals", new_token).status_code == 302
