"""coverage_batch gives each school of a network exactly what school_coverage gives; queries do not grow."""
from datetime import date

from tests.planning.builders import Builder
from tests.reports.helpers import YEAR, YEAR_LABEL, build_network, existing_packages
from wt_curriculum.extensions import db
from wt_curriculum.planning.coverage import school_coverage
from wt_curriculum.planning.coverage_batch import network_school_coverages


def test_batch_equals_school_coverage_for_every_school(app):
    w = build_network(app, 3)
    with app.app_context():
        b = Builder(db.session)
        existing_packages(b)
        # Mixed states: taught kern, planned raakt, a retired goal at one school only, another year, archived.
        b.plan(w.school_ids[1], YEAR, 1, "P2", taught_on=date(2026, 9, 1))
        b.plan(w.school_ids[2], YEAR, 6, "P3", taught_on=date(2026, 9, 2))
        b.plan(w.school_ids[2], YEAR + 1, 7, "P4")
        archived = b.school(w.network_id, name="Gesloten", archived=True)
        b.plan(archived, YEAR, 7, "P4")
        other_network = b.network("ELDERS")
        elsewhere = b.school(other_network, name="Elders")
        b.plan(elsewhere, YEAR, 7, "P4")
        db.session.commit()

        batch = network_school_coverages(db.session, w.network_id, YEAR)
        assert [c.school_name for c in batch] == ["School A", "School B", "School C", "Zonder Plan"]
        for c in batch:
            assert c == school_coverage(db.session, c.school_id, YEAR)
        assert [c.has_plan for c in batch] == [True, True, True, False]
        assert "U.B.9" in {g.code for g in batch[0].goals} and "U.B.9" in {g.code for g in batch[2].goals}
        assert "U.B.9" not in {g.code for g in batch[1].goals}


def test_network_report_runs_as_many_queries_for_12_schools_as_for_3(app, client, login, count_queries):
    counts = []
    for n in (3, 12):
        w = build_network(app, n, network_name=f"Netwerk {n}", framework=n == 3)
        login("beheerder")
        client.get(f"/rapporten/netwerken/{w.network_id}/dekking?year={YEAR_LABEL}")  # warm up
        with count_queries() as counter:
            response = client.get(f"/rapporten/netwerken/{w.network_id}/dekking?year={YEAR_LABEL}")
        assert response.status_code == 200
        assert response.text.count('class="page-break school-page"') == n + 1
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert counts[0] <= 16
