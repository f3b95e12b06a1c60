"""The coverage queries keep their plan at every scale, because the app gathers planner statistics itself.

Scale 0.01 is generated for real (bench/generate.py, ~125,000 plan rows) and analysed by the app's own
`core.statistics.analyze`, as `flask db upgrade`, `flask seed`, large imports and the hourly task do.

Scales 0.1 and 1 (400,000 and 4 million plan rows) take 25 s and 100+ s to generate, too slow for a test,
so on SQLite their statistics are derived from the real ones at 0.01: what the planner reads is only
`sqlite_stat1` ("rows, then rows per distinct key for each prefix of an index's columns"). Every table the
generator grows with the scale (networks, schools, packages, alignments, plan rows) gets k times the rows;
a key prefix that contains a column whose number of values also grows (an id, a school, a package) keeps
its rows per key, one made only of fixed-domain columns (school year: always ten; groep: eight; goal:
always 500; status) gets k times as many rows per key. That is the shape ANALYZE reports on the bench
databases (compare `instance/bench-1.sqlite` after `python -m bench --scales 1`). PostgreSQL keeps its
statistics where no test can write them, so there the real 0.01 data is checked.
"""
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from bench.generate import BENCH_NETWORK_CODE, FIRST_YEAR, NATIONAL, generate
from wt_curriculum.core.statistics import analyze
from wt_curriculum.extensions import db
from wt_curriculum.organisations.models import Network, School
from wt_curriculum.planning.coverage import _cell_aggregates, network_coverage_query, schools_planning_in_year
from wt_curriculum.planning.models import PlanEntry
from wt_curriculum.seed import seed_all

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
COVERING = "ix_plan_entry_year_school_package"
GROWING_TABLES = {"network", "school", "lesson_package", "alignment", "plan_entry"}
FIXED_DOMAIN_COLUMNS = {"school_year", "groep", "goal_id", "status", "relation", "archived"}
YEAR = FIRST_YEAR + NATIONAL["years"] - 1


@pytest.fixture
def generated(app):
    """Scale 0.01 (210 schools, one network of 200) generated and analysed; yields (network id, school id)."""
    with app.app_context():
        seed_all(db.session, SEEDS)
        generate(db.session, scale=0.01)
        db.session.commit()
        with db.engine.connect() as connection:
            # generate() analysed inside its transaction; start from none, as a database that never had any.
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("DELETE FROM sqlite_stat1")
                connection.commit()
            analyze(connection)
            connection.commit()
        network_id = db.session.scalar(db.select(Network.id).where(Network.code == BENCH_NETWORK_CODE))
        school_id = db.session.scalar(db.select(School.id).where(School.network_id == network_id).limit(1))
    return network_id, school_id


def _index_columns(connection, index: str) -> list[str]:
    return [r[2] for r in connection.exec_driver_sql(f'PRAGMA index_info("{index}")')]


def scale_statistics(connection, k: float) -> None:
    """Rewrite sqlite_stat1 (analysed at 0.01) to the shape of a database k times as large (docstring)."""
    rows = connection.exec_driver_sql("SELECT tbl, idx, stat FROM sqlite_stat1").all()
    for table, index, stat in rows:
        if table not in GROWING_TABLES:
            continue
        numbers = [int(n) for n in stat.split()[:1 + (len(_index_columns(connection, index)) if index else 0)]]
        total = numbers[0]
        scaled = [round(total * k)]
        columns = _index_columns(connection, index) if index else []
        for i, per_key in enumerate(numbers[1:]):
            prefix = columns[:i + 1]
            distinct = total / per_key
            # None: the rowid or an expression; a growing key, like every id.
            grows = any(c is None or c not in FIXED_DOMAIN_COLUMNS for c in prefix)
            scaled.append(max(1, round(scaled[0] / (distinct * k if grows else distinct))))
        connection.execute(text("UPDATE sqlite_stat1 SET stat = :stat WHERE tbl = :tbl AND idx IS :idx"),
                           {"stat": " ".join(str(n) for n in scaled), "tbl": table, "idx": index})
    connection.exec_driver_sql("ANALYZE sqlite_schema")  # the planner reloads the statistics


def plan_of(connection, query) -> str:
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    if connection.dialect.name == "sqlite":
        return "\n".join(r[3] for r in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    return "\n".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + sql))


def network_plan_shape(plan: str) -> str:
    """The plan without numbers: what is scanned, searched, with which index."""
    return re.sub(r"\d+", "N", plan)


def test_coverage_queries_use_the_covering_index_at_every_scale(app, generated):
    """One generated database (generating is the slow part), its statistics shaped to each scale in turn."""
    network_id, school_id = generated
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    shapes = {}
    with app.app_context(), db.engine.connect() as connection:
        plan_rows = connection.execute(text("SELECT count(*) FROM plan_entry")).scalar()
        if sqlite:
            stat = connection.exec_driver_sql("SELECT stat FROM sqlite_stat1 WHERE idx = ?", (COVERING,)).scalar()
            rows, per_year, per_school_year = (int(n) for n in stat.split()[:3])
            assert rows == plan_rows
            assert per_year == pytest.approx(rows / NATIONAL["years"], rel=0.1)  # ten school years
            assert 40 <= per_school_year <= 90  # ~60 rows per school per year
        else:
            assert connection.execute(text(
                "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname = 'plan_entry' AND schemaname = current_schema()")).scalar()
        for scale in (0.01, 0.1, 1) if sqlite else (0.01,):
            if scale != 0.01:
                scale_statistics(connection, scale / 0.01)
            network = plan_of(connection, network_coverage_query(network_id, YEAR))
            school = plan_of(connection, _cell_aggregates(PlanEntry.school_id == school_id,
                                                          PlanEntry.school_year == YEAR))
            use = plan_of(connection, schools_planning_in_year(YEAR))
            connection.rollback()
            shapes[scale] = network_plan_shape(network)
            if sqlite:
                # One network: its schools' rows through (school_year, school_id), read from the index alone.
                assert f"SEARCH plan_entry USING COVERING INDEX {COVERING} (school_year=? AND school_id=?)" \
                    in network, (scale, network)
                assert "SCAN plan_entry" not in network, (scale, network)
                # One school: its year's rows through the same index (the taught date is read from the row).
                assert f"SEARCH plan_entry USING INDEX {COVERING} (school_year=? AND school_id=?)" in school, \
                    (scale, school)
                assert "SCAN plan_entry" not in school, (scale, school)
                # The gap suggestions' use of every package: the year's rows from the index, not every year's.
                assert f"SEARCH plan_entry USING COVERING INDEX {COVERING} (school_year=?)" in use, (scale, use)
                assert "SCAN plan_entry" not in use, (scale, use)
            else:
                assert COVERING in network, network
                assert "Seq Scan on plan_entry" not in network, network
                # One school: either index that starts with (school_year, school_id) or (school_id, school_year).
                assert re.search(r"Index Scan using \w+ on plan_entry", school), school
                assert re.search(r"Index Cond: \(\(school_(id = \d+\) AND \(school_year|year = \d+\) AND "
                                 r"\(school_id)", school), school
                assert "Seq Scan on plan_entry" not in school, school
                assert "on plan_entry" in use and "Seq Scan on plan_entry" not in use, use
    if sqlite:
        assert shapes[0.1] == shapes[1]  # no plan change between scales 0.1 and 1
