"""Import and export of goals, lesson packages and year plans (CSV and XLSX).

An import reads the whole file and checks every row before anything is written; only a file
without problems is applied, row by row through the owning areas' services, in the caller's one
transaction. These functions flush and never commit.
"""
import json
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ..core.services import record_audit
from ..errors import Conflict, ValidationError
from ..objectives import services as objectives
from ..tables import LineError, ReadError, read_table, write_csv, write_xlsx
from . import goals, packages, plans
from .base import SAME, ApplyError, Preview

# The registry of import kinds. Each kind module knows only .base and ..tables, never this module.
KINDS = {"goals": goals, "packages": packages, "plans": plans}
# The kinds as they appear in addresses, and back.
SLUGS = {"goals": "leerdoelen", "packages": "lespakketten", "plans": "jaarplanningen"}
FORMATS = ("csv", "xlsx")
DELIMITERS = {";": ";", ",": ",", "semicolon": ";", "comma": ",", "puntkomma": ";", "komma": ",", "tab": "\t"}


def columns(kind: str):
    return KINDS[kind].COLUMNS


def preview_import(session: Session, kind: str, raw: bytes, filename: str, user) -> Preview:
    """Read and check the whole file: the rows it would add, change or leave alone, or every problem found."""
    module = KINDS[kind]
    try:
        table = read_table(raw, filename, module.COLUMNS.known)
        result = module.preview(session, table, user)
    except ReadError as error:
        return Preview(kind, errors=error.errors)
    result.notes = table.notes
    result.format, result.encoding, result.delimiter = table.format, table.encoding_label, table.delimiter_label
    result.errors.sort(key=lambda e: e.line)
    if not result.errors and not result.rows:
        result.errors.append(LineError(2, str(_l("The file has a header but no rows."))))
    return result


@dataclass
class ImportOutcome:
    preview: Preview
    applied: bool  # written, or (change_id) waiting for a second editor
    changed_since_preview: bool = False
    change_id: int | None = None  # the PendingChange that waits for approval (four-eyes publishing)


REPORT_ROWS = 200  # rows of an import's report kept for the approving editor


def needs_approval(kind: str) -> bool:
    """Whether an import of this kind may have to wait for a second editor (four-eyes publishing)."""
    return kind == "goals" and objectives.four_eyes_on()


def propose_import(session: Session, kind: str, raw: bytes, filename: str, user,
                   expected_digest: str) -> ImportOutcome | None:
    """With four-eyes publishing, an import of goals that changes, retires or publishes a published goal is not
    written: the whole file waits, with its report, as one PendingChange for a second editor. None when the
    import needs no approval (the caller applies it)."""
    result = preview_import(session, kind, raw, filename, user)
    if result.errors:
        return ImportOutcome(result, False)
    if result.digest() != expected_digest:
        return ImportOutcome(result, False, changed_since_preview=True)
    if not goals.touches_published(result):
        return None
    changed = [r for r in result.rows if r.action != SAME]
    summary = {
        "filename": filename, "digest": result.digest(),
        "counts": {"added": result.count("add"), "changed": result.count("change"),
                   "unchanged": result.count("same")},
        "rows": [{"line": r.line, "key": r.key, "label": r.label, "action": r.action,
                  "changes": [[c.field, c.old, c.new] for c in r.changes]} for r in changed[:REPORT_ROWS]],
        "more": max(0, len(changed) - REPORT_ROWS),
    }
    change = objectives.propose_import(session, f"import.{kind}", raw, summary, filename, user)
    return ImportOutcome(result, True, change_id=change.id)


@objectives.apply_pending_import.register
def _apply_approved_import(session: Session, change, approver, progress=None):
    """A second editor approved an import of goals: it is applied whole, if it still does what its report said
    (`progress(rows_done, rows)` is told as the rows are written)."""
    if change.kind != "import.goals":
        return None
    summary = json.loads(change.payload)
    try:
        outcome = apply_import(session, "goals", change.data or b"", summary["filename"], approver, summary["digest"],
                               progress=progress)
    except ApplyError as error:
        raise ValidationError(_l("Line %(line)s: %(message)s", line=error.line, message=error.message)) from None
    if outcome.changed_since_preview:
        raise Conflict(_l("The goals changed after this import was proposed, so it no longer does what its report "
                          "says. Reject it and import the file again."))
    if not outcome.applied:
        first = outcome.preview.errors[0] if outcome.preview.errors else None
        raise ValidationError(_l("Line %(line)s: %(message)s", line=first.line, message=first.message) if first
                              else _l("The import can no longer be applied. Reject it and import the file again."))
    return outcome


def apply_import(session: Session, kind: str, raw: bytes, filename: str, user, expected_digest: str,
                 progress=None) -> ImportOutcome:
    """Check the file again and, when it still does what the preview showed, write it all (flush only).
    `progress(rows_done, rows)` is told as the rows are written (a job's progress bar).

    ApplyError when a service refuses a row: the caller rolls the whole import back.
    """
    result = preview_import(session, kind, raw, filename, user)
    if result.errors:
        return ImportOutcome(result, False)
    if result.digest() != expected_digest:
        return ImportOutcome(result, False, changed_since_preview=True)
    total = len(result.rows)
    KINDS[kind].apply(session, result, user, None if progress is None else lambda done: progress(done, total))
    record_audit(session, user, f"import.{kind}", "import", None,
                 json.dumps({"label": filename, "added": result.count("add"), "changed": result.count("change"),
                             "unchanged": result.count("same")}, ensure_ascii=False))
    session.flush()
    return ImportOutcome(result, True)


@dataclass
class ExportFile:
    content: bytes
    mimetype: str
    filename: str


def parse_format(fmt: str | None, delimiter: str | None) -> tuple[str, str]:
    fmt = (fmt or "csv").lower()
    if fmt not in FORMATS:
        raise ValidationError(_l("Choose the format csv or xlsx."))
    chosen = DELIMITERS.get((delimiter or ";").strip().lower() or ";")
    if chosen is None:
        raise ValidationError(_l("Choose ; or , as the separator."))
    return fmt, chosen


def export(session: Session, kind: str, user, fmt: str = "csv", delimiter: str = ";", **params) -> ExportFile:
    """The rows the user may see, as CSV (UTF-8 with BOM) or XLSX, in the columns the import reads."""
    header, rows = KINDS[kind].export(session, user, **params)
    stem = f"{SLUGS[kind]}-{date.today().isoformat()}"
    if fmt == "xlsx":
        return ExportFile(write_xlsx(header, rows, SLUGS[kind]),
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{stem}.xlsx")
    return ExportFile(write_csv(header, rows, delimiter), "text/csv; charset=utf-8", f"{stem}.csv")
