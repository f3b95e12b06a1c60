"""The OpenAPI 3.1 document describes what the API does; schemathesis checks it against the app in-process."""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from jsonschema import Draft202012Validator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import bearer, make_framework, make_package, make_token, plan


def test_the_document_covers_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    # The API's routes and the CASE 1.1 binding's (its read-only REST answers are documented here too).
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(("api.", "case."))}
    documented = {path.replace("{", "<").replace("}", ">") for path in document["paths"]}
    routes = {r.replace("<int:", "<") for r in routes} - {"/api/v1/docs"}
    assert documented == routes
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    goals = document["paths"]["/api/v1/goals"]["get"]
    params = {p["name"]: p["schema"] for p in goals["parameters"]}
    assert params["per_page"]["maximum"] == 100 and params["groep"] == {"type": "integer", "minimum": 1, "maximum": 8}
    assert set(goals["responses"]) == {"200", "304", "400", "403"}
    coverage = document["paths"]["/api/v1/schools/{school_id}/coverage"]["get"]
    assert {"401", "403", "404"} <= set(coverage["responses"]) and {} not in coverage["security"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_documented_examples_match_their_schemas(client):
    document = client.get("/api/v1/openapi.json").json
    components = {"components": document["components"]}
    for path, item in document["paths"].items():
        for status, response in item["get"]["responses"].items():
            for media in response.get("content", {}).values():
                validator = Draft202012Validator({**media["schema"], **components})
                assert not list(validator.iter_errors(media["example"])), (path, status)


def _documented_paths() -> list[str]:
    """The paths of the document, read from an app that never touches a database (create_app does no DB work)."""
    from wt_curriculum import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(app.test_client().get("/api/v1/openapi.json").json["paths"])


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance,
          response_headers_conformance]


@pytest.fixture
def seeded(app, framework, factory):
    """The seed framework, goals of every status, packages, a plan with taught entries, and an admin token."""
    codes = make_framework(app, prefix="APX")
    network_id = factory.network(code="NET-ST")
    school_id = factory.school(network_id=network_id, brin="12AB")
    for n, goals in enumerate((["MN.1.1", "MN.1.2"], ["DG.1.1"], codes[:1], ["MN.2.1"])):
        package_id = make_package(app, network_id, goals, title=f"Pakket {n} robots")
        plan(app, school_id, package_id, 2026, 5, taught=n % 2 == 0)
    make_package(app, network_id, codes[:1], title="Concept", status="concept")
    return make_token(app, factory.user("beheerder").id)


# schemathesis' own pytest plugin does not run on this pytest; Hypothesis drives each operation's strategy instead.
@pytest.mark.parametrize("path", _documented_paths())
def test_api_answers_as_documented(app, seeded, path):
    """Anonymous and as administrator (token): no server error, every answer matches the document."""
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path]["GET"]
    token = bearer(seeded)

    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              phases=[Phase.explicit, Phase.generate])
    def check(case):
        case.call_and_validate(checks=CHECKS)
        case.call_and_validate(headers=token, checks=CHECKS)

    check()
