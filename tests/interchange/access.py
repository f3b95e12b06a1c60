from tests.access import ANONYMOUS, Rule, only, public

EDITORS = ("beheerder", "redacteur")
AUTHORS = ("beheerder", "redacteur", "netwerkcoordinator")
PLANNERS = ("beheerder", "coordinator")


def prepare(factory, values):
    other = factory.school(brin="87IX", vestiging="07", name="Andere school (uitwisseling)")
    return {"interchange_other_school_id": other}


RULES = [
    public("interchange.overview", "/uitwisseling"),
    public("interchange.export_goals", "/uitwisseling/leerdoelen/export"),
    public("interchange.export_goals", "/uitwisseling/leerdoelen/export?format=xlsx"),
    public("interchange.export_goals", "/uitwisseling/leerdoelen/export?format=csv&delimiter=,"),
    public("interchange.export_goals", "/uitwisseling/leerdoelen/export?format=pdf", status=400),
    public("interchange.export_packages", "/uitwisseling/lespakketten/export?format=csv&delimiter=%3B"),
    public("interchange.export_packages", "/uitwisseling/lespakketten/export?format=xlsx&netwerk=NET-A"),
    only("interchange.export_plans", "/uitwisseling/jaarplanningen/export?school={school_id}", PLANNERS),
    only("interchange.export_plans", "/uitwisseling/jaarplanningen/export?school={school_id}&jaar=2026-2027"
         "&format=xlsx", PLANNERS),
    # Another school's plan: only the administrator.
    Rule("interchange.export_plans", "GET", "/uitwisseling/jaarplanningen/export?school={interchange_other_school_id}",
         {ANONYMOUS: 302, "beheerder": 200, "redacteur": 403, "netwerkcoordinator": 403, "coordinator": 403,
          "leraar": 403}, login_redirect=True),
    only("interchange.export_plans", "/uitwisseling/jaarplanningen/export?school=987654", PLANNERS, ok=404),
    only("interchange.import_goals", "/uitwisseling/leerdoelen/import", EDITORS),
    only("interchange.import_goals", "/uitwisseling/leerdoelen/import", EDITORS, method="POST"),
    only("interchange.import_goals", "/uitwisseling/leerdoelen/import", EDITORS, method="POST",
         data={"token": "not-a-token"}),
    only("interchange.import_packages", "/uitwisseling/lespakketten/import", AUTHORS),
    only("interchange.import_packages", "/uitwisseling/lespakketten/import", AUTHORS, method="POST"),
    only("interchange.import_plans", "/uitwisseling/jaarplanningen/import", PLANNERS),
    only("interchange.import_plans", "/uitwisseling/jaarplanningen/import", PLANNERS, method="POST",
         data={"token": "A" * 32}),
]
