"""1EdTech CASE 1.1 interchange of the goal framework: export as a CFPackage, import CASE 1.0 and 1.1 packages.

The export is the published framework (vastgesteld goals, and vervallen ones with
their replacement) as one CFPackage that validates against the official CASE 1.1
package schema. The import reads what other systems write (1.0 or 1.1, with the
deviations seen in the wild), maps what fits our model and reports the rest. Both
take the session; the import flushes and never commits, so the caller commits once
or rolls back everything.

Groepen travel as educationLevel values "groep-1" .. "groep-8" (see GROEP_LEVEL).
"""
import hashlib
import json
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..errors import DomainError, ValidationError
from ..groepen import ALL_GROEPEN, from_mask
from ..objectives import services as objectives
from ..objectives.models import Domain, FrameworkRelease, Goal, GoalStatus, Strand
from ..references import services as references
from ..references.models import CrosswalkLink, ReferenceFramework, ReferenceNode
from .report_text import import_report_lines

# Fixed namespace of every identifier this app derives (document, associations). Never change it:
# other systems keep these identifiers.
CASE_NAMESPACE = uuid.UUID("6f0f4f7e-3c1e-5b8a-9d0e-7a5c2b1e4d90")
DOCUMENT_UUID = str(uuid.uuid5(CASE_NAMESPACE, "wt_curriculum/framework"))
DOCUMENT_TITLE = "Leerdoelenkader wetenschap & technologie"
DOCUMENT_DESCRIPTION = ("Leerdoelen voor wetenschap & technologie en digitale geletterdheid in het primair "
                        "onderwijs (groep 1-8), per domein en leerlijn.")
CREATOR = "wt_curriculum"
LANGUAGE = "nl"
API_ROOT = "/ims/case/v1p1"

TYPE_DOMAIN, TYPE_STRAND, TYPE_GOAL = "Domein", "Leerlijn", "Leerdoel"
OUR_TYPES = (TYPE_DOMAIN, TYPE_STRAND, TYPE_GOAL)
# Our own facts that CASE has no field for travel in the item's `extensions`.
EXT_STATUS, EXT_SOURCE = "wtStatus", "wtSourceCode"
# How a crosswalk link to an SLO node is marked (a CASE LinkGenURI targetType extension).
SLO_TARGET_TYPE = "ext:slo-opendata"
SLO_URI = "https://opendata.slo.nl/curriculum/uuid/{uuid}"
# A reference node whose publisher gives no identifier (curriculum.nu) carries ours (uuid5 of key and code).
REFERENCE_TARGET_TYPE = "ext:wt-reference"
REFERENCE_URI = "{base}/referentiekaders/knoop/{uuid}"
# The identifiers the publisher deprecated for a node, still used elsewhere (Edurep's mapping of 2019).
EXT_ALIASES = "wtAliasIdentifiers"
# educationLevel: the groep as "groep-N". CASE leaves the vocabulary open (the 1.1 schema
# accepts any string); US-style CEDS grade codes ("01" = US grade 1 = groep 3) would be
# misread by Dutch readers, so we write our own and read both (CEDS_GROEP).
GROEP_LEVEL = "groep-{groep}"
GROEP_PATTERN = re.compile(r"^\s*(?:groep|grp|g)[\s\-_.]*([1-8])(?:\s*[-–]\s*([1-8]))?\s*$", re.IGNORECASE)
CEDS_GROEP = {"PK": 1, "KG": 2, "01": 3, "02": 4, "03": 5, "04": 6, "05": 7, "06": 8}


# --- Small helpers -----------------------------------------------------------------------------------------------


def _timestamp(value: datetime | None) -> str:
    """ISO 8601 / RFC 3339 in UTC, whole seconds (stored datetimes are UTC; SQLite returns them naive)."""
    if value is None:
        value = datetime(2000, 1, 1, tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()
    return value.isoformat()


def association_uuid(origin: str, kind: str, destination: str) -> str:
    """Deterministic: the same link gets the same identifier in every export."""
    return str(uuid.uuid5(CASE_NAMESPACE, f"{origin}|{kind}|{destination}"))


def education_levels(groepen: list[int]) -> list[str]:
    return [GROEP_LEVEL.format(groep=g) for g in groepen]


def groepen_from_levels(values) -> tuple[list[int], list[str]]:
    """Groepen from educationLevel values ("groep-5", "Groep 5-6", CEDS "KG", "03"); and what was not understood."""
    if isinstance(values, str):
        values = [v for v in re.split(r"[,;]", values) if v.strip()]
    groepen, unknown = set(), []
    for value in values or []:
        text = str(value).strip()
        match = GROEP_PATTERN.match(text)
        if match:
            first = int(match.group(1))
            last = int(match.group(2) or first)
            groepen.update(range(min(first, last), max(first, last) + 1))
        elif text.upper() in CEDS_GROEP:
            groepen.add(CEDS_GROEP[text.upper()])
        else:
            unknown.append(text)
    return sorted(groepen), unknown


def package_etag(package: dict) -> str:
    body = json.dumps(package, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()[:32]


# --- Export ------------------------------------------------------------------------------------------------------


def _link(title: str, identifier: str, uri: str) -> dict:
    return {"title": title, "identifier": identifier, "uri": uri}


def _crosswalk_rows(session: Session, goal_ids: list[int]) -> list:
    """(goal_id, relation, node id, node uuid, node code, node title, created, framework key) of the goals'
    crosswalk links: every one (every reference node has an identifier)."""
    if not goal_ids:
        return []
    return list(session.execute(
        select(CrosswalkLink.goal_id, CrosswalkLink.relation, ReferenceNode.id, ReferenceNode.uuid,
               ReferenceNode.code, ReferenceNode.short_title, CrosswalkLink.created_at, ReferenceFramework.key,
               ReferenceFramework.title)
        .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
        .join(ReferenceFramework, ReferenceFramework.id == ReferenceNode.framework_id)
        .where(CrosswalkLink.goal_id.in_(goal_ids), ReferenceNode.uuid.is_not(None))
        .order_by(CrosswalkLink.goal_id, ReferenceNode.code)
    ))


ITEM_TYPES = (  # (title, hierarchyCode, description): the levels of our framework
    (TYPE_DOMAIN, "1", "Een domein van het leerdoelenkader: een groot gebied van wetenschap & technologie of "
                       "digitale geletterdheid."),
    (TYPE_STRAND, "2", "Een leerlijn binnen een domein: leerdoelen die samen opbouwen van groep 1 tot groep 8."),
    (TYPE_GOAL, "3", "Een leerdoel: wat leerlingen in de genoemde groepen leren."),
)
SUBJECTS = ("Wetenschap & technologie", "Digitale geletterdheid")
# The licence of the published framework (one CFLicense in CFDefinitions).
LICENSE_TITLE = "CC BY-SA 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
LICENSE_TEXT = ("Creative Commons Naamsvermelding-GelijkDelen 4.0 Internationaal: je mag het leerdoelenkader delen "
                "en bewerken, ook voor commerciële doeleinden, mits je de bron noemt en je bewerkingen onder "
                "dezelfde licentie deelt. " + LICENSE_URL)
DEFINITION_KINDS = ("CFItemTypes", "CFSubjects", "CFConcepts", "CFLicenses", "CFAssociationGroupings")


def definition_uuid(kind: str, key: str) -> str:
    """Deterministic identifier of a definition (item type, subject, concept, licence, grouping)."""
    return str(uuid.uuid5(CASE_NAMESPACE, f"definition/{kind}/{key}"))


def export_package(session: Session, base_url: str) -> dict:
    """The published framework as a CASE 1.1 CFPackage with its CFDefinitions (six queries whatever its size).

    Vastgesteld and vervallen goals are exported, with the strands and domains that
    hold them; drafts never leave the app. `base_url` (no trailing slash; the public
    address, WT_BASE_URL) makes the URIs resolvable against this app's CASE REST binding.
    """
    base = base_url.rstrip("/") + API_ROOT
    replacement = aliased(Goal)
    goal_rows = list(session.execute(
        select(Goal, replacement.uuid, replacement.title)
        .outerjoin(replacement, replacement.id == Goal.replaced_by_id)
        .where(Goal.status.in_((GoalStatus.PUBLISHED, GoalStatus.RETIRED)))
        .order_by(Goal.position, Goal.id)
    ))
    strand_ids = {goal.strand_id for goal, _, _ in goal_rows}
    strands = [s for s in session.scalars(select(Strand).order_by(Strand.position, Strand.code))
               if s.id in strand_ids]
    domain_ids = {s.domain_id for s in strands}
    domains = [d for d in session.scalars(select(Domain).order_by(Domain.position, Domain.code))
               if d.id in domain_ids]
    release = session.scalar(select(FrameworkRelease).order_by(
        FrameworkRelease.published_on.desc(), FrameworkRelease.id.desc()).limit(1))
    crosswalk = _crosswalk_rows(session, [goal.id for goal, _, _ in goal_rows])
    node_ids = references.node_identifiers(session, {row[2] for row in crosswalk})

    items: list[dict] = []
    associations: list[dict] = []
    changed: list[datetime] = []

    def item_uri(identifier: str) -> str:
        return f"{base}/CFItems/{identifier}"

    def definition_link(kind: str, key: str, title: str) -> dict:
        identifier = definition_uuid(kind, key)
        return _link(title, identifier, f"{base}/{kind}/{identifier}")

    type_links = {title: definition_link("CFItemTypes", title, title) for title, _, _ in ITEM_TYPES}
    subject_links = [definition_link("CFSubjects", title, title) for title in SUBJECTS]
    license_link = definition_link("CFLicenses", LICENSE_TITLE, LICENSE_TITLE)
    groupings: dict[str, dict] = {}  # reference framework key -> grouping link

    document_link = _link(DOCUMENT_TITLE, DOCUMENT_UUID, f"{base}/CFDocuments/{DOCUMENT_UUID}")

    def associate(kind: str, origin: dict, destination: dict, when: datetime, sequence: int | None = None,
                  extensions: dict | None = None, grouping: dict | None = None):
        identifier = association_uuid(origin["identifier"], kind, destination["identifier"])
        association = {
            "identifier": identifier,
            "associationType": kind,
            "uri": f"{base}/CFAssociations/{identifier}",
            "originNodeURI": origin,
            "destinationNodeURI": destination,
            "lastChangeDateTime": _timestamp(when),
        }
        if sequence is not None:
            association["sequenceNumber"] = sequence
        if grouping is not None:
            association["CFAssociationGroupingURI"] = grouping
        if extensions:
            association["extensions"] = extensions
        associations.append(association)

    def add_item(identifier, kind, code, title, description, when, **extra) -> dict:
        item = {
            "identifier": identifier,
            "uri": item_uri(identifier),
            "CFItemType": kind,
            "CFItemTypeURI": type_links[kind],
            "humanCodingScheme": code,
            "fullStatement": title,
            "language": LANGUAGE,
            "licenseURI": license_link,
            "lastChangeDateTime": _timestamp(when),
        }
        if description:
            item["notes"] = description
        item.update({k: v for k, v in extra.items() if v})
        items.append(item)
        changed.append(when)
        return _link(title, identifier, item["uri"])

    domain_links = {}
    for position, domain in enumerate(domains, start=1):
        link = add_item(domain.uuid, TYPE_DOMAIN, domain.code, domain.title, domain.description, domain.updated_at)
        domain_links[domain.id] = link
        associate("isChildOf", link, document_link, domain.updated_at, position)
    strand_links = {}
    strand_positions: Counter = Counter()
    for strand in strands:
        strand_positions[strand.domain_id] += 1
        link = add_item(strand.uuid, TYPE_STRAND, strand.code, strand.title, strand.description, strand.updated_at,
                        extensions={EXT_SOURCE: strand.source_code} if strand.source_code else None)
        strand_links[strand.id] = link
        associate("isChildOf", link, domain_links[strand.domain_id], strand.updated_at,
                  strand_positions[strand.domain_id])
    goal_links = {}
    goal_positions: Counter = Counter()
    keywords: dict[str, str] = {}
    for goal, _, _ in goal_rows:
        extensions = {EXT_STATUS: goal.status}
        if goal.source_code:
            extensions[EXT_SOURCE] = goal.source_code
        for word in goal.keyword_list:
            keywords.setdefault(word.lower(), word)
        link = add_item(
            goal.uuid, TYPE_GOAL, goal.code, goal.title, goal.description, goal.updated_at,
            educationLevel=education_levels(goal.groepen), conceptKeywords=goal.keyword_list,
            statusStartDate=_day(goal.published_at),
            statusEndDate=_day(goal.retired_at) if goal.status == GoalStatus.RETIRED else None,
            extensions=extensions,
        )
        goal_links[goal.id] = link
    # Goals in their strands' order, so that sequence numbers follow the framework.
    strand_order = {s.id: n for n, s in enumerate(strands)}
    for goal, _, _ in sorted(goal_rows, key=lambda row: (strand_order[row[0].strand_id], row[0].position, row[0].id)):
        goal_positions[goal.strand_id] += 1
        associate("isChildOf", goal_links[goal.id], strand_links[goal.strand_id], goal.updated_at,
                  goal_positions[goal.strand_id])
    for goal, replacement_uuid, replacement_title in goal_rows:
        if goal.status == GoalStatus.RETIRED and replacement_uuid:
            destination = _link(replacement_title, replacement_uuid, item_uri(replacement_uuid))
            associate("replacedBy", goal_links[goal.id], destination, goal.retired_at or goal.updated_at)
    for goal_id, relation, node_id, node_uuid, node_code, node_title, created_at, key, framework_title in crosswalk:
        title = f"{node_code} {node_title}".strip()
        if references.is_derived_uuid(key, node_code, node_uuid):  # our identifier: the publisher has none
            destination = {**_link(title, node_uuid, REFERENCE_URI.format(base=base_url.rstrip("/"), uuid=node_uuid)),
                           "targetType": REFERENCE_TARGET_TYPE}
        else:
            destination = {**_link(title, node_uuid, SLO_URI.format(uuid=node_uuid)), "targetType": SLO_TARGET_TYPE}
        if key not in groupings:
            groupings[key] = definition_link("CFAssociationGroupings", key, f"Kruistabel: {framework_title}")
        aliases = node_ids[node_id].aliases
        associate(relation, goal_links[goal_id], destination, created_at, grouping=groupings[key],
                  extensions={EXT_ALIASES: list(aliases)} if aliases else None)

    # Items in tree order: domains, then strands, then goals, as built above.
    last_change = max(changed) if changed else None
    stamp = _timestamp(last_change)
    document = {
        "identifier": DOCUMENT_UUID,
        "uri": document_link["uri"],
        "caseVersion": "1.1",
        "creator": CREATOR,
        "publisher": CREATOR,
        "title": DOCUMENT_TITLE,
        "description": DOCUMENT_DESCRIPTION,
        "language": LANGUAGE,
        "subject": list(SUBJECTS),
        "subjectURI": subject_links,
        "licenseURI": license_link,
        "adoptionStatus": "Adopted" if release else "Draft",
        "lastChangeDateTime": stamp,
    }
    if release:
        document["version"] = release.version
        document["statusStartDate"] = _day(release.published_on)
    definitions = {
        "CFItemTypes": [{**type_links[title], "description": description, "hierarchyCode": code,
                         "typeCode": title.lower(), "lastChangeDateTime": stamp}
                        for title, code, description in ITEM_TYPES],
        "CFSubjects": [{**link, "hierarchyCode": str(n), "lastChangeDateTime": stamp}
                       for n, link in enumerate(subject_links, start=1)],
        "CFConcepts": [{**definition_link("CFConcepts", lower, word), "keywords": word, "hierarchyCode": "1",
                        "lastChangeDateTime": stamp} for lower, word in sorted(keywords.items())],
        "CFLicenses": [{**license_link, "description": LICENSE_URL, "licenseText": LICENSE_TEXT,
                        "lastChangeDateTime": stamp}],
        "CFAssociationGroupings": [{**link, "description": "Hoe leerdoelen aansluiten op dit referentiekader.",
                                    "lastChangeDateTime": stamp} for link in groupings.values()],
    }
    return {"CFDocument": document, "CFItems": items, "CFAssociations": associations, "CFDefinitions": definitions}


def last_change_of(package: dict) -> datetime | None:
    """The document's lastChangeDateTime (None when a foreign package gives none we can read)."""
    value = (package.get("CFDocument") or {}).get("lastChangeDateTime")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- Import ------------------------------------------------------------------------------------------------------


class CaseImportError(DomainError):
    """The package cannot be imported consistently; nothing of it is written."""

    status_code = 400


@dataclass
class ImportReport:
    """What an import did, in no language: items as (kind, *values), notes as (key, parameters). The pages say it
    in the reader's language (case/report_text.py); lines() is the command line's English."""
    # ("domain", "MN"), ("strand", "MN.1"), ("goal", "MN.1.1"), ("release", "2024.1");
    # updated also ("crosswalk", goal code, relation, node uuid)
    created: list[tuple[str, ...]] = field(default_factory=list)
    updated: list[tuple[str, ...]] = field(default_factory=list)
    unchanged: int = 0
    # What was ignored, flattened, renamed or could not be placed: ("ignored_package_field", {"key": "x"}); the
    # counted ones carry "num" (report_text.NOTES has every key).
    notes: list[tuple[str, dict]] = field(default_factory=list)
    case_version: str = "1.0"

    def note(self, key: str, /, **params) -> None:
        self.notes.append((key, params))

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)

    def entries(self) -> dict:
        """The report as JSON values (what a pending change keeps, and compares when it is approved)."""
        return {"case_version": self.case_version, "created": [list(item) for item in self.created],
                "updated": [list(item) for item in self.updated], "unchanged": self.unchanged,
                "notes": [[key, dict(params)] for key, params in self.notes]}

    def lines(self) -> list[str]:
        """In English, for the command line (and as pending changes stored before the neutral entries kept it)."""
        with force_locale("en"):
            return import_report_lines(self.entries())


DOCUMENT_FIELDS = {"identifier", "uri", "frameworkType", "caseVersion", "creator", "title", "lastChangeDateTime",
                   "officialSourceURL", "publisher", "description", "subject", "subjectURI", "language", "version",
                   "adoptionStatus", "statusStartDate", "statusEndDate", "licenseURI", "notes", "extensions"}
ITEM_FIELDS = {"identifier", "fullStatement", "alternativeLabel", "CFItemType", "uri", "humanCodingScheme",
               "listEnumeration", "abbreviatedStatement", "conceptKeywords", "conceptKeywordsURI", "notes",
               "subject", "subjectURI", "language", "educationLevel", "CFItemTypeURI", "licenseURI",
               "statusStartDate", "statusEndDate", "lastChangeDateTime", "extensions"}
# Fields we read; the others of ITEM_FIELDS are valid CASE but have no place in our model.
ITEM_FIELDS_USED = {"identifier", "fullStatement", "abbreviatedStatement", "CFItemType", "uri", "humanCodingScheme",
                    "conceptKeywords", "notes", "educationLevel", "statusStartDate", "statusEndDate",
                    "lastChangeDateTime", "extensions", "language", "listEnumeration", "CFItemTypeURI", "licenseURI"}
ASSOCIATION_FIELDS = {"identifier", "associationType", "sequenceNumber", "uri", "originNodeURI",
                      "destinationNodeURI", "CFAssociationGroupingURI", "lastChangeDateTime", "notes", "extensions"}
CROSSWALK_TYPES = ("exactMatchOf", "isPartOf", "isRelatedTo")
DRAFT_ADOPTION = {"draft", "private draft", "concept"}
DOMAIN_CODE = re.compile(r"[A-Z]{2,4}")
MAX_TITLE, MAX_DESCRIPTION, MAX_KEYWORDS = 200, 5000, 500
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass
class _Node:
    identifier: str  # our uuid for it
    raw: dict
    kind: str = ""
    parent: str | None = None  # identifier of the parent item, or DOCUMENT
    sequence: tuple = (0, 0)
    children: list[str] = field(default_factory=list)
    depth: int = 0


DOCUMENT = "<document>"


def _identifier(value, report_counter: Counter) -> str | None:
    """Our uuid for a CASE identifier: itself when it is a UUID, else a stable uuid5 of it."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower()
    if UUID_TEXT.match(text):
        return text
    report_counter[("non_uuid_identifiers", ())] += 1
    return str(uuid.uuid5(CASE_NAMESPACE, value.strip()))


def _node_identifier(link, report_counter: Counter) -> str | None:
    if isinstance(link, dict):
        return _identifier(link.get("identifier"), report_counter)
    if isinstance(link, str):  # some 1.0 exports give just the URI; its last segment is the identifier
        return _identifier(link.rstrip("/").rsplit("/", 1)[-1], report_counter)
    return None


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def read_package_file(path: Path, max_bytes: int = 50 * 1024 * 1024) -> dict:
    """The JSON of a CASE package file; CaseImportError with a clear message when it cannot be one."""
    size = path.stat().st_size
    if size > max_bytes:
        raise CaseImportError(f"{path.name} is {size / 1024 / 1024:.0f} MB; a CASE package may be at most "
                              f"{max_bytes // 1024 // 1024} MB.")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise CaseImportError(f"{path.name} is not a text file (UTF-8 JSON expected).") from None
    except json.JSONDecodeError as error:
        raise CaseImportError(f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: "
                              f"{error.msg}).") from None
    except RecursionError:
        raise CaseImportError(f"{path.name} is nested too deeply to be a CASE package.") from None
    _check_values(data, path.name)
    return data


MAX_DEPTH = 32  # a CFPackage is a few levels deep; anything deeper is not one


def _check_values(data, name: str) -> None:
    """No NUL character in any text (no database may store it) and no absurd nesting, anywhere in the JSON."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise CaseImportError(f"{name} is nested more than {MAX_DEPTH} levels deep; a CASE package is not.")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and "\x00" in value:
            raise CaseImportError(f"{name} holds a NUL character (\\u0000) in a text: {value[:60]!r}. "
                                  "Remove it and import again.")


def import_package(session: Session, data, editor) -> "ImportReport":
    """Create or update the framework from a CASE 1.0 or 1.1 CFPackage, matched by identifier (uuid).

    Top-level items under the document become domains, their children strands, and
    every deeper item a goal of its strand (items below level 3 are flattened into
    their strand, each with a note). Writes go through the objectives services, so
    goals get revisions. Raises CaseImportError (or the services' ValidationError)
    when the package cannot be imported consistently: the caller then rolls back and
    nothing is written. Importing the same package twice changes nothing the second time.
    """
    return _Importer(session, editor).run(data)


class _Importer:
    def __init__(self, session: Session, editor):
        self.session = session
        self.editor = editor
        self.report = ImportReport()
        self.counts: Counter = Counter()  # notes said once with a number: (key, sorted parameters) -> n

    def _count(self, key: str, /, **params) -> None:
        self.counts[(key, tuple(sorted(params.items())))] += 1

    # -- reading and checking the package --

    def run(self, data) -> ImportReport:
        if not isinstance(data, dict) or not isinstance(data.get("CFDocument"), dict):
            raise CaseImportError("This is not a CASE CFPackage: it has no CFDocument object.")
        items = data.get("CFItems")
        items = [] if items is None else items
        associations = data.get("CFAssociations")
        associations = [] if associations is None else associations
        if not isinstance(items, list) or not isinstance(associations, list):
            raise CaseImportError("This is not a CASE CFPackage: CFItems and CFAssociations must be lists.")
        document = data["CFDocument"]
        self.report.case_version = "1.1" if document.get("caseVersion") == "1.1" else "1.0"
        for key in sorted(set(data) - {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions", "CFRubrics",
                                       "extensions"}):
            self.report.note("ignored_package_field", key=key)
        if data.get("CFRubrics"):
            self.report.note("ignored_rubrics")
        for key in sorted(set(document) - DOCUMENT_FIELDS):
            self.report.note("ignored_document_field", key=key)
        self.document_ids = {DOCUMENT}
        doc_id = _identifier(document.get("identifier"), self.counts)
        if doc_id:
            self.document_ids.add(doc_id)
        self.draft_document = _text(document.get("adoptionStatus")).lower() in DRAFT_ADOPTION

        nodes = self._read_items(items)
        self._read_associations(associations, nodes)
        placed = self._place(nodes)
        self._write(placed, nodes, document)
        for (key, params), n in sorted(self.counts.items()):
            self.report.note(key, **dict(params), num=n)
        return self.report

    def _read_items(self, items: list) -> dict[str, _Node]:
        nodes: dict[str, _Node] = {}
        for index, raw in enumerate(items):
            if not isinstance(raw, dict):
                raise CaseImportError(f"CFItems[{index}] is not an object.")
            identifier = _identifier(raw.get("identifier"), self.counts)
            if identifier is None:
                self.report.note("item_without_identifier", index=index)
                continue
            if identifier in nodes:
                raise CaseImportError(f"Item {raw.get('identifier')} occurs twice in CFItems.")
            if not _text(raw.get("fullStatement")) and not _text(raw.get("abbreviatedStatement")):
                raise CaseImportError(f"Item {raw.get('identifier')} has no fullStatement.")
            for key in raw:
                if key == "educationalLevel":
                    self._count("misspelt_education_level")
                elif key not in ITEM_FIELDS:
                    self._count("unknown_item_field", key=key)
                elif key not in ITEM_FIELDS_USED:
                    self._count("unused_item_field", key=key)
            kind = _text(raw.get("CFItemType"))
            if kind not in OUR_TYPES:
                self._count("unknown_item_type", type=kind)
            nodes[identifier] = _Node(identifier, raw, kind, sequence=(10**9, index))
        return nodes

    def _read_associations(self, associations: list, nodes: dict[str, _Node]) -> None:
        self.replacements: list[tuple[str, str]] = []
        self.crosswalk: list[tuple[str, str, str]] = []
        parents: dict[str, list[tuple[tuple, str]]] = defaultdict(list)
        for index, raw in enumerate(associations):
            if not isinstance(raw, dict):
                raise CaseImportError(f"CFAssociations[{index}] is not an object.")
            for key in raw:
                if key not in ASSOCIATION_FIELDS:
                    self._count("unknown_association_field", key=key)
            kind = _text(raw.get("associationType"))
            origin = _node_identifier(raw.get("originNodeURI"), self.counts)
            destination = _node_identifier(raw.get("destinationNodeURI"), self.counts)
            if origin is None or destination is None:
                self._count("association_without_ends")
                continue
            sequence = raw.get("sequenceNumber")
            sequence = (sequence if isinstance(sequence, int) else 10**9, index)
            if kind == "isChildOf":
                if origin not in nodes:
                    self._count("child_of_item_outside")
                elif destination in self.document_ids:
                    parents[origin].append((sequence, DOCUMENT))
                elif destination in nodes:
                    parents[origin].append((sequence, destination))
                else:
                    self._count("child_of_parent_outside")
            elif kind == "replacedBy":
                if origin in nodes:
                    self.replacements.append((origin, destination))
                else:
                    self._count("replacement_of_item_outside")
            elif kind in CROSSWALK_TYPES and origin in nodes and destination not in nodes \
                    and destination not in self.document_ids:
                self.crosswalk.append((origin, kind, destination))
            else:
                self._count("unused_association", kind=kind)
        for identifier, options in parents.items():
            options.sort()
            node = nodes[identifier]
            node.sequence, node.parent = options[0]
            if len({parent for _, parent in options}) > 1:
                self.report.note("several_parents", item=self._label(node), num=len(options))
        self._refuse_cycles(nodes)

    def _refuse_cycles(self, nodes: dict[str, _Node]) -> None:
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        for start in nodes:
            path = []
            current = start
            while current is not None and current != DOCUMENT and state.get(current) != 2:
                if state.get(current) == 1:
                    cycle = path[path.index(current):] + [current]
                    labels = " -> ".join(self._label(nodes[i]) for i in cycle)
                    raise CaseImportError(f"The isChildOf associations form a cycle ({labels}).")
                state[current] = 1
                path.append(current)
                current = nodes[current].parent
            for identifier in path:
                state[identifier] = 2

    @staticmethod
    def _label(node: _Node) -> str:
        code = _text(node.raw.get("humanCodingScheme"))
        return code or node.identifier

    def _place(self, nodes: dict[str, _Node]) -> list[_Node]:
        """Domains, strands and goals in tree order (depth 1, 2 and 3+); notes for what cannot be placed."""
        roots = [n for n in nodes.values() if n.parent == DOCUMENT]
        if not roots:
            roots = [n for n in nodes.values() if n.parent is None]
            if roots:
                self.report.note("no_item_under_document")
            for node in roots:
                node.parent = DOCUMENT
        for node in nodes.values():
            if node.parent not in (None, DOCUMENT):
                nodes[node.parent].children.append(node.identifier)
        for node in nodes.values():
            node.children.sort(key=lambda i: nodes[i].sequence)
        placed: list[_Node] = []

        def walk(node: _Node, depth: int, strand: _Node | None):
            node.depth = depth
            placed.append(node)
            expected = {1: TYPE_DOMAIN, 2: TYPE_STRAND}.get(depth, TYPE_GOAL)
            if node.kind in OUR_TYPES and node.kind != expected:
                self.report.note("item_of_other_type", item=self._label(node), type=node.kind, expected=expected)
            if depth > 3:
                self.report.note("item_flattened", item=self._label(node), depth=depth, strand=self._label(strand))
            for child in node.children:
                walk(nodes[child], depth + 1, node if depth == 2 else strand)

        for root in sorted(roots, key=lambda n: n.sequence):
            walk(root, 1, None)
        unplaced = [n for n in nodes.values() if n.depth == 0]
        for node in unplaced:
            self.report.note("item_not_placed", item=self._label(node))
        return placed

    # -- writing --

    def _write(self, placed: list[_Node], nodes: dict[str, _Node], document: dict) -> None:
        session = self.session
        self.domains = {d.uuid: d for d in session.scalars(select(Domain))}
        self.strands = {s.uuid: s for s in session.scalars(select(Strand))}
        self.goals = {g.uuid: g for g in session.scalars(select(Goal))}
        self.codes = {
            "domain": {d.code for d in self.domains.values()},
            "strand": {s.code for s in self.strands.values()},
            "goal": {g.code for g in self.goals.values()},
        }
        # Codes the package asks for: a generated code never takes one of them.
        self.reserved = {_text(n.raw.get("humanCodingScheme")) for n in placed}
        statuses: dict[str, str] = {}
        record = {}
        try:
            for node in placed:
                if node.depth == 1:
                    record[node.identifier] = self._domain(node, objectives)
                elif node.depth == 2:
                    record[node.identifier] = self._strand(node, record[node.parent], objectives)
                else:
                    strand_node = node
                    while strand_node.depth > 2:
                        strand_node = nodes[strand_node.parent]
                    goal, status = self._goal(node, record[strand_node.identifier], objectives)
                    record[node.identifier] = goal
                    statuses[node.identifier] = status
            self._statuses(statuses, record, objectives)
            self._crosswalk(record)
            self._release(document, objectives)
        except ValidationError as error:
            raise CaseImportError(f"{error.message} ({getattr(self, 'current', '')})") from None

    def _unique_code(self, kind: str, wanted: str, fits: bool, fallback) -> str:
        taken = self.codes[kind]
        if fits and wanted not in taken:
            taken.add(wanted)
            return wanted
        for candidate in fallback():
            if candidate not in taken and candidate not in self.reserved:
                taken.add(candidate)
                return candidate
        raise CaseImportError(f"No free code for {wanted}.")

    def _texts(self, node: _Node) -> tuple[str, str]:
        """Title and description from fullStatement, abbreviatedStatement and notes, within our limits."""
        full = _text(node.raw.get("fullStatement"))
        short = _text(node.raw.get("abbreviatedStatement"))
        notes = _text(node.raw.get("notes"))
        title, description = full or short, notes
        if len(title) > MAX_TITLE:
            title = short if short and len(short) <= MAX_TITLE else title[:MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"
            description = "\n\n".join(p for p in (full, notes) if p)
            self._count("long_statement_shortened")
        if len(description) > MAX_DESCRIPTION:
            description = description[:MAX_DESCRIPTION]
            self._count("description_cut", max=MAX_DESCRIPTION)
        return title, description

    def _domain(self, node: _Node, objectives) -> Domain:
        self.current = self._label(node)
        title, description = self._texts(node)
        wanted = _text(node.raw.get("humanCodingScheme"))
        existing = self.domains.get(node.identifier)
        if existing is not None and (wanted == existing.code or not DOMAIN_CODE.fullmatch(wanted)):
            code = existing.code
        else:
            if existing is not None:
                self.codes["domain"].discard(existing.code)

            def fallback():
                letters = "".join(c for c in wanted.upper() if "A" <= c <= "Z")
                initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", title)).upper()
                for base in (letters[:4], letters[:2], initials[:4], initials[:2]):
                    if len(base) >= 2:
                        yield base
                for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
                    for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
                        yield f"D{a}{b}"

            code = self._unique_code("domain", wanted, bool(DOMAIN_CODE.fullmatch(wanted)), fallback)
        if code != wanted:
            self.report.note("domain_code", name=wanted or title, code=code)
        data = objectives.DomainData(code, title, description)
        if existing is None:
            domain = objectives.create_domain(self.session, data, self.editor)
            domain.uuid = node.identifier
            self.session.flush()
            self.report.created.append(("domain", code))
            return domain
        if (existing.code, existing.title, existing.description) == (code, title, description):
            self.report.unchanged += 1
            return existing
        objectives.update_domain(self.session, existing, data, self.editor)
        self.report.updated.append(("domain", code))
        return existing

    def _child_code(self, kind: str, parent_code: str, wanted: str, existing_code: str | None) -> str:
        pattern = re.compile(re.escape(parent_code) + r"\.[1-9]\d{0,2}")
        if existing_code is not None and (wanted == existing_code or not pattern.fullmatch(wanted)) \
                and pattern.fullmatch(existing_code):
            return existing_code
        if existing_code is not None:
            self.codes[kind].discard(existing_code)

        def fallback():
            for n in range(1, 1000):
                yield f"{parent_code}.{n}"

        code = self._unique_code(kind, wanted, bool(pattern.fullmatch(wanted)), fallback)
        if code != wanted:
            self.report.note("strand_code" if kind == "strand" else "goal_code", wanted=wanted, code=code)
        return code

    def _source(self, node: _Node) -> str:
        extensions = node.raw.get("extensions")
        value = extensions.get(EXT_SOURCE) if isinstance(extensions, dict) else None
        value = _text(value)
        return value if re.fullmatch(r"[A-Za-z0-9.\-]{0,20}", value) else ""

    def _strand(self, node: _Node, domain: Domain, objectives) -> Strand:
        self.current = self._label(node)
        title, description = self._texts(node)
        existing = self.strands.get(node.identifier)
        code = self._child_code("strand", domain.code, _text(node.raw.get("humanCodingScheme")),
                                existing.code if existing is not None else None)
        source = self._source(node) if existing is None or EXT_SOURCE in (node.raw.get("extensions") or {}) \
            else existing.source_code
        data = objectives.StrandData(code, domain.id, title, description, source)
        if not node.children:
            self.report.note("strand_without_goals", code=code)
        if existing is None:
            strand = objectives.create_strand(self.session, data, self.editor)
            strand.uuid = node.identifier
            self.session.flush()
            self.report.created.append(("strand", code))
            return strand
        current = (existing.code, existing.domain_id, existing.title, existing.description, existing.source_code)
        if current == (code, domain.id, title, description, source):
            self.report.unchanged += 1
            return existing
        objectives.update_strand(self.session, existing, data, self.editor)
        self.report.updated.append(("strand", code))
        return existing

    def _goal_status(self, node: _Node) -> str:
        extensions = node.raw.get("extensions")
        status = extensions.get(EXT_STATUS) if isinstance(extensions, dict) else None
        if status in set(GoalStatus):
            return status
        end = _text(node.raw.get("statusEndDate"))[:10]
        if end:
            try:
                if date.fromisoformat(end) <= date.today():
                    return GoalStatus.RETIRED
            except ValueError:
                self._count("status_end_not_a_date")
        return GoalStatus.DRAFT if self.draft_document else GoalStatus.PUBLISHED

    def _goal(self, node: _Node, strand: Strand, objectives) -> tuple[Goal, str]:
        self.current = self._label(node)
        raw = node.raw
        title, description = self._texts(node)
        existing = self.goals.get(node.identifier)
        code = self._child_code("goal", strand.code, _text(raw.get("humanCodingScheme")),
                                existing.code if existing is not None else None)
        levels = raw.get("educationLevel", raw.get("educationalLevel"))
        groepen, unknown = groepen_from_levels(levels)
        for value in unknown:
            self._count("education_level_ignored", value=value)
        if not groepen:
            if existing is not None:
                groepen = from_mask(existing.groepen_mask)
            else:
                groepen = list(ALL_GROEPEN)
                self._count("goal_without_groepen")
        keywords = raw.get("conceptKeywords") or []
        if isinstance(keywords, str):
            keywords = [keywords]
        words, total = [], 0
        for word in (_text(k).replace(",", " ") for k in keywords if isinstance(k, str)):
            if word and total + len(word) + 2 <= MAX_KEYWORDS:
                words.append(word)
                total += len(word) + 2
            elif word:
                self._count("keyword_left_out", max=MAX_KEYWORDS)
        source = self._source(node) if existing is None or EXT_SOURCE in (raw.get("extensions") or {}) \
            else existing.source_code
        data = objectives.GoalData(code, strand.domain_id, strand.id, title, description, groepen,
                                   ", ".join(words), source)
        status = self._goal_status(node)
        if existing is None:
            goal = objectives.create_goal(self.session, data, self.editor, "CASE import")
            goal.uuid = node.identifier
            self.session.flush()
            self.goals[goal.uuid] = goal
            self.report.created.append(("goal", code))
            return goal, status
        if existing.status != GoalStatus.DRAFT and (code != existing.code or strand.id != existing.strand_id):
            raise CaseImportError(
                f"Goal {existing.code} is {existing.status}: its code and strand never change, but the package "
                f"puts it at {code}.")
        version = existing.version
        objectives.update_goal(self.session, existing, data, self.editor, "CASE import", existing.version)
        if existing.version != version:
            self.report.updated.append(("goal", code))
        else:
            self.report.unchanged += 1
        return existing, status

    def _statuses(self, statuses: dict[str, str], record: dict, objectives) -> None:
        """Publish, then retire (a goal before the goal that replaces it), as the package says."""
        replaced_by: dict[str, str] = {}
        for origin, destination in self.replacements:
            if statuses.get(origin) != GoalStatus.RETIRED:
                self._count("replacement_of_goal_not_retired")
            elif destination not in self.goals:
                self._count("replacement_unknown")
            else:
                replaced_by[origin] = destination
        for identifier, status in statuses.items():
            goal = record[identifier]
            if status in (GoalStatus.PUBLISHED, GoalStatus.RETIRED) and goal.status == GoalStatus.DRAFT:
                self.current = goal.code
                objectives.publish_goal(self.session, goal, self.editor, "CASE import")
                self._mark_updated(goal)
            elif status == GoalStatus.DRAFT and goal.status != GoalStatus.DRAFT:
                self.report.note("goal_not_draft_again", code=goal.code, status=str(goal.status))
            elif status == GoalStatus.PUBLISHED and goal.status == GoalStatus.RETIRED:
                self.report.note("goal_not_published_again", code=goal.code)
        to_retire = [i for i, s in statuses.items() if s == GoalStatus.RETIRED
                     and record[i].status == GoalStatus.PUBLISHED]
        for identifier in self._retire_order(to_retire, replaced_by):
            goal = record[identifier]
            replacement = self.goals.get(replaced_by.get(identifier, ""))
            code = None
            if replacement is not None:
                if replacement.status == GoalStatus.PUBLISHED:
                    code = replacement.code
                else:
                    self.report.note("retired_without_replacement", code=goal.code, replacement=replacement.code)
            self.current = goal.code
            objectives.retire_goal(self.session, goal, self.editor, "CASE import", code)
            self._mark_updated(goal)
        for identifier, destination in replaced_by.items():
            goal, replacement = record[identifier], self.goals[destination]
            if identifier not in to_retire and goal.replaced_by_id != replacement.id:
                self.report.note("already_retired", code=goal.code)

    def _mark_updated(self, goal: Goal) -> None:
        item = ("goal", goal.code)
        if item not in self.report.created and item not in self.report.updated:
            self.report.updated.append(item)
            self.report.unchanged -= 1

    def _retire_order(self, to_retire: list[str], replaced_by: dict[str, str]) -> list[str]:
        """A goal is retired before the goal that replaces it (which must still be published then)."""
        pending, order, seen = set(to_retire), [], set()

        def visit(identifier, path):
            if identifier in seen:
                return
            if identifier in path:
                raise CaseImportError("The replacedBy associations form a cycle.")
            path.add(identifier)
            # The goals this one replaces are retired first, while it is still published.
            for origin, destination in replaced_by.items():
                if destination == identifier and origin in pending:
                    visit(origin, path)
            path.discard(identifier)
            seen.add(identifier)
            order.append(identifier)

        for identifier in to_retire:
            visit(identifier, set())
        return order

    def _crosswalk(self, record: dict) -> None:
        if not self.crosswalk:
            return
        owners = references.resolve_uuids(self.session, {d for _, _, d in self.crosswalk})  # current ids and aliases
        found = {node_id: (node_id, key, retired) for node_id, key, retired in self.session.execute(
            select(ReferenceNode.id, ReferenceFramework.key, ReferenceFramework.retired)
            .join(ReferenceFramework, ReferenceFramework.id == ReferenceNode.framework_id)
            .where(ReferenceNode.id.in_(set(owners.values()))))}
        nodes = {identifier: found[node_id] for identifier, node_id in owners.items()}
        existing = set(self.session.execute(select(CrosswalkLink.goal_id, CrosswalkLink.node_id)).tuples())
        for origin, kind, destination in self.crosswalk:
            goal = record.get(origin)
            if not isinstance(goal, Goal):
                self._count("crosswalk_of_domain_or_strand", relation=kind)
                continue
            found = nodes.get(destination)
            if found is None:
                self._count("crosswalk_to_unknown_node", relation=kind)
                continue
            node_id, key, retired = found
            if (goal.id, node_id) in existing:
                continue
            if retired:
                self._count("crosswalk_to_retired_framework", relation=kind)
                continue
            self.current = goal.code
            references.add_link(self.session, goal, key, destination, kind, self.editor)
            existing.add((goal.id, node_id))
            self.report.updated.append(("crosswalk", goal.code, kind, destination))

    def _release(self, document: dict, objectives) -> None:
        version = _text(document.get("version"))
        if not version:
            return
        if not re.fullmatch(r"\d{4}\.\d{1,3}", version) or self.draft_document:
            self.report.note("version_not_recorded", version=version)
            return
        if self.session.scalar(select(FrameworkRelease.id).where(FrameworkRelease.version == version)) is not None:
            return
        try:
            published_on = date.fromisoformat(_text(document.get("statusStartDate"))[:10])
        except ValueError:
            published_on = date.today()
        self.current = f"version {version}"
        objectives.publish_release(self.session, version, published_on, "CASE import", self.editor)
        self.report.created.append(("release", version))
