"""Arranging consultation rounds in tests, each in a short app context of its own."""
from datetime import date, timedelta

from sqlalchemy import select

from wt_curriculum.auth.models import User
from wt_curriculum.consultations import services
from wt_curriculum.consultations.models import ConsultationResponse, ConsultationRound
from wt_curriculum.extensions import db
from wt_curriculum.objectives import services as goals
from wt_curriculum.objectives.models import Goal


def make_goals(app, prefix: str = "CO", n: int = 2, publish: tuple[int, ...] = (1,)) -> list[str]:
    """A domain, a strand and `n` goals; the ones numbered in `publish` are published."""
    with app.app_context():
        domain = goals.create_domain(db.session, goals.DomainData(prefix, "Consultatiedomein"), None)
        strand = goals.create_strand(db.session, goals.StrandData(f"{prefix}.1", domain.id, "Leerlijn"), None)
        codes = []
        for i in range(1, n + 1):
            goal = goals.create_goal(db.session, goals.GoalData(
                f"{prefix}.1.{i}", domain.id, strand.id, f"Doel {i} over bruggen bouwen",
                f"Leerlingen bouwen een brug van papier en testen hoeveel die draagt ({i}).", groepen=[5, 6]),
                None, "nieuw")
            if i in publish:
                goals.publish_goal(db.session, goal, None, "vastgesteld")
            codes.append(goal.code)
        db.session.commit()
        return codes


def make_round(app, codes, audiences=("iedereen",), starts=0, ends=14, title="Ronde 1", editor_id=None) -> int:
    with app.app_context():
        editor = db.session.get(User, editor_id) if editor_id else None
        round_ = services.open_round(db.session, services.RoundData(
            title, "Wat vind je van deze doelen?", date.today() + timedelta(days=starts),
            date.today() + timedelta(days=ends), list(audiences), False, " ".join(codes)), editor)
        db.session.commit()
        return round_.id


def add_response(app, round_id, user_id, code=None, position="eens-met-wijzigingen", comment="Goed idee",
                 proposed_title="", proposed_description="") -> int:
    with app.app_context():
        round_ = db.session.get(ConsultationRound, round_id)
        user = db.session.get(User, user_id)
        goal_id = db.session.scalar(select(Goal.id).where(Goal.code == code)) if code else None
        response = services.respond(db.session, round_, user, services.ResponseData(
            goal_id, position, comment, proposed_title, proposed_description))
        db.session.commit()
        return response.id


def close(app, round_id) -> None:
    with app.app_context():
        services.close_round(db.session, db.session.get(ConsultationRound, round_id), None)
        db.session.commit()


def response_state(app, response_id) -> dict:
    with app.app_context():
        r = db.session.get(ConsultationResponse, response_id)
        return {"comment": r.comment, "position": r.position, "hidden": r.hidden_at is not None,
                "answer": r.answer, "answer_reason": r.answer_reason, "applied_revision": r.applied_revision,
                "proposed_title": r.proposed_title, "parent_id": r.parent_id}


def responses(app, round_id) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(select(ConsultationResponse).where(ConsultationResponse.round_id == round_id)
                                  .order_by(ConsultationResponse.id))
        return [{"id": r.id, "goal_id": r.goal_id, "author_id": r.author_id, "parent_id": r.parent_id,
                 "comment": r.comment, "position": r.position} for r in rows]


def goal_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Goal.id).where(Goal.code == code))


def two_releases(app) -> dict:
    """Release 2030.1 with CO.1.1-3 published; then CO.1.1 edited, CO.1.2 retired for CO.1.3, CO.1.3 moved
    up, CO.1.4 added and published: release 2030.2; then CO.1.5 added as a draft."""
    codes = make_goals(app, n=3, publish=(1, 2, 3))
    with app.app_context():
        goals.publish_release(db.session, "2030.1", date(2030, 1, 1), "", None)
        db.session.commit()
    with app.app_context():
        one = goals.goal_by_code(db.session, "CO.1.1")
        data = goals.GoalData("CO.1.1", None, one.strand_id, "Doel 1 over bruggen en torens bouwen",
                              one.description, one.groepen, one.keywords, one.source_code)
        data.domain_id = db.session.scalar(select(goals.Strand.domain_id).where(goals.Strand.id == one.strand_id))
        goals.update_goal(db.session, one, data, None, "torens", one.version)
        goals.retire_goal(db.session, goals.goal_by_code(db.session, "CO.1.2"), None, "weg", "CO.1.3")
        goals.move_goal(db.session, goals.goal_by_code(db.session, "CO.1.3"), "up", None)
        four = goals.create_goal(db.session, goals.GoalData("CO.1.4", data.domain_id, one.strand_id,
                                                            "Doel 4 over hefbomen", "", [7, 8]), None)
        goals.publish_goal(db.session, four, None)
        db.session.commit()
    with app.app_context():
        goals.publish_release(db.session, "2030.2", date(2030, 6, 1), "", None)
        db.session.commit()
    with app.app_context():
        one = goals.goal_by_code(db.session, "CO.1.1")
        domain_id = db.session.scalar(select(goals.Strand.domain_id).where(goals.Strand.id == one.strand_id))
        goals.create_goal(db.session, goals.GoalData("CO.1.5", domain_id, one.strand_id, "Doel 5 over katrollen",
                                                     "", [7]), None)
        db.session.commit()
    return {"codes": codes}
