"""The per (school, year) coverage aggregates stay equal to what the plan rows say after every kind of change,
in the same transaction, and the national summary read from them equals the one counted from plan rows."""
from datetime import date

from sqlalchemy import select

from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import Alignment
from wt_curriculum.objectives import services as objectives
from wt_curriculum.organisations.models import School
from wt_curriculum.planning import aggregates, services
from wt_curriculum.planning.coverage import national_summary
from wt_curriculum.planning.models import PlanEntry, SchoolYearCoverage

from .aggregate_check import assert_aggregates_match, expected, stored
from .builders import Builder, base_framework


def build(app) -> dict:
    with app.app_context():
        b = Builder(db.session)
        network = b.network("AG")
        base_framework(b, network)
        b.package("P4", [3, 4], {"T.A.2": "kern", "T.A.4": "raakt"}, network)
        one, two = b.school(network, "een"), b.school(network, "twee")
        b.plan(one, 2025, 1, "P1", taught_on=date(2026, 3, 1))
        b.plan(one, 2025, 3, "P1")  # T.A.2 is meant for groep 3: covered through the raakt alignment
        b.plan(one, 2025, 5, "P3")
        b.plan(two, 2025, 4, "P4")
        db.session.commit()
        want = assert_aggregates_match(db.session)  # the builder's ORM inserts were counted as they flushed
        assert want[(one, 2025)] == (3, 3)  # T.A.1, T.A.2, T.A.3 (retired U.B.9 does not count)
        assert want[(two, 2025)] == (1, 2)
        return {"one": one, "two": two, "goals": {c: g.id for c, g in b.goals.items()},
                "packages": {t: p.id for t, p in b.packages.items()}}


def test_adding_editing_and_removing_plan_entries_keep_the_aggregates(app):
    ids = build(app)
    with app.app_context():
        school = db.session.get(School, ids["one"])
        services.add_plan_entry(db.session, school, ids["packages"]["P4"], 2025, 4)
        services.add_plan_entry(db.session, school, ids["packages"]["P2"], 2026, 2)  # a new school year
        assert stored(db.session)[(ids["one"], 2025)] == (4, 4)  # seen before the commit: same transaction
        db.session.commit()
        assert_aggregates_match(db.session)

        entry = db.session.scalar(select(PlanEntry).where(PlanEntry.school_id == ids["one"],
                                                          PlanEntry.school_year == 2025, PlanEntry.groep == 5))
        services.update_plan_entry(db.session, entry, entry.version, "periode 3", date(2026, 5, 1))
        db.session.commit()
        assert_aggregates_match(db.session)

        services.remove_plan_entry(db.session, entry, entry.version)
        only = db.session.scalar(select(PlanEntry).where(PlanEntry.school_id == ids["one"],
                                                         PlanEntry.school_year == 2026))
        services.remove_plan_entry(db.session, only, only.version)
        db.session.commit()
        want = assert_aggregates_match(db.session)
        assert (ids["one"], 2026) not in want and (ids["one"], 2026) not in stored(db.session)
        assert want[(ids["one"], 2025)] == (3, 3)  # T.A.1, T.A.2 and, through P4 in groep 4, T.A.4


def test_a_rolled_back_change_leaves_the_aggregates_as_they_were(app):
    ids = build(app)
    with app.app_context():
        before = stored(db.session)
        services.add_plan_entry(db.session, db.session.get(School, ids["two"]), ids["packages"]["P1"], 2025, 1)
        assert stored(db.session) != before
        db.session.rollback()
        assert stored(db.session) == before


def test_copying_a_year_plan_keeps_the_aggregates(app):
    ids = build(app)
    with app.app_context():
        services.copy_year_plan(db.session, db.session.get(School, ids["one"]), 2025, 2026)
        db.session.commit()
        want = assert_aggregates_match(db.session)
        assert want[(ids["one"], 2026)] == want[(ids["one"], 2025)] == (3, 3)


def test_retiring_a_goal_and_changing_alignments_keep_the_aggregates(app):
    ids = build(app)
    with app.app_context():
        goal = db.session.get(objectives.Goal, ids["goals"]["T.A.2"])
        objectives.retire_goal(db.session, goal, None, note="vervangen")
        db.session.commit()
        want = assert_aggregates_match(db.session)
        assert want[(ids["one"], 2025)] == (3, 2) and want[(ids["two"], 2025)] == (1, 1)

        goal = db.session.get(objectives.Goal, ids["goals"]["T.A.4"])
        goal.groepen_mask = 0b10000000  # groep 8 only: P4 in groep 4 no longer covers it
        db.session.commit()
        want = assert_aggregates_match(db.session)
        assert want[(ids["two"], 2025)] == (1, 0)

        alignment = db.session.scalar(select(Alignment).where(Alignment.package_id == ids["packages"]["P3"],
                                                              Alignment.goal_id == ids["goals"]["T.A.3"]))
        db.session.delete(alignment)
        db.session.commit()
        assert assert_aggregates_match(db.session)[(ids["one"], 2025)] == (3, 1)

        db.session.add(Alignment(package_id=ids["packages"]["P4"], goal_id=ids["goals"]["T.A.1"], relation="raakt"))
        db.session.add(Alignment(package_id=ids["packages"]["P3"], goal_id=ids["goals"]["T.A.3"], relation="kern"))
        db.session.commit()
        assert assert_aggregates_match(db.session)[(ids["one"], 2025)] == (3, 2)


def test_rebuild_counts_everything_again(app, runner):
    ids = build(app)
    with app.app_context():
        want = expected(db.session)
        db.session.execute(SchoolYearCoverage.__table__.delete())
        db.session.execute(SchoolYearCoverage.__table__.insert().values(
            school_id=ids["two"], school_year=2019, entries=9, covered=9))
        db.session.commit()
    result = runner.invoke(args=["coverage", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Coverage aggregates rebuilt: 2 school years." in result.output
    with app.app_context():
        assert stored(db.session) == want
        assert aggregates.rebuild(db.session) == 2


def test_the_national_summary_read_from_the_aggregates_equals_the_plan_rows(app):
    ids = build(app)
    with app.app_context():
        services.add_plan_entry(db.session, db.session.get(School, ids["two"]), ids["packages"]["P1"], 2025, 2)
        db.session.commit()
        want = expected(db.session)
        summary = national_summary(db.session, 2025)
        total = summary.goals
        shares = sorted(covered / total for (school, year), (_, covered) in want.items() if year == 2025)
        assert summary.with_plan == 2
        assert sorted([summary.networks[0].lowest, summary.networks[0].highest]) == [shares[0], shares[-1]]
        assert total == 5  # T.A.1-4, U.B.1
        buckets = [0] * 10
        for share in shares:
            buckets[min(9, int(share * 10))] += 1
        assert [n for _, n in summary.distribution] == buckets and sum(buckets) == 2
        assert summary.median == (shares[0] + shares[1]) / 2
