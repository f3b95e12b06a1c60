"""Who may open which page of the goal framework."""
from tests.access import ANONYMOUS, ROLES, Rule, only, public

EDITORS = ["beheerder", "redacteur"]


def prepare(factory, values) -> dict:
    """A domain and strand with a published goal, a draft goal and a second published goal."""
    from wt_curriculum.extensions import db
    from wt_curriculum.objectives import services

    with factory.app.app_context():
        domain = services.create_domain(db.session, services.DomainData("AC", "Toegang"), None)
        strand = services.create_strand(db.session, services.StrandData("AC.1", domain.id, "Leerlijn"), None)
        goals = []
        for n in (1, 2, 3, 4):
            goals.append(services.create_goal(db.session, services.GoalData(
                f"AC.1.{n}", domain.id, strand.id, f"Doel {n}", groepen=[5, 6]), None, "nieuw"))
        services.publish_goal(db.session, goals[0], None, "vastgesteld")
        services.publish_goal(db.session, goals[2], None, "vastgesteld")
        services.publish_goal(db.session, goals[3], None, "vastgesteld")
        services.retire_goal(db.session, goals[3], None, "vervallen")
        db.session.commit()
    return {"goal_code": "AC.1.1", "draft_code": "AC.1.2", "other_code": "AC.1.3",
            "domain_code": "AC", "strand_code": "AC.1", "retired_code": "AC.1.4"}


RULES = [
    public("objectives.framework", "/doelen"),
    public("objectives.framework", "/doelen?q=%25%27%22&groep=9&domain=XX&status=bogus"),
    public("objectives.goal", "/doelen/{goal_code}"),
    public("objectives.goal", "/doelen/XX.9.9", status=404),
    # A draft exists for editors only.
    Rule("objectives.goal", "GET", "/doelen/{draft_code}",
         {ANONYMOUS: 404, **{role: (200 if role in EDITORS else 404) for role in ROLES}}),
    only("objectives.new_goal", "/doelen/nieuw", EDITORS),
    only("objectives.new_goal", "/doelen/nieuw", EDITORS, method="POST", data={"title": ""}),
    only("objectives.edit_goal", "/doelen/{goal_code}/bewerken", EDITORS),
    only("objectives.edit_goal", "/doelen/{goal_code}/bewerken", EDITORS, method="POST", data={"title": ""}),
    only("objectives.publish_goal", "/doelen/{draft_code}/vaststellen", EDITORS),
    only("objectives.publish_goal", "/doelen/{draft_code}/vaststellen", EDITORS, method="POST", data={"note": ""}),
    only("objectives.retire_goal", "/doelen/{goal_code}/laten-vervallen", EDITORS),
    only("objectives.reinstate_goal", "/doelen/{retired_code}/weer-vaststellen", EDITORS),
    only("objectives.reinstate_goal", "/doelen/{retired_code}/weer-vaststellen", EDITORS, method="POST",
         data={"note": ""}),
    only("objectives.retire_goal", "/doelen/{goal_code}/laten-vervallen", EDITORS, method="POST",
         data={"note": ""}),
    only("objectives.move_goal", "/doelen/{other_code}/verplaatsen", EDITORS, ok=302, method="POST",
         data={"direction": "up"}),
    only("objectives.history", "/doelen/{goal_code}/geschiedenis", EDITORS),
    only("objectives.restore", "/doelen/{goal_code}/geschiedenis/1/herstellen", EDITORS, ok=302, method="POST"),
    only("objectives.editor", "/doelen/redactie", EDITORS),
    only("objectives.new_domain", "/doelen/domeinen/nieuw", EDITORS),
    only("objectives.new_domain", "/doelen/domeinen/nieuw", EDITORS, method="POST", data={"code": "x"}),
    only("objectives.edit_domain", "/doelen/domeinen/{domain_code}", EDITORS),
    only("objectives.new_strand", "/doelen/leerlijnen/nieuw", EDITORS),
    only("objectives.edit_strand", "/doelen/leerlijnen/{strand_code}", EDITORS),
    only("objectives.new_release", "/doelen/versies/nieuw", EDITORS),
    only("objectives.new_release", "/doelen/versies/nieuw", EDITORS, method="POST", data={"version_label": "x"}),
]

RULES.append(only("objectives.decide", "/doelen/wijzigingen/999999", EDITORS, ok=404, method="POST",
                  data={"decision": "approve"}))
