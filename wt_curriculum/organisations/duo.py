"""Import DUO's open data file of all primary school locations ("alle schoolvestigingen bo").

The file is semicolon-separated text, Windows-1252 or UTF-8 (with or without
BOM). Older files name the columns BRIN NUMMER / VESTIGINGSNUMMER, newer ones
INSTELLINGSCODE / VESTIGINGSCODE; the vestiging may be the full six-character
code (12AB00) or just its two digits. Schools are matched by BRIN + vestiging.

A structurally broken file (unreadable, no such columns, rows with the wrong
number of fields) is refused as a whole; a row with bad values is skipped and
reported with its line number. Functions flush, the caller commits.
"""
import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..textfiles import decode_text
from .models import School
from .provinces import province_code

MAX_BYTES = 50 * 1024 * 1024
BRIN_COLUMNS = ("INSTELLINGSCODE", "BRIN NUMMER", "BRINNUMMER", "BRIN")
VESTIGING_COLUMNS = ("VESTIGINGSCODE", "VESTIGINGSNUMMER", "VESTIGINGSNR")
NAME_COLUMNS = ("VESTIGINGSNAAM", "INSTELLINGSNAAM")
PLACE_COLUMNS = ("PLAATSNAAM", "PLAATS")
PROVINCE_COLUMNS = ("PROVINCIE",)  # optional: files without it leave the schools' provinces as they are
BRIN_PATTERN = re.compile(r"^\d{2}[A-Z]{2}$")


class DuoFileRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class DuoRow:
    line: int
    brin: str
    vestiging: str
    name: str
    place: str
    province: str | None = None  # a code (provinces.py); None when the file has no PROVINCIE column


@dataclass
class DuoReport:
    encoding: str = ""
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "line 7: ..." with the reason

    def lines(self) -> list[str]:
        out = [f"Read as {self.encoding}: {len(self.added)} added, {len(self.changed)} changed, "
               f"{self.unchanged} unchanged, {len(self.skipped)} skipped."]
        out += [f"  added: {line}" for line in self.added]
        out += [f"  changed: {line}" for line in self.changed]
        out += [f"  skipped: {line}" for line in self.skipped]
        return out


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 with BOM, UTF-8, or else Windows-1252 (DUO's older files)."""
    try:
        text, codec = decode_text(raw)
        return text, {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp1252": "Windows-1252"}[codec]
    except UnicodeDecodeError as error:
        raise DuoFileRefused([f"The file is neither UTF-8 nor Windows-1252 text (byte {error.start})."]) from None


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    normalised = [h.strip().upper().replace("_", " ") for h in header]
    for name in names:
        if name in normalised:
            return normalised.index(name)
    return None


def parse_duo(raw: bytes) -> tuple[list[DuoRow], list[str], str]:
    """Rows to apply, skipped rows (with reasons) and the encoding; DuoFileRefused when broken."""
    if len(raw) > MAX_BYTES:
        raise DuoFileRefused([f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."])
    text, encoding = decode(raw)
    if "\x00" in text:
        raise DuoFileRefused(["The file is not a text file."])
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    if not records or not any(cell.strip() for cell in records[0]):
        raise DuoFileRefused(["The file is empty."])
    header = records[0]
    columns = {
        "brin": _column(header, BRIN_COLUMNS), "vestiging": _column(header, VESTIGING_COLUMNS),
        "name": _column(header, NAME_COLUMNS), "place": _column(header, PLACE_COLUMNS),
        "province": _column(header, PROVINCE_COLUMNS),
    }
    missing = [label for label, key in (("INSTELLINGSCODE or BRIN NUMMER", "brin"),
                                        ("VESTIGINGSCODE or VESTIGINGSNUMMER", "vestiging"),
                                        ("VESTIGINGSNAAM", "name"), ("PLAATSNAAM", "place"))
               if columns[key] is None]
    if missing:
        raise DuoFileRefused([f"Line 1: the header lacks the column(s) {', '.join(missing)} "
                              "(is it DUO's semicolon-separated file of school locations?)."])
    problems, rows, skipped, seen = [], [], [], {}
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(f"Line {line}: {len(record)} fields where the header has {len(header)}.")
            continue
        brin = record[columns["brin"]].strip().upper()
        vestiging = record[columns["vestiging"]].strip().upper()
        name = " ".join(record[columns["name"]].split())
        place = " ".join(record[columns["place"]].split())
        if not BRIN_PATTERN.match(brin):
            skipped.append(f"line {line}: '{brin}' is not a BRIN code (two digits and two letters)")
            continue
        if len(vestiging) == 6:
            if vestiging[:4] != brin:
                skipped.append(f"line {line}: vestiging {vestiging} does not belong to BRIN {brin}")
                continue
            vestiging = vestiging[4:]
        if vestiging.isascii() and vestiging.isdigit() and len(vestiging) == 1:
            vestiging = vestiging.zfill(2)
        if not (vestiging.isascii() and vestiging.isdigit() and len(vestiging) == 2):
            skipped.append(f"line {line}: '{vestiging}' is not a vestiging number (two digits)")
            continue
        if not name:
            skipped.append(f"line {line}: {brin}{vestiging} has no name")
            continue
        if len(name) > 200 or len(place) > 100:
            skipped.append(f"line {line}: {brin}{vestiging}: name or place is too long")
            continue
        key = (brin, vestiging)
        if key in seen:
            skipped.append(f"line {line}: {brin}{vestiging} appears again (first on line {seen[key]})")
            continue
        province = None
        if columns["province"] is not None:
            text = " ".join(record[columns["province"]].split())
            province = province_code(text)
            if province is None:
                skipped.append(f"line {line}: {brin}{vestiging}: '{text[:40]}' is not one of the twelve provinces")
                continue
        seen[key] = line
        rows.append(DuoRow(line, brin, vestiging, name, place, province))
    if problems:
        raise DuoFileRefused(problems[:20] + ([f"... and {len(problems) - 20} more."] if len(problems) > 20 else []))
    return rows, skipped, encoding


def import_duo_schools(session: Session, raw: bytes) -> DuoReport:
    """Create or update schools by BRIN + vestiging from DUO's file; nothing is written when it is broken."""
    rows, skipped, encoding = parse_duo(raw)
    report = DuoReport(encoding=encoding, skipped=skipped)
    schools = {(s.brin, s.vestiging): s for s in session.scalars(select(School))}
    for row in rows:
        school = schools.get((row.brin, row.vestiging))
        code = f"{row.brin}{row.vestiging}"
        if school is None:
            session.add(School(name=row.name, brin=row.brin, vestiging=row.vestiging, place=row.place,
                               province=row.province or ""))
            report.added.append(f"{code} {row.name} ({row.place})")
            continue
        changes = []
        if school.name != row.name:
            changes.append(f"name '{school.name}' -> '{row.name}'")
            school.name = row.name
        if school.place != row.place:
            changes.append(f"place '{school.place}' -> '{row.place}'")
            school.place = row.place
        if row.province is not None and school.province != row.province:
            changes.append(f"province '{school.province}' -> '{row.province}'")
            school.province = row.province
        if changes:
            report.changed.append(f"{code}: {', '.join(changes)}")
        else:
            report.unchanged += 1
    session.flush()
    return report
