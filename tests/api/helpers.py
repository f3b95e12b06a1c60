"""Test data for the API: a small framework of our own, packages, plan entries and tokens."""
import uuid
from datetime import UTC, date, datetime

from wt_curriculum.extensions import db


def make_framework(app, prefix="APX", statuses=("vastgesteld", "concept", "vervallen")) -> list[str]:
    """Domain `prefix`, strand `prefix.1` and one goal per status (`prefix.1.1`, ...); returns the goal codes."""
    from wt_curriculum.objectives.models import Domain, Goal, Strand

    with app.app_context():
        domain = Domain(uuid=str(uuid.uuid4()), code=prefix, title=f"Domein {prefix}", position=20)
        db.session.add(domain)
        db.session.flush()
        strand = Strand(uuid=str(uuid.uuid4()), code=f"{prefix}.1", domain_id=domain.id, title=f"Streng {prefix}",
                        position=1)
        db.session.add(strand)
        db.session.flush()
        codes = []
        for n, status in enumerate(statuses, start=1):
            goal = Goal(uuid=str(uuid.uuid4()), code=f"{prefix}.1.{n}", strand_id=strand.id,
                        title=f"Doel {n} over robots", groepen_mask=0b11110000, status=status, position=n,
                        published_at=datetime.now(UTC) if status != "concept" else None)
            db.session.add(goal)
            codes.append(goal.code)
        db.session.commit()
        return codes


def goal_id(app, code: str) -> int:
    from sqlalchemy import select

    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        return db.session.scalar(select(Goal.id).where(Goal.code == code))


def make_package(app, network_id: int, goal_codes, title="Robots bouwen", status="gepubliceerd",
                 groepen_mask=0b00110000) -> int:
    from sqlalchemy import select

    from wt_curriculum.lessons.models import Alignment, LessonPackage
    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        ids = list(db.session.scalars(select(Goal.id).where(Goal.code.in_(list(goal_codes))).order_by(Goal.code)))
        package = LessonPackage(
            uuid=str(uuid.uuid4()), title=title, summary="Een robot van karton", description="We **bouwen**.",
            groepen_mask=groepen_mask, lesson_count=3, minutes_per_lesson=45, keywords="robots, techniek",
            network_id=network_id, status=status,
            published_at=datetime.now(UTC) if status == "gepubliceerd" else None,
            alignments=[Alignment(goal_id=gid, relation="kern" if i == 0 else "raakt") for i, gid in enumerate(ids)],
        )
        db.session.add(package)
        db.session.commit()
        return package.id


def plan(app, school_id: int, package_id: int, year: int, groep: int, taught: bool = False) -> None:
    from wt_curriculum.planning.models import PlanEntry

    with app.app_context():
        db.session.add(PlanEntry(school_id=school_id, school_year=year, groep=groep, package_id=package_id,
                                 taught_on=date(year + 1, 3, 1) if taught else None))
        db.session.commit()


def make_token(app, user_id: int, name="script") -> str:
    """A new token for the user; returns its secret."""
    from wt_curriculum.api import tokens
    from wt_curriculum.auth.models import User

    with app.app_context():
        new = tokens.create_token(db.session, db.session.get(User, user_id), name)
        db.session.commit()
        return new.secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
