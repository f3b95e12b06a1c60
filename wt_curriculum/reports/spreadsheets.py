"""The report tables as spreadsheets: CSV (UTF-8 with BOM, ';' for Dutch Excel by default) and XLSX.

Both formats are made from the same rows: a header and lists of plain values (text, int, or a share as a
float 0..1). CSV writes shares as percentages in the user's locale; XLSX keeps them numeric, formatted as %.
"""
import csv
import io
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _

from ..groepen import ALL_GROEPEN
from ..groepen import label as groepen_label
from ..planning.coverage import PLANNED, TAUGHT, UNKNOWN, NetworkCoverage, SchoolCoverage

DELIMITERS = (";", ",")


@dataclass
class Share:
    value: float


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]


def _cell_text(cell) -> str:
    if cell.state == TAUGHT:
        text = _("taught")
    elif cell.state == PLANNED:
        text = _("planned")
    elif cell.state == UNKNOWN:
        text = _("unknown")
    else:
        return ""
    return f"{text} ({cell.relation})" if cell.relation else text


def school_sheet(data: SchoolCoverage) -> Sheet:
    header = [_("Domain"), _("Strand"), _("Goal code"), _("Goal"), _("Groepen"), _("Status")]
    header += [_("Groep %(n)s", n=g) for g in ALL_GROEPEN] + [_("Covered")]
    rows = []
    for d in data.domains:
        for s in d.strands:
            for goal in s.goals:
                covered = "—" if goal.retired else (_("yes") if goal.covered else _("no"))
                rows.append([d.code, s.code, goal.code, goal.title, groepen_label(goal.groepen), goal.status]
                            + [_cell_text(goal.cells[g]) for g in ALL_GROEPEN] + [covered])
    return Sheet(_("Coverage %(year)s", year=data.year_label), header, rows)


def plan_sheet(data) -> Sheet:
    """A year plan (reports.services.PlanReport): one row per planned package."""
    header = [_("Groep"), _("Lesson package"), _("Learning goals"), _("Main aims"), _("Period"), _("Taught on")]
    rows = []
    for groep, entries in data.groepen:
        for r in entries:
            rows.append([groep, r.package_title, ", ".join(g.code for g in r.goals),
                         ", ".join(g.code for g in r.goals if g.relation == "kern"), r.period,
                         r.taught_on.isoformat() if r.taught_on else ""])
    return Sheet(_("Year plan %(year)s", year=data.year_label), header, rows)


def network_sheet(data: NetworkCoverage) -> Sheet:
    header = [_("School"), _("Code"), _("Year plan")] + [s.code for s in data.strands]
    header += [_("Covered"), _("Goals"), _("Share"), _("Difference from median")]
    rows = []
    for school in data.schools:
        row = [school.name, school.code, _("yes") if school.has_plan else _("no")]
        if school.has_plan:
            row += [Share(school.strands[s.id].share) for s in data.strands]
            row += [school.covered, school.total, Share(school.share), Share(school.difference or 0.0)]
        else:
            row += [""] * (len(data.strands) + 4)
        rows.append(row)
    return Sheet(_("Network %(year)s", year=data.year_label), header, rows)


def _text(value):
    """Text that a spreadsheet would take for a formula is kept as text (no formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(sheet: Sheet, delimiter: str = ";") -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads the accents right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow([format_decimal(v.value * 100, format="0.#") if isinstance(v, Share) else _text(v)
                         for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet.title[:31].replace("/", "-")
    ws.append(sheet.header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        ws.append([v.value if isinstance(v, Share) else _text(v) for v in row])
        for cell, value in zip(ws[ws.max_row], row, strict=True):
            if isinstance(value, Share):
                cell.number_format = "0%"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def missed_sheet(data: NetworkCoverage) -> Sheet:
    """Every goal missed by a school of the network with a plan: most missed first, framework order within."""
    header = [_("Goal code"), _("Goal"), _("Strand"), _("Schools missing it"), _("Schools with a year plan")]
    rows = [[m.code, m.title, m.strand_code, m.missing, m.of] for m in data.most_missed]
    return Sheet(_("Missed goals %(year)s", year=data.year_label), header, rows)

