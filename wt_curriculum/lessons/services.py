"""Lesson packages: plain functions that take the session, flush, and never commit."""
from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from .models import Alignment, LessonPackage, PackageStatus


@dataclass
class PackageForGoal:
    id: int
    title: str
    summary: str
    groepen: list[int]
    relation: str
    status: str


def packages_for_goal(session: Session, goal_id: int, include_unpublished: bool = False) -> list[PackageForGoal]:
    """The packages aligned to a goal, main aim (kern) first, in one query."""
    query = (
        select(LessonPackage, Alignment.relation)
        .join(Alignment, Alignment.package_id == LessonPackage.id)
        .where(Alignment.goal_id == goal_id)
        .order_by(case((Alignment.relation == "kern", 0), else_=1), LessonPackage.title)
    )
    if not include_unpublished:
        query = query.where(LessonPackage.status == PackageStatus.PUBLISHED)
    return [
        PackageForGoal(p.id, p.title, p.summary, p.groepen, relation, p.status)
        for p, relation in session.execute(query)
    ]
