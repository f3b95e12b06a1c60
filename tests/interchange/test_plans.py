"""Importing year plans."""
from datetime import date

from sqlalchemy import select

from tests.interchange.helpers import confirm, counts, error_lines, errors_of, read, token_of, upload
from wt_curriculum.extensions import db


def test_plan_rows_are_added_with_their_taught_dates(app, client, login, world):
    login("coordinator", school_id=world["school"])
    before = counts(app)
    response = upload(client, "plans", read("plans_new.csv"))
    assert not errors_of(response) and counts(app) == before
    assert confirm(client, "plans", token_of(response)).status_code == 302
    assert counts(app)["plan_entry"] == before["plan_entry"] + 2
    with app.app_context():
        from wt_curriculum.planning.models import PlanEntry

        entries = db.session.scalars(select(PlanEntry).order_by(PlanEntry.groep)).all()
        assert [(e.school_year, e.groep, e.period, e.taught_on) for e in entries] == [
            (2025, 5, "periode 2", date(2025, 11, 3)), (2025, 6, "week 12", None)]
    response = upload(client, "plans", read("plans_new.csv"))
    assert token_of(response) is None and not errors_of(response)


def test_errors_are_reported_by_line_and_nothing_is_written(app, client, login, world):
    login("coordinator", school_id=world["school"])
    before = counts(app)
    response = upload(client, "plans", read("plans_errors.csv"))
    # line 6's 3-11-2025 is a date written the Dutch way: accepted
    assert error_lines(response) == [2, 3, 4, 5, 7, 9, 10, 11]
    assert "99ZZ00" in errors_of(response)[0] and "34CD00" in errors_of(response)[-1]
    assert counts(app) == before


def test_a_date_written_as_dd_mm_yyyy_is_read(app, client, login, world):
    login("coordinator", school_id=world["school"])
    confirm(client, "plans", token_of(upload(client, "plans", read("plans_new.csv"))))
    exported = client.get(f"/uitwisseling/jaarplanningen/export?school={world['school']}&jaar=2025-2026")
    text = exported.data.decode("utf-8-sig").replace("week 12;", "week 12;1-12-2025")
    response = upload(client, "plans", text.encode())
    assert "— → 2025-12-01" in response.get_data(as_text=True)
    assert confirm(client, "plans", token_of(response)).status_code == 302
    with app.app_context():
        from wt_curriculum.planning.models import PlanEntry

        assert db.session.scalar(select(PlanEntry.taught_on).where(PlanEntry.period == "week 12")) == date(2025, 12, 1)


def test_the_administrator_imports_any_school(app, client, login, world):
    login("beheerder")
    response = upload(client, "plans", read("plans_errors.csv"))
    assert 11 not in error_lines(response)


def test_a_change_of_period_and_date_is_previewed_and_applied(app, client, login, world):
    login("coordinator", school_id=world["school"])
    confirm(client, "plans", token_of(upload(client, "plans", read("plans_new.csv"))))
    exported = client.get(f"/uitwisseling/jaarplanningen/export?school={world['school']}&jaar=2025-2026")
    text = exported.data.decode("utf-8-sig").replace("week 12;", "week 14;2025-12-01")
    assert "package_title" in text.splitlines()[0]
    before = counts(app)
    response = upload(client, "plans", text.encode())
    html = response.get_data(as_text=True)
    assert "week 12 → week 14" in html and "— → 2025-12-01" in html
    assert confirm(client, "plans", token_of(response)).status_code == 302
    assert counts(app)["plan_entry"] == before["plan_entry"]
    with app.app_context():
        from wt_curriculum.planning.models import PlanEntry

        entry = db.session.scalar(select(PlanEntry).where(PlanEntry.groep == 6))
        assert entry.period == "week 14" and entry.taught_on == date(2025, 12, 1)


def test_a_coordinator_exports_only_their_own_school(app, client, login, world):
    login("coordinator", school_id=world["school"])
    assert client.get("/uitwisseling/jaarplanningen/export").status_code == 200
    assert client.get(f"/uitwisseling/jaarplanningen/export?school={world['other_school']}").status_code == 403
    assert client.get("/uitwisseling/jaarplanningen/export?jaar=2025").status_code == 400


def test_a_taught_date_outside_the_school_year_and_a_year_in_other_digits_are_line_errors(app, client, login, world):
    """Issue 15: a plan CSV whose year is written as ²⁰²⁵-²⁰²⁶, or a date taught outside the school year."""
    login("coordinator", school_id=world["school"])
    before = counts(app)
    content = ("school;schooljaar;groep;lespakket;periode;gegeven_op\n"
               "12AB00;2025-2026;5;Drijven en zinken;;0001-01-01\n"
               "12AB00;²⁰²⁵-²⁰²⁶;6;Drijven en zinken;;\n"
               "12AB00;2025-2026;7;Drijven en zinken;;2025-08-01\n").encode()
    response = upload(client, "plans", content)
    assert response.status_code == 200 and error_lines(response) == [2, 3]
    assert "schooljaar 2025-2026" in errors_of(response)[0] and "2026-2027" in errors_of(response)[1]
    assert counts(app) == before
