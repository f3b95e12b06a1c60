from tests.access import ANONYMOUS, Rule, logged_in, only

EDITORS = ("beheerder", "redacteur")
NETWORK = "netwerkcoordinator"
# Another school of the world network: its network coordinator, admins and editors may look; the world
# school's own coordinator and teacher may not.
OTHER_SCHOOL = {ANONYMOUS: 302, "beheerder": 200, "redacteur": 200, NETWORK: 200, "coordinator": 403, "leraar": 403}

RULES = [
    logged_in("references.frameworks", "/referentiekaders"),
    logged_in("references.framework", "/referentiekaders/{ref_framework_key}"),
    logged_in("references.unserved", "/referentiekaders/{ref_framework_key}/zonder-doelen"),
    only("references.goal_crosswalk", "/doelen/{ref_goal_code}/kruistabel", EDITORS),
    # An empty form comes back with its errors.
    only("references.goal_crosswalk", "/doelen/{ref_goal_code}/kruistabel", EDITORS, method="POST", data={}),
    # A link that does not exist: a message on the crosswalk page, for every editor alike.
    only("references.remove_link", "/doelen/{ref_goal_code}/kruistabel/verwijderen", EDITORS, ok=302,
         method="POST", data={"link_id": "999999"}),
    only("references.replace_link", "/doelen/{ref_goal_code}/kruistabel/vervangen", EDITORS, ok=302,
         method="POST", data={"link_id": "999999"}),
    # Coverage per kerndoel / doelzin and the transition view: as the coverage pages of the schools area.
    logged_in("references.school_kerndoelen", "/scholen/{school_id}/kerndoelen?set=kd2025-po&jaar=2026-2027"),
    logged_in("references.school_kerndoelen", "/scholen/{school_id}/kerndoelen?set=kd2006-po&jaar=2026-2027"),
    Rule("references.school_kerndoelen", "GET", "/scholen/{ref_other_school_id}/kerndoelen?set=kd2025-po",
         OTHER_SCHOOL, login_redirect=True),
    # A bad set or year is a 400 for whoever may see the school, a 403 for the others.
    logged_in("references.school_kerndoelen", "/scholen/{school_id}/kerndoelen?set=bestaat-niet", ok=400),
    only("references.network_kerndoelen", "/netwerken/{network_id}/kerndoelen?set=kd2006-po&jaar=2026-2027",
         (*EDITORS, NETWORK)),
    only("references.network_kerndoelen", "/netwerken/{ref_other_network_id}/kerndoelen?set=kd2025-po", EDITORS),
    only("references.network_kerndoelen", "/netwerken/{network_id}/kerndoelen?jaar=2026", (*EDITORS, NETWORK),
         ok=400),
    logged_in("references.transition", "/scholen/{school_id}/overgang?jaar=2026-2027"),
    Rule("references.transition", "GET", "/scholen/{ref_other_school_id}/overgang", OTHER_SCHOOL,
         login_redirect=True),
]


def prepare(factory, values) -> dict:
    """One goal linked to one node of one framework, tiny kd2006-po and kd2025-po sets with a planned package,
    another school in the world network and another network (small: this runs for every access test)."""
    from tests.references.helpers import make_goal, make_package, make_reference, plan
    from wt_curriculum.extensions import db

    with factory.app.app_context():
        goal = make_goal(db.session, "ACC.1")
        framework, nodes = make_reference(db.session, "acc-ref", ["ACC-1"])
        from wt_curriculum.references.models import CrosswalkLink

        db.session.add(CrosswalkLink(goal_id=goal.id, node_id=nodes["ACC-1"].id))
        _, old = make_reference(db.session, "kd2006-po", ["KD2006-PO-42"])
        _, new = make_reference(db.session, "kd2025-po", ["KD2025-PO-30"], children={"KD2025-PO-30": ["KD2025-PO-30A"]})
        for node in (old["KD2006-PO-42"], new["KD2025-PO-30A"]):
            db.session.add(CrosswalkLink(goal_id=goal.id, node_id=node.id))
        package = make_package(db.session, "Toegang per kerndoel", values["network_id"], [goal.id])
        plan(db.session, values["school_id"], 2026, 5, package.id)
        db.session.commit()
    return {"ref_goal_code": "ACC.1", "ref_framework_key": "acc-ref",
            "ref_other_school_id": factory.school(network_id=values["network_id"]),
            "ref_other_network_id": factory.network()}
