"""/openapi.json (the OpenAPI 3.1 document) and /docs (the same document as a readable page)."""
import json

from flask import jsonify, render_template
from flask_babel import lazy_gettext as _l

from ..auth.permissions import public
from .blueprint import bp
from .openapi import build_document, example_of, operations
from .spec import operation, parse_query


@bp.route("/openapi.json")
@public
@operation(summary=_l("This OpenAPI 3.1 document"), response={"type": "object"}, tag="meta",
           description=_l("The description of the API, as JSON; /api/v1/docs shows it as a page."),
           example={"openapi": "3.1.0"})
def openapi():
    parse_query(openapi.operation)
    return jsonify(build_document())


@bp.route("/docs")
@public
def docs():
    document = build_document()
    endpoints = []
    for path, _endpoint, op, is_public in operations():
        spec = document["paths"][path]["get"]
        example = spec["responses"]["200"]["content"][op.media_type]["example"]
        endpoints.append({"path": path, "spec": spec, "op": op, "public": is_public,
                          "example": json.dumps(example, ensure_ascii=False, indent=2),
                          "error_example": json.dumps(example_of({"$ref": "#/components/schemas/Error"}), indent=2)})
    return render_template("api/docs.html", document=document, endpoints=endpoints)
