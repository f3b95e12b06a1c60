"""The audit log in the reader's language: actions are stored as codes (goal.restore) and shown as words.

A summary is stored as plain text (names, codes) or, where it holds values, as JSON of codes and ISO dates
({"period": "sept", "taught_on": "2026-10-01"}) that `details` renders with translated keys and Babel dates.
"""
import json
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "package.create": _l("Lesson package created"),
    "package.create_external": _l("Outside material taken up as a lesson package"),
    "package.edit": _l("Lesson package changed"),
    "package.publish": _l("Lesson package published"),
    "package.withdraw": _l("Lesson package withdrawn"),
    "package.attach": _l("File added to a lesson package"),
    "package.detach": _l("File removed from a lesson package"),
    "crosswalk.add": _l("Link to a kerndoel added"),
    "crosswalk.remove": _l("Link to a kerndoel removed"),
    "crosswalk.replace": _l("Link to a kerndoel replaced"),
    "reference.import": _l("SLO's open data imported"),
    "case.reference_import": _l("CASE package imported as a reference framework"),
    "case.mirror_add": _l("Mirroring of a CASE framework started"),
    "case.mirror_remove": _l("Mirroring of a CASE framework stopped"),
    "plan.add": _l("Package added to a year plan"),
    "plan.update": _l("Year plan row changed"),
    "plan.remove": _l("Package removed from a year plan"),
    "plan.restore": _l("Removed year plan row put back"),
    "plan.copy": _l("Year plan copied to another school year"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.password": _l("Password changed"),
    "api_token.create": _l("API token made"),
    "api_token.revoke": _l("API token revoked"),
    "domain.create": _l("Domain created"),
    "domain.update": _l("Domain changed"),
    "strand.create": _l("Strand created"),
    "strand.update": _l("Strand changed"),
    "goal.create": _l("Goal created"),
    "goal.update": _l("Goal changed"),
    "goal.publish": _l("Goal published"),
    "goal.retire": _l("Goal retired"),
    "goal.restore": _l("Earlier revision of a goal restored"),
    "goal.move": _l("Goal moved"),
    "framework.release": _l("Framework version released"),
    "network.create": _l("Network created"),
    "network.update": _l("Network changed"),
    "network.archive": _l("Network archived"),
    "network.restore": _l("Network taken out of the archive"),
    "network.delete": _l("Network deleted"),
    "school.create": _l("School created"),
    "school.update": _l("School changed"),
    "school.archive": _l("School archived"),
    "school.restore": _l("School taken out of the archive"),
    "school.delete": _l("School deleted"),
    "import.scholen": _l("Schools imported"),
    "import.netwerken": _l("Networks imported"),
    "import.packages": _l("Lesson packages imported"),
    "import.plans": _l("Year plans imported"),
    "import.goals": _l("Goals imported"),
    "api_token.revoke_all": _l("All API tokens of an account revoked"),
    "consultation.open": _l("Consultation round opened"),
    "consultation.close": _l("Consultation round closed"),
    "consultation.respond": _l("Response to a consultation given"),
    "consultation.edit_response": _l("Response to a consultation changed"),
    "consultation.reply": _l("Reply to a consultation response given"),
    "consultation.hide_response": _l("Consultation response hidden"),
    "consultation.answer": _l("Consultation response answered"),
    "experience.create": _l("Experience with a package shared"),
    "experience.approve": _l("Experience with a package approved"),
    "experience.reject": _l("Experience with a package rejected"),
    "oai.source.add": _l("OAI-PMH source added"),
    "oai.source.delete": _l("OAI-PMH source removed"),
    "oai.goal.confirm": _l("Suggested goal of an outside material confirmed"),
    "oai.goal.reject": _l("Suggested goal of an outside material rejected"),
    "package.adopt": _l("Lesson package adopted from another network"),
    "package.take_over": _l("Newer version of an adopted package taken over"),
    "pending.goal.update": _l("Change to a goal proposed for approval"),
    "pending.goal.retire": _l("Retiring a goal proposed for approval"),
    "pending.goal.restore": _l("Restoring a revision proposed for approval"),
    "pending.release": _l("Framework version proposed for approval"),
    "pending.goal.publish": _l("Publishing a goal proposed for approval"),
    "pending.goal.move": _l("Moving a goal proposed for approval"),
    "pending.import.goals": _l("Import of goals proposed for approval"),
    "pending.import.case": _l("CASE import proposed for approval"),
    "pending.approved": _l("Proposed change approved"),
    "pending.rejected": _l("Proposed change rejected"),
    "user.disable": _l("Account disabled"),
    "user.enable": _l("Account enabled"),
    "user.set_password": _l("Password set by an administrator"),
    "user.reset_link": _l("Password reset link made"),
    "user.2fa_on": _l("Two-step sign-in turned on"),
    "user.2fa_off": _l("Two-step sign-in turned off"),
    "user.recovery_code": _l("Recovery code used"),
    "user.oidc_link": _l("Account linked to a federated sign-in"),
}

DETAIL_KEYS = {
    "period": _l("period"),
    "taught_on": _l("taught on"),
    "copied": _l("copied"),
    "active": _l("active"),
    "role": _l("role"),
    "added": _l("added"),
    "changed": _l("changed"),
    "unchanged": _l("unchanged"),
}


def action_label(code: str) -> str:
    """The words for an action code; an unknown code (from a newer or older version) is shown as it is."""
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def _value(value) -> str:
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_date(date.fromisoformat(value), "long")
        except ValueError:
            return value
    return str(value)


def details(summary: str) -> str:
    """A summary for reading: JSON values with translated keys, anything else as stored."""
    if not summary.startswith("{"):
        return summary
    try:
        data = json.loads(summary)
    except ValueError:
        return summary
    if not isinstance(data, dict):
        return summary
    label = data.pop("label", "")
    parts = [f"{DETAIL_KEYS.get(k, k)}: {_value(v)}" for k, v in data.items()]
    return " · ".join(([label] if label else []) + parts)
