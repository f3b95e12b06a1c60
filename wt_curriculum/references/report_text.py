"""The report of an SLO import in the reader's language (the command line prints ImportReport.lines(), in
English; a job on the web shows this)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

CHANGES = {
    "new identifier": _l("new identifier"),
    "official text added": _l("official text added"),
    "official text changed": _l("official text changed"),
    "no longer deprecated": _l("no longer deprecated"),
    "deprecated": _l("deprecated"),
}


def slo_report_lines(report) -> list[str]:
    """Counts first, then one line per node that changed, was replaced or deprecated, needs an editor, or is
    absent from the data."""
    out = []
    if len(report.files) > 1 or report.skipped:
        out.append(ngettext("%(num)s file read.", "%(num)s files read.", len(report.files)))
        if report.skipped:
            out.append(_("Skipped (no SLO items): %(files)s.", files=", ".join(report.skipped)))
    out.append(ngettext("%(num)s item read", "%(num)s items read", report.items) + ": "
               + ngettext("%(num)s matches one of our reference nodes", "%(num)s match our reference nodes",
                          report.matched) + ", "
               + ngettext("%(num)s does not.", "%(num)s do not.", report.unknown))
    out.append(", ".join([
        ngettext("%(num)s changed", "%(num)s changed", len(report.changed)),
        ngettext("%(num)s unchanged", "%(num)s unchanged", report.unchanged),
        ngettext("%(num)s replaced", "%(num)s replaced", len(report.replacements)),
        ngettext("%(num)s absent", "%(num)s absent", len(report.absent)),
    ]) + ".")
    for code, changes in report.change_notes:
        out.append(_("Changed: %(code)s (%(changes)s)", code=code,
                     changes=", ".join(str(CHANGES.get(c, c)) for c in changes)))
    for code, old, new in report.replacements:
        out.append(_("Replaced: %(code)s, %(old)s → %(new)s (the old identifier is kept as an alias)", code=code,
                     old=old, new=new))
    for code, replacement in report.deprecations:
        out.append(_("Deprecated: %(code)s (replaced by %(uuid)s)", code=code, uuid=replacement) if replacement
                   else _("Deprecated: %(code)s", code=code))
    for code, links, replacement in report.reviews:
        out.append(ngettext("Needs an editor: %(code)s has %(num)s goal link to review; SLO names %(uuid)s as "
                            "its replacement.",
                            "Needs an editor: %(code)s has %(num)s goal links to review; SLO names %(uuid)s as "
                            "its replacement.", links, code=code, uuid=replacement))
    out += [_("Absent from the data: %(code)s", code=code) for code in report.absent]
    return out
