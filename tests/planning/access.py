"""Who may open which page of the year plans and coverage: every route of the area, as every role."""
from tests.access import ANONYMOUS, Rule, logged_in, only

ADMIN, EDITOR, NETWORK, COORD, TEACHER = "beheerder", "redacteur", "netwerkcoordinator", "coordinator", "leraar"
EDITORS = (ADMIN, EDITOR)
PLAN_EDITORS = (ADMIN, COORD, TEACHER)
COORDINATORS = (ADMIN, COORD)  # a teacher changes only the entries of their own groepen and their own entries
STALE = {"version": "999"}  # a removal that the version check stops after the permission check: nothing goes
# Another school of the world network: its network coordinator, admins and editors may look; the world
# school's own coordinator and teacher may not.
OTHER_SCHOOL = {ANONYMOUS: 302, ADMIN: 200, EDITOR: 200, NETWORK: 200, COORD: 403, TEACHER: 403}


def prepare(factory, values):
    """A published package and goal, plan entries of the world school; a goal served by tiny kd2006-po and
    kd2025-po sets, planned; another school in the world network and another network."""
    from tests.planning.builders import Builder
    from tests.references.helpers import make_goal, make_package, make_reference, plan
    from wt_curriculum.auth.models import User
    from wt_curriculum.extensions import db
    from wt_curriculum.groepen import bit
    from wt_curriculum.references.models import CrosswalkLink

    with factory.app.app_context():
        b = Builder(db.session)
        b.domain("AX")
        b.strand("AX.S", "AX")
        goal = b.goal("AX.S.1", "AX.S", [3, 4])
        b.package("Toegangspakket", [3, 4], {"AX.S.1": "kern"}, values["network_id"])
        entry = b.plan(values["school_id"], 2026, 3, "Toegangspakket")
        removable = b.plan(values["school_id"], 2026, 4, "Toegangspakket")
        # The world's teacher has groep 7 as their own, and added an entry in groep 6 themselves.
        # By id: other areas add teachers to the world school too, and PostgreSQL returns rows in no set order.
        teacher = db.session.get(User, values["teacher_id"])
        teacher.groepen_mask = bit(7)
        in_teachers_groep = b.plan(values["school_id"], 2026, 7, "Toegangspakket")
        teachers_own = b.plan(values["school_id"], 2026, 6, "Toegangspakket")
        teachers_own.created_by_id = teacher.id
        kd_goal = make_goal(db.session, "ACC.KD")
        _, old = make_reference(db.session, "kd2006-po", ["KD2006-PO-42"])
        _, new = make_reference(db.session, "kd2025-po", ["KD2025-PO-30"], children={"KD2025-PO-30": ["KD2025-PO-30A"]})
        for node in (old["KD2006-PO-42"], new["KD2025-PO-30A"]):
            db.session.add(CrosswalkLink(goal_id=kd_goal.id, node_id=node.id))
        package = make_package(db.session, "Toegang per kerndoel", values["network_id"], [kd_goal.id])
        plan(db.session, values["school_id"], 2026, 5, package.id)
        # A package the world school taught in groep 3, with a pending experience to moderate.
        from datetime import date

        from wt_curriculum.planning.models import Experience
        b.package("Ervaringspakket", [3, 4], {"AX.S.1": "kern"}, values["network_id"])
        b.plan(values["school_id"], 2025, 3, "Ervaringspakket", taught_on=date(2026, 3, 1))
        experience = Experience(package_id=b.packages["Ervaringspakket"].id, school_id=values["school_id"],
                                groep=3, rating=4, text="Goed", status="pending")
        db.session.add(experience)
        db.session.commit()
        return {"goal_id": goal.id, "entry_id": entry.id, "remove_entry_id": removable.id,
                "teacher_groep_entry_id": in_teachers_groep.id, "teacher_own_entry_id": teachers_own.id,
                "exp_package_id": b.packages["Ervaringspakket"].id, "experience_id": experience.id,
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
    only("planning.edit_plan_entry", "/plan/{entry_id}", COORDINATORS),
    only("planning.edit_plan_entry", "/plan/{teacher_groep_entry_id}", PLAN_EDITORS),
    only("planning.edit_plan_entry", "/plan/{teacher_own_entry_id}", PLAN_EDITORS),
    only("planning.mark_taught", "/plan/{entry_id}/gegeven", COORDINATORS, ok=302, method="POST"),
    only("planning.mark_taught", "/plan/{teacher_groep_entry_id}/gegeven", PLAN_EDITORS, ok=302, method="POST"),
    only("planning.mark_untaught", "/plan/{entry_id}/niet-gegeven", COORDINATORS, ok=302, method="POST"),
    only("planning.mark_untaught", "/plan/{teacher_own_entry_id}/niet-gegeven", PLAN_EDITORS, ok=302,
         method="POST"),
    # Removing: the coordinator any entry of the school, a teacher only their own (not one of their groep).
    only("planning.remove_plan_entry", "/plan/{entry_id}/verwijderen", COORDINATORS, ok=302, method="POST",
         data=STALE),
    only("planning.remove_plan_entry", "/plan/{teacher_groep_entry_id}/verwijderen", COORDINATORS, ok=302,
         method="POST", data=STALE),
    only("planning.remove_plan_entry", "/plan/{teacher_own_entry_id}/verwijderen", PLAN_EDITORS, ok=302,
         method="POST", data=STALE),
    # The administrator removes the entry first; the school's own users then find it gone.
    Rule("planning.remove_plan_entry", "POST", "/plan/{remove_entry_id}/verwijderen",
         {ANONYMOUS: 302, ADMIN: 302, EDITOR: 403, NETWORK: 403, COORD: 404, TEACHER: 404}, login_redirect=True),
    only("planning.copy_plan", "/scholen/{school_id}/plan/kopieren", COORDINATORS),
    only("planning.copy_plan", "/scholen/{school_id}/plan/kopieren", COORDINATORS, method="POST",
         data={"from_year": "2026-2027", "to_year": "2026-2027"}),
    # Asking to confirm changes nothing; a teacher may remove only their own entries.
    only("planning.remove_plan_entry", "/plan/{entry_id}/verwijderen", COORDINATORS),
    only("planning.remove_plan_entry", "/plan/{teacher_own_entry_id}/verwijderen", PLAN_EDITORS),
    # Putting back a removed entry: there is no removal 999 in the world school's history.
    Rule("planning.restore_plan_entry", "POST", "/scholen/{school_id}/plan/terugzetten/999",
         {ANONYMOUS: 302, ADMIN: 404, EDITOR: 403, NETWORK: 403, COORD: 404, TEACHER: 404}, login_redirect=True),
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
RULES += [
    only("planning.add_experience", "/lespakketten/{exp_package_id}/ervaring", (COORD, TEACHER), ok=302,
         method="POST", data={"groep": "3", "rating": "4", "text": "Leuk"}),
    only("planning.experiences_to_moderate", "/netwerken/{network_id}/ervaringen", (ADMIN, NETWORK)),
    only("planning.approve_experience", "/ervaringen/{experience_id}/goedkeuren", (ADMIN, NETWORK), ok=302,
         method="POST"),
    only("planning.reject_experience", "/ervaringen/{experience_id}/afwijzen", (ADMIN, NETWORK), ok=302,
         method="POST"),
]
