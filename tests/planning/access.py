"""Who may open which page of the year plans and coverage: every route of the area, as every role."""
from tests.access import ANONYMOUS, Rule, logged_in, only

ADMIN, EDITOR, NETWORK, COORD, TEACHER = "beheerder", "redacteur", "netwerkcoordinator", "coordinator", "leraar"
EDITORS = (ADMIN, EDITOR)
PLAN_EDITORS = (ADMIN, COORD, TEACHER)
# Another school of the world network: its network coordinator, admins and editors may look; the world
# school's own coordinator and teacher may not.
OTHER_SCHOOL = {ANONYMOUS: 302, ADMIN: 200, EDITOR: 200, NETWORK: 200, COORD: 403, TEACHER: 403}


def prepare(factory, values):
    """A published package and goal, plan entries of the world school; a goal served by tiny kd2006-po and
    kd2025-po sets, planned; another school in the world network and another network."""
    from tests.planning.builders import Builder
    from tests.references.helpers import make_goal, make_package, make_reference, plan
    from wt_curriculum.extensions import db
    from wt_curriculum.references.models import CrosswalkLink

    with factory.app.app_context():
        b = Builder(db.session)
        b.domain("AX")
        b.strand("AX.S", "AX")
        goal = b.goal("AX.S.1", "AX.S", [3, 4])
        b.package("Toegangspakket", [3, 4], {"AX.S.1": "kern"}, values["network_id"])
        entry = b.plan(values["school_id"], 2026, 3, "Toegangspakket")
        removable = b.plan(values["school_id"], 2026, 4, "Toegangspakket")
        kd_goal = make_goal(db.session, "ACC.KD")
        _, old = make_reference(db.session, "kd2006-po", ["KD2006-PO-42"])
        _, new = make_reference(db.session, "kd2025-po", ["KD2025-PO-30"], children={"KD2025-PO-30": ["KD2025-PO-30A"]})
        for node in (old["KD2006-PO-42"], new["KD2025-PO-30A"]):
            db.session.add(CrosswalkLink(goal_id=kd_goal.id, node_id=node.id))
        package = make_package(db.session, "Toegang per kerndoel", values["network_id"], [kd_goal.id])
        plan(db.session, values["school_id"], 2026, 5, package.id)
        db.session.commit()
        return {"goal_id": goal.id, "entry_id": entry.id, "remove_entry_id": removable.id,
                "kd_other_school_id": factory.school(network_id=values["network_id"]),
                "kd_other_network_id": factory.network()}


ADD_DATA = {"package_id": "1", "school_year": "2026-2027", "groep": "5", "next": "/"}

RULES = [
    only("planning.my_plan", "/mijn-plan", (COORD, TEACHER), ok=302),
    only("planning.my_coverage", "/mijn-dekking", (COORD, TEACHER), ok=302),
    only("planning.my_network", "/mijn-netwerk", (NETWORK,), ok=302),
    logged_in("planning.plan", "/scholen/{school_id}/plan?jaar=2026-2027"),
    logged_in("planning.plan_groep", "/scholen/{school_id}/plan/groep/3?jaar=2026-2027"),
    only("planning.add_plan_entry", "/plan/toevoegen", PLAN_EDITORS, ok=302, method="POST", data=ADD_DATA),
    only("planning.edit_plan_entry", "/plan/{entry_id}", PLAN_EDITORS),
    only("planning.mark_taught", "/plan/{entry_id}/gegeven", PLAN_EDITORS, ok=302, method="POST"),
    only("planning.mark_untaught", "/plan/{entry_id}/niet-gegeven", PLAN_EDITORS, ok=302, method="POST"),
    # The administrator removes the entry first; the school's own users then find it gone.
    Rule("planning.remove_plan_entry", "POST", "/plan/{remove_entry_id}/verwijderen",
         {ANONYMOUS: 302, ADMIN: 302, EDITOR: 403, NETWORK: 403, COORD: 404, TEACHER: 404}, login_redirect=True),
    # Asking to confirm changes nothing.
    only("planning.remove_plan_entry", "/plan/{entry_id}/verwijderen", PLAN_EDITORS),
    # Putting back a removed entry: there is no removal 999 in the world school's history.
    Rule("planning.restore_plan_entry", "POST", "/scholen/{school_id}/plan/terugzetten/999",
         {ANONYMOUS: 302, ADMIN: 404, EDITOR: 403, NETWORK: 403, COORD: 404, TEACHER: 404}, login_redirect=True),
    only("planning.copy_plan", "/scholen/{school_id}/plan/kopieren", PLAN_EDITORS),
    logged_in("planning.coverage_school", "/scholen/{school_id}/dekking?jaar=2026-2027"),
    only("planning.network_coverage", "/netwerken/{network_id}/dekking?jaar=2026-2027", (ADMIN, EDITOR, NETWORK)),
    logged_in("planning.cohort", "/scholen/{school_id}/cohort?start=2023-2024"),
    logged_in("planning.gaps", "/scholen/{school_id}/hiaten?jaar=2026-2027&groep=3"),
    only("planning.goal_impact", "/dekking/leerdoel/{goal_id}", (ADMIN, EDITOR)),
    # Coverage per kerndoel / doelzin and the transition view: as the coverage pages per goal.
    logged_in("planning.school_kerndoelen", "/scholen/{school_id}/kerndoelen?set=kd2025-po&jaar=2026-2027"),
    logged_in("planning.school_kerndoelen", "/scholen/{school_id}/kerndoelen?set=kd2006-po&jaar=2026-2027"),
    Rule("planning.school_kerndoelen", "GET", "/scholen/{kd_other_school_id}/kerndoelen?set=kd2025-po",
         OTHER_SCHOOL, login_redirect=True),
    # A bad set or year is a 400 for whoever may see the school, a 403 for the others.
    logged_in("planning.school_kerndoelen", "/scholen/{school_id}/kerndoelen?set=bestaat-niet", ok=400),
    only("planning.network_kerndoelen", "/netwerken/{network_id}/kerndoelen?set=kd2006-po&jaar=2026-2027",
         (*EDITORS, NETWORK)),
    only("planning.network_kerndoelen", "/netwerken/{kd_other_network_id}/kerndoelen?set=kd2025-po", EDITORS),
    only("planning.network_kerndoelen", "/netwerken/{network_id}/kerndoelen?jaar=2026", (*EDITORS, NETWORK),
         ok=400),
    logged_in("planning.transition", "/scholen/{school_id}/overgang?jaar=2026-2027"),
    Rule("planning.transition", "GET", "/scholen/{kd_other_school_id}/overgang", OTHER_SCHOOL,
         login_redirect=True),
]

RULES.append(only("planning.national", "/dekking/landelijk", ["beheerder", "redacteur"]))
