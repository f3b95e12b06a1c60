"""The query parameters of the CASE 1.1 REST binding, as plain functions the views share.

getAllCFDocuments takes `limit`, `offset`, `sort`, `orderBy` (asc | desc), `filter` and `fields`; the other
operations take no parameters. Anything else, or a bad value, is a `BadQuery` that the views answer with a 400
and the binding's imsx_StatusInfo (codeMinor `invalid_sort_field` for sorting, `invalid_selection_field` for the
rest).

`filter` follows the 1EdTech convention: predicates `field op 'value'` with op one of = != > >= < <= ~ (~ is
"contains", case-insensitive), joined by AND or by OR (not both). Values compare as text; list fields match
when one of their values does.
"""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

COLLECTION_PARAMETERS = ("limit", "offset", "sort", "orderBy", "filter", "fields")
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
OUTSIDE_QUOTES = re.compile(r"\s+(AND|OR)\s+(?=(?:[^']*'[^']*')*[^']*$)")
PREDICATE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*(!=|>=|<=|=|>|<|~)\s*'((?:[^']|'')*)'\s*$")


class BadQuery(Exception):
    def __init__(self, message, minor: str = "invalid_selection_field"):
        super().__init__(str(message))
        self.message = message
        self.minor = minor


@dataclass
class Query:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    sort: str | None = None
    descending: bool = False
    predicates: tuple = ()  # (field, op, value)
    any_of: bool = False  # OR instead of AND
    fields: tuple[str, ...] | None = None


def no_parameters(args) -> None:
    """Operations other than getAllCFDocuments take no query parameters."""
    unknown = sorted(set(args))
    if unknown:
        raise BadQuery(_l("This operation takes no parameter %(name)s.", name=unknown[0]))


def _integer(args, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not low <= int(raw) <= high:
        raise BadQuery(_l("%(name)s must be a whole number from %(low)s to %(high)s.", name=name, low=low,
                          high=high))
    return int(raw)


def parse_collection(args, known_fields: set[str]) -> Query:
    """The parameters of getAllCFDocuments; BadQuery for an unknown parameter or a bad value."""
    unknown = sorted(set(args) - set(COLLECTION_PARAMETERS))
    if unknown:
        raise BadQuery(_l("Unknown parameter %(name)s.", name=unknown[0]))
    if any(len(args.getlist(name)) > 1 for name in args):
        raise BadQuery(_l("Give each parameter once."))
    query = Query(limit=_integer(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                  offset=_integer(args, "offset", 0, 0, 10**9))
    sort = args.get("sort")
    if sort is not None:
        if sort not in known_fields:
            raise BadQuery(_l("One cannot sort on %(name)s.", name=sort[:50]), "invalid_sort_field")
        query.sort = sort
    order = args.get("orderBy")
    if order is not None:
        if order not in ("asc", "desc"):
            raise BadQuery(_l("orderBy is asc or desc."), "invalid_sort_field")
        query.descending = order == "desc"
    text = args.get("filter")
    if text is not None:
        query.predicates, query.any_of = _filter(text, known_fields)
    fields = args.get("fields")
    if fields is not None:
        names = tuple(f.strip() for f in fields.split(",") if f.strip())
        bad = [n for n in names if n not in known_fields]
        if not names or bad:
            raise BadQuery(_l("Unknown field %(name)s.", name=(bad[0] if bad else fields)[:50]))
        query.fields = names
    return query


def _filter(text: str, known_fields: set[str]) -> tuple[tuple, bool]:
    if len(text) > 1000:
        raise BadQuery(_l("The filter is too long."))
    # AND / OR outside quotes: an even number of quotes follows them.
    pieces = OUTSIDE_QUOTES.split(text)
    parts, joins = pieces[0::2], set(pieces[1::2])
    if len(joins) > 1:
        raise BadQuery(_l("A filter joins its parts with AND or with OR, not both."))
    predicates = []
    for part in parts:
        match = PREDICATE.match(part)
        if match is None:
            raise BadQuery(_l("The filter is not understood: use field op 'value', e.g. title~'natuur'."))
        name, op, value = match.group(1), match.group(2), match.group(3).replace("''", "'")
        if name not in known_fields:
            raise BadQuery(_l("Unknown field %(name)s.", name=name[:50]))
        predicates.append((name, op, value))
    return tuple(predicates), joins == {"OR"}


def _text(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v if isinstance(v, str) else str(v) for v in value]
    if isinstance(value, dict):
        return [str(value.get("title", "")), str(value.get("identifier", ""))]
    return [str(value)]


def _holds(record: dict, predicate) -> bool:
    name, op, value = predicate
    values = _text(record.get(name))
    if op == "~":
        return any(value.lower() in v.lower() for v in values)
    if op == "!=":
        return all(v != value for v in values)
    compare = {"=": str.__eq__, ">": str.__gt__, ">=": str.__ge__, "<": str.__lt__, "<=": str.__le__}[op]
    return any(compare(v, value) for v in values)


def apply(records: list[dict], query: Query) -> tuple[list[dict], int]:
    """(the page of records, the number of records that pass the filter)."""
    if query.predicates:
        test = any if query.any_of else all
        records = [r for r in records if test(_holds(r, p) for p in query.predicates)]
    if query.sort:
        records = sorted(records, key=lambda r: (query.sort not in r, " ".join(_text(r.get(query.sort)))),
                         reverse=query.descending)
    total = len(records)
    page = records[query.offset:query.offset + query.limit]
    if query.fields:
        page = [{k: v for k, v in r.items() if k in query.fields} for r in page]
    return page, total
