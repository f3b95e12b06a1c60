"""The benchmark's data generator: the right shape, and the same data for the same seed."""
import pytest
from sqlalchemy import func, select

from wt_curriculum.extensions import db


def counts(app):
    from wt_curriculum.lessons.models import Alignment, LessonPackage
    from wt_curriculum.objectives.models import Goal
    from wt_curriculum.organisations.models import Network, School
    from wt_curriculum.planning.models import PlanEntry

    with app.app_context():
        result = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                  for m in (Network, School, Goal, LessonPackage, Alignment, PlanEntry)}
        result["plan_checksum"] = db.session.scalar(
            select(func.sum(PlanEntry.school_id * 7 + PlanEntry.package_id * 3 + PlanEntry.groep)))
        result["bench_network_size"] = db.session.scalar(
            select(func.count()).select_from(School).join(Network, Network.id == School.network_id)
            .where(Network.code == "BENCH-200"))
        return result


def test_generate_builds_a_small_national_shape_reproducibly(runner, app, tmp_path):
    result = runner.invoke(args=["bench", "generate", "--scale", "0.01"])
    assert result.exit_code == 0, result.output
    first = counts(app)
    assert first["Goal"] == 500
    assert first["School"] == 210 and first["bench_network_size"] == 200
    assert first["LessonPackage"] == 100
    assert first["Alignment"] >= 100 and first["Alignment"] <= 400
    # ~60 rows per school per year over ten years, a few years left without a plan.
    assert 210 * 10 * 40 < first["PlanEntry"] < 210 * 10 * 80

    again = runner.invoke(args=["bench", "generate", "--scale", "0.01"])
    assert again.exit_code != 0 and "already holds generated data" in again.output
    assert counts(app) == first


def test_the_same_seed_gives_the_same_data(runner, app, database_template, tmp_path):
    from tests.conftest import BASE_CONFIG, _fresh_database_url
    from wt_curriculum import create_app

    if database_template["kind"] != "sqlite":
        pytest.skip("needs two databases at once; the SQLite pass compares them")
    assert runner.invoke(args=["bench", "generate", "--scale", "0.01"]).exit_code == 0
    first = counts(app)
    (tmp_path / "b").mkdir()
    other_url = _fresh_database_url(database_template, tmp_path / "b")
    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": other_url})
    assert other.test_cli_runner().invoke(args=["bench", "generate", "--scale", "0.01"]).exit_code == 0
    assert counts(other) == first


def test_the_teacher_mixes_are_measured_logged_in(runner, app):
    """bench/mixes.py's teacher cookie is a real session of a teacher of the benchmark network."""
    from bench.mixes import teacher_cookie

    assert runner.invoke(args=["bench", "generate", "--scale", "0.01"]).exit_code == 0
    name, _, value = teacher_cookie(app).partition("=")
    client = app.test_client()
    client.set_cookie(name, value)
    page = client.get("/")
    assert page.status_code == 200
    assert "Uitloggen" in page.get_data(as_text=True)
    assert client.get("/beheer/gebruikers").status_code == 403  # a teacher, not an administrator


def test_the_mixes_table_shows_each_cache_setting(capsys):
    """bench/mixes.py prints every mix under each of its three cache settings, as a share of /healthz."""
    from bench.mixes import SETTINGS, print_mixes

    def run(rps, share):
        return {"requests_per_second": rps, "share_of_healthz": share, "non_2xx": 0}

    results = {"addresses": {"goal pages": 300}, "seconds": 10, "warmed": True}
    for k, setting in enumerate(SETTINGS):
        results[setting] = {"healthz": run(2000, 1.0), "goal pages, teacher": run(800 - 300 * k, 0.4 - 0.15 * k)}
    print_mixes(results)
    out = capsys.readouterr().out.splitlines()
    assert list(SETTINGS) == ["caches on", "page cache off", "caches off"]
    assert out[0] == "" and "caches warmed first" in out[1]
    assert all(f"{setting} req/s" in out[2] for setting in SETTINGS)
    assert out[4].split() == ["goal", "pages,", "teacher", "800", "40%", "500", "25%", "200", "10%"]
