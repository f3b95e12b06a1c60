from tests.access import ANONYMOUS, EVERYONE, ROLES, Rule, logged_in, only, public

EDITORS = ("beheerder", "redacteur")


def coverage(endpoint: str, path: str, roles) -> Rule:
    return Rule(endpoint, "GET", path, {ANONYMOUS: 401, **{r: 200 if r in roles else 403 for r in ROLES}})


def prepare(factory, values):
    from tests.api.helpers import make_framework, make_package

    codes = make_framework(factory.app, prefix="APX")
    package_id = make_package(factory.app, values["network_id"], [codes[0]])
    draft_id = make_package(factory.app, values["network_id"], [codes[0]], title="Concept", status="concept")
    other_network_id = factory.network(code="NET-API-B")
    return {
        "api_goal": codes[0], "api_draft_goal": codes[1], "api_package_id": package_id,
        "api_draft_package_id": draft_id, "api_other_network_id": other_network_id,
        "api_other_school_id": factory.school(network_id=other_network_id, brin="98ZY"),
    }


RULES = [
    public("api.domains", "/api/v1/domains"),
    public("api.goals", "/api/v1/goals"),
    public("api.goals", "/api/v1/goals?page=abc", status=400),
    Rule("api.goals", "GET", "/api/v1/goals?status=concept", {r: 200 if r in EDITORS else 403 for r in EVERYONE}),
    public("api.goal", "/api/v1/goals/{api_goal}"),
    Rule("api.goal", "GET", "/api/v1/goals/{api_draft_goal}", {r: 200 if r in EDITORS else 404 for r in EVERYONE}),
    public("api.packages", "/api/v1/packages"),
    public("api.package", "/api/v1/packages/{api_package_id}"),
    # Drafts: editors, admins and the owning network's coordinator.
    Rule("api.package", "GET", "/api/v1/packages/{api_draft_package_id}",
         {r: 200 if r in (*EDITORS, "netwerkcoordinator") else 404 for r in EVERYONE}),
    public("api.package", "/api/v1/packages/987654", status=404),
    public("api.networks", "/api/v1/networks"),
    public("api.school_list", "/api/v1/schools"),
    public("api.school_list", "/api/v1/schools?network=9&per_page=101", status=400),
    coverage("api.school", "/api/v1/schools/{school_id}/coverage?year=2026-2027", ROLES),
    coverage("api.school", "/api/v1/schools/{api_other_school_id}/coverage", EDITORS),
    Rule("api.school", "GET", "/api/v1/schools/{school_id}/coverage?year=2026",
         {ANONYMOUS: 401, **{r: 400 for r in ROLES}}),
    coverage("api.network", "/api/v1/networks/{network_id}/coverage?year=2026-2027", (*EDITORS, "netwerkcoordinator")),
    coverage("api.network", "/api/v1/networks/{api_other_network_id}/coverage", EDITORS),
    public("api.openapi", "/api/v1/openapi.json"),
    public("api.docs", "/api/v1/docs"),
    logged_in("api_tokens.token_list", "/account/api-sleutels"),
    logged_in("api_tokens.create", "/account/api-sleutels", method="POST", data={"name": "Mijn script"}),
    only("api_tokens.revoke", "/account/api-sleutels/987654/intrekken", ROLES, ok=404, method="POST"),
]
