"""PostgreSQL: a word search with a domain (or any goal filter) matches the text once, through the full-text
expression of the GIN index, before the other filters; as a plain condition the planner could evaluate the
vector for every package of the domain (125-193 ms at scale 1 instead of ~14 ms, issue 18)."""
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from wt_curriculum.extensions import db
from wt_curriculum.lessons import search


def test_word_and_domain_search_matches_the_text_first(app, framework, factory):
    from wt_curriculum.lessons.models import Alignment, LessonPackage
    from wt_curriculum.objectives.models import Goal

    network = factory.network()
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite's search always starts from the FTS5 table")
        goal_id = db.session.scalar(select(Goal.id).where(Goal.code == "DG.1.1"))
        for i in range(30):
            db.session.add(LessonPackage(
                uuid=str(uuid.uuid4()), title=f"{'Bruggen bouwen' if i % 3 == 0 else 'Robots'} {i}", summary="",
                description="", groepen_mask=0b11110000, lesson_count=2, minutes_per_lesson=45,
                network_id=network, licence="CC-BY-SA", status="gepubliceerd", published_at=datetime.now(UTC),
                alignments=[Alignment(goal_id=goal_id, relation="kern")]))
        db.session.commit()
        statements = []

        def remember(conn, cursor, statement, parameters, context, many):
            statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            result = search.search_packages(db.session, "bruggen", search.SearchFilters(domain="DG"))
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
        assert result.total == 10
        assert {hit.title.split()[0] for hit in result.hits} == {"Bruggen"}
        page_query, parameters = next((s, p) for s, p in statements if "LIMIT" in s and "matches_w0" in s)
        assert "matches_w0 AS MATERIALIZED" in page_query
        cursor = db.session.connection().connection.driver_connection.cursor()
        # Thirty rows are read faster without an index; what matters is where the text condition sits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + page_query, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The text condition is evaluated in one place, the CTE over lesson_package through the GIN index; the rest
    # of the plan (the domain's packages) only ranks the matches.
    assert "CTE matches_w0" in plan, plan
    cte, outer = plan.split("CTE matches_w0", 1)[1].split("\n  ->", 1)
    assert "@@" in cte and "ix_lesson_package_fts" in cte, plan
    assert "@@" not in outer, plan
