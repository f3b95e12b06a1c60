"""Import official texts from SLO's open curriculum data (github.com/slonl/curriculum-*, data/*.json).

Those files are JSON arrays of objects with an `id` (UUID), a `title` and/or
`description`, often a `prefix` (the number or code), lists of linked ids
(`fo_doelzin_id`, `niveau_id`, ...), and, in deprecated.json, `replacedBy`
(a list of UUIDs) and `types`. Some exports wrap several such arrays in one
object keyed by type. We match our reference nodes by UUID only, fill in
`official_text`, and record deprecation; a node our crosswalk uses that SLO
replaced is flagged for an editor, never re-linked automatically.

The whole file is checked before anything is written: the caller commits the
one transaction, or rolls it back when ImportRefused is raised.
"""
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import CrosswalkLink, ReferenceNode
from .services import UUID_PATTERN

MAX_BYTES = 20 * 1024 * 1024


class ImportRefused(Exception):
    """The file cannot be imported; nothing was written. `problems` say why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class SloItem:
    uuid: str
    text: str
    deprecated: bool
    replaced_by: str | None


@dataclass
class ImportReport:
    items: int = 0
    matched: int = 0
    unknown: int = 0  # items that are not among our reference nodes (other subjects, vo, ...)
    changed: list[str] = field(default_factory=list)  # "KD2006-PO-42: text added/changed"
    unchanged: int = 0
    newly_deprecated: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # crosswalk links that an editor must look at

    def lines(self) -> list[str]:
        out = [f"{self.items} items read: {self.matched} match our reference nodes, {self.unknown} do not.",
               f"{len(self.changed)} changed, {self.unchanged} unchanged."]
        out += [f"  changed: {line}" for line in self.changed]
        out += [f"  deprecated: {line}" for line in self.newly_deprecated]
        out += [f"  needs an editor: {line}" for line in self.flagged]
        return out


def read_slo_file(path: Path) -> list[SloItem]:
    """Parse and check the whole file; ImportRefused with every problem found."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportRefused([f"Cannot read {path}: {error.strerror}."]) from None
    if size > MAX_BYTES:
        raise ImportRefused([f"The file is {size // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB."])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused([f"The file is not UTF-8 text (byte {error.start})."]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused([f"The file is not JSON: {error.msg} at line {error.lineno}, column {error.colno}."]
                            ) from None
    return parse_items(data)


def parse_items(data) -> list[SloItem]:
    """Accept an array of objects, or an object whose values are such arrays (one per type)."""
    if isinstance(data, dict):
        arrays = [value for value in data.values() if isinstance(value, list)]
        if not arrays:
            raise ImportRefused(["Expected a JSON array of SLO items (or an object holding such arrays)."])
        objects = [item for array in arrays for item in array]
    elif isinstance(data, list):
        objects = data
    else:
        raise ImportRefused(["Expected a JSON array of SLO items (or an object holding such arrays)."])
    problems, items = [], []
    for index, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            problems.append(f"Item {index} is not an object.")
            continue
        uuid = obj.get("id")
        if not isinstance(uuid, str) or not UUID_PATTERN.match(uuid.strip().lower()):
            problems.append(f"Item {index} has no valid UUID in 'id'.")
            continue
        texts = [obj.get(key) for key in ("title", "description")]
        if any(t is not None and not isinstance(t, str) for t in texts):
            problems.append(f"Item {index} ({uuid}): 'title' and 'description' must be text.")
            continue
        replaced = obj.get("replacedBy")
        if replaced is not None and not (isinstance(replaced, list) and all(isinstance(r, str) for r in replaced)):
            problems.append(f"Item {index} ({uuid}): 'replacedBy' must be a list of UUIDs.")
            continue
        replaced_by = next((r.strip().lower() for r in replaced or [] if UUID_PATTERN.match(r.strip().lower())),
                           None)
        # In SLO's data the sentence is sometimes the title (kerndoelen 2006), sometimes the description
        # (kernzinnen, doelzinnen) with a label as title: keep the longer of the two.
        text = max((t.strip() for t in texts if t and t.strip()), key=len, default="")
        deprecated = obj.get("deprecated") is True or replaced is not None
        items.append(SloItem(uuid.strip().lower(), text, deprecated, replaced_by))
    if problems:
        raise ImportRefused(problems[:20] + ([f"... and {len(problems) - 20} more."] if len(problems) > 20 else []))
    if not items:
        raise ImportRefused(["The file holds no SLO items."])
    return items


def import_slo_items(session: Session, items: list[SloItem]) -> ImportReport:
    """Update our nodes' official texts and deprecation from checked items; flush, never commit."""
    report = ImportReport(items=len(items))
    by_uuid = {item.uuid: item for item in items}
    nodes = list(session.scalars(select(ReferenceNode).where(ReferenceNode.uuid.in_(list(by_uuid)))))
    report.matched = len(nodes)
    report.unknown = len(by_uuid) - len(nodes)
    link_counts = dict(session.execute(
        select(CrosswalkLink.node_id, func.count(CrosswalkLink.id))
        .where(CrosswalkLink.node_id.in_([n.id for n in nodes]))
        .group_by(CrosswalkLink.node_id)
    ).tuples().all())
    now = datetime.now(UTC)
    for node in sorted(nodes, key=lambda n: n.code):
        item = by_uuid[node.uuid]
        changes = []
        if item.text and item.text != (node.official_text or ""):
            changes.append("official text added" if not node.official_text else "official text changed")
            node.official_text = item.text
        if item.deprecated and (not node.deprecated or node.replaced_by_uuid != item.replaced_by):
            node.deprecated = True
            node.replaced_by_uuid = item.replaced_by
            changes.append("deprecated")
            report.newly_deprecated.append(
                f"{node.code}" + (f" (replaced by {item.replaced_by})" if item.replaced_by else ""))
            if item.replaced_by and link_counts.get(node.id):
                report.flagged.append(f"{node.code}: {link_counts[node.id]} goal link(s) to review; "
                                      f"SLO names {item.replaced_by} as its replacement")
        elif not item.deprecated and node.deprecated:
            node.deprecated = False
            node.replaced_by_uuid = None
            changes.append("no longer deprecated")
        if changes:
            node.imported_at = now
            report.changed.append(f"{node.code}: {', '.join(changes)}")
        else:
            report.unchanged += 1
    session.flush()
    return report


def import_slo_file(session: Session, path: Path) -> ImportReport:
    """Check the whole file, then apply it (ImportRefused before any write when it is malformed)."""
    return import_slo_items(session, read_slo_file(path))
