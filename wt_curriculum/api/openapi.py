"""The OpenAPI 3.1 document, built from the routes of the api blueprint and their `@operation` declarations."""
import re

from flask import current_app
from flask_babel import gettext as _

from ..core.hooks import openapi_paths
from . import schemas
from .spec import Operation

PATH_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
TAGS = {
    "framework": "Goal framework",
    "packages": "Lesson packages",
    "schools": "Networks and schools",
    "coverage": "Coverage",
    "consultations": "Consultation rounds",
    "meta": "About the API",
}
# Sample values for the example answers, by property name.
SAMPLES = {
    "code": "MN.1.1", "uuid": "90f41d5f-5b75-4e4d-adaa-49010646715f", "title": "Verwonderen en vragen stellen",
    "name": "Netwerk W&T Utrecht", "description": "…", "summary": "…", "description_html": "<p>…</p>",
    "source_code": "MN01.1", "status": "vastgesteld", "domain": "MN", "strand": "MN.1", "region": "Utrecht",
    "place": "Utrecht", "licence": "CC-BY-SA", "relation": "kern", "year": "2026-2027", "message": "…",
    "filename": "werkblad.pdf", "content_type": "application/pdf", "state": "planned",
}


def example_of(schema: dict, name: str = "", components: dict | None = None, depth: int = 0):
    """A small example value that matches `schema` (for the docs page and the document itself)."""
    components = components or schemas.SCHEMAS
    if "$ref" in schema:
        return example_of(components[schema["$ref"].rsplit("/", 1)[-1]], name, components, depth)
    if "examples" in schema:
        return schema["examples"][0]
    if "anyOf" in schema:
        return example_of(schema["anyOf"][0], name, components, depth)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        if "properties" in schema:
            return {key: example_of(value, key, components, depth + 1) for key, value in schema["properties"].items()}
        value = schema.get("additionalProperties")
        if isinstance(value, dict):
            return {"1" if "propertyNames" in schema else "MN.1": example_of(value, "", components, depth + 1)}
        return {}
    if kind == "array":
        if name == "groepen":
            return [5, 6]
        return [example_of(schema["items"], name.rstrip("s"), components, depth + 1)] if depth < 6 else []
    if "enum" in schema:
        return schema["enum"][0] if name not in SAMPLES or SAMPLES[name] not in schema["enum"] else SAMPLES[name]
    if kind == "integer":
        return {"page": 1, "per_page": 25, "total": 1, "pages": 1, "status": 404}.get(name, schema.get("minimum", 1))
    if kind == "number":
        return 0.75
    if kind == "boolean":
        return True
    if schema.get("format") == "date-time":
        return "2026-09-01T08:00:00+00:00"
    return SAMPLES.get(name, "…")


def _response_schema(op: Operation) -> dict:
    return schemas.page_of(op.response) if op.paged else op.response


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": schemas.ref("Error"),
                                              "example": {"error": {"status": 400, "message": "…"}}}}}


def _operation(endpoint: str, op: Operation, public: bool) -> dict:
    headers = {}
    if op.paged:
        headers["Link"] = {"description": _("Links to the first, previous, next and last page (RFC 8288)."),
                           "schema": {"type": "string"}}
    if op.conditional:
        headers["ETag"] = {"description": _("Send it back as If-None-Match to get 304 when nothing changed."),
                           "schema": {"type": "string"}}
    if public:
        headers["Access-Control-Allow-Origin"] = {"description": _("Always *: any web page may read this."),
                                                  "schema": {"type": "string", "const": "*"}}
    schema = _response_schema(op)
    ok = {"description": _("OK"),
          "content": {op.media_type: {"schema": schema, "example": op.example or example_of(schema)}}}
    if headers:
        ok["headers"] = headers
    responses = {"200": ok}
    if op.conditional:
        responses["304"] = {"description": _("Not modified: the ETag sent in If-None-Match is still current.")}
    responses["400"] = _error(_("A parameter is unknown or has a wrong value."))
    if op.auth:
        responses["401"] = _error(_("Not logged in: send a personal token or a session cookie."))
    if op.auth or op.forbidden:
        responses["403"] = _error(_("You may not see this."))
    if op.not_found or any(p.where == "path" for p in op.params):
        responses["404"] = _error(_("Not found."))
    anonymous_too = [] if op.auth else [{}]
    return {
        "operationId": endpoint.split(".", 1)[1],
        "summary": str(op.summary),
        "description": str(op.description),
        "tags": [TAGS[op.tag]] if op.tag else [],
        "parameters": [
            {"name": p.name, "in": p.where, "required": p.required, "description": str(p.description),
             "schema": p.schema, **({"example": p.example} if p.example is not None else {})}
            for p in op.params
        ],
        "security": [*anonymous_too, {"bearerAuth": []}, {"cookieAuth": []}],
        "responses": responses,
    }


def operations() -> list[tuple[str, str, Operation, bool]]:
    """(OpenAPI path, endpoint, operation, public) of every documented API route, in a stable order."""
    found = []
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions.get(rule.endpoint)
        op = getattr(view, "operation", None)
        if not rule.endpoint.startswith("api.") or op is None:
            continue
        found.append((PATH_PARAM.sub(r"{\1}", rule.rule), rule.endpoint, op, view.access == "public"))
    return sorted(found, key=lambda item: item[0])


def build_document() -> dict:
    paths: dict[str, dict] = {}
    for path, endpoint, op, public in operations():
        paths.setdefault(path, {})["get"] = _operation(endpoint, op, public)
    components = dict(schemas.SCHEMAS)
    tags = [{"name": name} for name in TAGS.values()]
    for extra in openapi_paths():  # other areas' bindings (CASE 1.1)
        paths.update(extra["paths"])
        components.update(extra["schemas"])
        tags += [{"name": tag} for tag in sorted({t for item in extra["paths"].values() for o in item.values()
                                                  for t in o.get("tags", [])})]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("W&T curriculum API"),
            "version": "1.0.0",
            "description": _(
                "Read-only access to the w&t learning goal framework, the lesson packages, networks and schools, "
                "and (for those allowed) coverage. Published content is public; drafts are for editors. Lists "
                "come in pages of at most 100 items. Every error has the same shape: "
                "{\"error\": {\"status\", \"message\", \"details\"}}."),
        },
        "tags": tags,
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": _("A personal API token, made at /account/api-sleutels.")},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session",
                               "description": _("The session of a logged-in user (same site only).")},
            },
        },
    }
