"""What a CASE import or a mirror fetch did, in the reader's language (the commands print the reports' English
lines(); pages, jobs and the stored versions of a mirrored framework use these).

A restore of our framework (services.ImportReport) keeps its items and notes without language; a pending change
stores them so (approval.py) and `import_report_lines` says them when a page is shown. Its English texts are the
ones the command line always printed: a pending change stored before the neutral entries kept those lines, and
is compared with them when it is approved."""
import json

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


# --- Restoring our framework: services.ImportReport.entries() ---------------------------------------------------

# Each note's key (services.ImportReport.note) and how it is said; "num" is how often a counted note happened.
NOTES = {
    "ignored_package_field": lambda p: _("ignored package field %(key)s", key=p["key"]),
    "ignored_rubrics": lambda p: _("ignored CFRubrics (not part of our model)"),
    "ignored_document_field": lambda p: _("ignored CFDocument field %(key)s", key=p["key"]),
    "item_without_identifier": lambda p: _("ignored CFItems[%(index)s]: it has no identifier", index=p["index"]),
    "several_parents": lambda p: ngettext("item %(item)s has %(num)s parents; kept the first",
                                          "item %(item)s has %(num)s parents; kept the first", p["num"],
                                          item=p["item"]),
    "no_item_under_document": lambda p: _("no item is a child of the document: items without a parent are read "
                                          "as domains"),
    "item_of_other_type": lambda p: _("item %(item)s of type %(type)s is at the place of a %(expected)s; imported "
                                      "as %(expected)s", item=p["item"], type=p["type"], expected=p["expected"]),
    "item_flattened": lambda p: _("item %(item)s at depth %(depth)s flattened into strand %(strand)s",
                                  item=p["item"], depth=p["depth"], strand=p["strand"]),
    "item_not_placed": lambda p: _("could not place item %(item)s: it is not under the document", item=p["item"]),
    "domain_code": lambda p: _("domain '%(name)s' gets code %(code)s (codes of domains are 2-4 capitals)",
                               name=p["name"], code=p["code"]),
    "strand_code": lambda p: (
        _("strand %(wanted)s gets code %(code)s (our codes are the parent's code, a dot and a number)",
          wanted=p["wanted"], code=p["code"]) if p["wanted"]
        else _("strand (no code) gets code %(code)s (our codes are the parent's code, a dot and a number)",
               code=p["code"])),
    "goal_code": lambda p: (
        _("goal %(wanted)s gets code %(code)s (our codes are the parent's code, a dot and a number)",
          wanted=p["wanted"], code=p["code"]) if p["wanted"]
        else _("goal (no code) gets code %(code)s (our codes are the parent's code, a dot and a number)",
               code=p["code"])),
    "strand_without_goals": lambda p: _("strand %(code)s has no goals", code=p["code"]),
    "goal_not_draft_again": lambda p: _("goal %(code)s stays %(status)s: a goal is never made a draft again",
                                        code=p["code"], status=p["status"]),
    "goal_not_published_again": lambda p: _("goal %(code)s stays vervallen: a retired goal is never published "
                                            "again", code=p["code"]),
    "retired_without_replacement": lambda p: _("goal %(code)s is retired without its replacement %(replacement)s, "
                                               "which is not published", code=p["code"],
                                               replacement=p["replacement"]),
    "already_retired": lambda p: _("goal %(code)s was already retired; its replacement is left as it was",
                                   code=p["code"]),
    "version_not_recorded": lambda p: _("document version '%(version)s' is not recorded as a framework release",
                                        version=p["version"]),
    # Counted: said once, with how often.
    "non_uuid_identifiers": lambda p: ngettext("non-uuid identifiers: %(num)s", "non-uuid identifiers: %(num)s",
                                               p["num"]),
    "misspelt_education_level": lambda p: ngettext("read misspelt educationalLevel as educationLevel: %(num)s",
                                                   "read misspelt educationalLevel as educationLevel: %(num)s",
                                                   p["num"]),
    "unknown_item_field": lambda p: ngettext("ignored item field %(key)s: %(num)s",
                                             "ignored item field %(key)s: %(num)s", p["num"], key=p["key"]),
    "unused_item_field": lambda p: ngettext("ignored item field %(key)s (no place in our model): %(num)s",
                                            "ignored item field %(key)s (no place in our model): %(num)s",
                                            p["num"], key=p["key"]),
    "unknown_item_type": lambda p: (
        ngettext("unknown item type '%(type)s', placed by its depth in the tree: %(num)s",
                 "unknown item type '%(type)s', placed by its depth in the tree: %(num)s", p["num"],
                 type=p["type"]) if p["type"]
        else ngettext("unknown item type '(none)', placed by its depth in the tree: %(num)s",
                      "unknown item type '(none)', placed by its depth in the tree: %(num)s", p["num"])),
    "unknown_association_field": lambda p: ngettext("ignored association field %(key)s: %(num)s",
                                                    "ignored association field %(key)s: %(num)s", p["num"],
                                                    key=p["key"]),
    "association_without_ends": lambda p: ngettext("ignored associations without origin or destination: %(num)s",
                                                   "ignored associations without origin or destination: %(num)s",
                                                   p["num"]),
    "child_of_item_outside": lambda p: ngettext(
        "ignored isChildOf associations of items not in the package: %(num)s",
        "ignored isChildOf associations of items not in the package: %(num)s", p["num"]),
    "child_of_parent_outside": lambda p: ngettext(
        "ignored isChildOf associations to items not in the package: %(num)s",
        "ignored isChildOf associations to items not in the package: %(num)s", p["num"]),
    "replacement_of_item_outside": lambda p: ngettext(
        "ignored replacedBy associations of items not in the package: %(num)s",
        "ignored replacedBy associations of items not in the package: %(num)s", p["num"]),
    "unused_association": lambda p: (
        ngettext("ignored %(kind)s associations (not used by our model): %(num)s",
                 "ignored %(kind)s associations (not used by our model): %(num)s", p["num"], kind=p["kind"])
        if p["kind"]
        else ngettext("ignored (untyped) associations (not used by our model): %(num)s",
                      "ignored (untyped) associations (not used by our model): %(num)s", p["num"])),
    "long_statement_shortened": lambda p: ngettext(
        "long fullStatements shortened to a title (the full text is kept in the description): %(num)s",
        "long fullStatements shortened to a title (the full text is kept in the description): %(num)s", p["num"]),
    "description_cut": lambda p: ngettext("descriptions cut to %(max)s characters: %(num)s",
                                          "descriptions cut to %(max)s characters: %(num)s", p["num"],
                                          max=p["max"]),
    "status_end_not_a_date": lambda p: ngettext("ignored statusEndDate values that are not dates: %(num)s",
                                                "ignored statusEndDate values that are not dates: %(num)s",
                                                p["num"]),
    "education_level_ignored": lambda p: ngettext("ignored educationLevel '%(value)s' (no groep): %(num)s",
                                                  "ignored educationLevel '%(value)s' (no groep): %(num)s",
                                                  p["num"], value=p["value"]),
    "goal_without_groepen": lambda p: ngettext("goals without groepen read as groep 1-8: %(num)s",
                                               "goals without groepen read as groep 1-8: %(num)s", p["num"]),
    "keyword_left_out": lambda p: ngettext("keywords left out (at most %(max)s characters): %(num)s",
                                           "keywords left out (at most %(max)s characters): %(num)s", p["num"],
                                           max=p["max"]),
    "replacement_of_goal_not_retired": lambda p: ngettext(
        "ignored replacedBy associations of goals that are not retired: %(num)s",
        "ignored replacedBy associations of goals that are not retired: %(num)s", p["num"]),
    "replacement_unknown": lambda p: ngettext("ignored replacedBy associations to unknown goals: %(num)s",
                                              "ignored replacedBy associations to unknown goals: %(num)s", p["num"]),
    "crosswalk_of_domain_or_strand": lambda p: ngettext(
        "ignored %(relation)s associations of domains and strands: %(num)s",
        "ignored %(relation)s associations of domains and strands: %(num)s", p["num"], relation=p["relation"]),
    "crosswalk_to_unknown_node": lambda p: ngettext(
        "ignored %(relation)s associations to nodes not in our reference frameworks: %(num)s",
        "ignored %(relation)s associations to nodes not in our reference frameworks: %(num)s", p["num"],
        relation=p["relation"]),
    "crosswalk_to_retired_framework": lambda p: ngettext(
        "ignored %(relation)s associations to retired reference frameworks: %(num)s",
        "ignored %(relation)s associations to retired reference frameworks: %(num)s", p["num"],
        relation=p["relation"]),
}

# What was created or updated, by its kind: (kind, *values) of services.ImportReport.
CREATED = {
    "domain": lambda code: _("created domain %(code)s", code=code),
    "strand": lambda code: _("created strand %(code)s", code=code),
    "goal": lambda code: _("created goal %(code)s", code=code),
    "release": lambda version: _("created framework release %(version)s", version=version),
}
UPDATED = {
    "domain": lambda code: _("updated domain %(code)s", code=code),
    "strand": lambda code: _("updated strand %(code)s", code=code),
    "goal": lambda code: _("updated goal %(code)s", code=code),
    "crosswalk": lambda code, relation, node: _("updated crosswalk %(code)s %(relation)s %(node)s", code=code,
                                                relation=relation, node=node),
}


def note_text(key: str, params: dict) -> str:
    """One note in the reader's language. A key this version does not know (a pending change stored by another
    version) is shown as it was stored rather than refused."""
    say = NOTES.get(key)
    if say is not None:
        try:
            return say(params)
        except (KeyError, TypeError):
            pass
    return f"{key} {json.dumps(params, ensure_ascii=False, sort_keys=True)}" if params else key


def _item_text(table: dict, item: list) -> str:
    kind, *values = item
    say = table.get(kind)
    if say is not None:
        try:
            return say(*values)
        except TypeError:
            pass
    return " ".join(str(part) for part in item)


def import_report_lines(entries: dict) -> list[str]:
    """The counts, then what was created, what was updated and the notes: entries as ImportReport.entries()."""
    created, updated = entries.get("created", []), entries.get("updated", [])
    counts = ", ".join([
        ngettext("%(num)s created", "%(num)s created", len(created)),
        ngettext("%(num)s updated", "%(num)s updated", len(updated)),
        ngettext("%(num)s unchanged", "%(num)s unchanged", entries.get("unchanged", 0)),
    ])
    out = [_("CASE %(version)s package: %(counts)s.", version=entries.get("case_version", "1.0"), counts=counts)]
    out += [_item_text(CREATED, item) for item in created]
    out += [_item_text(UPDATED, item) for item in updated]
    out += [_("note: %(note)s", note=note_text(key, params)) for key, params in entries.get("notes", [])]
    return out
