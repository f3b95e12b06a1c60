"""The goal framework: plain functions that take the session, flush, and never commit."""
from ..groepen import from_mask
from .models import Goal


def goal_snapshot(goal: Goal, strand_code: str) -> dict:
    """The fields of a goal that its revisions keep and compare."""
    return {
        "code": goal.code,
        "strand": strand_code,
        "title": goal.title,
        "description": goal.description,
        "groepen": from_mask(goal.groepen_mask),
        "keywords": goal.keywords,
        "source_code": goal.source_code,
        "status": goal.status,
    }
