"""Who may open which page of consultation rounds."""
from tests.access import ANONYMOUS, ROLES, Rule, logged_in, only, public

EDITORS = ["beheerder", "redacteur"]


def prepare(factory, values) -> dict:
    """An open round for everyone with a response by another teacher, a round for teachers only, and a closed
    round with a response to answer."""
    from tests.consultations.helpers import add_response, close, make_goals, make_round

    app = factory.app
    codes = make_goals(app, "CX", n=1)
    author = factory.user("leraar", school_id=values["school_id"])
    round_id = make_round(app, codes)
    response_id = add_response(app, round_id, author.id, codes[0])
    teachers_round_id = make_round(app, codes, audiences=("leraren",), title="Voor leraren")
    closed_round_id = make_round(app, codes, title="Gesloten")
    closed_response_id = add_response(app, closed_round_id, author.id, codes[0])
    close(app, closed_round_id)
    from datetime import date

    from wt_curriculum.extensions import db
    from wt_curriculum.objectives import services as goals

    with app.app_context():
        goals.publish_release(db.session, "2031.1", date(2031, 1, 1), "", None)
        goals.publish_release(db.session, "2031.2", date(2031, 2, 1), "", None)
        db.session.commit()
    return {"round_id": round_id, "response_id": response_id, "teachers_round_id": teachers_round_id,
            "closed_round_id": closed_round_id, "closed_response_id": closed_response_id, "round_goal": codes[0]}


def _not_mine(endpoint, path, method="GET", data=None) -> Rule:
    return Rule(endpoint, method, path, {ANONYMOUS: 302, **{role: 403 for role in ROLES}}, data or {},
                login_redirect=True)


RULES = [
    logged_in("consultations.rounds", "/consultaties"),
    only("consultations.new_round", "/consultaties/nieuw", EDITORS),
    only("consultations.new_round", "/consultaties/nieuw", EDITORS, method="POST", data={"title": ""}),
    logged_in("consultations.round_page", "/consultaties/{round_id}"),
    logged_in("consultations.round_page", "/consultaties/999999", ok=404),
    only("consultations.round_page", "/consultaties/{teachers_round_id}", EDITORS + ["leraar"]),
    logged_in("consultations.respond", "/consultaties/{round_id}/reageren?doel={round_goal}"),
    logged_in("consultations.respond", "/consultaties/{round_id}/reageren?doel=XX.1.1", ok=404),
    logged_in("consultations.respond", "/consultaties/{round_id}/reageren", method="POST", data={"position": ""}),
    _not_mine("consultations.edit_response", "/consultaties/{round_id}/reacties/{response_id}/wijzigen"),
    _not_mine("consultations.edit_response", "/consultaties/{round_id}/reacties/{response_id}/wijzigen",
              method="POST", data={"comment": "x"}),
    logged_in("consultations.reply", "/consultaties/{round_id}/reacties/{response_id}/reactie", ok=303,
              method="POST", data={"comment": ""}),
    only("consultations.hide", "/consultaties/{round_id}/reacties/{response_id}/verbergen", EDITORS, ok=303,
         method="POST", data={"reason": ""}),
    only("consultations.close", "/consultaties/{round_id}/sluiten", EDITORS, ok=303, method="POST"),
    only("consultations.answer", "/consultaties/{closed_round_id}/reacties/{closed_response_id}/beantwoorden",
         EDITORS),
    only("consultations.answer", "/consultaties/{closed_round_id}/reacties/{closed_response_id}/beantwoorden",
         EDITORS, method="POST", data={"answer": ""}),
]

# Release notes (reports.release_views): public between releases, the draft for editors only.
NOT_FOUND_BUT_EDITORS = {ANONYMOUS: 404, **{role: (200 if role in EDITORS else 404) for role in ROLES}}
RULES += [
    public("release_notes.choose", "/versies"),
    public("release_notes.notes", "/versies/2031.1...2031.2"),
    public("release_notes.notes", "/versies/2031.1...2031.2.pdf"),
    public("release_notes.notes", "/versies/2031.1...1900.1", status=404),
    Rule("release_notes.notes", "GET", "/versies/2031.2...concept", NOT_FOUND_BUT_EDITORS),
    only("release_notes.school", "/versies/2031.1...2031.2/school/{school_id}",
         ["beheerder", "redacteur", "netwerkcoordinator", "coordinator", "leraar"]),
    only("release_notes.network", "/versies/2031.1...2031.2/netwerk/{network_id}",
         ["beheerder", "redacteur", "netwerkcoordinator"]),
]

# The consultation report (reports.consultation_views): editors only.
RULES += [
    only("consultation_reports.report", "/consultaties/{closed_round_id}/rapport", EDITORS),
    only("consultation_reports.report", "/consultaties/{closed_round_id}/rapport.csv", EDITORS),
    only("consultation_reports.report", "/consultaties/{closed_round_id}/rapport.xlsx", EDITORS),
    only("consultation_reports.report", "/consultaties/{closed_round_id}/rapport.pdf", EDITORS),
    only("consultation_reports.report", "/consultaties/999999/rapport", EDITORS, ok=404),
]

# The API (api/consultations.py): the same rules as the pages; 401 instead of the login page.
RULES += [
    Rule("api.consultation_list", "GET", "/api/v1/consultations", {ANONYMOUS: 401, **{r: 200 for r in ROLES}}),
    Rule("api.consultation_responses", "GET", "/api/v1/consultations/{round_id}/responses",
         {ANONYMOUS: 401, **{r: 200 for r in ROLES}}),
    Rule("api.consultation_responses", "GET", "/api/v1/consultations/{teachers_round_id}/responses",
         {ANONYMOUS: 401, **{r: (200 if r in EDITORS + ["leraar"] else 403) for r in ROLES}}),
    Rule("api.consultation_responses", "GET", "/api/v1/consultations/999999/responses",
         {ANONYMOUS: 401, **{r: 404 for r in ROLES}}),
    public("api.release_notes_between", "/api/v1/releases/2031.1...2031.2"),
    public("api.release_notes_between", "/api/v1/releases/2031.1...1900.1", status=404),
    Rule("api.release_notes_between", "GET", "/api/v1/releases/2031.2...concept", NOT_FOUND_BUT_EDITORS),
]
