"""What each API operation accepts and answers, declared once.

A view is described by `@operation(...)`: its parameters (`Param`, with JSON
Schema constraints), its response schema and how it is protected. The same
declaration checks the query string (`parse_query`: unknown parameters or
bad values give 400) and builds the OpenAPI document (openapi.py), so the
document cannot drift away from what the API does.
"""
import re
from dataclasses import dataclass, field
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from ..errors import ValidationError
from ..numbers import MAX_ID, whole_or_none

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGE = 100_000
INTEGER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict
    description: Any  # str or lazy string
    where: str = "query"  # or "path"
    example: Any = None

    @property
    def required(self) -> bool:
        return self.where == "path"


@dataclass
class Operation:
    summary: Any
    description: Any = ""
    params: tuple[Param, ...] = ()
    response: dict | None = None  # JSON Schema of a 200 answer
    paged: bool = False  # the answer is the page envelope around `response` items
    auth: bool = False  # needs a login or a token (coverage)
    conditional: bool = False  # ETag/Last-Modified, 304 on If-None-Match
    not_found: bool = False
    forbidden: bool = False  # 403 for some callers (drafts, other schools)
    media_type: str = "application/json"
    tag: str = ""
    example: Any = None
    extra: dict = field(default_factory=dict)


def operation(**kwargs):
    """Attach an Operation to a view (read by parse_query and by the OpenAPI builder)."""

    def decorator(view):
        view.operation = Operation(**kwargs)
        return view

    return decorator


PAGE = Param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
             _l("Page number, from 1."), example=1)
PER_PAGE = Param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                              "default": DEFAULT_PER_PAGE},
                 _l("Items per page (at most %(n)s).", n=MAX_PER_PAGE), example=DEFAULT_PER_PAGE)
GROEP = Param("groep", {"type": "integer", "minimum": 1, "maximum": 8}, _l("Only items meant for this groep (1-8)."),
              example=5)
Q = Param("q", {"type": "string", "maxLength": 200}, _l("Words to search for."), example="robot")
PAGING = (PAGE, PER_PAGE)


def _bad(name: str, message) -> ValidationError:
    return ValidationError(message, parameter=name)


def _convert(param: Param, raw: str):
    schema = param.schema
    if schema.get("type") == "integer":
        # The bounds the schema documents are the bounds checked (numbers.py reads the digits).
        if not INTEGER.fullmatch(raw):
            raise _bad(param.name, _l("%(name)s must be a whole number.", name=param.name))
        low, high = schema.get("minimum", 0), schema.get("maximum", MAX_ID)
        value = whole_or_none(raw, low, high)
        if value is None:
            raise _bad(param.name, _l("%(name)s must be between %(low)s and %(high)s.",
                                      name=param.name, low=low, high=high))
        return value
    if len(raw) > schema.get("maxLength", 200):
        raise _bad(param.name, _l("%(name)s is too long.", name=param.name))
    if "enum" in schema and raw not in schema["enum"]:
        raise _bad(param.name, _l("%(name)s must be one of: %(values)s.", name=param.name,
                                  values=", ".join(schema["enum"])))
    if "pattern" in schema and not re.search(schema["pattern"], raw):
        raise _bad(param.name, _l("%(name)s has an unexpected form, e.g. %(example)s.", name=param.name,
                                  example=param.example))
    return raw


def parse_query(op: Operation) -> dict:
    """The query string checked against the operation's parameters: {name: value or default}.

    An empty value counts as leaving the parameter out.
    """
    known = {p.name: p for p in op.params if p.where == "query"}
    unknown = sorted(set(request.args) - set(known))
    if unknown:
        raise ValidationError(_l("Unknown parameter: %(names)s.", names=", ".join(unknown)), parameter=unknown[0])
    values = {}
    for name, param in known.items():
        given = request.args.getlist(name)
        if len(given) > 1:
            raise _bad(name, _l("Give %(name)s only once.", name=name))
        raw = given[0].strip() if given else ""
        values[name] = _convert(param, raw) if raw else param.schema.get("default")
    return values
