"""The goal framework: plain functions that take the session, flush, and never commit.

Views, CLI commands and tests all change the framework through these functions.
They raise `ValidationError` (with the field it belongs to), `Conflict` or
`NotFound` with a message in the user's language.
"""
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

# Lazy: messages are rendered in the request's language, and services also run without a request.
from flask import current_app
from flask_babel import lazy_gettext as _
from flask_babel import lazy_ngettext as _nl
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from ..auth.models import User
from ..auth.permissions import is_editor
from ..core.hooks import Hook
from ..core.jobs import ACTIVE
from ..core.models import Job, Revision
from ..core.services import FieldDiff, RevisionView, diff_snapshots, record_audit, record_revision, revisions_for
from ..errors import Conflict, NotFound, Problems, ValidationError
from ..groepen import ALL_GROEPEN, bit, from_mask, to_mask
from ..numbers import MAX_ID
from .models import Domain, FrameworkRelease, Goal, GoalStatus, PendingChange, Strand

DOMAIN_CODE = re.compile(r"[A-Z]{2,4}")
RELEASE_LABEL = re.compile(r"\d{4}\.\d{1,3}")
SOURCE_CODE = re.compile(r"[A-Za-z0-9.\-]*")
# Limits shared with the forms: the columns' lengths, and a sane bound for free text.
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_KEYWORDS = 500
MAX_SOURCE = 20
MAX_NOTE = 500
# What other areas add to a goal's pages, each function taking (session, goal, viewer) and returning a
# core.hooks.Section or None: the packages aligned to it (lessons), the kerndoelen it serves (references),
# and on the retire page what retiring it affects (planning).
goal_page_sections = Hook("objectives.goal_page_sections")
goal_retire_sections = Hook("objectives.goal_retire_sections")
# Called after a published (or retired) goal was changed, retired or restored, with (session, goal, action,
# editor): consultations tells the schools and networks whose plans and packages use the goal.
goal_changed = Hook("objectives.goal_changed")
# Four-eyes publishing of imports: the area that proposed an import ("import.goals": interchange, "import.case":
# case) applies it when a second editor approves. Functions (session, change, approver) answer for their own
# kind (anything but None) and leave the others (None); they raise ValidationError or Conflict when the import
# can no longer be applied as its report says. The keyword `progress` is None or a function (rows_done, rows)
# to tell as the rows are written (the approval runs as a job then).
apply_pending_import = Hook("objectives.apply_pending_import")
# What the approval queue shows of a pending import: functions (kind, summary) answer, for their own kind, the
# summary with its report said in the reader's language (a dict for objectives/_import_report.html), None for the
# others; without an answer the stored summary is shown as it is.
pending_import_report = Hook("objectives.pending_import_report")
# Snapshot keys that are bookkeeping, not content: never shown in a diff, never restored.
BOOKKEEPING = ("version",)
# The snapshot fields a restore brings back; code, strand and status keep their current values.
RESTORED_FIELDS = ("title", "description", "groepen", "keywords", "source_code")


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


def revision_snapshot(goal: Goal, strand_code: str) -> dict:
    """A goal's snapshot plus the version it is stored at, so a conflict can find what an editor opened."""
    return {**goal_snapshot(goal, strand_code), "version": goal.version}


def content(snapshot: dict) -> dict:
    """A snapshot without its bookkeeping keys: what a reader compares."""
    return {k: v for k, v in snapshot.items() if k not in BOOKKEEPING}


# --- Input -----------------------------------------------------------------------------------------------------


@dataclass
class DomainData:
    code: str
    title: str
    description: str = ""


@dataclass
class StrandData:
    code: str
    domain_id: int | None
    title: str
    description: str = ""
    source_code: str = ""


@dataclass
class GoalData:
    code: str
    domain_id: int | None
    strand_id: int | None
    title: str
    description: str = ""
    groepen: list[int] = field(default_factory=list)
    keywords: str = ""
    source_code: str = ""


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _normalise_keywords(value: str) -> str:
    return ", ".join(k.strip() for k in (value or "").split(",") if k.strip())


def _require_text(value: str, field_name: str, limit: int, empty_message: str | None = None) -> str:
    value = _clean(value)
    if empty_message is not None and not value:
        raise ValidationError(empty_message, field=field_name)
    if len(value) > limit:
        raise ValidationError(_nl("Use at most %(n)s character.", "Use at most %(n)s characters.", limit, n=limit),
                              field=field_name)
    return value


def _check_source(value: str) -> str:
    value = _require_text(value, "source_code", MAX_SOURCE)
    if not SOURCE_CODE.fullmatch(value):
        raise ValidationError(_("Use only letters, digits, dots and hyphens, e.g. MN07.1."), field="source_code")
    return value


def _check_note(note: str | None) -> str:
    note = _clean(note)
    if len(note) > MAX_NOTE:
        raise ValidationError(_nl("Use at most %(n)s character.", "Use at most %(n)s characters.", MAX_NOTE,
                                  n=MAX_NOTE), field="note")
    return note


# --- Domains and strands ---------------------------------------------------------------------------------------


def list_domains(session: Session) -> list[Domain]:
    return list(session.scalars(select(Domain).order_by(Domain.position, Domain.code)))


def list_strands(session: Session) -> list[Strand]:
    """All strands in framework order (domain, then strand position)."""
    return list(session.scalars(
        select(Strand).join(Domain, Domain.id == Strand.domain_id)
        .order_by(Domain.position, Domain.code, Strand.position, Strand.code)
    ))


def domain_by_code(session: Session, code: str) -> Domain:
    domain = session.scalar(select(Domain).where(Domain.code == code))
    if domain is None:
        raise NotFound(_("There is no domain with code %(code)s.", code=code))
    return domain


def strand_by_code(session: Session, code: str) -> Strand:
    strand = session.scalar(select(Strand).where(Strand.code == code))
    if strand is None:
        raise NotFound(_("There is no strand with code %(code)s.", code=code))
    return strand


def _validate_domain(session: Session, data: DomainData, domain: Domain | None) -> DomainData:
    """The cleaned data, or one ValidationError listing every problem (errors.Problems)."""
    problems = Problems()
    code = _clean(data.code)
    if not DOMAIN_CODE.fullmatch(code):
        problems.add(_("A domain code is 2 to 4 capital letters, e.g. MN."), "code")
    else:
        taken = session.scalar(select(Domain.id).where(Domain.code == code))
        if taken is not None and (domain is None or taken != domain.id):
            problems.add(_("Code %(code)s is already in use.", code=code), "code")
        elif domain is not None and code != domain.code:
            has_strands = session.scalar(select(Strand.id).where(Strand.domain_id == domain.id).limit(1))
            if has_strands is not None:
                problems.add(_("The code of a domain that has strands cannot change."), "code")
    title = problems.check(_require_text, data.title, "title", MAX_TITLE, _("Enter a title."))
    description = problems.check(_require_text, data.description, "description", MAX_DESCRIPTION)
    problems.raise_any()
    return DomainData(code, title, description)


def create_domain(session: Session, data: DomainData, editor) -> Domain:
    """Add a domain at the end of the framework."""
    data = _validate_domain(session, data, None)
    last = session.scalar(select(func.max(Domain.position))) or 0
    domain = Domain(uuid=_uuid(), code=data.code, title=data.title, description=data.description, position=last + 1)
    session.add(domain)
    session.flush()
    record_audit(session, editor, "domain.create", "domain", domain.id, data.code)
    return domain


def update_domain(session: Session, domain: Domain, data: DomainData, editor) -> Domain:
    """Change a domain's title and description (and its code while it has no strands)."""
    data = _validate_domain(session, data, domain)
    domain.code, domain.title, domain.description = data.code, data.title, data.description
    session.flush()
    record_audit(session, editor, "domain.update", "domain", domain.id, data.code)
    return domain


def _validate_strand(session: Session, data: StrandData, strand: Strand | None) -> StrandData:
    """The cleaned data, or one ValidationError listing every problem (errors.Problems)."""
    problems = Problems()
    domain = session.get(Domain, data.domain_id) if data.domain_id else None
    code = _clean(data.code)
    if domain is None:
        problems.add(_("Choose a domain."), "domain_id")
    elif not re.fullmatch(re.escape(domain.code) + r"\.[1-9]\d{0,2}", code):
        problems.add(_("A strand code is the domain code, a dot and a number, e.g. %(example)s.",
                       example=f"{domain.code}.1"), "code")
    else:
        taken = session.scalar(select(Strand.id).where(Strand.code == code))
        if taken is not None and (strand is None or taken != strand.id):
            problems.add(_("Code %(code)s is already in use.", code=code), "code")
        elif strand is not None and (code != strand.code or domain.id != strand.domain_id):
            has_goals = session.scalar(select(Goal.id).where(Goal.strand_id == strand.id).limit(1))
            if has_goals is not None:
                problems.add(_("The code and domain of a strand that has goals cannot change."), "code")
    title = problems.check(_require_text, data.title, "title", MAX_TITLE, _("Enter a title."))
    description = problems.check(_require_text, data.description, "description", MAX_DESCRIPTION)
    source = problems.check(_check_source, data.source_code)
    problems.raise_any()
    return StrandData(code, domain.id, title, description, source)


def create_strand(session: Session, data: StrandData, editor) -> Strand:
    """Add a strand at the end of its domain."""
    data = _validate_strand(session, data, None)
    last = session.scalar(select(func.max(Strand.position)).where(Strand.domain_id == data.domain_id)) or 0
    strand = Strand(uuid=_uuid(), code=data.code, domain_id=data.domain_id, title=data.title,
                    description=data.description, source_code=data.source_code, position=last + 1)
    session.add(strand)
    session.flush()
    record_audit(session, editor, "strand.create", "strand", strand.id, data.code)
    return strand


def update_strand(session: Session, strand: Strand, data: StrandData, editor) -> Strand:
    """Change a strand's texts (and its code and domain while it has no goals)."""
    data = _validate_strand(session, data, strand)
    if data.domain_id != strand.domain_id:
        last = session.scalar(select(func.max(Strand.position)).where(Strand.domain_id == data.domain_id)) or 0
        strand.position = last + 1
    strand.code, strand.domain_id, strand.title = data.code, data.domain_id, data.title
    strand.description, strand.source_code = data.description, data.source_code
    session.flush()
    record_audit(session, editor, "strand.update", "strand", strand.id, data.code)
    return strand


# --- Goals -----------------------------------------------------------------------------------------------------


def goal_by_code(session: Session, code: str) -> Goal:
    goal = session.scalar(select(Goal).where(Goal.code == code))
    if goal is None:
        raise NotFound(_("There is no goal with code %(code)s.", code=code))
    return goal


def check_goal(session: Session, data: GoalData, goal: Goal | None) -> None:
    """Every problem of a new goal (`goal` None) or a change to one, at once: one ValidationError."""
    _validate_goal(session, data, goal)


def _an_id(value) -> bool:
    return isinstance(value, int) and 0 < value <= MAX_ID


def _validate_goal(session: Session, data: GoalData, goal: Goal | None) -> tuple[GoalData, Strand]:
    """The cleaned data and the goal's strand, or one ValidationError listing every problem (errors.Problems)."""
    problems = Problems()
    # Ids from a form may be anything a choice field coerced: only ones inside the column's range are looked up.
    domain = session.get(Domain, data.domain_id) if _an_id(data.domain_id) else None
    if domain is None:
        problems.add(_("Choose a domain."), "domain_id")
    strand = session.get(Strand, data.strand_id) if _an_id(data.strand_id) else None
    if strand is None:
        problems.add(_("Choose a strand."), "strand_id")
    elif domain is not None and strand.domain_id != domain.id:
        problems.add(_("Strand %(strand)s does not belong to domain %(domain)s.", strand=strand.code,
                       domain=domain.code), "strand_id")
    code = _clean(data.code)
    published = goal is not None and goal.status != GoalStatus.DRAFT
    if strand is None or problems.has("strand_id"):
        pass  # the code is checked against its strand
    elif published and (code != goal.code or strand.id != goal.strand_id):
        problems.add(_("The code and strand of a published or retired goal never change; make a new goal instead."),
                     "code")
    elif not re.fullmatch(re.escape(strand.code) + r"\.[1-9]\d{0,2}", code):
        problems.add(_("A goal code is the strand code, a dot and a number, e.g. %(example)s.",
                       example=f"{strand.code}.1"), "code")
    else:
        # Codes are unique for ever: a retired goal keeps its code, so it is never free again.
        taken = session.scalar(select(Goal.id).where(Goal.code == code))
        if taken is not None and (goal is None or taken != goal.id):
            problems.add(_("Code %(code)s is already in use.", code=code), "code")
    title = problems.check(_require_text, data.title, "title", MAX_TITLE, _("Enter a title."))
    description = problems.check(_require_text, data.description, "description", MAX_DESCRIPTION)
    groepen = sorted(set(data.groepen or []))
    if not groepen:
        problems.add(_("Choose at least one groep."), "groepen")
    elif any(g not in ALL_GROEPEN for g in groepen):
        problems.add(_("Groepen are 1 to 8."), "groepen")
    keywords = _normalise_keywords(data.keywords)
    if len(keywords) > MAX_KEYWORDS:
        problems.add(_nl("Use at most %(n)s character.", "Use at most %(n)s characters.", MAX_KEYWORDS,
                         n=MAX_KEYWORDS), "keywords")
    source = problems.check(_check_source, data.source_code)
    problems.raise_any()
    clean = GoalData(code, domain.id, strand.id, title, description, groepen, keywords, source)
    return clean, strand


def _record(session: Session, goal: Goal, strand_code: str, action: str, editor, note: str) -> None:
    """Flush the goal's change and keep it as a revision; a lost race on the version is a Conflict."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_conflict_message()) from None
    record_revision(session, "goal", goal.id, revision_snapshot(goal, strand_code), action, editor, note)
    record_audit(session, editor, f"goal.{action}", "goal", goal.id, f"{goal.code}: {note}" if note else goal.code)
    if action in ("update", "retire", "restore") and goal.status != GoalStatus.DRAFT:
        goal_changed(session, goal, action, editor)


def _conflict_message() -> str:
    return _("Someone else saved this goal after you opened it. Your changes have not been saved; "
             "their changes are shown below.")


def create_goal(session: Session, data: GoalData, editor, note: str = "") -> Goal:
    """Add a draft goal at the end of its strand; its first revision records it."""
    note = _check_note(note)
    data, strand = _validate_goal(session, data, None)
    last = session.scalar(select(func.max(Goal.position)).where(Goal.strand_id == strand.id)) or 0
    goal = Goal(uuid=_uuid(), code=data.code, strand_id=strand.id, title=data.title, description=data.description,
                groepen_mask=to_mask(data.groepen), keywords=data.keywords, source_code=data.source_code,
                status=GoalStatus.DRAFT, position=last + 1)
    session.add(goal)
    _record(session, goal, strand.code, "create", editor, note)
    return goal


def check_version(goal: Goal, expected_version: int | None) -> None:
    """Refuse a change made to an older version of the goal than the stored one."""
    if expected_version is None or int(expected_version) != goal.version:
        raise Conflict(_conflict_message(), current_version=goal.version)


def update_goal(session: Session, goal: Goal, data: GoalData, editor, note: str, expected_version: int | None) -> Goal:
    """Save an edit made to `expected_version` of the goal; raises Conflict if it has changed since."""
    check_version(goal, expected_version)
    note = _check_note(note)
    data, strand = _validate_goal(session, data, goal)
    goal.code, goal.strand_id, goal.title, goal.description = data.code, strand.id, data.title, data.description
    goal.groepen_mask, goal.keywords, goal.source_code = to_mask(data.groepen), data.keywords, data.source_code
    if not session.is_modified(goal):
        return goal  # nothing changed: no new version, no revision
    _record(session, goal, strand.code, "update", editor, note)
    return goal


def _strand_code(session: Session, goal: Goal) -> str:
    return session.scalar(select(Strand.code).where(Strand.id == goal.strand_id))


def publish_goal(session: Session, goal: Goal, editor, note: str = "", expected_version: int | None = None) -> Goal:
    """Concept → vastgesteld."""
    if expected_version is not None:
        check_version(goal, expected_version)
    note = _check_note(note)
    if goal.status != GoalStatus.DRAFT:
        raise ValidationError(_("Only a draft goal can be published."))
    goal.status, goal.published_at = GoalStatus.PUBLISHED, datetime.now(UTC)
    _record(session, goal, _strand_code(session, goal), "publish", editor, note)
    return goal


def retire_goal(session: Session, goal: Goal, editor, note: str = "", replaced_by_code: str | None = None,
                expected_version: int | None = None) -> Goal:
    """Vastgesteld → vervallen, optionally naming the published goal that replaces it."""
    if expected_version is not None:
        check_version(goal, expected_version)
    note = _check_note(note)
    if goal.status != GoalStatus.PUBLISHED:
        raise ValidationError(_("Only a published goal can be retired."))
    replacement = None
    replaced_by_code = _clean(replaced_by_code)
    if replaced_by_code:
        replacement = session.scalar(select(Goal).where(Goal.code == replaced_by_code))
        if replacement is None:
            raise ValidationError(_("There is no goal with code %(code)s.", code=replaced_by_code),
                                  field="replaced_by")
        if replacement.id == goal.id:
            raise ValidationError(_("A goal cannot replace itself."), field="replaced_by")
        if replacement.status != GoalStatus.PUBLISHED:
            raise ValidationError(_("The replacing goal must be published."), field="replaced_by")
    goal.status, goal.retired_at = GoalStatus.RETIRED, datetime.now(UTC)
    goal.replaced_by_id = replacement.id if replacement else None
    _record(session, goal, _strand_code(session, goal), "retire", editor, note)
    return goal


def reinstate_goal(session: Session, goal: Goal, editor, note: str = "", expected_version: int | None = None) -> Goal:
    """Vervallen → vastgesteld again: the retirement is undone (its replacement forgotten), kept in the history."""
    if expected_version is not None:
        check_version(goal, expected_version)
    note = _check_note(note)
    if goal.status != GoalStatus.RETIRED:
        raise ValidationError(_("Only a retired goal can be reinstated."))
    goal.status, goal.retired_at, goal.replaced_by_id = GoalStatus.PUBLISHED, None, None
    _record(session, goal, _strand_code(session, goal), "reinstate", editor, note)
    return goal


def restore_goal_revision(session: Session, goal: Goal, number: int, editor, note: str,
                          expected_version: int | None = None) -> Goal:
    """Bring back the texts, groepen, keywords and source of an old revision, as a new revision.

    History is never rewritten: the restore is one more revision on top.
    """
    if expected_version is not None:
        check_version(goal, expected_version)
    note = _check_note(note)
    revision = session.scalar(select(Revision).where(
        Revision.entity_type == "goal", Revision.entity_id == goal.id, Revision.number == number))
    if revision is None:
        raise NotFound(_("This goal has no revision %(n)s.", n=number))
    old = json.loads(revision.snapshot)
    groepen = [g for g in old.get("groepen", []) if g in ALL_GROEPEN] or from_mask(goal.groepen_mask)
    goal.title = str(old.get("title", goal.title))[:MAX_TITLE]
    goal.description = str(old.get("description", goal.description))
    goal.groepen_mask = to_mask(groepen)
    goal.keywords = str(old.get("keywords", goal.keywords))[:MAX_KEYWORDS]
    goal.source_code = str(old.get("source_code", goal.source_code))[:MAX_SOURCE]
    _record(session, goal, _strand_code(session, goal), "restore", editor, note)
    return goal


MOVE_CONFLICT = _("Someone else changed the order of this strand at the same moment. Look at the order now, "
                  "then move the goal again if it is still needed.")


def _move_places(session: Session, goal: Goal, direction: str, seen_position: int | None = None):
    """The goals of the strand in order (id, position, status), the goal's index and the index it would move to
    (None when it is already at that end).

    Moves in one strand are serialised: the strand's row is locked (a write that changes nothing) before the
    order is read, so two moves at once never mix their orders. `seen_position` is the goal's position on the
    page the editor clicked; when the goal has moved since, the click is a Conflict (409), not a second move."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose up or down."))
    session.execute(update(Strand).where(Strand.id == goal.strand_id)
                    .values(position=Strand.position, updated_at=Strand.updated_at),
                    execution_options={"synchronize_session": False})
    siblings = list(session.execute(
        select(Goal.id, Goal.position, Goal.status).where(Goal.strand_id == goal.strand_id)
        .order_by(Goal.position, Goal.id)))
    index = [row.id for row in siblings].index(goal.id)
    if seen_position is not None and siblings[index].position != seen_position:
        raise Conflict(MOVE_CONFLICT)
    target = index - 1 if direction == "up" else index + 1
    return siblings, index, (target if 0 <= target < len(siblings) else None)


def move_goal(session: Session, goal: Goal, direction: str, editor, note: str = "",
              seen_position: int | None = None) -> bool:
    """Move a goal one place up or down within its strand; False when it is already at that end.

    Positions are renumbered 1..n in one go. The order is the strand's, not the goal's
    content, so it does not bump the goals' versions (an editor busy on a neighbour
    gets no conflict); the move is still kept in the moved goal's history.

    Moves in one strand are serialised: the strand's row is locked (a write that changes nothing) before the
    order is read, so two moves at once never mix their orders. `seen_position` is the goal's position on the
    page the editor clicked; when the goal has moved since, the click is a Conflict (409), not a second move.
    """
    siblings, index, target = _move_places(session, goal, direction, seen_position)
    if target is None:
        return False
    order = [row.id for row in siblings]
    order[index], order[target] = order[target], order[index]
    current = {row.id: row.position for row in siblings}
    for position, goal_id in enumerate(order, start=1):
        if current[goal_id] != position:
            session.execute(update(Goal).where(Goal.id == goal_id).values(position=position),
                            execution_options={"synchronize_session": False})
    session.expire(goal, ["position"])
    strand_code = _strand_code(session, goal)
    record_revision(session, "goal", goal.id, revision_snapshot(goal, strand_code), "move", editor, note)
    record_audit(session, editor, "goal.move", "goal", goal.id, f"{goal.code} {direction}")
    return True


# --- History ---------------------------------------------------------------------------------------------------


@dataclass
class GoalHistory:
    goal: Goal
    revisions: list[RevisionView]  # newest first

    def revision(self, number: int) -> RevisionView | None:
        return next((r for r in self.revisions if r.number == number), None)


def goal_history(session: Session, goal: Goal) -> GoalHistory:
    """Every revision of a goal, newest first, with authors (one query)."""
    return GoalHistory(goal, revisions_for(session, "goal", goal.id))


def compare_revisions(history: GoalHistory, old_number: int, new_number: int) -> list[FieldDiff]:
    """What changed between two revisions of a goal (either order), field by field."""
    old, new = history.revision(old_number), history.revision(new_number)
    if old is None or new is None:
        raise NotFound(_("This goal has no such revision."))
    return diff_snapshots(content(old.snapshot), content(new.snapshot))


def changes_since(session: Session, goal: Goal, opened_version: int | None) -> list[FieldDiff]:
    """What others changed in a goal since an editor opened it at `opened_version`."""
    current = goal_snapshot(goal, _strand_code(session, goal))
    history = revisions_for(session, "goal", goal.id)
    opened = next((r for r in history if r.snapshot.get("version") == opened_version), None)
    if opened is None:
        return []
    return diff_snapshots(content(opened.snapshot), current)


# --- Reading: the framework tree and one goal ------------------------------------------------------------------


@dataclass
class FrameworkFilters:
    domain: str | None = None  # domain code
    groep: int | None = None
    status: str | None = None  # editors only
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.domain or self.groep or self.status or self.q.strip())


@dataclass
class GoalRow:
    id: int
    code: str
    title: str
    description: str
    groepen: list[int]
    keywords: list[str]
    status: str
    replaced_by_code: str | None
    position: int


@dataclass
class StrandNode:
    id: int
    code: str
    title: str
    description: str
    source_code: str
    goals: list[GoalRow]


@dataclass
class DomainNode:
    id: int
    code: str
    title: str
    description: str
    strands: list[StrandNode]


@dataclass
class FrameworkTree:
    domains: list[DomainNode]
    goal_count: int
    filters: FrameworkFilters
    release: FrameworkRelease | None


def _is_editor(viewer) -> bool:
    return viewer is not None and is_editor(viewer)


def framework_tree(session: Session, filters: FrameworkFilters, viewer) -> FrameworkTree:
    """The framework as domains → strands → goals, filtered and searched, in four queries whatever its size.

    Visitors and non-editors see published goals only; editors see every status
    (or the one they filter on). Empty strands and domains are left out while a
    filter is active.
    """
    domains = list(session.scalars(select(Domain).order_by(Domain.position, Domain.code)))
    strands = list(session.scalars(select(Strand).order_by(Strand.position, Strand.code)))
    replacement = aliased(Goal)
    query = (
        select(Goal, replacement.code)
        .join(Strand, Strand.id == Goal.strand_id)
        .outerjoin(replacement, replacement.id == Goal.replaced_by_id)
        .order_by(Goal.position, Goal.id)
    )
    if not _is_editor(viewer):
        query = query.where(Goal.status == GoalStatus.PUBLISHED)
    elif filters.status:
        query = query.where(Goal.status == filters.status)
    if filters.domain:
        query = query.join(Domain, Domain.id == Strand.domain_id).where(Domain.code == filters.domain)
    if filters.groep:
        query = query.where(Goal.groepen_mask.op("&")(bit(filters.groep)) != 0)
    for word in filters.q.split():
        # icontains with autoescape: %, _ and quotes in the search are plain characters.
        query = query.where(or_(*(column.icontains(word, autoescape=True) for column in
                                  (Goal.code, Goal.title, Goal.description, Goal.keywords))))
    goals_by_strand: dict[int, list[GoalRow]] = {}
    count = 0
    for goal, replaced_by_code in session.execute(query):
        goals_by_strand.setdefault(goal.strand_id, []).append(GoalRow(
            goal.id, goal.code, goal.title, goal.description, goal.groepen, goal.keyword_list, goal.status,
            replaced_by_code, goal.position))
        count += 1
    strands_by_domain: dict[int, list[StrandNode]] = {}
    for strand in strands:
        goals = goals_by_strand.get(strand.id, [])
        if filters.active and not goals:
            continue
        strands_by_domain.setdefault(strand.domain_id, []).append(StrandNode(
            strand.id, strand.code, strand.title, strand.description, strand.source_code, goals))
    nodes = [
        DomainNode(d.id, d.code, d.title, d.description, strands_by_domain.get(d.id, []))
        for d in domains
        if strands_by_domain.get(d.id) or not filters.active
    ]
    release = session.scalar(select(FrameworkRelease).order_by(
        FrameworkRelease.published_on.desc(), FrameworkRelease.id.desc()).limit(1))
    return FrameworkTree(nodes, count, filters, release)


@dataclass
class GoalPage:
    goal: Goal
    strand: Strand
    domain: Domain
    replaced_by: Goal | None


def goal_page(session: Session, code: str, viewer) -> GoalPage:
    """One goal with its strand, domain, replacement and aligned published packages.

    A draft exists only for editors: everyone else gets NotFound. A retired goal is
    shown to all (the page marks it).
    """
    replacement = aliased(Goal)
    row = session.execute(
        select(Goal, Strand, Domain, replacement)
        .join(Strand, Strand.id == Goal.strand_id)
        .join(Domain, Domain.id == Strand.domain_id)
        .outerjoin(replacement, replacement.id == Goal.replaced_by_id)
        .where(Goal.code == code)
    ).first()
    if row is None or (row[0].status == GoalStatus.DRAFT and not _is_editor(viewer)):
        raise NotFound(_("There is no goal with code %(code)s.", code=code))
    goal, strand, domain, replaced_by = row
    return GoalPage(goal, strand, domain, replaced_by)


def framework_counts(session: Session) -> dict[str, int]:
    """How many goals have each status (one query)."""
    counts = {status.value: 0 for status in GoalStatus}
    for status, n in session.execute(select(Goal.status, func.count()).group_by(Goal.status)):
        counts[status] = n
    return counts


# --- Impact and releases ---------------------------------------------------------------------------------------


def list_releases(session: Session) -> list[FrameworkRelease]:
    return list(session.scalars(
        select(FrameworkRelease).order_by(FrameworkRelease.published_on.desc(), FrameworkRelease.id.desc())))


def publish_release(session: Session, version: str, published_on: date | None, note: str, editor) -> FrameworkRelease:
    """Record that the framework as it now stands is published as `version` (e.g. 2026.2)."""
    version = _clean(version)
    if not RELEASE_LABEL.fullmatch(version):
        raise ValidationError(_("A version is a year, a dot and a number, e.g. 2026.2."), field="version_label")
    if session.scalar(select(FrameworkRelease.id).where(FrameworkRelease.version == version)) is not None:
        raise ValidationError(_("Version %(version)s has already been published.", version=version),
                              field="version_label")
    if published_on is None:
        raise ValidationError(_("Enter the date of publication."), field="published_on")
    note = _check_note(note)
    release = FrameworkRelease(version=version, published_on=published_on, note=note)
    session.add(release)
    session.flush()
    record_audit(session, editor, "framework.release", "framework_release", release.id, version)
    return release


def _uuid() -> str:
    return str(uuid.uuid4())


# --- Four-eyes publishing --------------------------------------------------------------------------------------


def four_eyes(goal: Goal | None = None) -> bool:
    """Whether this change needs a second editor: the setting is on and it is a release or a published goal."""
    if not current_app.config.get("FOUR_EYES", True):
        return False
    return goal is None or goal.status == GoalStatus.PUBLISHED


def four_eyes_on() -> bool:
    """Whether four-eyes publishing is on at all (publishing a draft and imports ask only this)."""
    return bool(current_app.config.get("FOUR_EYES", True))


def move_needs_approval(session: Session, goal: Goal, direction: str) -> bool:
    """A move changes the order of two goals: it waits for a second editor when either of them is published."""
    if not four_eyes_on():
        return False
    siblings, index, target = _move_places(session, goal, direction)
    return target is not None and GoalStatus.PUBLISHED in (siblings[index].status, siblings[target].status)


def _pending(session: Session, kind: str, goal: Goal | None, payload: dict, note: str, editor) -> PendingChange:
    change = PendingChange(kind=kind, goal_id=goal.id if goal else None, note=note,
                           payload=json.dumps(payload, ensure_ascii=False, default=str),
                           author_id=getattr(editor, "id", None))
    session.add(change)
    session.flush()
    record_audit(session, editor, f"pending.{kind}", "pending_change", change.id, goal.code if goal else note)
    return change


def propose_goal_update(session: Session, goal: Goal, data: GoalData, editor, note: str,
                        expected_version: int | None) -> PendingChange:
    """An edit of a published goal, checked now and applied when a second editor approves it."""
    check_version(goal, expected_version)
    note = _check_note(note)
    data, _strand = _validate_goal(session, data, goal)
    return _pending(session, "goal.update", goal, {**data.__dict__, "version": goal.version}, note, editor)


def propose_retire(session: Session, goal: Goal, editor, note: str, replaced_by_code: str | None,
                   expected_version: int | None) -> PendingChange:
    check_version(goal, expected_version)
    note = _check_note(note)
    if goal.status != GoalStatus.PUBLISHED:
        raise ValidationError(_("Only a published goal can be retired."))
    return _pending(session, "goal.retire", goal, {"replaced_by": _clean(replaced_by_code), "version": goal.version},
                    note, editor)


def propose_restore(session: Session, goal: Goal, number: int, editor, note: str,
                    expected_version: int | None) -> PendingChange:
    check_version(goal, expected_version)
    note = _check_note(note)
    exists = session.scalar(select(Revision.id).where(
        Revision.entity_type == "goal", Revision.entity_id == goal.id, Revision.number == number))
    if exists is None:
        raise NotFound(_("This goal has no revision %(n)s.", n=number))
    return _pending(session, "goal.restore", goal, {"number": number, "version": goal.version}, note, editor)


def propose_release(session: Session, version: str, published_on: date | None, note: str,
                    editor) -> PendingChange:
    version = _clean(version)
    if not RELEASE_LABEL.fullmatch(version):
        raise ValidationError(_("A version is a year, a dot and a number, e.g. 2026.2."), field="version_label")
    if published_on is None:
        raise ValidationError(_("Enter the date of publication."), field="published_on")
    return _pending(session, "release", None, {"version": version, "published_on": published_on.isoformat()},
                    _check_note(note), editor)


def propose_publish(session: Session, goal: Goal, editor, note: str = "",
                    expected_version: int | None = None) -> PendingChange:
    """Publishing a draft goal, applied when a second editor approves it."""
    check_version(goal, expected_version)
    note = _check_note(note)
    if goal.status != GoalStatus.DRAFT:
        raise ValidationError(_("Only a draft goal can be published."))
    return _pending(session, "goal.publish", goal, {"version": goal.version}, note, editor)


def propose_move(session: Session, goal: Goal, direction: str, editor, note: str = "") -> PendingChange | None:
    """Moving a goal one place in its strand, applied when a second editor approves it; None when it is already
    at that end. The strand's order as it is now goes with it: approving it after the order changed is a
    Conflict."""
    siblings, _index, target = _move_places(session, goal, direction)
    if target is None:
        return None
    return _pending(session, "goal.move", goal, {"direction": direction, "order": [row.id for row in siblings]},
                    _check_note(note), editor)


def propose_import(session: Session, kind: str, data: bytes, summary: dict, note: str, editor) -> PendingChange:
    """An import that changes published goals (`kind` import.goals or import.case), kept whole with its file and
    its report (`summary`, JSON values), applied by the area that proposed it when a second editor approves."""
    change = _pending(session, kind, None, summary, _check_note(note[:MAX_NOTE]), editor)
    change.data = data
    session.flush()
    return change


def _apply_move(session: Session, goal: Goal, data: dict, approver, note: str) -> bool:
    siblings, _index, _target = _move_places(session, goal, data["direction"])
    if [row.id for row in siblings] != data["order"]:
        raise Conflict(_("The order of the goals in this strand changed after this move was proposed. Reject it "
                         "and move the goal again."))
    return move_goal(session, goal, data["direction"], approver, note)


@dataclass
class PendingRow:
    change: PendingChange
    goal_code: str | None
    author_name: str | None
    summary: list[FieldDiff]
    version: str | None  # of a new framework version
    number: int | None = None  # of the revision a restore brings back
    direction: str | None = None  # of a move: up or down
    report: dict = field(default_factory=dict)  # of an import: what it adds and changes (see its area)


def _import_report(kind: str, summary: dict) -> dict:
    shown = pending_import_report(kind, summary)
    return shown[0] if shown else summary


def pending_changes(session: Session) -> list[PendingRow]:
    """The approval queue, oldest first (two queries), with what each goal change would change."""
    rows = list(session.execute(
        select(PendingChange, Goal, User.name).outerjoin(Goal, Goal.id == PendingChange.goal_id)
        .outerjoin(User, User.id == PendingChange.author_id)
        .where(PendingChange.decided_at.is_(None)).order_by(PendingChange.created_at, PendingChange.id)))
    out = []
    for change, goal, name in rows:
        summary = []
        data = json.loads(change.payload)
        if change.kind == "goal.update" and goal is not None:
            summary = diff_snapshots(
                {"title": goal.title, "description": goal.description, "groepen": from_mask(goal.groepen_mask),
                 "keywords": goal.keywords, "source_code": goal.source_code},
                {k: data.get(k) for k in ("title", "description", "groepen", "keywords", "source_code")})
        out.append(PendingRow(change, goal.code if goal else None, name, summary,
                              data.get("version") if change.kind == "release" else None,
                              data.get("number") if change.kind == "goal.restore" else None,
                              data.get("direction") if change.kind == "goal.move" else None,
                              _import_report(change.kind, data) if change.kind.startswith("import.") else {}))
    return out


def undecided_change(session: Session, change_id: int, approver) -> PendingChange:
    """The change `approver` may decide on now: NotFound when there is none waiting, ValidationError when the
    approver proposed it."""
    change = session.get(PendingChange, change_id)
    if change is None or change.decided_at is not None:
        raise NotFound(_("There is no such change waiting for approval."))
    if change.author_id is not None and change.author_id == getattr(approver, "id", None):
        raise ValidationError(_("A second editor approves a change: not the one who proposed it."))
    return change


def import_rows(change: PendingChange) -> int:
    """How many rows a pending import holds (added, changed and unchanged, as its report counts them; a CASE
    report from before the counts: its lines); 0 for a change that is not an import."""
    if not change.kind.startswith("import."):
        return 0
    report = json.loads(change.payload or "{}")
    counts = report.get("counts")
    if isinstance(counts, dict):
        return sum(int(counts.get(name) or 0) for name in ("added", "changed", "unchanged"))
    return len(report.get("report") or report.get("rows") or [])


def approval_in_background(change: PendingChange) -> bool:
    """Whether approving this change is work for the task queue: an import with more rows than
    IMPORTS_BACKGROUND_ROWS (it would hold the database's write lock for long inside a web request)."""
    return import_rows(change) > int(current_app.config["IMPORTS_BACKGROUND_ROWS"])


def approval_job_key(change_id: int) -> str:
    """The key of the job that applies an approved change: one job per change while it is queued or running."""
    return f"objectives.approve:{change_id}"


@dataclass(frozen=True)
class ApplyingJob:
    """A queued or running job applying an approved change, as the editor's page shows it."""

    id: int
    state: str
    user_id: int | None
    user_name: str | None


def applying_jobs(session: Session, change_ids) -> dict[int, ApplyingJob]:
    """The queued or running job applying each of these changes, by change id (one query; none without ids)."""
    keys = {approval_job_key(change_id): change_id for change_id in change_ids}
    if not keys:
        return {}
    rows = session.execute(
        select(Job.id, Job.key, Job.state, Job.user_id, User.name).outerjoin(User, User.id == Job.user_id)
        .where(Job.key.in_(keys), Job.state.in_(ACTIVE)).order_by(Job.id))
    return {keys[row.key]: ApplyingJob(row.id, row.state, row.user_id, row.name) for row in rows}


def decide_change(session: Session, change_id: int, approver, approve: bool, progress=None):
    """A second editor approves (the change is applied now) or rejects a pending change. Deciding is one
    conditional UPDATE, so of two editors deciding at the same moment one gets a Conflict. `progress(done,
    total)` is told as an import's rows are written (a job's progress bar), where its area can say so."""
    change = undecided_change(session, change_id, approver)
    decision = "approved" if approve else "rejected"
    claimed = session.execute(
        update(PendingChange).where(PendingChange.id == change.id, PendingChange.decided_at.is_(None))
        .values(decided_at=datetime.now(UTC), decided_by_id=approver.id, decision=decision),
        execution_options={"synchronize_session": False}).rowcount
    if claimed != 1:
        raise Conflict(_("Another editor decided on this change at the same moment. Look at the list again."))
    session.refresh(change, ["decided_at", "decided_by_id", "decision"])
    result = None
    if approve:
        data = json.loads(change.payload)
        proposer = session.scalar(select(User.name).where(User.id == change.author_id)) or "?"
        note = _check_note(str(_("%(note)s (proposed by %(name)s, approved by %(approver)s)", note=change.note,
                                 name=proposer, approver=approver.name)).strip()[:MAX_NOTE])
        goal = session.get(Goal, change.goal_id) if change.goal_id else None
        if change.kind == "goal.update":
            fields = {k: data[k] for k in ("code", "domain_id", "strand_id", "title", "description", "groepen",
                                           "keywords", "source_code")}
            result = update_goal(session, goal, GoalData(**fields), approver, note, data["version"])
        elif change.kind == "goal.restore":
            result = restore_goal_revision(session, goal, data["number"], approver, note, data["version"])
        elif change.kind == "goal.retire":
            result = retire_goal(session, goal, approver, note, data["replaced_by"], data["version"])
        elif change.kind == "goal.publish":
            result = publish_goal(session, goal, approver, note, data["version"])
        elif change.kind == "goal.move":
            result = _apply_move(session, goal, data, approver, note)
        elif change.kind.startswith("import."):
            results = apply_pending_import(session, change, approver, progress=progress)
            if not results:
                raise ValidationError(_("This import can no longer be applied here; reject it."))
            result = results[0]
        else:
            result = publish_release(session, data["version"], date.fromisoformat(data["published_on"]), note,
                                     approver)
    session.flush()
    record_audit(session, approver, f"pending.{change.decision}", "pending_change", change.id, change.kind)
    return result


def draft_goals(session: Session, limit: int = 10) -> tuple[list[tuple[str, str]], int]:
    """The first goals still in draft (code, title) and how many there are: two queries."""
    rows = session.execute(select(Goal.code, Goal.title).where(Goal.status == GoalStatus.DRAFT)
                           .order_by(Goal.code).limit(limit)).all()
    total = session.scalar(select(func.count(Goal.id)).where(Goal.status == GoalStatus.DRAFT)) or 0
    return [(code, title) for code, title in rows], total
