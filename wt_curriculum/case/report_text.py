"""What a CASE reference import or a mirror fetch did, in the reader's language (the commands print the
reports' English lines(); pages, jobs and the stored versions of a mirrored framework use these)."""
from flask_babel import gettext as _
from flask_babel import ngettext

SHOWN_ADDED = 50  # a first import adds every item: list the first ones only


def reference_report_lines(report) -> list[str]:
    """The counts, then the items added (the first 50), changed and gone, and what needs an editor."""
    counts = ", ".join([
        ngettext("%(num)s item added", "%(num)s items added", len(report.added)),
        ngettext("%(num)s changed", "%(num)s changed", len(report.changed)),
        ngettext("%(num)s no longer in the package", "%(num)s no longer in the package", len(report.removed)),
        ngettext("%(num)s unchanged", "%(num)s unchanged", report.unchanged),
    ])
    if report.created:
        out = [_("Reference framework %(key)s (%(title)s) added: %(counts)s.", key=report.key, title=report.title,
                 counts=counts)]
    else:
        out = [_("Reference framework %(key)s (%(title)s) updated: %(counts)s.", key=report.key,
                 title=report.title, counts=counts)]
    out += [_("Added: %(code)s", code=code) for code in report.added[:SHOWN_ADDED]]
    if len(report.added) > SHOWN_ADDED:
        out.append(ngettext("… and %(num)s more item added.", "… and %(num)s more items added.",
                            len(report.added) - SHOWN_ADDED))
    out += [_("Changed: %(code)s", code=code) for code in report.changed]
    out += [_("No longer in the package: %(title)s", title=title) for title in report.removed]
    for reason, node, replacement in report.flags:
        if reason == "changed":
            out.append(_("Needs an editor: the text or code of %(node)s changed; check the goals linked to it.",
                         node=node))
        elif reason == "replaced":
            out.append(_("Needs an editor: %(node)s is replaced by %(uuid)s; review the goal links.", node=node,
                         uuid=replacement))
        else:
            out.append(_("Needs an editor: %(node)s is no longer in the package, but goals link to it.", node=node))
    return out
