"""Reading an uploaded table (CSV or XLSX) into numbered rows, and writing one (below every area: the imports
of interchange and of organisations use it).

Line numbers are what a spreadsheet shows: the header is line 1, and a CSV record
whose quoted field holds a line break is still one line. Every refusal is a
`ReadError` holding the line-numbered problems, so the page can show them as a report.
"""
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl

from .textfiles import decode_text

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# An XLSX file is a zip archive: refuse one that unpacks to more than this (a zip bomb).
MAX_UNPACKED = 60 * 1024 * 1024
DELIMITERS = (";", ",", "\t")
# Signatures of files that are certainly not CSV text.
BINARY_SIGNATURES = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ", b"\x7fELF",
                     b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf", b"Rar!")
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": _l("UTF-8 with BOM"), "cp1252": "Windows-1252"}


@dataclass
class LineError:
    line: int
    message: str


class ReadError(Exception):
    """The file cannot be read as a table; `errors` says why, with line numbers."""

    def __init__(self, errors: list[LineError]):
        super().__init__("; ".join(f"{e.line}: {e.message}" for e in errors))
        self.errors = errors


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number, cell texts), blank lines left out
    format: str  # csv or xlsx
    encoding: str = ""  # csv: utf-8, utf-8-sig or cp1252
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def encoding_label(self) -> str:
        return str(ENCODING_LABELS.get(self.encoding, self.encoding))

    @property
    def delimiter_label(self) -> str:
        return {";": ";", ",": ",", "\t": "tab"}.get(self.delimiter, self.delimiter)


def _fail(message, line: int = 1):
    raise ReadError([LineError(line, str(message))])


def copy_limited(stream, target, limit: int = MAX_BYTES) -> int:
    """Copy an upload stream to a file in chunks, stopping (ReadError) as soon as it passes `limit` bytes."""
    size = 0
    while True:
        chunk = stream.read(64 * 1024)
        if not chunk:
            return size
        size += len(chunk)
        if size > limit:
            too_large(limit)
        target.write(chunk)


def too_large(limit: int = MAX_BYTES):
    _fail(_l("The file is larger than %(n)s MB. Split it into smaller files.", n=limit // (1024 * 1024)))


def is_xlsx(filename: str, raw: bytes) -> bool:
    return (filename or "").lower().endswith(".xlsx") or raw[:4] == b"PK\x03\x04"


def read_table(raw: bytes, filename: str = "", known=None) -> Table:
    """The file as a table; `known(name)` says whether a header cell names a column (it steers the delimiter)."""
    if len(raw) > MAX_BYTES:
        too_large()
    if not raw or not raw.strip():
        _fail(_l("The file is empty."))
    if is_xlsx(filename, raw):
        return _read_xlsx(raw)
    return _read_csv(raw, known or (lambda name: False))


# --- CSV ----------------------------------------------------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (a BOM is dropped), or Windows-1252 only when the bytes are not valid UTF-8."""
    try:
        return decode_text(raw)
    except UnicodeDecodeError as error:
        _fail(_l("The file is neither UTF-8 nor Windows-1252 text (byte %(n)s cannot be read). Save it as "
                 "“CSV UTF-8” and try again.", n=error.start + 1))
        raise  # not reached


def _looks_binary(raw: bytes) -> bool:
    if raw.startswith(BINARY_SIGNATURES) or b"\x00" in raw[:65536]:
        return True
    sample = raw[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return control > len(sample) // 20


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _needs_guard(value: str) -> bool:
    """A cell a spreadsheet would run as a formula, or one that would look like a guarded one."""
    return value[:1] in FORMULA_START or (value[:1] == "'" and _needs_guard(value[1:]))


def guard_formula(value):
    """Export: a leading apostrophe keeps formula-looking text as text (as the report CSVs do)."""
    return "'" + value if isinstance(value, str) and _needs_guard(value) else value


def unguard_formula(value: str) -> str:
    """Import: undo exactly what guard_formula did, so that '=1+1' exported and read again is '=1+1'."""
    return value[1:] if value[:1] == "'" and _needs_guard(value[1:]) else value


def _nul_line(text: str) -> int | None:
    """The line of the first NUL character anywhere in the text (PostgreSQL cannot store one)."""
    where = text.find("\x00")
    return None if where < 0 else text.count("\n", 0, where) + 1


def _split_header(text: str, delimiter: str) -> list[str]:
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        return next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []


def choose_delimiter(text: str, known) -> str:
    """Sniff among ; , and tab; when the header reads better with another of them, that one wins."""
    try:
        sniffed = csv.Sniffer().sniff(text[:65536], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None

    def score(delimiter: str) -> tuple[int, int, int]:
        cells = _split_header(text, delimiter)
        return (sum(1 for c in cells if known(c)), int(delimiter == sniffed), len(cells))

    return max(DELIMITERS, key=score)


def _read_csv(raw: bytes, known) -> Table:
    if _looks_binary(raw):
        _fail(_l("This is not a CSV text file (it holds binary data). Upload a CSV or an Excel (.xlsx) file."))
    text, encoding = decode(raw)
    if (nul := _nul_line(text)) is not None:
        _fail(_l("Line %(line)s holds a NUL character, which no text may contain. Remove it and try again.",
                 line=nul), nul)
    delimiter = choose_delimiter(text, known)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[tuple[int, list[str]]] = []
    errors: list[LineError] = []
    header: list[str] | None = None
    line = 0
    while True:
        line += 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(LineError(line, str(_l("This line cannot be read: %(error)s", error=str(error)))))
            break  # the reader cannot find the next line reliably after a broken one
        if header is None:
            header = values
            continue
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            _fail(_nl("The file has more than %(n)s row. Split it into smaller files.",
                      "The file has more than %(n)s rows. Split it into smaller files.", MAX_ROWS, n=MAX_ROWS), line)
        rows.append((line, [unguard_formula(v) for v in values]))
    if errors:
        raise ReadError(errors)
    return Table(_check_header(header), rows, "csv", encoding, delimiter)


def _check_header(header: list[str] | None) -> list[str]:
    if not header or not any(h.strip() for h in header):
        _fail(_l("The first line must be the header with the column names."))
    return [h.strip() for h in header]


# --- XLSX ---------------------------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute or value.second) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(raw: bytes) -> Table:
    import openpyxl

    not_excel = _l("This is not an Excel (.xlsx) file that can be read. Save it again as .xlsx or as CSV.")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                too_large()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        _fail(not_excel)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except ReadError:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors) on a broken file
        _fail(not_excel)
    try:
        if not workbook.worksheets:
            _fail(_l("The file is empty."))
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in values]
            if any("\x00" in c for c in cells):
                _fail(_l("Line %(line)s holds a NUL character, which no text may contain. Remove it and try "
                         "again.", line=line), line)
            if header is None:
                if line > 1 or not any(c.strip() for c in cells):
                    _fail(_l("The first line must be the header with the column names."))
                header = cells
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                _fail(_nl("The file has more than %(n)s row. Split it into smaller files.",
                      "The file has more than %(n)s rows. Split it into smaller files.", MAX_ROWS, n=MAX_ROWS), line)
            rows.append((line, cells))
    except ReadError:
        raise
    except Exception:  # a damaged sheet fails while it is read
        _fail(not_excel)
    finally:
        workbook.close()
    if header is None:
        _fail(_l("The file is empty."))
    # Trailing empty header cells are the sheet's width, not columns.
    while header and not header[-1].strip():
        header.pop()
    return Table(_check_header(header), rows, "xlsx")


# --- Writing ------------------------------------------------------------------------------------------------------


def write_csv(header: list[str], rows: list[list[str]], delimiter: str = ";") -> bytes:
    """UTF-8 with BOM (so that Excel reads the accents), ';' by default for Dutch Excel."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([guard_formula(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(header: list[str], rows: list[list[str]], title: str) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])

    def text_cell(value) -> WriteOnlyCell:
        # Text cells only: a groep range such as 5-8 must not become a date, nor "=..." a formula.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell.data_type = "s"
        return cell

    sheet.append([text_cell(v) for v in header])
    for row in rows:
        sheet.append([text_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
