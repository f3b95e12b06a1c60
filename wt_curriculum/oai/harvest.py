"""Harvesting outside materials over OAI-PMH (client: oaipmh-scythe) and reading their NL-LOM.

`harvest_source(session, source_id)` asks the source for its records `from` the newest datestamp it saw last
time (resumption tokens are followed by the client), and applies them all or nothing: a record becomes or
updates an external material, a deleted header removes it. When the source fails (no answer, an HTTP error, not
OAI-PMH, an OAI error such as an expired resumption token, halfway or at the start), nothing of that harvest stays
and the source is marked as failed with what went wrong; it never raises for what a source sends.

Every request the client sends is checked by core/addresses.py first (http(s), public addresses only unless
FETCH_PRIVATE_ADDRESSES is set), redirects included: the client follows at most REDIRECTS of them, each one
checked before it is sent, so a source cannot lead the server to its own loopback or private network.
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx2
from lxml import etree
from oaipmh_scythe import Scythe
from oaipmh_scythe.config import HTTPConfig, RetryConfig
from oaipmh_scythe.exceptions import NoRecordsMatch, OAIPMHException
from oaipmh_scythe.iterator import OAIItemIterator
from oaipmh_scythe.utils import log_response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ..core.addresses import AddressRefused, check_request
from ..groepen import to_mask
from ..lessons.models import LessonPackage, PackageKind, PackageStatus
from ..lessons.services import external_links, sync_external_package, withdraw_external_packages
from ..objectives.models import Goal, GoalStatus
from ..references.models import CrosswalkLink, ReferenceNode
from ..references.services import resolve_uuids
from .metadata import GROEP_LEVELS, groepen_from_age_range
from .models import ExternalMaterial, HarvestSource, HarvestStatus, MaterialGoal, SuggestionStatus

TIMEOUT_SECONDS = 30
REDIRECTS = 5
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
EDUCATIONAL_OBJECTIVE = "educational objective"
# Edurep writes "educational level" (lomwriter.xsl) and, in older sheets, "educationallevel" (Schooltv.xsl).
EDUCATIONAL_LEVEL = ("educational level", "educationallevel")
GROEP_BY_LEVEL = {uuid: groep for groep, uuid in GROEP_LEVELS.items()}
OLD_GROEP_LEVEL = re.compile(r"^po_groep([1-8])$")  # vdex_classification_educationallevel_czp_20071115 ids


@dataclass
class LomRecord:
    title: str = ""
    description: str = ""
    url: str = ""
    licence: str = ""
    publisher: str = ""
    keywords: list[str] = field(default_factory=list)
    groepen: list[int] = field(default_factory=list)
    kerndoelen: list[str] = field(default_factory=list)  # begrippenkader UUIDs, lower case, in order


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, *names: str) -> list:
    """Children with one of these local names (IEEE and IMS spell some differently: lifeCycle, lifecycle)."""
    wanted = {n.lower() for n in names}
    return [child for child in element if _local(child).lower() in wanted] if element is not None else []


def _child(element, *names: str):
    found = _children(element, *names)
    return found[0] if found else None


def _text(element) -> str:
    """The text of a LOM value: a CharacterString, or the first non-empty langstring/string inside it."""
    if element is None:
        return ""
    strings = [c for c in element if _local(c) in ("string", "langstring")]
    if strings:
        for string in strings:
            if (string.text or "").strip():
                return string.text.strip()
        return ""
    return (element.text or "").strip()


def _vcard_name(card: str) -> str:
    for line in re.split(r"\r?\n|(?<=\S) (?=[A-Z]+[:;])", card or ""):
        key, _, value = line.partition(":")
        if key.split(";")[0].upper() in ("FN", "ORG") and value.strip():
            return value.strip().replace("\\,", ",").replace("\\;", ";")
    return ""


def parse_lom(lom) -> LomRecord:
    """What we keep of an NL-LOM record (IEEE or IMS binding): unknown elements and values are left out."""
    record = LomRecord()
    general = _child(lom, "general")
    record.title = _text(_child(general, "title"))
    record.description = "\n\n".join(t for t in (_text(d) for d in _children(general, "description")) if t)
    record.keywords = [t for t in (_text(k) for k in _children(general, "keyword")) if t]
    for location in _children(_child(lom, "technical"), "location"):
        if URL.match(_text(location)):
            record.url = _text(location)
            break
    if not record.url:
        for identifier in _children(general, "identifier", "catalogentry"):
            entry = _text(_child(identifier, "entry"))
            if URL.match(entry):
                record.url = entry
                break
    for contribute in _children(_child(lom, "lifeCycle"), "contribute"):
        if _text(_child(_child(contribute, "role"), "value")).lower() == "publisher":
            entity = _child(contribute, "entity")
            if entity is None:
                entity = _child(_child(contribute, "centity"), "vcard")
            record.publisher = _vcard_name(_text(entity))
            if record.publisher:
                break
    rights = _child(lom, "rights")
    copyright_ = _child(rights, "copyrightAndOtherRestrictions")
    record.licence = _text(_child(copyright_, "value"))
    groepen: set[int] = set()
    for educational in _children(lom, "educational"):
        for age in _children(educational, "typicalAgeRange"):
            groepen.update(groepen_from_age_range(_text(age)))
    for classification in _children(lom, "classification"):
        purpose = _text(_child(_child(classification, "purpose"), "value")).lower()
        if purpose in EDUCATIONAL_LEVEL:
            groepen.update(_level_groepen(classification))
        if purpose != EDUCATIONAL_OBJECTIVE:
            continue
        for path in _children(classification, "taxonPath"):
            if "begrippenkader" not in _text(_child(path, "source")):
                continue
            for taxon in path.iter():
                if _local(taxon) == "taxon":
                    taxon_id = _text(_child(taxon, "id")).lower()
                    if UUID.match(taxon_id) and taxon_id not in record.kerndoelen:
                        record.kerndoelen.append(taxon_id)
    record.groepen = sorted(groepen)
    return record


def _level_groepen(classification) -> set[int]:
    """The groepen an educational-level classification names: begrippenkader "PO groep n" taxa, or the older
    vocabulary's po_groep1..po_groep8 ids. Primair onderwijs alone names no groep."""
    groepen = set()
    for taxon in classification.iter():
        if _local(taxon) == "taxon":
            taxon_id = _text(_child(taxon, "id")).lower()
            old = OLD_GROEP_LEVEL.match(taxon_id)
            if taxon_id in GROEP_BY_LEVEL:
                groepen.add(GROEP_BY_LEVEL[taxon_id])
            elif old:
                groepen.add(int(old.group(1)))
    return groepen


def goals_for_kerndoelen(session: Session, uuids: list[str]) -> list[int]:
    """Our published goals that serve these SLO kerndoelen (by UUID, current or an older alias) in the crosswalk."""
    if not uuids:
        return []
    wanted = {u.lower() for u in uuids}
    nodes = set(resolve_uuids(session, wanted).values())  # current identifiers and SLO's deprecated aliases
    return list(session.scalars(
        select(CrosswalkLink.goal_id).distinct()
        .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
        .join(Goal, Goal.id == CrosswalkLink.goal_id)
        .where(or_(ReferenceNode.id.in_(nodes), ReferenceNode.replaced_by_uuid.in_(wanted)),
               Goal.status == GoalStatus.PUBLISHED)
        .order_by(CrosswalkLink.goal_id)
    ))


@dataclass
class HarvestReport:
    ok: bool
    added: int = 0
    updated: int = 0
    deleted: int = 0
    error: str = ""


class NotOAIPMH(ValueError):
    """An answer that is not an OAI-PMH response (a maintenance page, an HTML error, garbage)."""


OAI = "{http://www.openarchives.org/OAI/2.0/}"


class CheckedIterator(OAIItemIterator):
    """The client's item iterator, refusing pages that are not OAI-PMH (its parser recovers from anything)."""

    def _next_response(self) -> None:
        super()._next_response()
        root = self.oai_response.xml if self.oai_response is not None else None
        if root is None or root.tag != f"{OAI}OAI-PMH" or root.find(f"{OAI}{self.verb}") is None:
            raise NotOAIPMH(f"the answer to {self.verb} is not an OAI-PMH response")


class CheckedScythe(Scythe):
    """The client, whose HTTP client checks the address of every request before sending it (an httpx request
    hook runs for the first request and for every redirect followed)."""

    @property
    def client(self) -> httpx2.Client:
        client = super().client
        if check_request not in client.event_hooks["request"]:
            client.event_hooks = {"request": [check_request], "response": [log_response]}
            client.follow_redirects = True
            client.max_redirects = REDIRECTS
        return client


def _client(source: HarvestSource) -> Scythe:
    return CheckedScythe(source.url, http_config=HTTPConfig(timeout=TIMEOUT_SECONDS),
                  retry_config=RetryConfig(max_retries=0), iterator=CheckedIterator)


def _metadata_root(record):
    for element in record.xml.iter():
        if _local(element) == "metadata":
            for child in element:
                if isinstance(child.tag, str):
                    return child
    return None


def _apply(session: Session, source: HarvestSource, items, report: HarvestReport) -> str:
    """Apply harvested records in order; returns the newest datestamp seen."""
    existing = {m.identifier: m for m in session.scalars(
        select(ExternalMaterial).where(ExternalMaterial.source_id == source.id))}
    newest = source.harvested_from
    gone_packages = []  # packages of materials planned by schools and now deleted at the source
    changed_planned = []  # materials planned by schools and changed at the source
    for item in items:
        identifier = (item.header.identifier or "").strip()[:500]
        datestamp = (item.header.datestamp or "").strip()[:30]
        newest = max(newest, datestamp)
        if not identifier:
            continue
        material = existing.get(identifier)
        if item.deleted:
            if material is not None:
                if material.external_package_id is not None:
                    gone_packages.append(material.external_package_id)
                session.delete(material)
                del existing[identifier]
                report.deleted += 1
            continue
        root = _metadata_root(item)
        lom = parse_lom(root) if root is not None else LomRecord()
        if material is None:
            material = ExternalMaterial(source_id=source.id, identifier=identifier, title="")
            session.add(material)
            existing[identifier] = material
            report.added += 1
        else:
            report.updated += 1
            if material.external_package_id is not None:
                changed_planned.append(material)
        material.datestamp = datestamp
        material.title = (lom.title or identifier)[:500]
        material.description = lom.description[:20000]
        material.url = lom.url[:1000]
        material.licence = lom.licence[:200]
        material.publisher = lom.publisher[:300]
        material.keywords = ", ".join(lom.keywords)[:1000]
        material.groepen_mask = to_mask(lom.groepen)
        material.kerndoel_uuids = "\n".join(lom.kerndoelen)
        material.harvested_at = datetime.now(UTC)
    session.flush()
    withdraw_external_packages(session, gone_packages)
    _suggest(session, [m for m in existing.values()])
    _packages_follow(session, changed_planned)
    return newest


def _packages_follow(session: Session, materials: list[ExternalMaterial]) -> None:
    """The packages standing for planned materials follow a change at the source at once (title, link), not
    only at their next planning; their goals stay the confirmed ones. Two queries, whatever the number."""
    if not materials:
        return
    packages = {p.id: p for p in session.scalars(
        select(LessonPackage).where(LessonPackage.id.in_([m.external_package_id for m in materials]),
                                    LessonPackage.kind == PackageKind.EXTERNAL,
                                    LessonPackage.status != PackageStatus.WITHDRAWN)
        .options(selectinload(LessonPackage.alignments)))}
    confirmed = defaultdict(list)
    for material_id, goal_id in session.execute(
            select(MaterialGoal.material_id, MaterialGoal.goal_id).join(Goal, Goal.id == MaterialGoal.goal_id)
            .where(MaterialGoal.material_id.in_([m.id for m in materials]),
                   MaterialGoal.status == SuggestionStatus.CONFIRMED)
            .order_by(MaterialGoal.material_id, Goal.code)):
        confirmed[material_id].append(goal_id)
    for material in materials:
        package = packages.get(material.external_package_id)
        if package is not None:
            sync_external_package(session, package, material.title, external_links(material.url),
                                  confirmed[material.id])


def _suggest(session: Session, materials: list[ExternalMaterial]) -> None:
    """Suggest the goals each material's kerndoelen reach; drop open suggestions it no longer reaches."""
    if not materials:
        return
    ids = [m.id for m in materials]
    current = {}
    for link in session.scalars(select(MaterialGoal).where(MaterialGoal.material_id.in_(ids))):
        current.setdefault(link.material_id, {})[link.goal_id] = link
    all_uuids = sorted({u for m in materials for u in m.kerndoel_uuids.split("\n") if u})
    by_uuid: dict[str, set[int]] = {}
    if all_uuids:
        resolved = resolve_uuids(session, all_uuids)  # identifier (current or a deprecated alias) -> node
        names = defaultdict(set)
        for value, node_id in resolved.items():
            names[node_id].add(value)
        for goal_id, node_id, replaced in session.execute(
            select(CrosswalkLink.goal_id, ReferenceNode.id, ReferenceNode.replaced_by_uuid)
            .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
            .join(Goal, Goal.id == CrosswalkLink.goal_id)
            .where(or_(ReferenceNode.id.in_(set(resolved.values())), ReferenceNode.replaced_by_uuid.in_(all_uuids)),
                   Goal.status == GoalStatus.PUBLISHED)
        ):
            for key in names.get(node_id, set()) | ({replaced} if replaced else set()):
                by_uuid.setdefault(key.lower(), set()).add(goal_id)
    for material in materials:
        wanted = set().union(*(by_uuid.get(u, set()) for u in material.kerndoel_uuids.split("\n") if u))
        links = current.get(material.id, {})
        for goal_id in sorted(wanted - set(links)):
            session.add(MaterialGoal(material_id=material.id, goal_id=goal_id))
        for goal_id, link in links.items():
            if goal_id not in wanted and link.status == SuggestionStatus.SUGGESTED:
                session.delete(link)
    session.flush()


def harvest_source(session: Session, source_id: int, now: datetime | None = None) -> HarvestReport:
    """Harvest one source incrementally; the caller commits (the outcome is recorded on the source either way)."""
    source = session.get(HarvestSource, source_id)
    if source is None:
        return HarvestReport(ok=False, error="no such source")
    report = HarvestReport(ok=True)
    savepoint = session.begin_nested()
    try:
        with _client(source) as client:
            client.identify()  # is it an OAI-PMH repository at all?
            items = client.list_records(metadata_prefix=source.metadata_prefix, set_=source.set_spec or None,
                                        from_=source.harvested_from or None)
            try:
                newest = _apply(session, source, items, report)
            except NoRecordsMatch:
                newest = source.harvested_from
        savepoint.commit()
        source.harvested_from = newest
        source.status = HarvestStatus.OK
        source.last_error = ""
        source.last_count = report.added + report.updated + report.deleted
    except (AddressRefused, OAIPMHException, httpx2.HTTPError, httpx2.InvalidURL, etree.LxmlError, ValueError,
            AttributeError, TypeError, OSError) as error:
        savepoint.rollback()
        session.expire(source)
        report = HarvestReport(ok=False, error=_describe(error))
        source.status = HarvestStatus.FAILED
        source.last_error = report.error[:2000]
        source.last_count = 0
    source.last_run_at = now or datetime.now(UTC)
    session.flush()
    return report


def _describe(error: Exception) -> str:
    if isinstance(error, AddressRefused):
        return str(error.message)
    name = type(error).__name__
    detail = str(error).strip()
    if isinstance(error, httpx2.HTTPStatusError):
        detail = f"HTTP {error.response.status_code} ({error.request.url})"
    return f"{name}: {detail}" if detail else name

