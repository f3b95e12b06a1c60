"""Coverage per kerndoel / doelzin as print reports: the data (from the planning area's read services) and
the spreadsheets. The HTML page and the PDF share one template each (reports/school_kerndoelen.html,
reports/network_kerndoelen.html).

Covered means what it means on the per-kerndoel pages (wt_curriculum.planning.kerndoelen.kerndoel_coverage):
a published goal linked to the node through the crosswalk is planned in one of the groepen it is meant for.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ..groepen import label as groepen_label
from ..organisations.services import get_school
from ..planning.kerndoelen import (
    KD2025,
    NetworkKerndoelCoverage,
    SchoolKerndoelCoverage,
    network_kerndoel_coverage,
    school_kerndoel_coverage,
)
from ..references.labels import KIND_LABELS
from ..schoolyears import format_school_year
from .spreadsheets import Share, Sheet


@dataclass
class SchoolKerndoelReport:
    school_id: int
    school_name: str
    school_code: str
    data: SchoolKerndoelCoverage

    @property
    def year_label(self) -> str:
        return format_school_year(self.data.school_year)

    @property
    def per_doelzin(self) -> bool:
        return self.data.framework.key == KD2025


@dataclass
class NetworkKerndoelReport:
    data: NetworkKerndoelCoverage

    @property
    def year_label(self) -> str:
        return format_school_year(self.data.school_year)

    @property
    def per_doelzin(self) -> bool:
        return self.data.framework.key == KD2025


def school_kerndoel_report(session: Session, school_id: int, year: int, framework_key: str
                           ) -> SchoolKerndoelReport:
    """The school and its coverage per kerndoel (or doelzin): six queries."""
    school = get_school(session, school_id)
    data = school_kerndoel_coverage(session, school.id, year, framework_key)
    return SchoolKerndoelReport(school.id, school.name, school.code, data)


def network_kerndoel_report(session: Session, network_id: int, year: int, framework_key: str
                            ) -> NetworkKerndoelReport:
    """The network's schools x the nodes of the set: six queries, whatever the number of schools."""
    return NetworkKerndoelReport(network_kerndoel_coverage(session, network_id, year, framework_key))


def _kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _top_codes(nodes) -> dict[int, str]:
    """For each node (depth-first order), the code of the top-level node it belongs to."""
    out, top = {}, ""
    for n in nodes:
        if n.depth == 0:
            top = n.code
        out[n.node_id] = top
    return out


def school_kerndoel_sheet(report: SchoolKerndoelReport) -> Sheet:
    """One row per node: the kerndoel it belongs to, whether it is covered, the groepen, packages and goals."""
    data = report.data
    header = [_("Kerndoel"), _("Code"), _("Type"), _("Title"), _("Covered"), _("Groepen"), _("Packages (groepen)"),
              _("Our goals")]
    tops = _top_codes(data.nodes)
    rows = []
    for n in data.nodes:
        packages = "; ".join(f"{p.title} ({groepen_label(p.groepen)})" for p in n.packages)
        rows.append([tops[n.node_id], n.code, _kind(n.kind), n.short_title, _yes_no(n.covered),
                     groepen_label(n.groepen) if n.groepen else "", packages, ", ".join(n.goal_codes)])
    return Sheet(_("Kerndoelen %(year)s", year=report.year_label), header, rows)


def network_kerndoel_sheet(report: NetworkKerndoelReport) -> Sheet:
    """One row per node: schools covering it, of the schools with a plan, the share, and yes/no per school."""
    data = report.data
    planning = data.schools_with_plan
    header = [_("Kerndoel"), _("Code"), _("Type"), _("Title"), _("Schools covering it"), _("Schools with a plan"),
              _("Share")] + [s.name for s in planning]
    tops = _top_codes(data.nodes)
    rows = []
    for n in data.nodes:
        rows.append([tops[n.node_id], n.code, _kind(n.kind), n.short_title, n.covered, n.of, Share(n.share)]
                    + [_yes_no(s.id in n.school_ids) for s in planning])
    return Sheet(_("Kerndoelen %(year)s", year=report.year_label), header, rows)
