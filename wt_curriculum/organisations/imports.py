"""CSV and Excel import of networks and schools: preview first, then all-or-nothing, with line-numbered errors.

Files are Excel (.xlsx, the first sheet) or CSV: UTF-8 (with or without BOM) or Windows-1252 (what Excel
writes on Dutch Windows), with `;`, `,` or tab as delimiter (sniffed); `wt_curriculum.tables` reads both, as
for the other imports. The first line is the header. Rows are matched by their key (network code; school BRIN
+ vestiging), so importing the same file twice changes nothing.
"""
import json
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.services import record_audit
from ..errors import ValidationError
from ..tables import ReadError, read_table
from .models import Network, School
from .services import NetworkData, SchoolData, clean_network_data, clean_school_data

KINDS = ("netwerken", "scholen")
# Column names in English or Dutch, case-insensitive.
ALIASES = {
    "code": "code", "name": "name", "naam": "name", "region": "region", "regio": "region",
    "brin": "brin", "vestiging": "vestiging", "vestigingsnummer": "vestiging", "place": "place",
    "plaats": "place", "network": "network", "netwerk": "network",
}
COLUMNS = {
    "netwerken": {"required": ("code", "name"), "optional": ("region",)},
    "scholen": {"required": ("name", "brin"), "optional": ("vestiging", "place", "network")},
}
MAX_ERRORS = 100


def column_names(kind: str) -> dict[str, list[str]]:
    """The required and optional columns of an import as the help text names them: in the user's language
    (the file may use the English or the Dutch names, see ALIASES)."""
    names = {
        "code": pgettext("import column", "code"), "name": pgettext("import column", "name"),
        "region": pgettext("import column", "region"), "brin": pgettext("import column", "brin"),
        "vestiging": pgettext("import column", "vestiging"), "place": pgettext("import column", "place"),
        "network": pgettext("import column", "network"),
    }
    return {part: [names[column] for column in columns] for part, columns in COLUMNS[kind].items()}


@dataclass
class LineError:
    line: int
    message: str


@dataclass
class ImportRow:
    line: int
    key: str
    label: str
    action: str  # add, change or same
    changes: list[str] = field(default_factory=list)  # 'field: old → new'
    data: object = None


@dataclass
class ImportPreview:
    kind: str
    rows: list[ImportRow]
    errors: list[LineError]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _known(name: str) -> bool:
    return name.strip().lower() in ALIASES


def read_rows(raw: bytes, kind: str, filename: str = "") -> tuple[list[tuple[int, dict]], list[LineError]]:
    """Read a CSV or Excel (.xlsx) file into (line number, {column: value}) rows, and the errors found."""
    try:
        table = read_table(raw, filename, known=_known)
    except ReadError as error:
        return [], [LineError(e.line, e.message) for e in error.errors]
    columns = [ALIASES.get(h.strip().lower()) for h in table.header]
    spec = COLUMNS[kind]
    missing = [c for c in spec["required"] if c not in columns]
    if missing:
        return [], [LineError(1, str(_l("The header must name the columns %(columns)s; missing: %(missing)s.",
                                        columns=", ".join(spec["required"] + spec["optional"]),
                                        missing=", ".join(missing))))]
    rows, errors = [], []
    width = len(table.header)
    for line, values in table.rows:
        if len(values) > width and any(v.strip() for v in values[width:]):
            errors.append(LineError(line, str(_nl("This line has %(n)s field, the header %(m)s.",
                                                  "This line has %(n)s fields, the header %(m)s.", len(values),
                                                  n=len(values), m=width))))
            continue
        values = (values + [""] * width)[:width]
        rows.append((line, {c: v.strip() for c, v in zip(columns, values, strict=True) if c}))
    if not rows and not errors:
        errors.append(LineError(2, str(_l("The file has a header but no rows."))))
    return rows, errors


def _diff(pairs) -> list[str]:
    return [f"{name}: {old or '—'} → {new or '—'}" for name, old, new in pairs if (old or "") != (new or "")]


def preview_import(session: Session, kind: str, raw: bytes) -> ImportPreview:
    """What importing the file would add, change or leave alone, or the errors found (writes nothing)."""
    if kind not in KINDS:
        raise ValidationError(_l("Unknown kind of import."))
    rows, errors = read_rows(raw, kind)
    result = ImportPreview(kind, [], errors)
    seen: dict[str, int] = {}
    if kind == "netwerken":
        existing = {n.code: n for n in session.scalars(select(Network))}
    else:
        existing = {s.code: s for s in session.scalars(select(School))}
        networks = {code: (nid, code) for nid, code in session.execute(select(Network.id, Network.code))}
        network_codes = {nid: code for nid, code in networks.values()}
    for line, values in rows:
        try:
            if kind == "netwerken":
                data = clean_network_data(NetworkData(values.get("code", ""), values.get("name", ""),
                                                      values.get("region", "")))
                key, label = data.code, data.name
                current = existing.get(key)
                pairs = [] if current is None else [("name", current.name, data.name),
                                                    ("region", current.region, data.region)]
            else:
                network_code = values.get("network", "").upper()
                network_id = None
                if network_code:
                    if network_code not in networks:
                        raise ValidationError(_l("There is no network with code %(code)s.", code=network_code))
                    network_id = networks[network_code][0]
                data = clean_school_data(SchoolData(values.get("name", ""), values.get("brin", ""),
                                                    values.get("vestiging", ""), values.get("place", ""),
                                                    network_id))
                key, label = data.brin + data.vestiging, data.name
                current = existing.get(key)
                pairs = [] if current is None else [
                    ("name", current.name, data.name), ("place", current.place, data.place),
                    ("network", network_codes.get(current.network_id, ""), network_code)
                    if "network" in values else ("network", "", ""),
                ]
                if "network" not in values and current is not None:
                    data.network_id = current.network_id  # no network column: leave it as it is
        except ValidationError as error:
            result.errors.append(LineError(line, str(error.message)))
            continue
        if key in seen:
            result.errors.append(LineError(line, str(_l("%(key)s is already on line %(other)s.",
                                                        key=key, other=seen[key]))))
            continue
        seen[key] = line
        if current is None:
            result.rows.append(ImportRow(line, key, label, "add", data=data))
        else:
            changes = _diff(pairs)
            result.rows.append(ImportRow(line, key, label, "change" if changes else "same", changes, data))
        if len(result.errors) >= MAX_ERRORS:
            break
    result.errors.sort(key=lambda e: e.line)
    return result


def apply_import(session: Session, kind: str, raw: bytes, actor=None) -> ImportPreview:
    """Import the file if it has no errors at all; raises ValidationError (and writes nothing) otherwise."""
    preview = preview_import(session, kind, raw)
    if not preview.ok:
        raise ValidationError(_l("The file has errors; nothing has been imported."))
    if kind == "netwerken":
        existing = {n.code: n for n in session.scalars(select(Network))}
        for row in preview.rows:
            data = row.data
            if row.action == "add":
                session.add(Network(code=data.code, name=data.name, region=data.region))
            elif row.action == "change":
                network = existing[row.key]
                network.name, network.region = data.name, data.region
    else:
        existing = {s.code: s for s in session.scalars(select(School))}
        for row in preview.rows:
            data = row.data
            if row.action == "add":
                session.add(School(name=data.name, brin=data.brin, vestiging=data.vestiging, place=data.place,
                                   network_id=data.network_id))
            elif row.action == "change":
                school = existing[row.key]
                school.name, school.place, school.network_id = data.name, data.place, data.network_id
    session.flush()
    record_audit(session, actor, f"import.{kind}", kind, None,
                 json.dumps({"added": preview.count("add"), "changed": preview.count("change"),
                             "unchanged": preview.count("same")}))
    return preview
