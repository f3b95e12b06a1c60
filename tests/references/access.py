from tests.access import logged_in, only

EDITORS = ("beheerder", "redacteur")
NETWORK = "netwerkcoordinator"

RULES = [
    logged_in("references.frameworks", "/referentiekaders"),
    logged_in("references.framework", "/referentiekaders/{ref_framework_key}"),
    logged_in("references.node", "/referentiekaders/knoop/{ref_node_uuid}", ok=302),
    logged_in("references.unserved", "/referentiekaders/{ref_framework_key}/zonder-doelen"),
    logged_in("references.search", "/referentiekaders/zoeken?q=ACC&kader={ref_framework_key}"),
    only("references.adopt_nodes", "/referentiekaders/{ref_framework_key}/overnemen?knoop=ACC-1", EDITORS),
    only("references.adopt_nodes", "/referentiekaders/{ref_framework_key}/overnemen", EDITORS, method="POST",
         data={}),
    only("references.slo_import", "/referentiekaders/import", EDITORS),
    # Without a file the form comes back with its error; no job is made.
    only("references.slo_import", "/referentiekaders/import", EDITORS, method="POST", data={}),
    only("references.goal_crosswalk", "/doelen/{ref_goal_code}/kruistabel", EDITORS),
    # An empty form comes back with its errors.
    only("references.goal_crosswalk", "/doelen/{ref_goal_code}/kruistabel", EDITORS, method="POST", data={}),
    # A link that does not exist: a message on the crosswalk page, for every editor alike.
    only("references.remove_link", "/doelen/{ref_goal_code}/kruistabel/verwijderen", EDITORS, ok=302,
         method="POST", data={"link_id": "999999"}),
    only("references.replace_link", "/doelen/{ref_goal_code}/kruistabel/vervangen", EDITORS, ok=302,
         method="POST", data={"link_id": "999999"}),
]


def prepare(factory, values) -> dict:
    """One goal linked to one node of one framework (small: this runs for every access test)."""
    from tests.references.helpers import make_goal, make_reference
    from wt_curriculum.extensions import db
    from wt_curriculum.references.models import CrosswalkLink

    with factory.app.app_context():
        goal = make_goal(db.session, "ACC.1")
        framework, nodes = make_reference(db.session, "acc-ref", ["ACC-1"])
        db.session.add(CrosswalkLink(goal_id=goal.id, node_id=nodes["ACC-1"].id))
        db.session.commit()
        node_uuid = nodes["ACC-1"].uuid
    return {"ref_goal_code": "ACC.1", "ref_framework_key": "acc-ref", "ref_node_uuid": node_uuid}
