"""Release notes: what changed in the framework between two releases (or the current draft and a release),
and what that means for one school's plan or one network's packages.

A release names the framework as it stood when it was published; what each goal looked like then is the
goal's newest revision made before the release was recorded. Goals that were drafts then are not part of it.
"""
import json
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from ..core.models import Revision
from ..core.services import FieldDiff, diff_snapshots
from ..errors import NotFound
from ..lessons.models import Alignment, LessonPackage
from ..objectives.models import FrameworkRelease, Goal, GoalStatus, Strand
from ..objectives.services import goal_snapshot
from ..planning.models import PlanEntry
from .services import word_diff

DRAFT = "concept"  # the label of "the framework as it stands now, drafts included"
COMPARED = ("title", "description", "groepen", "keywords")
IN_RELEASE = (GoalStatus.PUBLISHED, GoalStatus.RETIRED)


@dataclass
class GoalVersion:
    goal_id: int
    code: str
    strand: str
    title: str
    description: str
    status: str
    snapshot: dict


@dataclass
class ChangedGoal:
    code: str
    title: str
    diffs: list[FieldDiff]
    title_diff: list = field(default_factory=list)
    description_diff: list = field(default_factory=list)


@dataclass
class MovedGoal:
    code: str
    title: str
    old_strand: str
    new_strand: str


@dataclass
class RetiredGoal:
    code: str
    title: str
    replaced_by_code: str | None
    replaced_by_title: str | None


@dataclass
class AddedGoal:
    code: str
    title: str
    description: str
    status: str


@dataclass
class ReleaseNotes:
    old_label: str
    new_label: str
    added: list[AddedGoal]
    changed: list[ChangedGoal]
    moved: list[MovedGoal]
    retired: list[RetiredGoal]

    @property
    def changed_goal_codes(self) -> set[str]:
        return {g.code for g in self.changed} | {g.code for g in self.moved}

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.moved or self.retired)


def release_by_label(session: Session, label: str) -> FrameworkRelease | None:
    """A release by its version; None for the draft (the framework as it stands now)."""
    if label == DRAFT:
        return None
    release = session.scalar(select(FrameworkRelease).where(FrameworkRelease.version == label))
    if release is None:
        raise NotFound(_("There is no framework version %(version)s.", version=label[:40]))
    return release


def latest_release(session: Session) -> FrameworkRelease | None:
    return session.scalar(select(FrameworkRelease).order_by(
        FrameworkRelease.created_at.desc(), FrameworkRelease.id.desc()).limit(1))


def framework_at(session: Session, release: FrameworkRelease | None) -> dict[int, GoalVersion]:
    """Every goal of a release as it was then (one query); the draft: every goal as it is now."""
    if release is None:
        return {goal.id: GoalVersion(goal.id, goal.code, strand, goal.title, goal.description, goal.status,
                                     goal_snapshot(goal, strand))
                for goal, strand in session.execute(
                    select(Goal, Strand.code).join(Strand, Strand.id == Goal.strand_id))}
    newest = (select(Revision.entity_id, func.max(Revision.number).label("number"))
              .where(Revision.entity_type == "goal", Revision.created_at <= release.created_at)
              .group_by(Revision.entity_id).subquery())
    rows = session.execute(select(Revision.entity_id, Revision.snapshot).join(newest, and_(
        Revision.entity_type == "goal", Revision.entity_id == newest.c.entity_id,
        Revision.number == newest.c.number)))
    out = {}
    for goal_id, snapshot in rows:
        snap = json.loads(snapshot)
        if snap.get("status") in IN_RELEASE:
            out[goal_id] = GoalVersion(goal_id, snap.get("code", ""), snap.get("strand", ""), snap.get("title", ""),
                                       snap.get("description", ""), snap.get("status", ""), snap)
    return out


def _label(release: FrameworkRelease | None) -> str:
    return release.version if release is not None else DRAFT


def compare(session: Session, old_label: str, new_label: str) -> ReleaseNotes:
    """What changed from one release to another (the older one first, whichever order they are given in)."""
    old, new = release_by_label(session, old_label), release_by_label(session, new_label)
    if old is None or (new is not None and (new.created_at, new.id) < (old.created_at, old.id)):
        old, new = new, old
    before, after = framework_at(session, old), framework_at(session, new)
    replacement = aliased(Goal)
    replacements = {goal_id: (code, title) for goal_id, code, title in session.execute(
        select(Goal.id, replacement.code, replacement.title).join(replacement, replacement.id == Goal.replaced_by_id)
        .where(Goal.id.in_(list(after))))} if after else {}
    moves = _moved_between(session, old, new)
    added, changed, moved, retired = [], [], [], []
    for goal_id, now in sorted(after.items(), key=lambda item: item[1].code):
        was = before.get(goal_id)
        if was is None:
            if now.status != GoalStatus.RETIRED:
                added.append(AddedGoal(now.code, now.title, now.description, now.status))
            continue
        if was.status != GoalStatus.RETIRED and now.status == GoalStatus.RETIRED:
            code, title = replacements.get(goal_id, (None, None))
            retired.append(RetiredGoal(now.code, now.title, code, title))
            continue
        diffs = diff_snapshots({k: was.snapshot.get(k) for k in COMPARED}, {k: now.snapshot.get(k) for k in COMPARED})
        if diffs:
            changed.append(ChangedGoal(
                now.code, now.title, diffs,
                word_diff(was.title, now.title) if was.title != now.title else [],
                word_diff(was.description, now.description) if was.description != now.description else []))
        if was.strand != now.strand or goal_id in moves:
            moved.append(MovedGoal(now.code, now.title, was.strand, now.strand))
    return ReleaseNotes(_label(old), _label(new), added, changed, moved, retired)


def _moved_between(session: Session, old: FrameworkRelease | None, new: FrameworkRelease | None) -> set[int]:
    """Goals moved within their strand between two releases (a 'move' revision in between)."""
    conditions = [Revision.entity_type == "goal", Revision.action == "move"]
    if old is not None:
        conditions.append(Revision.created_at > old.created_at)
    if new is not None:
        conditions.append(Revision.created_at <= new.created_at)
    return set(session.scalars(select(Revision.entity_id).where(*conditions)))


# --- What a release changes for a plan -------------------------------------------------------------------------


@dataclass
class AffectedPackage:
    id: int
    title: str
    goals: list[str]  # codes of its goals that changed, moved or were retired


@dataclass
class PlanImpact:
    notes: ReleaseNotes
    affected: list[AffectedPackage]
    retired: list[AffectedPackage]
    uncovered_new: list[AddedGoal]


def _impact(session: Session, notes: ReleaseNotes, package_ids: list[int]) -> PlanImpact:
    changed = notes.changed_goal_codes
    retired = {g.code for g in notes.retired}
    rows = session.execute(
        select(LessonPackage.id, LessonPackage.title, Goal.code)
        .join(Alignment, Alignment.package_id == LessonPackage.id).join(Goal, Goal.id == Alignment.goal_id)
        .where(LessonPackage.id.in_(package_ids)).order_by(LessonPackage.title, Goal.code)) if package_ids else []
    by_changed: dict[int, AffectedPackage] = {}
    by_retired: dict[int, AffectedPackage] = {}
    covered: set[str] = set()
    for package_id, title, code in rows:
        covered.add(code)
        if code in changed:
            by_changed.setdefault(package_id, AffectedPackage(package_id, title, [])).goals.append(code)
        if code in retired:
            by_retired.setdefault(package_id, AffectedPackage(package_id, title, [])).goals.append(code)
    return PlanImpact(notes, list(by_changed.values()), list(by_retired.values()),
                      [g for g in notes.added if g.code not in covered])


def school_impact(session: Session, notes: ReleaseNotes, school_id: int) -> PlanImpact:
    """The packages in a school's year plans (any year) whose goals changed or were retired, and the new goals
    that none of them covers."""
    ids = list(session.scalars(select(PlanEntry.package_id).where(PlanEntry.school_id == school_id).distinct()))
    return _impact(session, notes, ids)


def network_impact(session: Session, notes: ReleaseNotes, network_id: int) -> PlanImpact:
    """The same for the packages a network made."""
    ids = list(session.scalars(select(LessonPackage.id).where(LessonPackage.network_id == network_id)))
    return _impact(session, notes, ids)


def release_choices(session: Session) -> list[str]:
    """The labels one can compare: every release, newest first, and the draft."""
    return [DRAFT] + list(session.scalars(select(FrameworkRelease.version).order_by(
        FrameworkRelease.created_at.desc(), FrameworkRelease.id.desc())))
