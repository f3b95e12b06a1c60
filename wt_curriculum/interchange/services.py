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
from ..errors import ValidationError
from ..tables import LineError, ReadError, read_table, write_csv, write_xlsx
from . import goals, packages, plans
from .base import ApplyError, Preview  # noqa: F401  (ApplyError: raised by apply, caught by the views)

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
    applied: bool
    changed_since_preview: bool = False


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
