"""Who may use the OAI-PMH endpoint (everyone: harvesters are machines without an account), manage sources of
outside materials (administrators; network coordinators their own network's), read a material (everyone) and
confirm its goals (administrators, editors; network coordinators for their own network's sources), and plan it in
their own school's year plan (teachers and coordinators)."""
from tests.access import ANONYMOUS, Rule, only, public

MANAGERS = ("beheerder", "netwerkcoordinator")
DECIDERS = ("beheerder", "redacteur", "netwerkcoordinator")
PLANNERS = ("coordinator", "leraar")


def prepare(factory, values):
    """A source of the world's network and one of another network, each with a material and a suggested goal."""
    from wt_curriculum.extensions import db
    from wt_curriculum.oai.models import ExternalMaterial, HarvestSource, MaterialGoal
    from wt_curriculum.objectives.models import Goal

    other_network = factory.network(code="NET-OAI")
    with factory.app.app_context():
        goal_id = db.session.query(Goal.id).order_by(Goal.id).limit(1).scalar()
        ids = {}
        for key, network_id in (("own", values["network_id"]), ("other", other_network)):
            source = HarvestSource(name=f"Bron {key}", url="http://127.0.0.1:9/oai", network_id=network_id)
            db.session.add(source)
            db.session.flush()
            material = ExternalMaterial(source_id=source.id, identifier=f"oai:x:{key}", title=f"Materiaal {key}")
            db.session.add(material)
            db.session.flush()
            if goal_id is not None:
                db.session.add(MaterialGoal(material_id=material.id, goal_id=goal_id))
            ids[f"oai_{key}_source_id"] = source.id
            ids[f"oai_{key}_material_id"] = material.id
        db.session.commit()
    return {**ids, "oai_goal_id": goal_id or 0}


def _expect(ok_roles: dict, default=403) -> dict:
    expect = {role: default for role in ("beheerder", "redacteur", "netwerkcoordinator", "coordinator", "leraar")}
    expect.update(ok_roles)
    expect[ANONYMOUS] = 302
    return expect


RULES = [
    public("oai.endpoint", "/oai?verb=Identify"),
    public("oai.endpoint", "/oai?verb=ListRecords&metadataPrefix=lom"),
    public("oai.endpoint", "/oai?verb=Nonsense"),
    public("oai.endpoint", "/oai", method="POST", data={"verb": "Identify"}),
    only("oai.sources", "/beheer/oai-bronnen", MANAGERS),
    only("oai.sources", "/beheer/oai-bronnen", MANAGERS, ok=303, method="POST",
         data={"name": "Nieuwe bron", "url": "https://93.184.215.14/oai"}),  # public; an address needs no DNS
    only("oai.source", "/beheer/oai-bronnen/{oai_own_source_id}", MANAGERS),
    Rule("oai.source", "GET", "/beheer/oai-bronnen/{oai_other_source_id}", _expect({"beheerder": 200}),
         login_redirect=True),
    only("oai.source", "/beheer/oai-bronnen/999999", MANAGERS, ok=404),
    only("oai.harvest_now", "/beheer/oai-bronnen/{oai_own_source_id}/oogsten", MANAGERS, ok=303, method="POST"),
    Rule("oai.harvest_now", "POST", "/beheer/oai-bronnen/{oai_other_source_id}/oogsten", _expect({"beheerder": 303}),
         login_redirect=True),
    # the administrator (asked first) removes it; the network coordinator then finds it gone
    Rule("oai.delete_source", "POST", "/beheer/oai-bronnen/{oai_own_source_id}/verwijderen",
         _expect({"beheerder": 303, "netwerkcoordinator": 404}), login_redirect=True),
    public("oai.material", "/materialen/{oai_own_material_id}"),
    public("oai.material", "/materialen/999999", 404),
    only("oai.decide", "/materialen/{oai_own_material_id}/leerdoelen/{oai_goal_id}", DECIDERS, ok=303,
         method="POST", data={"besluit": "bevestigen"}),
    only("oai.adopt", "/materialen/{oai_own_material_id}/opnemen", DECIDERS, ok=303, method="POST"),
    Rule("oai.adopt", "POST", "/materialen/{oai_other_material_id}/opnemen",
         _expect({"beheerder": 303, "redacteur": 303}), login_redirect=True),
    # back to the material's page: planned, or told why not (its goal may still be only suggested)
    only("oai.plan", "/materialen/{oai_own_material_id}/plannen", PLANNERS, ok=303, method="POST",
         data={"school_year": "2026-2027", "groep": "5"}),
    only("oai.plan", "/materialen/999999/plannen", PLANNERS, ok=404, method="POST",
         data={"school_year": "2026-2027", "groep": "5"}),
    Rule("oai.decide", "POST", "/materialen/{oai_other_material_id}/leerdoelen/{oai_goal_id}",
         _expect({"beheerder": 303, "redacteur": 303}), {"besluit": "afwijzen"}, login_redirect=True),
]
