"""PostgreSQL: a word search with a domain (or any goal filter) matches the text once, through the full-text
expression of the GIN index, before the other filters; as a plain subquery the planner could evaluate the
vector for every package of the domain (125-193 ms at scale 1 instead of ~14 ms)."""
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
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, parameters, context, many: statements.append(
                         (statement, parameters)))
        result = search.search_packages(db.session, "bruggen", search.SearchFilters(domain="DG"))
        assert result.total == 10
        page_query, parameters = statements[1]
        assert "WITH matches AS MATERIALIZED" in page_query
        cursor = db.session.connection().connection.driver_connection.cursor()
        cursor.execute("EXPLAIN " + page_query, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The text condition is evaluated in one place, the CTE over lesson_package, not per row of the domain.
    assert plan.startswith("Limit") and "CTE matches" in plan
    cte, rest = plan.split("CTE matches", 1)[1].split("->  Sort", 1)
    assert "@@" in cte and "lesson_package" in cte, plan
    assert "@@" not in rest, plan
