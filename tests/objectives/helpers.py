"""Arranging and checking goal-framework data in tests, each in a short app context of its own."""
from sqlalchemy import func, select

from wt_curriculum.core.models import Revision
from wt_curriculum.extensions import db
from wt_curriculum.objectives import services
from wt_curriculum.objectives.models import Domain, Goal, Strand


def goal_state(app, code: str) -> dict | None:
    """The stored fields of a goal (None when there is no such goal)."""
    with app.app_context():
        goal = db.session.scalar(select(Goal).where(Goal.code == code))
        if goal is None:
            return None
        replaced_by = db.session.get(Goal, goal.replaced_by_id).code if goal.replaced_by_id else None
        return {"id": goal.id, "title": goal.title, "description": goal.description, "groepen": goal.groepen,
                "keywords": goal.keywords, "source_code": goal.source_code, "status": goal.status,
                "version": goal.version, "position": goal.position, "strand_id": goal.strand_id,
                "replaced_by": replaced_by}


def counts(app) -> dict:
    """How many domains, strands, goals and revisions there are."""
    with app.app_context():
        return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                for m in (Domain, Strand, Goal, Revision)}


def revisions(app, code: str) -> list:
    with app.app_context():
        goal = db.session.scalar(select(Goal).where(Goal.code == code))
        return services.goal_history(db.session, goal).revisions


def ids(app, domain_code: str, strand_code: str) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(Domain.id).where(Domain.code == domain_code)),
                db.session.scalar(select(Strand.id).where(Strand.code == strand_code)))


def add_goal(app, code: str, title: str = "Een nieuw doel", groepen=(5, 6), publish: bool = True,
             description: str = "", keywords: str = "") -> int:
    """A goal in the strand its code names (the strand must exist), published unless told otherwise."""
    strand_code = code.rsplit(".", 1)[0]
    with app.app_context():
        strand = db.session.scalar(select(Strand).where(Strand.code == strand_code))
        goal = services.create_goal(db.session, services.GoalData(
            code, strand.domain_id, strand.id, title, description, list(groepen), keywords), None, "test")
        if publish:
            services.publish_goal(db.session, goal, None, "test")
        db.session.commit()
        return goal.id


def goal_form(app, code: str, **changes) -> dict:
    """The edit form's fields for a stored goal, as a browser would post them, with `changes` applied."""
    state = goal_state(app, code)
    with app.app_context():
        strand = db.session.get(Strand, state["strand_id"])
        data = {"code": code, "domain_id": strand.domain_id, "strand_id": strand.id, "title": state["title"],
                "description": state["description"], "groepen": state["groepen"], "keywords": state["keywords"],
                "source_code": state["source_code"], "note": "test", "version": state["version"]}
    data.update(changes)
    return data
