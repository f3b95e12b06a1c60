"""OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html): arguments, errors, resumption
tokens and the response document. `respond(session, arguments, now)` takes the request's arguments as a list of
(name, value) pairs (a repeated argument is an error) and returns the XML bytes; it never raises for anything a
harvester can send.

Resumption tokens carry the request and the (datestamp, id) of the last record sent, signed with SECRET_KEY and
dated: they need no server state, so they survive a restart, and they stay valid while records change.
"""
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from lxml import etree
from sqlalchemy.orm import Session

from ..core.urls import base_url, public_url
from . import metadata, records

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
XSI_NS = metadata.XSI_NS
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
IDENTIFIER_PREFIX = "lespakket/"
PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")

# The arguments each verb takes: required, optional, exclusive.
VERBS = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="oai-pmh-resumption")


def token_lifetime() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("OAI_TOKEN_SECONDS", 24 * 60 * 60)))


def page_size() -> int:
    return max(1, int(current_app.config.get("OAI_PAGE_SIZE", 50)))


def repository_host() -> str:
    return urlsplit(base_url()).hostname or "localhost"


def oai_identifier(uuid: str) -> str:
    return f"oai:{repository_host()}:{IDENTIFIER_PREFIX}{uuid}"


def package_uuid(identifier: str) -> str | None:
    prefix = f"oai:{repository_host()}:{IDENTIFIER_PREFIX}"
    if identifier.startswith(prefix):
        return identifier[len(prefix):] or None
    return None


def format_datestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datestamp(value: str) -> tuple[datetime, str]:
    """A datestamp argument as (start of it in UTC, granularity); badArgument when it is not one."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC), "day"
        if len(value) == 20 and value.endswith("Z") and value[10] == "T":
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC), "second"
    except ValueError:
        pass
    raise OAIError("badArgument", f"'{value}' is not a datestamp of the form YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")


@dataclass
class ListRequest:
    verb: str
    prefix: str
    start: datetime | None
    end: datetime | None
    set_spec: str | None
    cursor: int = 0
    after: tuple[datetime, int] | None = None
    echo: dict | None = None


def _check_arguments(pairs: list[tuple[str, str]]) -> tuple[str, dict]:
    verbs = [v for k, v in pairs if k == "verb"]
    if len(verbs) != 1:
        raise OAIError("badVerb", "The verb argument is missing or repeated." if not verbs else
                       "The verb argument is repeated.")
    verb = verbs[0]
    if verb not in VERBS:
        raise OAIError("badVerb", f"'{verb}' is not an OAI-PMH verb.")
    arguments: dict[str, str] = {}
    for key, value in pairs:
        if key == "verb":
            continue
        if key in arguments:
            raise OAIError("badArgument", f"The argument {key} is repeated.")
        arguments[key] = value
    required, optional, exclusive = VERBS[verb]
    allowed = required | optional | ({exclusive} if exclusive else set())
    unknown = sorted(set(arguments) - allowed)
    if unknown:
        raise OAIError("badArgument", f"{verb} does not take the argument {unknown[0]}.")
    if exclusive and exclusive in arguments:
        if len(arguments) > 1:
            raise OAIError("badArgument", f"{exclusive} is an exclusive argument.")
        return verb, arguments
    missing = sorted(required - set(arguments))
    if missing:
        raise OAIError("badArgument", f"{verb} needs the argument {missing[0]}.")
    return verb, arguments


def _check_prefix(prefix: str) -> None:
    if not PREFIX.match(prefix):
        raise OAIError("badArgument", f"'{prefix}' is not a metadataPrefix.")


def _list_request(verb: str, arguments: dict) -> ListRequest:
    if "resumptionToken" in arguments:
        return _read_token(verb, arguments["resumptionToken"])
    prefix = arguments["metadataPrefix"]
    _check_prefix(prefix)
    start = end = None
    granularities = set()
    if "from" in arguments:
        start, granularity = parse_datestamp(arguments["from"])
        granularities.add(granularity)
    if "until" in arguments:
        until, granularity = parse_datestamp(arguments["until"])
        granularities.add(granularity)
        end = until + (timedelta(days=1) if granularity == "day" else timedelta(seconds=1))
    if len(granularities) > 1:
        raise OAIError("badArgument", "from and until must have the same granularity.")
    if start is not None and end is not None and start >= end:
        raise OAIError("badArgument", "from is later than until.")
    set_spec = arguments.get("set")
    if set_spec is not None and not records.SET_SPEC.match(set_spec):
        raise OAIError("badArgument", f"'{set_spec}' is not a setSpec.")
    if prefix not in metadata.FORMATS:
        raise OAIError("cannotDisseminateFormat", f"The metadata format '{prefix}' is not offered here.")
    return ListRequest(verb, prefix, start, end, set_spec)


def _make_token(request: ListRequest, last: records.Record) -> str:
    body = {
        "v": request.verb, "p": request.prefix, "s": request.set_spec,
        "f": request.start.isoformat() if request.start else None,
        "u": request.end.isoformat() if request.end else None,
        "a": [last.datestamp.isoformat(), last.id],
        "c": request.cursor,
    }
    return _serializer().dumps(body)


def _read_token(verb: str, token: str) -> ListRequest:
    try:
        body = _serializer().loads(token, max_age=token_lifetime().total_seconds())
        if body["v"] != verb:
            raise ValueError
        stamp, last_id = body["a"]
        return ListRequest(
            verb, body["p"],
            datetime.fromisoformat(body["f"]) if body["f"] else None,
            datetime.fromisoformat(body["u"]) if body["u"] else None,
            body["s"], int(body["c"]), (datetime.fromisoformat(stamp), int(last_id)),
        )
    except SignatureExpired:
        raise OAIError("badResumptionToken", "This resumptionToken has expired; start the list again.") from None
    except (BadSignature, ValueError, KeyError, TypeError):
        raise OAIError("badResumptionToken", "This resumptionToken is not valid.") from None


def _element(parent, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, f"{{{OAI_NS}}}{tag}",
                               **{k: metadata.xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = metadata.xml_text(text)
    return element


def _header(parent, record: records.Record):
    header = _element(parent, "header", **({"status": "deleted"} if record.deleted else {}))
    _element(header, "identifier", oai_identifier(record.uuid))
    _element(header, "datestamp", format_datestamp(record.datestamp))
    for spec in record.set_specs:
        _element(header, "setSpec", spec)


def _record(parent, record: records.Record, prefix: str):
    element = _element(parent, "record")
    _header(element, record)
    if not record.deleted:
        location = public_url("lessons.package", package_id=record.id)
        _element(element, "metadata").append(metadata.BUILDERS[prefix](record, location))


EMAIL = re.compile(r"^\S+@(\S+\.)+\S+$")


def admin_email() -> str:
    """OAI_ADMIN_EMAIL, else the mail sender; the protocol wants an address with a domain."""
    for value in (current_app.config.get("OAI_ADMIN_EMAIL"), current_app.config.get("MAIL_SENDER")):
        if value and EMAIL.match(value):
            return value
    return f"beheer@{repository_host() if '.' in repository_host() else 'localhost.localdomain'}"


def _identify(session: Session, parent):
    identify = _element(parent, "Identify")
    config = current_app.config
    _element(identify, "repositoryName", config.get("OAI_REPOSITORY_NAME") or "wt_curriculum")
    _element(identify, "baseURL", public_url("oai.endpoint"))
    _element(identify, "protocolVersion", "2.0")
    _element(identify, "adminEmail", admin_email())
    earliest = records.earliest_datestamp(session)
    _element(identify, "earliestDatestamp", format_datestamp(earliest or datetime(2000, 1, 1, tzinfo=UTC)))
    _element(identify, "deletedRecord", "persistent")
    _element(identify, "granularity", GRANULARITY)


def _list_metadata_formats(session: Session, parent, arguments: dict):
    if "identifier" in arguments:
        uuid = package_uuid(arguments["identifier"])
        if uuid is None or records.record_by_uuid(session, uuid, with_metadata=False) is None:
            raise OAIError("idDoesNotExist", f"There is no record {arguments['identifier']}.")
    formats = _element(parent, "ListMetadataFormats")
    for prefix, (schema, namespace) in metadata.FORMATS.items():
        element = _element(formats, "metadataFormat")
        _element(element, "metadataPrefix", prefix)
        _element(element, "schema", schema)
        _element(element, "metadataNamespace", namespace)


def _list_sets(session: Session, parent, arguments: dict):
    if "resumptionToken" in arguments:
        raise OAIError("badResumptionToken", "The list of sets is never split: this token is not one of ours.")
    sets = records.list_sets(session)
    if not sets:
        raise OAIError("noSetHierarchy", "There are no networks or domains yet, so there are no sets.")
    element = _element(parent, "ListSets")
    for item in sets:
        set_element = _element(element, "set")
        _element(set_element, "setSpec", item.spec)
        _element(set_element, "setName", item.name)


def _get_record(session: Session, parent, arguments: dict):
    prefix = arguments["metadataPrefix"]
    _check_prefix(prefix)
    uuid = package_uuid(arguments["identifier"])
    record = records.record_by_uuid(session, uuid, with_metadata=True) if uuid else None
    if record is None:
        raise OAIError("idDoesNotExist", f"There is no record {arguments['identifier']}.")
    if prefix not in metadata.FORMATS:
        raise OAIError("cannotDisseminateFormat", f"The metadata format '{prefix}' is not offered here.")
    _record(_element(parent, "GetRecord"), record, prefix)


def _list(session: Session, parent, verb: str, arguments: dict, now: datetime):
    request = _list_request(verb, arguments)
    if request.set_spec and not records.has_sets(session):
        raise OAIError("noSetHierarchy", "There are no networks or domains yet, so there are no sets.")
    query = records.Query(request.start, request.end, request.set_spec)
    size = page_size()
    with_metadata = verb == "ListRecords"
    page = records.list_records(session, records.Query(query.start, query.end, query.set_spec, request.after),
                                size + 1, with_metadata)
    if not page:
        if request.after is not None:  # a token whose list ended (the records after it went away)
            raise OAIError("badResumptionToken", "This resumptionToken no longer leads to any records.")
        raise OAIError("noRecordsMatch", "No records match these arguments.")
    more = len(page) > size
    page = page[:size]
    element = _element(parent, verb)
    for record in page:
        if with_metadata:
            _record(element, record, request.prefix)
        else:
            _header(element, record)
    if more or request.after is not None:
        total = request.cursor + count_after(session, query, request.after)
        attributes = {"cursor": str(request.cursor)}
        if total > 0:
            attributes["completeListSize"] = str(total)
        token = _element(element, "resumptionToken", **attributes)
        if more:
            request.cursor += len(page)
            token.text = _make_token(request, page[-1])
            token.set("expirationDate", format_datestamp(now + token_lifetime()))


def count_after(session: Session, query: records.Query, after) -> int:
    """How many records the list still has from `after` on (the whole list without it)."""
    if after is None:
        return records.count_records(session, query)
    return records.count_after(session, query, after)


def respond(session: Session, pairs: list[tuple[str, str]], now: datetime | None = None) -> bytes:
    now = now or datetime.now(UTC)
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    _element(root, "responseDate", format_datestamp(now))
    request = _element(root, "request", public_url("oai.endpoint"))
    try:
        verb, arguments = _check_arguments(pairs)
        request.set("verb", verb)
        for key, value in arguments.items():
            if key in ("from", "until", "metadataPrefix", "set", "identifier", "resumptionToken"):
                request.set(key, metadata.xml_text(value))
        body = etree.Element("body")
        if verb == "Identify":
            _identify(session, body)
        elif verb == "ListMetadataFormats":
            _list_metadata_formats(session, body, arguments)
        elif verb == "ListSets":
            _list_sets(session, body, arguments)
        elif verb == "GetRecord":
            _get_record(session, body, arguments)
        else:
            _list(session, body, verb, arguments, now)
        root.extend(list(body))
    except OAIError as error:
        if error.code in ("badVerb", "badArgument"):
            for key in list(request.attrib):
                del request.attrib[key]
        _element(root, "error", error.message, code=error.code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
