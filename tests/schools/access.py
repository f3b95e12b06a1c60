"""Who may open which schools page: every route of the area, as every role."""
from tests.access import ANONYMOUS, Rule, logged_in, only

ADMIN, EDITOR, NETWORK, COORD, TEACHER = "beheerder", "redacteur", "netwerkcoordinator", "coordinator", "leraar"
PLAN_EDITORS = (ADMIN, COORD, TEACHER)


def prepare(factory, values):
    """A published package and goal, plan entries of the world school, and spare records to archive/delete."""
    from tests.schools.builders import Builder
    from wt_curriculum.extensions import db

    with factory.app.app_context():
        b = Builder(db.session)
        b.domain("AX")
        b.strand("AX.S", "AX")
        goal = b.goal("AX.S.1", "AX.S", [3, 4])
        b.package("Toegangspakket", [3, 4], {"AX.S.1": "kern"}, values["network_id"])
        entry = b.plan(values["school_id"], 2026, 3, "Toegangspakket")
        removable = b.plan(values["school_id"], 2026, 4, "Toegangspakket")
        spare = {
            "spare_school_id": b.school(), "spare_school2_id": b.school(),
            "spare_network_id": b.network("SPARE-1"), "spare_network2_id": b.network("SPARE-2"),
        }
        db.session.commit()
        return {"goal_id": goal.id, "entry_id": entry.id, "remove_entry_id": removable.id, **spare}


ADD_DATA = {"package_id": "1", "school_year": "2026-2027", "groep": "5", "next": "/"}

RULES = [
    only("schools.my_plan", "/mijn-plan", (COORD, TEACHER), ok=302),
    only("schools.my_coverage", "/mijn-dekking", (COORD, TEACHER), ok=302),
    only("schools.my_network", "/mijn-netwerk", (NETWORK,), ok=302),
    only("schools.schools", "/scholen", (ADMIN, EDITOR)),
    logged_in("schools.plan", "/scholen/{school_id}/plan?jaar=2026-2027"),
    logged_in("schools.plan_groep", "/scholen/{school_id}/plan/groep/3?jaar=2026-2027"),
    only("schools.add_plan_entry", "/plan/toevoegen", PLAN_EDITORS, ok=302, method="POST", data=ADD_DATA),
    only("schools.edit_plan_entry", "/plan/{entry_id}", PLAN_EDITORS),
    only("schools.mark_taught", "/plan/{entry_id}/gegeven", PLAN_EDITORS, ok=302, method="POST"),
    only("schools.mark_untaught", "/plan/{entry_id}/niet-gegeven", PLAN_EDITORS, ok=302, method="POST"),
    # The administrator removes the entry first; the school's own users then find it gone.
    Rule("schools.remove_plan_entry", "POST", "/plan/{remove_entry_id}/verwijderen",
         {ANONYMOUS: 302, ADMIN: 302, EDITOR: 403, NETWORK: 403, COORD: 404, TEACHER: 404}, login_redirect=True),
    only("schools.copy_plan", "/scholen/{school_id}/plan/kopieren", PLAN_EDITORS),
    logged_in("schools.coverage_school", "/scholen/{school_id}/dekking?jaar=2026-2027"),
    only("schools.network_coverage", "/netwerken/{network_id}/dekking?jaar=2026-2027", (ADMIN, EDITOR, NETWORK)),
    logged_in("schools.cohort", "/scholen/{school_id}/cohort?start=2023-2024"),
    logged_in("schools.gaps", "/scholen/{school_id}/hiaten?jaar=2026-2027&groep=3"),
    only("schools.goal_impact", "/dekking/leerdoel/{goal_id}", (ADMIN, EDITOR)),
    only("schools.new_network", "/beheer/netwerken/nieuw", (ADMIN,)),
    only("schools.edit_network", "/beheer/netwerken/{network_id}", (ADMIN,)),
    only("schools.archive_network", "/beheer/netwerken/{spare_network_id}/archiveren", (ADMIN,), ok=302,
         method="POST"),
    only("schools.delete_network", "/beheer/netwerken/{spare_network2_id}/verwijderen", (ADMIN,), ok=302,
         method="POST"),
    only("schools.new_school", "/beheer/scholen/nieuw", (ADMIN,)),
    only("schools.edit_school", "/beheer/scholen/{school_id}", (ADMIN,)),
    only("schools.archive_school", "/beheer/scholen/{spare_school_id}/archiveren", (ADMIN,), ok=302, method="POST"),
    only("schools.delete_school", "/beheer/scholen/{spare_school2_id}/verwijderen", (ADMIN,), ok=302,
         method="POST"),
    only("schools.import_csv", "/beheer/import/scholen", (ADMIN,)),
]

RULES.append(only("schools.national", "/dekking/landelijk", ["beheerder", "redacteur"]))
