"""Services shared by all areas: the audit log and revisions."""
import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import column, func, select, table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict
from .models import AuditEvent, Revision, UsedSubmission

# Authors' names for the history and the audit log. The accounts live in the auth area, a layer above this
# one; the core knows only that there is a table "user" with an id and a name (its foreign keys say so too).
_users = table("user", column("id"), column("name"))


def record_audit(session: Session, actor, action: str, entity_type: str, entity_id: int | None,
                 summary: str = "") -> None:
    """Write who did what to the audit log (flushed with the change itself)."""
    actor_id = getattr(actor, "id", None) if actor is not None and getattr(actor, "is_authenticated", True) else None
    session.add(AuditEvent(user_id=actor_id, action=action, entity_type=entity_type,
                           entity_id=entity_id, summary=summary[:500]))


def record_revision(session: Session, entity_type: str, entity_id: int, snapshot: dict,
                    action: str, author, note: str = "") -> Revision:
    """Keep the record's state after a change as the next numbered revision."""
    last = session.scalar(
        select(func.max(Revision.number)).where(Revision.entity_type == entity_type, Revision.entity_id == entity_id)
    )
    revision = Revision(
        entity_type=entity_type, entity_id=entity_id, number=(last or 0) + 1, action=action,
        note=(note or "")[:500], snapshot=json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
        author_id=getattr(author, "id", None),
    )
    session.add(revision)
    session.flush()
    return revision


@dataclass
class RevisionView:
    number: int
    action: str
    note: str
    created_at: datetime
    author_name: str | None
    snapshot: dict


def revisions_for(session: Session, entity_type: str, entity_id: int) -> list[RevisionView]:
    """All revisions of a record, newest first, with their authors' names (one query)."""
    rows = session.execute(
        select(Revision, _users.c.name)
        .outerjoin(_users, _users.c.id == Revision.author_id)
        .where(Revision.entity_type == entity_type, Revision.entity_id == entity_id)
        .order_by(Revision.number.desc())
    )
    return [
        RevisionView(r.number, r.action, r.note, r.created_at, name, json.loads(r.snapshot))
        for r, name in rows
    ]


@dataclass
class FieldDiff:
    field: str
    old: str
    new: str
    lines: list[str]  # unified diff lines for long texts, empty for short values
    # Long texts word by word: (kind, text) with kind "same", "added" or "removed"; empty for short values.
    words: list[tuple[str, str]] = field(default_factory=list)


def diff_snapshots(old: dict, new: dict) -> list[FieldDiff]:
    """Field-by-field differences between two snapshots; long texts get a line diff (difflib)."""
    changes = []
    for name in sorted(set(old) | set(new)):
        before, after = _as_text(old.get(name)), _as_text(new.get(name))
        if before == after:
            continue
        lines, words = [], []
        if "\n" in before or "\n" in after or max(len(before), len(after)) > 80:
            lines = list(difflib.unified_diff(
                _wrap(before), _wrap(after), lineterm="", n=2,
            ))[2:]  # drop the ---/+++ header lines
            words = word_diff(before, after)
        changes.append(FieldDiff(name, before, after, lines, words))
    return changes


def word_diff(before: str, after: str, context: int = 12) -> list[tuple[str, str]]:
    """Two texts word by word: [("same", "De "), ("removed", "oude"), ("added", "nieuwe"), ...].

    Whitespace stays with the words, so the parts joined give the text back; a long unchanged stretch is
    shortened to its first and last `context` words around an ellipsis.
    """
    a, b = re.findall(r"\s+|\S+", before), re.findall(r"\s+|\S+", after)
    parts: list[tuple[str, str]] = []

    def add(kind: str, tokens: list[str]) -> None:
        if not tokens:
            return
        if kind == "same" and len(tokens) > 4 * context:
            tokens = tokens[:2 * context] + [" … "] + tokens[-2 * context:]
        text = "".join(tokens)
        if parts and parts[-1][0] == kind:
            parts[-1] = (kind, parts[-1][1] + text)
        else:
            parts.append((kind, text))

    # Runs of (changed?, old tokens, new tokens); a bare space between two changes joins them into one.
    runs: list[tuple[bool, list[str], list[str]]] = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        changed = tag != "equal"
        if not changed and 0 < index < len(opcodes) - 1 and all(t.isspace() for t in a[i1:i2]):
            changed = True
        if runs and runs[-1][0] and changed:
            runs[-1][1].extend(a[i1:i2])
            runs[-1][2].extend(b[j1:j2])
        else:
            runs.append((changed, list(a[i1:i2]), list(b[j1:j2])))
    for changed, old_tokens, new_tokens in runs:
        if changed:
            add("removed", old_tokens)
            add("added", new_tokens)
        else:
            add("same", old_tokens)
    return parts


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _wrap(text: str) -> list[str]:
    """Split on lines and sentences so that a changed sentence shows as one changed line."""
    out = []
    for line in text.splitlines():
        out.extend(part.strip() for part in line.replace(". ", ".\n").splitlines() if part.strip())
    return out


@dataclass
class AuditRow:
    created_at: datetime
    user_name: str | None
    action: str
    entity_type: str
    entity_id: int | None
    summary: str


@dataclass
class AuditPage:
    rows: list[AuditRow]
    page: int
    pages: int
    total: int


def audit_log(session: Session, page: int = 1, per_page: int = 50, action_prefix: str = "") -> AuditPage:
    """The audit log, newest first, one page at a time (two queries whatever its length)."""
    conditions = [AuditEvent.action.startswith(action_prefix, autoescape=True)] if action_prefix else []
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(AuditEvent, _users.c.name)
        .outerjoin(_users, _users.c.id == AuditEvent.user_id)
        .where(*conditions)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    )
    return AuditPage(
        [AuditRow(e.created_at, name, e.action, e.entity_type, e.entity_id, e.summary) for e, name in rows],
        page, pages, total,
    )


SUBMITTED_TWICE = _l("This form has already been sent; what it made was saved once. Look for it in the list "
                     "before you make it again.")


def use_submission(session: Session, token: str | None) -> None:
    """Mark a create form's one-time token as used, in the transaction that creates the record.

    Called before the record is made: a second submit of the same form (at the same moment or later) waits
    for the first, then finds the token and raises Conflict (409). A form without a token is not checked.
    """
    if not token:
        return
    if len(token) > 64 or session.get(UsedSubmission, token) is not None:
        raise Conflict(SUBMITTED_TWICE)
    session.add(UsedSubmission(token=token))
    try:
        session.flush()
    except IntegrityError:
        # The other submit won at the same moment. Rolled back here (nothing was made yet) so that the session
        # stays usable for the 409 page: the user and their language are read after this. Not a savepoint:
        # on SQLite (pysqlite) releasing one outside a begun transaction commits it, token and all.
        session.rollback()
        raise Conflict(SUBMITTED_TWICE) from None
