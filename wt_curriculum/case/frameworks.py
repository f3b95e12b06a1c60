"""Frameworks other CASE systems publish, kept whole as reference frameworks.

The package is stored as it came (every field of the document, the items, the associations with their own
identifiers and types, CFDefinitions, CFRubrics, extensions), so exporting it gives back exactly what was
imported. Its items become the framework's reference nodes, at any depth, for the tree and the crosswalk:
the parent is the item's isChildOf destination, siblings are ordered by the association's sequenceNumber and
then by the natural order of humanCodingScheme (L1.2 before L1.10). The document's status is kept (Draft,
Adopted, Deprecated...); a Deprecated document's framework is retired (no new crosswalk links).
"""
import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import requests
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..objectives.models import Domain
from ..references import services as references
from ..references.models import CrosswalkLink, ReferenceFramework, ReferenceFrameworkVersion, ReferenceNode
from .addresses import check_address
from .report_text import reference_report_lines
from .services import CASE_NAMESPACE, DOCUMENT_UUID, UUID_TEXT, CaseImportError

MAX_CODE, MAX_KIND, MAX_TITLE = 40, 20, 200


@dataclass
class ReferenceReport:
    key: str
    title: str
    created: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # items no longer in the package (kept, marked deprecated)
    flagged: list[str] = field(default_factory=list)  # crosswalk links to nodes that changed or left
    # The same, for pages in the reader's language: (reason "changed" | "replaced" | "left", node, replacement).
    flags: list[tuple[str, str, str]] = field(default_factory=list)
    unchanged: int = 0

    def lines(self) -> list[str]:
        verb = "added" if self.created else "updated"
        out = [f"Reference framework {self.key} ({self.title}) {verb}: {len(self.added)} items added, "
               f"{len(self.changed)} changed, {len(self.removed)} no longer in the package, {self.unchanged} "
               f"unchanged."]
        out += [f"  added: {line}" for line in self.added[:50]]
        out += [f"  changed: {line}" for line in self.changed]
        out += [f"  no longer in the package: {line}" for line in self.removed]
        out += [f"  needs an editor: {line}" for line in self.flagged]
        return out


def natural_key(code: str) -> tuple:
    """L1.2 before L1.10: digits compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", code or "") if part)


def _uuid(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower()
    return text if UUID_TEXT.match(text) else str(uuid.uuid5(CASE_NAMESPACE, value.strip()))


def _target(link) -> str | None:
    if isinstance(link, dict):
        return _uuid(link.get("identifier"))
    if isinstance(link, str):
        return _uuid(link.rstrip("/").rsplit("/", 1)[-1])
    return None


def is_ours(session: Session, data: dict) -> bool:
    """Whether `flask case import` should restore our own framework: the package's document is ours, or nothing
    of ours exists yet and the package is no reference framework we already keep."""
    document = data.get("CFDocument") if isinstance(data, dict) else None
    identifier = _uuid(document.get("identifier")) if isinstance(document, dict) else None
    if identifier == DOCUMENT_UUID:
        return True
    if identifier and session.scalar(select(ReferenceFramework.id).where(
            ReferenceFramework.case_identifier == identifier)) is not None:
        return False
    return session.scalar(select(Domain.id).limit(1)) is None


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def import_reference_package(session: Session, data) -> ReferenceReport:
    """Add or update the reference framework of a foreign CASE package, kept whole; flush, never commit.
    CaseImportError (nothing written) when it cannot be a package or its tree is inconsistent."""
    if not isinstance(data, dict) or not isinstance(data.get("CFDocument"), dict):
        raise CaseImportError("This is not a CASE CFPackage: it has no CFDocument object.")
    document = data["CFDocument"]
    identifier = _uuid(document.get("identifier"))
    if identifier is None:
        raise CaseImportError("The CFDocument has no identifier.")
    items = data.get("CFItems") or []
    associations = data.get("CFAssociations") or []
    if not isinstance(items, list) or not isinstance(associations, list):
        raise CaseImportError("This is not a CASE CFPackage: CFItems and CFAssociations must be lists.")
    nodes: dict[str, dict] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise CaseImportError(f"CFItems[{index}] is not an object.")
        item_id = _uuid(item.get("identifier"))
        if item_id is None:
            raise CaseImportError(f"CFItems[{index}] has no identifier.")
        if item_id in nodes:
            raise CaseImportError(f"Item {item.get('identifier')} occurs twice in CFItems.")
        nodes[item_id] = item
    parents: dict[str, tuple] = {}  # item -> (sequence, destination)
    for index, association in enumerate(associations):
        if not isinstance(association, dict):
            raise CaseImportError(f"CFAssociations[{index}] is not an object.")
        if association.get("associationType") != "isChildOf":
            continue
        origin, destination = _target(association.get("originNodeURI")), _target(association.get("destinationNodeURI"))
        if origin not in nodes or (destination not in nodes and destination != identifier):
            continue
        sequence = association.get("sequenceNumber")
        sequence = sequence if isinstance(sequence, int) and not isinstance(sequence, bool) else None
        if origin not in parents or (sequence is not None and parents[origin][0] is None):
            parents[origin] = (sequence, None if destination == identifier else destination)
    # Every chain of parents must end at the document.
    for item_id in nodes:
        seen, current = set(), item_id
        while current is not None:
            if current in seen:
                raise CaseImportError(f"The isChildOf associations of item {nodes[item_id].get('identifier')} "
                                      f"form a cycle.")
            seen.add(current)
            current = parents.get(current, (None, None))[1]

    framework = session.scalar(select(ReferenceFramework).where(ReferenceFramework.case_identifier == identifier))
    created = framework is None
    if created:
        key = f"case-{identifier[:13]}"
        if session.scalar(select(ReferenceFramework.id).where(ReferenceFramework.key == key)) is not None:
            key = f"case-{identifier[:24]}"
        framework = ReferenceFramework(key=key, case_identifier=identifier, phase_system="",
                                       position=1000)
        session.add(framework)
    status = _text(document.get("adoptionStatus")) or "Draft"
    framework.title = (_text(document.get("title")) or identifier)[:200]
    framework.publisher = (_text(document.get("publisher")) or _text(document.get("creator")))[:100]
    framework.version = _text(document.get("version"))[:30]
    framework.status = status[:20]
    framework.retired = status.lower() == "deprecated"
    framework.case_package = json.dumps(data, ensure_ascii=False)
    session.flush()
    report = ReferenceReport(framework.key, framework.title, created)

    # The uuid of a node is unique over every framework: refuse items that belong to another one.
    existing = {n.uuid: n for n in session.scalars(select(ReferenceNode).where(
        ReferenceNode.framework_id == framework.id))}
    owners = references.resolve_uuids(session, set(nodes))
    clash = [u for u, node_id in owners.items() if u not in existing]
    if clash:
        raise CaseImportError(f"Item {clash[0]} is already a node of another reference framework.")

    codes: set[str] = set()

    def code_of(item_id: str, item: dict) -> str:
        code = _text(item.get("humanCodingScheme"))
        if not code or len(code) > MAX_CODE or code in codes:
            code = item_id
        codes.add(code)
        return code

    children = defaultdict(list)
    for item_id in nodes:
        children[parents.get(item_id, (None, None))[1]].append(item_id)

    def order(item_id):
        sequence = parents.get(item_id, (None, None))[0]
        return (sequence is None, sequence or 0, natural_key(_text(nodes[item_id].get("humanCodingScheme"))))

    placed: dict[str, ReferenceNode] = {}
    # An item the package says is replaced is marked so; links to it are flagged for an editor (the crosswalk
    # page then offers to move them to the replacement).
    replaced = {}
    for association in associations:
        if isinstance(association, dict) and association.get("associationType") == "replacedBy":
            origin = _target(association.get("originNodeURI"))
            if origin in nodes:
                replaced.setdefault(origin, _target(association.get("destinationNodeURI")))
    linked = {node_id for node_id in session.scalars(select(CrosswalkLink.node_id).where(
        CrosswalkLink.node_id.in_([n.id for n in existing.values()])))} if existing else set()

    def place(parent_id: str | None):
        for position, item_id in enumerate(sorted(children.get(parent_id, []), key=order), start=1):
            item = nodes[item_id]
            full = _text(item.get("fullStatement"))
            short = _text(item.get("abbreviatedStatement")) or full
            values = {
                "code": code_of(item_id, item),
                "kind": (_text(item.get("CFItemType")) or "item")[:MAX_KIND],
                "short_title": (short[:MAX_TITLE - 1] + "…") if len(short) > MAX_TITLE else short,
                "official_text": full or None,
                "parent_id": placed[parent_id].id if parent_id else None,
                "position": position,
                "deprecated": item_id in replaced,
                "replaced_by_uuid": replaced.get(item_id),
            }
            node = existing.get(item_id)
            if node is None:
                node = ReferenceNode(framework_id=framework.id, uuid=item_id, **values)
                session.add(node)
                report.added.append(values["code"])
            else:
                before = snapshots[item_id]
                for k, v in values.items():
                    setattr(node, k, v)
                # A sibling that left moves the others up: that alone is no change of theirs.
                if {k: v for k, v in before.items() if k != "position"} != \
                        {k: v for k, v in values.items() if k != "position"}:
                    report.changed.append(values["code"])
                    if node.id in linked and (before["official_text"], before["code"]) != (
                            values["official_text"], values["code"]):
                        report.flagged.append(f"{values['code']}: its text or code changed; check the goals linked "
                                              f"to it")
                        report.flags.append(("changed", values["code"], ""))
                    if node.id in linked and values["replaced_by_uuid"] and \
                            before["replaced_by_uuid"] != values["replaced_by_uuid"]:
                        report.flagged.append(f"{values['code']}: replaced by {values['replaced_by_uuid']}; "
                                              f"goal links to review")
                        report.flags.append(("replaced", values["code"], values["replaced_by_uuid"]))
                else:
                    report.unchanged += 1
            session.flush()
            placed[item_id] = node
            place(item_id)

    fields = ("code", "kind", "short_title", "official_text", "parent_id", "position", "deprecated",
              "replaced_by_uuid")
    snapshots = {u: {k: getattr(n, k) for k in fields} for u, n in existing.items()}
    # Codes are given out again below; park them first, so that a renamed sibling does not collide on the way.
    for node in existing.values():
        if node.uuid not in nodes:
            node.code = node.uuid
    session.flush()
    for node in existing.values():
        if node.uuid in nodes:
            node.code = f"~{node.id}"
    session.flush()
    place(None)
    for item_id, node in existing.items():
        if item_id not in nodes:
            if not node.deprecated:
                node.deprecated = True
                report.removed.append(node.short_title[:60])
                if node.id in linked:
                    report.flagged.append(f"{node.short_title[:60]}: no longer in the package, but goals link to it")
                    report.flags.append(("left", node.short_title[:60], ""))
            node.parent_id = None
    session.flush()
    return report


def reference_packages(session: Session) -> list[dict]:
    """The packages of every reference framework that came from CASE, as they came."""
    return [json.loads(text) for text in session.scalars(
        select(ReferenceFramework.case_package).where(ReferenceFramework.case_package.is_not(None))
        .order_by(ReferenceFramework.position, ReferenceFramework.key))]


def package_containing(session: Session, identifier: str) -> dict | None:
    """The stored package of a reference framework that holds an object with this identifier (one query)."""
    value = (identifier or "").lower()
    if not UUID_TEXT.match(value):
        return None
    for text in session.scalars(select(ReferenceFramework.case_package).where(
            ReferenceFramework.case_package.contains(value))):
        return json.loads(text)
    return None


def reference_package(session: Session, identifier: str) -> dict | None:
    text = session.scalar(select(ReferenceFramework.case_package).where(
        ReferenceFramework.case_identifier == (identifier or "").lower()))
    return json.loads(text) if text else None



# --- Mirroring -------------------------------------------------------------------------------------------------
MIRROR_TIMEOUT = 30
MIRROR_MAX_BYTES = 50 * 1024 * 1024
MIRROR_REDIRECTS = 5


class MirrorError(CaseImportError):
    """The CASE server could not be read, or did not answer a package."""


def _fetch(framework: ReferenceFramework, url: str, conditional: bool) -> tuple[int, dict | None, dict]:
    headers = {"Accept": "application/json"}
    if conditional and framework.mirror_etag:
        headers["If-None-Match"] = framework.mirror_etag
    if conditional and framework.mirror_modified:
        headers["If-Modified-Since"] = framework.mirror_modified
    # Redirects one at a time, so that each target is checked as the address itself was (case/addresses.py).
    target = url
    for _hop in range(MIRROR_REDIRECTS + 1):
        check_address(target)
        try:
            response = requests.get(target, headers=headers, timeout=MIRROR_TIMEOUT, stream=True,
                                    allow_redirects=False)
        except requests.RequestException as error:
            raise MirrorError(f"{url} could not be read: {type(error).__name__}.") from None
        if not response.is_redirect:
            break
        target = urljoin(target, response.headers.get("Location", ""))
        response.close()
    else:
        raise MirrorError(f"{url} redirects more than {MIRROR_REDIRECTS} times.")
    with response:
        if response.status_code == 304:
            return 304, None, dict(response.headers)
        if response.status_code != 200:
            raise MirrorError(f"{url} answered {response.status_code}.")
        body = response.raw.read(MIRROR_MAX_BYTES + 1, decode_content=True)
    if len(body) > MIRROR_MAX_BYTES:
        raise MirrorError(f"{url} answered more than {MIRROR_MAX_BYTES // 1024 // 1024} MB.")
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise MirrorError(f"{url} did not answer JSON.") from None
    return 200, data, dict(response.headers)


def _record_version(session: Session, framework: ReferenceFramework, source: str, report: ReferenceReport) -> int:
    """A new version of the framework with its change report, stored in the default language (as notifications
    are): the mirrors page shows it to every administrator."""
    number = (session.scalar(select(func.max(ReferenceFrameworkVersion.number)).where(
        ReferenceFrameworkVersion.framework_id == framework.id)) or 0) + 1
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = "\n".join(reference_report_lines(report))
    session.add(ReferenceFrameworkVersion(framework_id=framework.id, number=number, source=source[:500],
                                          report=text))
    session.flush()
    return number


def subscribe(session: Session, url: str) -> ReferenceReport:
    """Follow a CASE server's CFPackages/{id}: fetch it now, keep it as a reference framework (version 1)."""
    url = (url or "").strip()
    if not re.fullmatch(r"https?://\S+/CFPackages/[^/\s]+", url):
        raise MirrorError("Give the address of a CASE package: https://…/ims/case/v1p1/CFPackages/{identifier}.")
    check_address(url)
    probe = ReferenceFramework(mirror_etag="", mirror_modified="")
    _, data, headers = _fetch(probe, url, conditional=False)
    identifier = _uuid((data.get("CFDocument") or {}).get("identifier")) if isinstance(data, dict) else None
    if identifier == DOCUMENT_UUID:
        raise MirrorError("That package is our own framework.")
    report = import_reference_package(session, data)
    framework = session.scalar(select(ReferenceFramework).where(ReferenceFramework.key == report.key))
    framework.mirror_url = url
    framework.mirror_etag = headers.get("ETag", "")[:200]
    framework.mirror_modified = headers.get("Last-Modified", "")[:100]
    framework.mirror_checked_at = datetime.now(UTC)
    framework.mirror_error = ""
    _record_version(session, framework, url, report)
    return report


@dataclass
class MirrorResult:
    key: str
    changed: bool
    version: int | None = None
    lines: list[str] = field(default_factory=list)
    error: str = ""
    report: ReferenceReport | None = None


def refresh(session: Session, framework: ReferenceFramework) -> MirrorResult:
    """Fetch a mirrored framework (ETag / If-Modified-Since); a changed package becomes a new version with its
    change report. Errors are recorded on the framework, never raised."""
    result = MirrorResult(framework.key, changed=False)
    framework.mirror_checked_at = datetime.now(UTC)
    try:
        status, data, headers = _fetch(framework, framework.mirror_url, conditional=True)
        if status == 304:
            framework.mirror_error = ""
            return result
        identifier = _uuid((data.get("CFDocument") or {}).get("identifier")) if isinstance(data, dict) else None
        if identifier != framework.case_identifier:
            raise MirrorError(f"{framework.mirror_url} now answers another document ({identifier}).")
        if json.loads(framework.case_package or "null") == data:
            framework.mirror_etag = headers.get("ETag", "")[:200]
            framework.mirror_modified = headers.get("Last-Modified", "")[:100]
            framework.mirror_error = ""
            return result
        with session.begin_nested():
            report = import_reference_package(session, data)
    except CaseImportError as error:
        framework.mirror_error = str(error.message)[:500]
        result.error = framework.mirror_error
        return result
    framework.mirror_etag = headers.get("ETag", "")[:200]
    framework.mirror_modified = headers.get("Last-Modified", "")[:100]
    framework.mirror_error = ""
    result.changed, result.lines, result.report = True, report.lines(), report
    result.version = _record_version(session, framework, framework.mirror_url, report)
    return result


def refresh_all(session: Session) -> list[MirrorResult]:
    mirrored = list(session.scalars(select(ReferenceFramework).where(ReferenceFramework.mirror_url.is_not(None))
                                    .order_by(ReferenceFramework.key)))
    return [refresh(session, framework) for framework in mirrored]
