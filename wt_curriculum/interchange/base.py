"""What every kind of import shares: its columns, the preview it builds, and parsing helpers."""
import hashlib
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl

from ..dates import parse_date as parse_day
from ..errors import DomainError
from ..groepen import ALL_GROEPEN
from ..tables import LineError, ReadError, Table

ADD, CHANGE, SAME = "add", "change", "same"


@dataclass(frozen=True)
class Column:
    name: str  # the English name, as exports write it
    aliases: tuple[str, ...]  # other names accepted in a header (Dutch and English)
    help: object  # lazy text for the import page
    required: bool = False
    ignored: bool = False  # written by exports for people to read, ignored by imports


def normalise_name(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", (text or "").strip().strip('"').strip().lower())


class Columns:
    """The columns of one kind, and how a file's header maps onto them."""

    def __init__(self, columns: list[Column]):
        self.columns = columns
        self.by_alias = {}
        for column in columns:
            for alias in (column.name, *column.aliases):
                self.by_alias[normalise_name(alias)] = column.name

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def known(self, header_cell: str) -> bool:
        return normalise_name(header_cell) in self.by_alias

    def map_header(self, table: Table) -> list[str | None]:
        """Each header cell's column name (None: unknown); ReadError on missing or doubled columns."""
        mapped = [self.by_alias.get(normalise_name(cell)) for cell in table.header]
        if not any(mapped):
            raise ReadError([LineError(1, str(_l(
                "The first line must be the header with the column names (%(columns)s). No known column name was "
                "found: is the file separated by ; , or tab?", columns=", ".join(self.names))))])
        errors = []
        seen = set()
        for cell, name in zip(table.header, mapped, strict=True):
            if name and name in seen:
                errors.append(LineError(1, str(_l("The column %(name)s appears twice (as “%(cell)s”).",
                                                  name=name, cell=cell))))
            seen.add(name)
        missing = [name for name in self.required if name not in seen]
        if missing:
            errors.append(LineError(1, str(_l("Required columns are missing: %(missing)s.",
                                              missing=", ".join(missing)))))
        if errors:
            raise ReadError(errors)
        unknown = [cell for cell, name in zip(table.header, mapped, strict=True) if not name and cell.strip()]
        if unknown:
            table.notes.append(str(_l("These columns are not known and are ignored: %(columns)s.",
                                      columns=", ".join(unknown))))
        return mapped

    def records(self, table: Table) -> tuple[list[tuple[int, dict[str, str]]], list[LineError]]:
        """(line, {column: stripped text}) for every row, and the rows with more cells than the header."""
        mapped = self.map_header(table)
        records, errors = [], []
        ignored = {c.name for c in self.columns if c.ignored}
        for line, values in table.rows:
            extra = values[len(mapped):]
            if any(v.strip() for v in extra):
                errors.append(LineError(line, str(_nl("This line has %(n)s cell, the header %(m)s. Check the "
                                                      "separator and the quotes.",
                                                      "This line has %(n)s cells, the header %(m)s. Check the "
                                                      "separator and the quotes.", len(values),
                                                      n=len(values), m=len(mapped)))))
                continue
            record = {name: "" for name in self.names}
            for name, value in zip(mapped, values, strict=False):
                if name and name not in ignored:
                    record[name] = norm_text(value)
            records.append((line, record))
        return records, errors


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class RowPlan:
    line: int
    key: str
    label: str
    action: str  # add, change or same
    changes: list[Change] = field(default_factory=list)
    data: object = None  # what apply needs; not shown


@dataclass
class Preview:
    kind: str
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    format: str = ""
    encoding: str = ""
    delimiter: str = ""

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def has_changes(self) -> bool:
        return any(r.action != SAME for r in self.rows)

    def digest(self) -> str:
        """A fingerprint of what the import would do, to see whether it still holds when it is applied."""
        shape = [(r.line, r.key, r.action, [(c.field, c.old, c.new) for c in r.changes]) for r in self.rows]
        return hashlib.sha256(json.dumps([shape, [(e.line, e.message) for e in self.errors]]).encode()).hexdigest()

    def error(self, line: int, message) -> None:
        self.errors.append(LineError(line, str(message)))


class RowError(Exception):
    """One problem with one row's cell; collected into the preview's report."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def norm_text(value: str) -> str:
    """Line breaks as \\n (spreadsheets and browsers write \\r\\n), no surrounding blanks."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def diff(pairs) -> list[Change]:
    return [Change(str(name), old, new) for name, old, new in pairs if old != new]


# --- Parsing cells ------------------------------------------------------------------------------------------------

GROEP_PART = re.compile(r"^(\d)(?:-(\d))?$")


def parse_groepen(text: str, required: bool = True) -> list[int]:
    """'5-8', '5,6,7,8', '1-2, 5' or '5 6' -> sorted groepen; RowError otherwise."""
    text = (text or "").strip()
    if not text:
        if required:
            raise RowError(_l("Fill in the groepen, e.g. 5-8 or 5,6,7,8."))
        return []
    groepen = set()
    normalised = re.sub(r"\s*[-–]\s*", "-", text)
    for part in re.split(r"[,;/\s]+", normalised):
        part = part.strip()
        if not part:
            continue
        match = GROEP_PART.match(part)
        if not match:
            raise RowError(_l("“%(value)s” is not a list of groepen such as 5-8 or 5,6,7,8.", value=text[:40]))
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first not in ALL_GROEPEN or last not in ALL_GROEPEN or last < first:
            raise RowError(_l("“%(value)s” is not a list of groepen such as 5-8 or 5,6,7,8 (groepen are 1 to 8).",
                              value=text[:40]))
        groepen.update(range(first, last + 1))
    if not groepen and required:
        raise RowError(_l("Fill in the groepen, e.g. 5-8 or 5,6,7,8."))
    return sorted(groepen)


def limited(value: str, name: str, limit: int) -> str:
    if len(value) > limit:
        raise RowError(_nl("%(column)s is too long: %(n)s character, at most %(max)s.",
                           "%(column)s is too long: %(n)s characters, at most %(max)s.", len(value), column=name,
                           n=len(value), max=limit))
    return value


def parse_int(value: str, name: str, low: int, high: int, default: int) -> int:
    if not value:
        return default
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = None
    if number is None or not number.is_integer() or not low <= number <= high:
        raise RowError(_l("%(column)s must be a whole number from %(low)s to %(high)s, not “%(value)s”.",
                          column=name, low=low, high=high, value=value[:20]))
    return int(number)


def parse_date(value: str, name: str) -> date | None:
    """A date cell: 2026-10-05 (also with a time after it, as a spreadsheet may write) or 5-10-2026."""
    if not value:
        return None
    text = value[:10] if re.match(r"^\d{4}-\d{2}-\d{2}T", value) else value
    try:
        return parse_day(text)
    except ValueError:
        raise RowError(_l("%(column)s must be a date written as DD-MM-YYYY or YYYY-MM-DD (e.g. 05-10-2026), not "
                          "“%(value)s”.", column=name, value=value[:20])) from None


def split_items(text: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(separators, text or "") if part.strip()]


def check_duplicates(preview: Preview, rows: list[tuple[int, object]], describe) -> set[int]:
    """Report every row whose key an earlier row already had; returns the lines reported."""
    first_line: dict = {}
    bad = set()
    for line, key in rows:
        if key is None:
            continue
        if key in first_line:
            preview.error(line, _l("This row repeats %(key)s of line %(line)s.", key=describe(key),
                                   line=first_line[key]))
            bad.add(line)
        else:
            first_line[key] = line
    return bad


class ApplyError(Exception):
    """A service refused a row while the import was applied: the whole import is rolled back."""

    def __init__(self, line: int, message):
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = str(message)


@contextmanager
def at_line(line: int):
    try:
        yield
    except DomainError as error:
        raise ApplyError(line, error.message) from error
