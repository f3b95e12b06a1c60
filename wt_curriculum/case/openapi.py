"""The CASE 1.1 REST binding in the OpenAPI document, and the JSON Schemas of its answers.

The schemas come from the official CASE 1.1 package schema (schemas/case-v1p1-cfpackage-schema.json): a
CFPackage answer is that schema itself; a single CFItem, CFAssociation or CFDocument is the package's definition
of it plus the link the REST binding adds (`CFDocumentURI`, `CFPackageURI`); the sets (CFItemTypes, CFSubjects,
CFConcepts, CFDocuments) are arrays of the package's definitions. Errors are imsx_StatusInfo. The api area puts
these paths into /api/v1/openapi.json through the core hook `openapi_paths`.
"""
import copy
import json
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.hooks import openapi_paths
from .services import API_ROOT

SCHEMA_FILE = Path(__file__).parent / "schemas" / "case-v1p1-cfpackage-schema.json"
PREFIX = "CASE"  # component names: CASE + the official $defs name

STATUS_INFO = {
    "type": "object",
    "required": ["imsx_codeMajor", "imsx_severity"],
    "additionalProperties": False,
    "properties": {
        "imsx_codeMajor": {"enum": ["success", "processing", "failure", "unsupported"]},
        "imsx_severity": {"enum": ["status", "warning", "error"]},
        "imsx_description": {"type": "string"},
        "imsx_codeMinor": {
            "type": "object", "required": ["imsx_codeMinorField"], "additionalProperties": False,
            "properties": {"imsx_codeMinorField": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["imsx_codeMinorFieldName", "imsx_codeMinorFieldValue"],
                "additionalProperties": False,
                "properties": {
                    "imsx_codeMinorFieldName": {"type": "string"},
                    "imsx_codeMinorFieldValue": {"enum": [
                        "fullsuccess", "invalid_sort_field", "invalid_selection_field", "forbidden",
                        "unauthorisedrequest", "internal_server_error", "unknownobject", "server_busy",
                        "invalid_uuid"]},
                }}}},
        },
    },
}


@cache
def official() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _with_link(definition: str, link: str) -> dict:
    schema = copy.deepcopy(official()["$defs"][definition])
    schema["properties"][link] = {"$ref": "#/$defs/LinkURI"}
    schema["required"] = [*schema.get("required", []), link]
    return schema


def _set(name: str, items: dict) -> dict:
    return {"type": "object", "required": [name], "additionalProperties": False,
            "properties": {name: {"type": "array", "items": items}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


@cache
def answer_schemas() -> dict[str, dict]:
    """Name -> JSON Schema (with the official $defs and the REST additions under $defs) of every answer."""
    package = official()
    extra = {
        "CFDocument": _with_link("CFPckgDocument", "CFPackageURI"),
        "CFItem": _with_link("CFPckgItem", "CFDocumentURI"),
        "CFAssociation": _with_link("CFPckgAssociation", "CFDocumentURI"),
        "CFPackage": {k: v for k, v in package.items() if k not in ("$schema", "$id", "$defs")},
        "imsx_StatusInfo": STATUS_INFO,
    }
    definitions = {**package["$defs"], **extra}
    answers = {
        "CFPackage": _ref("CFPackage"),
        "CFDocumentSet": _set("CFDocuments", _ref("CFDocument")),
        "CFDocument": _ref("CFDocument"),
        "CFItem": _ref("CFItem"),
        "CFAssociation": _ref("CFAssociation"),
        "CFAssociationSet": {"type": "object", "required": ["CFItem", "CFAssociations"], "additionalProperties": False,
                             "properties": {"CFItem": _ref("CFItem"),
                                            "CFAssociations": {"type": "array", "items": _ref("CFAssociation")}}},
        "CFItemTypeSet": _set("CFItemTypes", _ref("CFItemType")),
        "CFSubjectSet": _set("CFSubjects", _ref("CFSubject")),
        "CFConceptSet": _set("CFConcepts", _ref("CFConcept")),
        "CFLicense": _ref("CFLicense"),
        "CFAssociationGrouping": _ref("CFAssociationGrouping"),
        "CFRubric": _ref("CFRubric"),
        "imsx_StatusInfo": _ref("imsx_StatusInfo"),
    }
    return {name: {"$schema": package["$schema"], **schema, "$defs": definitions} for name, schema in answers.items()}


def _to_components(value):
    """Rewrite #/$defs/X references to #/components/schemas/CASEX."""
    if isinstance(value, dict):
        return {k: (f"#/components/schemas/{PREFIX}{v.rsplit('/', 1)[1]}" if k == "$ref" and isinstance(v, str)
                    and v.startswith("#/$defs/") else _to_components(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_components(v) for v in value]
    return value


# (path after the API root, operationId, answer, summary, takes the collection parameters)
OPERATIONS = (
    ("/CFDocuments", "getAllCFDocuments", "CFDocumentSet", _l("Every framework document (CFDocument)."), True),
    ("/CFDocuments/{identifier}", "getCFDocument", "CFDocument", _l("One framework document."), False),
    ("/CFPackages/{identifier}", "getCFPackage", "CFPackage",
     _l("A whole framework: document, items, associations and definitions."), False),
    ("/CFItems/{identifier}", "getCFItem", "CFItem", _l("One item (domain, strand or goal)."), False),
    ("/CFAssociations/{identifier}", "getCFAssociation", "CFAssociation", _l("One association."), False),
    ("/CFItemAssociations/{identifier}", "getCFItemAssociations", "CFAssociationSet",
     _l("One item with every association that starts or ends at it."), False),
    ("/CFItemTypes/{identifier}", "getCFItemType", "CFItemTypeSet", _l("One item type."), False),
    ("/CFSubjects/{identifier}", "getCFSubject", "CFSubjectSet", _l("One subject."), False),
    ("/CFConcepts/{identifier}", "getCFConcept", "CFConceptSet", _l("One concept (a keyword of goals)."), False),
    ("/CFLicenses/{identifier}", "getCFLicense", "CFLicense", _l("One licence."), False),
    ("/CFAssociationGroupings/{identifier}", "getCFAssociationGrouping", "CFAssociationGrouping",
     _l("One association grouping (the crosswalk to one reference framework)."), False),
    ("/CFRubrics/{identifier}", "getCFRubric", "CFRubric", _l("One rubric (this framework has none)."), False),
)


def _collection_parameters() -> list[dict]:
    return [
        {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1,
                                                                         "maximum": 1000, "default": 100},
         "description": _("At most this many records.")},
        {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0,
                                                                          "maximum": 10**9, "default": 0},
         "description": _("Skip this many records.")},
        {"name": "sort", "in": "query", "required": False, "schema": {"type": "string"},
         "description": _("The field to sort on.")},
        {"name": "orderBy", "in": "query", "required": False, "schema": {"enum": ["asc", "desc"]},
         "description": _("Sort order.")},
        {"name": "filter", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 1000},
         "description": _("Predicates field op 'value' (op: = != > >= < <= ~), joined by AND or OR.")},
        {"name": "fields", "in": "query", "required": False, "schema": {"type": "string"},
         "description": _("Comma-separated fields to answer with.")},
    ]


EXAMPLE_UUID = "6f0f4f7e-3c1e-5b8a-9d0e-7a5c2b1e4d90"
ERROR_EXAMPLE = {"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": "…",
                 "imsx_codeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "sourcedId",
                                                             "imsx_codeMinorFieldValue": "unknownobject"}]}}


def example_of(schema: dict, definitions: dict, depth: int = 0):
    """The smallest answer the schema allows (its required fields), for the document's examples."""
    if "$ref" in schema:
        return example_of(definitions[schema["$ref"].rsplit("/", 1)[1]], definitions, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    for combined in ("anyOf", "oneOf"):
        if combined in schema:
            return example_of(schema[combined][0], definitions, depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: example_of(properties.get(name, {"type": "string"}), definitions, depth + 1)
                for name in schema.get("required", []) if depth < 12}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    if fmt == "uuid":
        return EXAMPLE_UUID
    if fmt == "date-time":
        return "2026-09-01T08:00:00Z"
    if fmt == "date":
        return "2026-09-01"
    return "https://leerdoelen.example.nl/ims/case/v1p1" if fmt == "uri" else "…"


def _status(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{PREFIX}imsx_StatusInfo"},
                                             "example": ERROR_EXAMPLE}}}


@openapi_paths.register
def case_paths() -> dict:
    """{"paths": ..., "schemas": ...} of the CASE binding for the API's OpenAPI document."""
    definitions = answer_schemas()["CFPackage"]["$defs"]
    schemas = {f"{PREFIX}{name}": _to_components(schema) for name, schema in definitions.items()}
    paths = {}
    for path, operation_id, answer, summary, collection in OPERATIONS:
        schema = {k: v for k, v in answer_schemas()[answer].items() if k not in ("$schema", "$defs")}
        parameters = _collection_parameters() if collection else [
            {"name": "identifier", "in": "path", "required": True, "schema": {"type": "string"},
             "description": _("The identifier (a UUID).")}]
        responses = {
            "200": {"description": _("OK"), "content": {"application/json": {
                "schema": _to_components(schema), "example": example_of(schema, definitions)}}},
            "304": {"description": _("Not modified: the ETag sent in If-None-Match is still current.")},
            "400": _status(_("A parameter, or the identifier, is not valid.")),
        }
        if not collection:
            responses["303"] = {"description": _("A browser (Accept: text/html) is sent to the page.")}
            responses["404"] = _status(_("Not found."))
        paths[f"{API_ROOT}{path}"] = {"get": {
            "operationId": operation_id, "summary": str(summary), "tags": ["CASE 1.1"], "parameters": parameters,
            "security": [{}], "responses": responses}}
    paths["/api/v1/case/framework"] = {"get": {
        "operationId": "getFrameworkPackage", "summary": _("The published framework as one CFPackage."),
        "tags": ["CASE 1.1"], "parameters": [], "security": [{}],
        "responses": {"200": {"description": _("OK"), "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{PREFIX}CFPackage"},
            "example": example_of(definitions["CFPackage"], definitions)}}},
            "304": {"description": _("Not modified: the ETag sent in If-None-Match is still current.")}}}}
    return {"paths": paths, "schemas": schemas}
