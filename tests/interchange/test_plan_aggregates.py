"""Year plans imported from a file (in the request, or by the task queue when large) keep the per (school, year)
coverage aggregates of the national summary equal to what the plan rows say."""
from tests.interchange.helpers import confirm, read, token_of, upload
from tests.planning.aggregate_check import assert_aggregates_match
from wt_curriculum.extensions import db
from wt_curriculum.planning.coverage import national_summary


def test_an_import_in_the_request_keeps_the_aggregates(app, client, login, world):
    login("coordinator", school_id=world["school"])
    response = confirm(client, "plans", token_of(upload(client, "plans", read("plans_new.csv"))))
    assert response.status_code == 302
    with app.app_context():
        want = assert_aggregates_match(db.session)
        # MN.3.2 (kern) and MN.3.1 (raakt) of "Drijven en zinken", in groep 5 and 6: the goals meant for them
        assert want[(world["school"], 2025)][0] == 2
        summary = national_summary(db.session, 2025)
        assert summary.with_plan == 1
        assert summary.median == want[(world["school"], 2025)][1] / summary.goals


def test_a_large_import_by_the_queue_keeps_the_aggregates(app, client, login, world):
    app.config["IMPORTS_BACKGROUND_ROWS"] = 1  # plans_new.csv has 2 rows
    login("coordinator", school_id=world["school"])
    response = confirm(client, "plans", token_of(upload(client, "plans", read("plans_new.csv"))))
    assert response.status_code == 303 and response.headers["Location"].startswith("/taken/")
    with app.app_context():
        assert assert_aggregates_match(db.session)[(world["school"], 2025)][0] == 2
        # ... and the planner's statistics were gathered again once the import had committed.
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            stat = connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_plan_entry_year_school_package'").scalar()
            assert stat.split()[0] == "2"
        else:
            assert connection.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE oid = 'plan_entry'::regclass").scalar() == 2
