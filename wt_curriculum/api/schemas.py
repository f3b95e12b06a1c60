"""JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of what the API answers, by component name."""


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required=None) -> dict:
    return {"type": "object", "properties": properties, "required": list(required or properties)}


STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}
DATETIME = {"type": ["string", "null"], "format": "date-time"}
GROEPEN = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 8}}
STRINGS = {"type": "array", "items": STR}
SHARE = {"type": "number", "minimum": 0, "maximum": 1}
GOAL_STATUS = {"type": "string", "enum": ["concept", "vastgesteld", "vervallen"]}
PACKAGE_STATUS = {"type": "string", "enum": ["concept", "gepubliceerd", "ingetrokken"]}
RELATION = {"type": "string", "enum": ["kern", "raakt"]}
SCHOOL_CODE = {"type": "string", "pattern": "^[0-9]{2}[A-Z]{2}[0-9]{2}$", "examples": ["12AB00"]}
YEAR = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{4}$"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


CELL = _obj({"state": {"type": "string", "enum": ["none", "planned", "taught"]},
             "relation": {"type": ["string", "null"], "enum": ["kern", "raakt", None]},
             "intended": BOOL})
SHARE_OF = _obj({"covered": INT, "total": INT, "share": SHARE})
NETWORK_CODE = {"type": "string", "examples": ["WT-UTR"]}
NETWORK_REF = _obj({"id": INT, "code": NETWORK_CODE, "name": STR})

SCHEMAS = {
    "Error": _obj({"error": _obj({
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "message": STR,
        "details": {"type": "object", "additionalProperties": True},
    }, required=["status", "message"])}),
    "Strand": _obj({"id": INT, "uuid": STR, "code": STR, "title": STR, "description": STR, "source_code": STR}),
    "Domain": _obj({"id": INT, "uuid": STR, "code": STR, "title": STR, "description": STR,
                    "strands": {"type": "array", "items": ref("Strand")}}),
    "GoalSummary": _obj({"code": STR, "title": STR, "description": STR, "groepen": GROEPEN, "keywords": STRINGS,
                         "status": GOAL_STATUS, "domain": STR, "strand": STR,
                         "replaced_by": {"type": ["string", "null"]}}),
    "Goal": _obj({
        "code": STR, "uuid": STR, "title": STR, "description": STR, "groepen": GROEPEN, "keywords": STRINGS,
        "source_code": STR, "status": GOAL_STATUS,
        "domain": _obj({"code": STR, "title": STR}), "strand": _obj({"code": STR, "title": STR}),
        "replaced_by": {"type": ["string", "null"]},
        "published_at": DATETIME, "retired_at": DATETIME, "updated_at": {"type": "string", "format": "date-time"},
        "packages": {"type": "array", "items": _obj({"id": INT, "title": STR, "summary": STR, "groepen": GROEPEN,
                                                     "relation": RELATION})},
    }),
    "AlignedGoal": _obj({"code": STR, "title": STR, "relation": RELATION, "status": GOAL_STATUS}),
    "PackageUse": _obj({"schools": INT, "networks": INT, "taught": INT}),
    "PackageRating": _obj({"average": {"type": "number"}, "count": INT}),
    "PackageSummary": _obj({
        "id": INT, "title": STR, "summary": STR, "groepen": GROEPEN, "lesson_count": INT,
        "minutes_per_lesson": INT, "total_minutes": INT, "licence": STR, "network": NETWORK_REF,
        "goals": {"type": "array", "items": ref("AlignedGoal")}, "use": ref("PackageUse"),
        "rating": _nullable(ref("PackageRating")),
    }),
    "Package": _obj({
        "id": INT, "title": STR, "summary": STR, "description_html": STR, "groepen": GROEPEN,
        "lesson_count": INT, "minutes_per_lesson": INT, "total_minutes": INT, "materials": STRINGS,
        "keywords": STRINGS, "authors": STRINGS, "licence": STR, "links": STRINGS,
        "network": _obj({"id": INT, "name": STR}), "status": PACKAGE_STATUS,
        "published_at": DATETIME, "updated_at": {"type": "string", "format": "date-time"},
        "goals": {"type": "array", "items": ref("AlignedGoal")},
        "attachments": {"type": "array", "items": _obj({"id": INT, "filename": STR, "content_type": STR,
                                                        "size": INT})},
        "use": ref("PackageUse"), "rating": _nullable(ref("PackageRating")),
    }),
    "Network": _obj({"id": INT, "code": NETWORK_CODE, "name": STR, "region": STR}),
    "School": _obj({"id": INT, "code": SCHOOL_CODE, "name": STR,
                    "place": STR, "network": _nullable(NETWORK_REF)}),
    "SchoolCoverage": _obj({
        "school": _obj({"id": INT, "code": SCHOOL_CODE, "name": STR}), "year": YEAR, "has_plan": BOOL,
        "covered": INT, "total": INT, "share": SHARE,
        "domains": {"type": "array", "items": _obj({
            "code": STR, "title": STR, "covered": INT, "total": INT, "share": SHARE,
            "strands": {"type": "array", "items": _obj({
                "code": STR, "title": STR, "covered": INT, "total": INT, "share": SHARE,
                "goals": {"type": "array", "items": _obj({
                    "code": STR, "title": STR, "status": GOAL_STATUS, "groepen": GROEPEN, "covered": BOOL,
                    "cells": {"type": "object", "propertyNames": {"pattern": "^[1-8]$"},
                              "additionalProperties": CELL},
                })},
            })},
        })},
    }),
    "NetworkCoverage": _obj({
        "network": _obj({"id": INT, "name": STR}), "year": YEAR,
        "median": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        "strands": {"type": "array", "items": _obj({"code": STR, "title": STR, "domain": STR, "total": INT})},
        "schools": {"type": "array", "items": _obj({
            "id": INT, "code": SCHOOL_CODE, "name": STR, "has_plan": BOOL, "covered": INT, "total": INT, "share": SHARE,
            "difference": {"type": ["number", "null"]},
            "strands": {"type": "object", "additionalProperties": SHARE_OF},
        })},
        "most_missed": {"type": "array", "items": _obj({"code": STR, "title": STR, "strand": STR,
                                                        "missing": INT, "of": INT})},
    }),
}


def page_of(item: dict) -> dict:
    return _obj({"items": {"type": "array", "items": item}, "page": {"type": "integer", "minimum": 1},
                 "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                 "total": {"type": "integer", "minimum": 0}, "pages": {"type": "integer", "minimum": 1}})
