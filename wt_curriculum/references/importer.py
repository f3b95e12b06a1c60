"""Import SLO's open curriculum data (github.com/slonl/curriculum-*, data/*.json): a file or a whole folder.

Those files are JSON arrays of objects with an `id` (UUID), a `title` and/or `description`, often a `prefix`
(the number or code), lists of linked ids (`fo_doelzin_id`, `niveau_id`, ...); an entry that SLO gave a new
identifier carries `replaces` (the old ids), and `deprecated.json` lists the old ids with `replacedBy` (a list
of UUIDs) and `types`. Some exports wrap several such arrays in one object keyed by type.

Our reference nodes are matched by UUID, their current one or an alias (an id SLO deprecated that other data,
such as Edurep's mapping, still uses). For every node the report says whether it matched, changed, was
replaced, or is absent from the data:
- a node whose id SLO replaced by an id that is not one of our nodes takes the new id (it is the same
  kerndoel under a new identifier, as kerndoel 40 and 43 in 2022); the old id stays as an alias;
- a node replaced by another of our nodes, or deprecated without a successor, is marked deprecated, and when
  our crosswalk uses it the report flags it for an editor (links are never moved automatically);
- nodes of the frameworks the data touches that it does not hold are listed as absent (nothing changes).

Everything is read and checked before anything is written: the caller commits the one transaction, or rolls it
back when ImportRefused is raised.
"""
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import CrosswalkLink, ReferenceNode, ReferenceNodeAlias
from .services import UUID_PATTERN, node_identifiers, resolve_uuids

MAX_BYTES = 20 * 1024 * 1024  # one file
MAX_FOLDER_BYTES = 200 * 1024 * 1024  # all files of a folder together
# Files in SLO's repositories that are JSON but not data.
NOT_DATA = {"package.json", "package-lock.json", "composer.json", "tsconfig.json"}


class ImportRefused(Exception):
    """The data cannot be imported; nothing was written. `problems` say why (in the current language: the
    commands speak English, a job its user's language). `holds_no_items`: the JSON is no SLO data at all."""

    def __init__(self, problems: list[str], holds_no_items: bool = False):
        problems = [str(p) for p in problems]
        super().__init__("; ".join(problems))
        self.problems = problems
        self.holds_no_items = holds_no_items


@dataclass
class SloItem:
    uuid: str
    text: str
    deprecated: bool
    replaced_by: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)


@dataclass
class SloData:
    items: list[SloItem]
    files: list[str] = field(default_factory=list)  # the files read
    skipped: list[str] = field(default_factory=list)  # JSON files of a folder that hold no SLO items

    def to_json(self) -> str:
        return json.dumps({"items": [asdict(i) for i in self.items], "files": self.files, "skipped": self.skipped})

    @classmethod
    def from_json(cls, text: str) -> "SloData":
        data = json.loads(text)
        return cls([SloItem(**i) for i in data["items"]], data["files"], data["skipped"])


@dataclass
class ImportReport:
    items: int = 0
    matched: int = 0
    unknown: int = 0  # items that are not among our reference nodes (other subjects, vo, ...)
    changed: list[str] = field(default_factory=list)  # "KD2006-PO-42: official text added"
    unchanged: int = 0
    replaced: list[str] = field(default_factory=list)  # "KD2006-PO-40: d803… → 2de2… (old id kept as alias)"
    newly_deprecated: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # crosswalk links that an editor must look at
    absent: list[str] = field(default_factory=list)  # our nodes of the frameworks touched that the data lacks
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # The same facts for pages in the reader's language (report_text.slo_report_lines).
    change_notes: list[tuple[str, list[str]]] = field(default_factory=list)  # (code, the changes)
    replacements: list[tuple[str, str, str]] = field(default_factory=list)  # (code, old id, new id)
    deprecations: list[tuple[str, str | None]] = field(default_factory=list)  # (code, replacement)
    reviews: list[tuple[str, int, str]] = field(default_factory=list)  # (code, goal links, replacement)

    def lines(self) -> list[str]:
        out = []
        if len(self.files) > 1 or self.skipped:
            out.append(f"{len(self.files)} files read" + (f", {len(self.skipped)} skipped (no SLO items): "
                                                          f"{', '.join(self.skipped)}" if self.skipped else "") + ".")
        out += [f"{self.items} items read: {self.matched} match our reference nodes, {self.unknown} do not.",
                f"{len(self.changed)} changed, {self.unchanged} unchanged, {len(self.replaced)} replaced, "
                f"{len(self.absent)} absent."]
        out += [f"  changed: {line}" for line in self.changed]
        out += [f"  replaced: {line}" for line in self.replaced]
        out += [f"  deprecated: {line}" for line in self.newly_deprecated]
        out += [f"  needs an editor: {line}" for line in self.flagged]
        out += [f"  absent: {line}" for line in self.absent]
        return out


def _read_json(path: Path, label: str):
    return _parse_json(path.read_bytes(), label)


def _parse_json(raw: bytes, label: str):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused([label + _("The file is not UTF-8 text (byte %(n)s).", n=error.start)]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused([label + _("The file is not JSON: %(error)s at line %(line)s, column %(column)s.",
                                       error=error.msg, line=error.lineno, column=error.colno)]) from None
    except RecursionError:
        raise ImportRefused([label + _("The file is nested too deeply.")]) from None


def read_slo_bytes(raw: bytes, name: str) -> SloData:
    """Parse and check one uploaded file (ImportRefused with every problem found, numbered by item)."""
    if len(raw) > MAX_BYTES:
        raise ImportRefused([_("The file is larger than %(n)s MB.", n=MAX_BYTES // (1024 * 1024))])
    return SloData(parse_items(_parse_json(raw, "")), [name])


def read_slo_path(path: Path) -> SloData:
    """Parse and check one file, or every JSON file of a folder (and its sub-folders); ImportRefused with every
    problem found. In a folder, JSON files that hold no SLO items (package.json, schemas) are skipped."""
    if path.is_dir():
        return _read_folder(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportRefused([f"Cannot read {path}: {error.strerror}."]) from None
    if size > MAX_BYTES:
        raise ImportRefused([f"The file is {size // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB."])
    return SloData(parse_items(_read_json(path, "")), [path.name])


def _read_folder(folder: Path) -> SloData:
    found = sorted(p for p in folder.rglob("*.json")
                   if p.is_file()
                   and not any(part.startswith(".") or part == "node_modules" for part in p.relative_to(folder).parts))
    if not found:
        raise ImportRefused([f"{folder} holds no JSON files."])
    files = [p for p in found if p.name not in NOT_DATA]
    total = sum(p.stat().st_size for p in files)
    if total > MAX_FOLDER_BYTES:
        raise ImportRefused([f"The folder holds {total // (1024 * 1024)} MB of JSON; the limit is "
                             f"{MAX_FOLDER_BYTES // (1024 * 1024)} MB."])
    problems, merged, names = [], {}, []
    skipped = [str(p.relative_to(folder)) for p in found if p.name in NOT_DATA]
    for path in files:
        name = str(path.relative_to(folder))
        if path.stat().st_size > MAX_BYTES:
            problems.append(f"{name}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
            continue
        try:
            items = parse_items(_read_json(path, f"{name}: "))
        except ImportRefused as refused:
            if refused.holds_no_items:
                skipped.append(name)
            else:
                problems += [p if p.startswith(name) else f"{name}: {p}" for p in refused.problems]
            continue
        names.append(name)
        for item in items:
            _merge(merged, item)
    if problems:
        raise ImportRefused(problems[:20] + ([f"... and {len(problems) - 20} more."] if len(problems) > 20 else []))
    if not merged:
        raise ImportRefused([f"{folder} holds no SLO items."])
    return SloData(list(merged.values()), names, skipped)


def _merge(merged: dict, item: SloItem) -> None:
    """One item per id: a current entry wins over a deprecated one; replaces and replacedBy are joined."""
    other = merged.get(item.uuid)
    if other is None:
        merged[item.uuid] = item
        return
    keep, extra = (other, item) if not other.deprecated or item.deprecated else (item, other)
    keep.replaces = sorted(set(keep.replaces) | set(extra.replaces))
    keep.replaced_by = keep.replaced_by + [r for r in extra.replaced_by if r not in keep.replaced_by]
    keep.text = keep.text or extra.text
    merged[item.uuid] = keep


NO_ARRAY = _l("Expected a JSON array of SLO items (or an object holding such arrays).")
NO_ITEMS = _l("The file holds no SLO items.")


def _uuid_list(obj: dict, key: str) -> list[str] | None:
    """The UUIDs of a list field; None when the field is not a list of text."""
    value = obj.get(key)
    if value is None:
        return []
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return None
    return [v.strip().lower() for v in value if UUID_PATTERN.match(v.strip().lower())]


def parse_items(data) -> list[SloItem]:
    """Accept an array of objects, or an object whose values are such arrays (one per type)."""
    if isinstance(data, dict):
        arrays = [value for value in data.values() if isinstance(value, list)]
        if not arrays:
            raise ImportRefused([NO_ARRAY], holds_no_items=True)
        objects = [item for array in arrays for item in array]
    elif isinstance(data, list):
        objects = data
    else:
        raise ImportRefused([NO_ARRAY], holds_no_items=True)
    problems, items = [], {}
    for index, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            problems.append(_("Item %(n)s is not an object.", n=index))
            continue
        uuid = obj.get("id")
        if not isinstance(uuid, str) or not UUID_PATTERN.match(uuid.strip().lower()):
            problems.append(_("Item %(n)s has no valid UUID in 'id'.", n=index))
            continue
        texts = [obj.get(key) for key in ("title", "description")]
        if any(t is not None and not isinstance(t, str) for t in texts):
            problems.append(_("Item %(n)s (%(uuid)s): 'title' and 'description' must be text.", n=index, uuid=uuid))
            continue
        replaced_by, replaces = _uuid_list(obj, "replacedBy"), _uuid_list(obj, "replaces")
        if replaced_by is None:
            problems.append(_("Item %(n)s (%(uuid)s): 'replacedBy' must be a list of UUIDs.", n=index, uuid=uuid))
            continue
        if replaces is None:
            problems.append(_("Item %(n)s (%(uuid)s): 'replaces' must be a list of UUIDs.", n=index, uuid=uuid))
            continue
        # In SLO's data the sentence is sometimes the title (kerndoelen 2006), sometimes the description
        # (kernzinnen, doelzinnen) with a label as title: keep the longer of the two.
        text = max((t.strip() for t in texts if t and t.strip()), key=len, default="")
        deprecated = obj.get("deprecated") is True or obj.get("replacedBy") is not None
        _merge(items, SloItem(uuid.strip().lower(), text, deprecated, replaced_by, replaces))
    if problems:
        raise ImportRefused(problems[:20] + ([_("... and %(n)s more.", n=len(problems) - 20)]
                                             if len(problems) > 20 else []))
    if not items:
        raise ImportRefused([NO_ITEMS], holds_no_items=True)
    return list(items.values())


def _short(value: str) -> str:
    return value[:8] + "…"


def import_slo_data(session: Session, data: SloData) -> ImportReport:
    """Update our nodes from checked items (texts, identifiers, deprecation); flush, never commit."""
    items = data.items
    report = ImportReport(items=len(items), files=list(data.files), skipped=list(data.skipped))
    by_uuid = {item.uuid: item for item in items}
    # old id -> new id, from current entries' `replaces` and deprecated entries' single `replacedBy`.
    successor: dict[str, str] = {}
    for item in items:
        if not item.deprecated:
            for old in item.replaces:
                successor[old] = item.uuid
    for item in items:
        if item.deprecated and len(item.replaced_by) == 1:
            successor.setdefault(item.uuid, item.replaced_by[0])
    wanted = set(by_uuid) | set(successor) | set(successor.values())
    for item in items:
        wanted.update(item.replaced_by)
    owners = resolve_uuids(session, wanted)  # id (current or alias) -> node id
    nodes = {n.id: n for n in session.scalars(select(ReferenceNode).where(ReferenceNode.id.in_(set(owners.values()))))}
    identifiers = node_identifiers(session, nodes)
    alias_rows = {a.uuid: a for a in session.scalars(
        select(ReferenceNodeAlias).where(ReferenceNodeAlias.node_id.in_(list(nodes))))}
    link_counts = dict(session.execute(
        select(CrosswalkLink.node_id, func.count(CrosswalkLink.id))
        .where(CrosswalkLink.node_id.in_(list(nodes)))
        .group_by(CrosswalkLink.node_id)
    ).tuples().all())
    now = datetime.now(UTC)
    seen: set[int] = set()
    report.unknown = sum(1 for uuid in by_uuid if uuid not in owners)

    def latest(uuid: str) -> str:
        steps = 0
        while uuid in successor and steps < 20:
            uuid, steps = successor[uuid], steps + 1
        return uuid

    for node in sorted(nodes.values(), key=lambda n: n.code):
        ids = identifiers[node.id]
        if not any(u in by_uuid or latest(u) in by_uuid for u in ids.all):
            continue  # only a replacement names it (replacedBy): not in the data itself
        seen.add(node.id)
        changes = []
        current = by_uuid.get(node.uuid)
        new = latest(node.uuid)
        if (current is None or current.deprecated) and new != node.uuid and new in by_uuid \
                and not by_uuid[new].deprecated and owners.get(new, node.id) == node.id:
            # The same node under a new identifier: take it, keep the old one as an alias.
            old = node.uuid
            if old not in ids.aliases:
                session.add(ReferenceNodeAlias(node_id=node.id, uuid=old,
                                               note=f"replaced by {new} in SLO's data"[:200]))
            if new in alias_rows:  # it was an alias of this very node: now it is the current id again
                session.delete(alias_rows.pop(new))
            session.flush()
            node.uuid = new
            current = by_uuid[new]
            report.replaced.append(f"{node.code}: {old} → {new} (the old identifier is kept as an alias)")
            report.replacements.append((node.code, old, new))
            changes.append("new identifier")
        if current is None:
            # Only an alias is in the data: an old entry we already followed, or data that uses the old id.
            live = next((by_uuid[u] for u in ids.aliases if u in by_uuid and not by_uuid[u].deprecated), None)
            current = live
        if current is not None and not current.deprecated:
            if current.text and current.text != (node.official_text or ""):
                changes.append("official text added" if not node.official_text else "official text changed")
                node.official_text = current.text
            if node.deprecated and current.uuid == node.uuid:
                node.deprecated = False
                node.replaced_by_uuid = None
                changes.append("no longer deprecated")
        elif current is not None and current.uuid == node.uuid:
            replacement = next((r for r in current.replaced_by if owners.get(r) != node.id), None)
            if not node.deprecated or node.replaced_by_uuid != replacement:
                node.deprecated = True
                node.replaced_by_uuid = replacement
                changes.append("deprecated")
                report.newly_deprecated.append(
                    f"{node.code}" + (f" (replaced by {replacement})" if replacement else ""))
                report.deprecations.append((node.code, replacement))
                if replacement and link_counts.get(node.id):
                    report.flagged.append(f"{node.code}: {link_counts[node.id]} goal link(s) to review; "
                                          f"SLO names {replacement} as its replacement")
                    report.reviews.append((node.code, link_counts[node.id], replacement))
        report.matched += 1
        if changes:
            node.imported_at = now
            report.changed.append(f"{node.code}: {', '.join(changes)}")
            report.change_notes.append((node.code, changes))
        else:
            report.unchanged += 1
    session.flush()
    frameworks = {nodes[i].framework_id for i in seen}
    if frameworks:
        report.absent = [code for code, in session.execute(
            select(ReferenceNode.code).where(ReferenceNode.framework_id.in_(frameworks),
                                             ReferenceNode.id.not_in(seen) if seen else True)
            .order_by(ReferenceNode.code))]
    return report


def import_slo_path(session: Session, path: Path) -> ImportReport:
    """Check the whole file or folder, then apply it (ImportRefused before any write when it is malformed)."""
    return import_slo_data(session, read_slo_path(path))

