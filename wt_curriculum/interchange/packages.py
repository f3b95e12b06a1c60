"""Lesson packages with their alignments, matched by uuid (or else by title within the network).

Changes go through the lessons services, so every change gets its revision and audit entry.
"""
import re
import uuid as uuid_module
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..auth.models import Role
from ..errors import ValidationError
from ..groepen import label
from ..lessons import adoption
from ..lessons import services as lessons
from ..lessons.models import LessonPackage, Licence, PackageKind, PackageStatus, Relation
from ..objectives.models import Goal, GoalStatus
from ..organisations.models import Network
from ..tables import Table
from .base import (
    ADD,
    CHANGE,
    SAME,
    Column,
    Columns,
    Preview,
    RowError,
    RowPlan,
    at_line,
    check_duplicates,
    diff,
    limited,
    norm_text,
    parse_groepen,
    parse_int,
    split_items,
)

NAME = "packages"
COLUMNS = Columns([
    Column("uuid", ("id", "identifier"), _l("The package's stable identifier. Empty: the row is matched by its title "
                                            "within its network, or added.")),
    Column("title", ("titel", "naam"), _l("The title, at most 200 characters."), required=True),
    Column("summary", ("samenvatting",), _l("A summary, at most 500 characters.")),
    Column("description", ("omschrijving", "beschrijving"), _l("The description (Markdown).")),
    Column("groepen", ("groep", "groups", "grades"), _l("The groepen, e.g. 5-8 or 5,6,7,8."), required=True),
    Column("lessons", ("lessen", "aantal_lessen", "lesson_count"), _l("The number of lessons, 1 to 50.")),
    Column("minutes", ("minuten", "minuten_per_les", "minutes_per_lesson"), _l("Minutes per lesson, 5 to 480.")),
    Column("materials", ("materialen", "benodigdheden"), _l("Materials, one per line.")),
    Column("keywords", ("trefwoorden", "zoekwoorden"), _l("Keywords, separated by commas.")),
    Column("network", ("netwerk", "network_code", "netwerkcode"), _l("The code of the network that shares the "
                                                                     "package, e.g. WT-UTR."), required=True),
    Column("authors", ("auteurs", "makers"), _l("Authors, separated by commas.")),
    Column("licence", ("licentie", "license"), _l("CC-BY, CC-BY-SA, CC-BY-NC-SA, CC-BY-ND or ARR (all rights "
                                                  "reserved).")),
    Column("links", ("koppelingen", "urls", "websites"), _l("Web addresses, one per line.")),
    Column("status", ("staat",), _l("concept, gepubliceerd or ingetrokken (draft, published, withdrawn); empty: a new "
                                    "package is a draft and an existing one keeps its status.")),
    Column("goals", ("leerdoelen", "doelen", "alignments", "aansluiting"),
           _l("The goals it serves with kern (main aim) or raakt (touches on), e.g. MN.3.2:kern; MN.6.1:raakt."),
           required=True),
])
STATUSES = {
    "concept": PackageStatus.DRAFT, "draft": PackageStatus.DRAFT,
    "gepubliceerd": PackageStatus.PUBLISHED, "published": PackageStatus.PUBLISHED,
    "ingetrokken": PackageStatus.WITHDRAWN, "withdrawn": PackageStatus.WITHDRAWN,
}
RELATIONS = {"kern": Relation.CORE, "core": Relation.CORE, "raakt": Relation.TOUCHES, "touches": Relation.TOUCHES}
LICENCES = {re.sub(r"[\s_]+", "-", k.lower()): v for k, v in {
    "CC-BY": Licence.CC_BY, "CC-BY-SA": Licence.CC_BY_SA, "CC-BY-NC-SA": Licence.CC_BY_NC_SA,
    "CC-BY-ND": Licence.CC_BY_ND, "ARR": Licence.ALL_RIGHTS_RESERVED,
    "all rights reserved": Licence.ALL_RIGHTS_RESERVED,
    "alle rechten voorbehouden": Licence.ALL_RIGHTS_RESERVED,
}.items()}
NOTE = "import"
MAX_DESCRIPTION = 20_000
MAX_MATERIALS = 5_000


@dataclass
class PackageRow:
    uuid: str
    title: str
    summary: str
    description: str
    groepen: list[int]
    lessons: int | None
    minutes: int | None
    materials: str
    keywords: str
    network: Network
    authors: str
    licence: str | None
    links: str
    status: str | None
    goals: list[tuple[str, str]]  # (code, relation), kern first then by code


@dataclass
class PackagePlan:
    row: PackageRow
    package_id: int | None
    data: lessons.PackageData
    content_changed: bool
    transition: str | None  # publish, withdraw or None


def _list(text: str, separator: str) -> str:
    return (", " if separator == "," else "\n").join(lessons.split_list(text, separator))


def goals_text(goals: list[tuple[str, str]]) -> str:
    return "; ".join(f"{code}:{relation}" for code, relation in goals)


def _sorted_goals(goals) -> list[tuple[str, str]]:
    return sorted(goals, key=lambda g: (0 if g[1] == Relation.CORE else 1, g[0]))


def _parse_goals(text: str) -> list[tuple[str, str]]:
    goals: dict[str, str] = {}
    for item in split_items(text, r"[;,\n]+"):
        match = re.fullmatch(r"([^\s:()]+)\s*(?::\s*(\w+)|\((\w+)\))?", item)
        if not match:
            raise RowError(_l("“%(item)s” is not a goal code with kern or raakt, e.g. MN.3.2:kern.", item=item[:40]))
        code, relation = match.group(1), (match.group(2) or match.group(3) or "kern").lower()
        if relation not in RELATIONS:
            raise RowError(_l("“%(item)s”: the relation is kern (main aim) or raakt (touches on).", item=item[:40]))
        if code in goals:
            raise RowError(_l("Goal %(code)s is named twice.", code=code))
        goals[code] = RELATIONS[relation]
    if not goals:
        raise RowError(_l("Name at least one goal, e.g. MN.3.2:kern."))
    if Relation.CORE not in goals.values():
        raise RowError(_l("At least one goal must be the main aim (kern) of the package."))
    return _sorted_goals(goals.items())


def _parse(record: dict[str, str], networks: dict[str, Network]) -> PackageRow:
    given_uuid = record["uuid"].lower()
    if given_uuid:
        try:
            given_uuid = str(uuid_module.UUID(given_uuid))
        except ValueError:
            raise RowError(_l("“%(value)s” is not a uuid.", value=record["uuid"][:40])) from None
    title = limited(record["title"], "title", 200)
    if not title:
        raise RowError(_l("Fill in the title."))
    network = networks.get(record["network"].upper())
    if network is None:
        raise RowError(_l("There is no network with code “%(code)s”.", code=record["network"][:30]))
    licence = None
    if record["licence"]:
        licence = LICENCES.get(re.sub(r"[\s_]+", "-", record["licence"].lower()))
        if licence is None:
            raise RowError(_l("The licence “%(value)s” is not one of CC-BY, CC-BY-SA, CC-BY-NC-SA, CC-BY-ND, ARR.",
                              value=record["licence"][:30]))
    status = None
    if record["status"]:
        status = STATUSES.get(record["status"].lower())
        if status is None:
            raise RowError(_l("The status “%(value)s” is not one of concept, gepubliceerd, ingetrokken.",
                              value=record["status"][:20]))
    links = "\n".join(split_items(record["links"], r"\s+"))
    try:
        links = "\n".join(lessons.parse_links(links))
    except ValidationError as error:
        raise RowError(error.message) from None
    return PackageRow(
        uuid=given_uuid, title=title, summary=limited(record["summary"], "summary", 500),
        description=limited(record["description"], "description", MAX_DESCRIPTION),
        groepen=parse_groepen(record["groepen"]),
        lessons=parse_int(record["lessons"], "lessons", 1, lessons.MAX_LESSONS, None),
        minutes=parse_int(record["minutes"], "minutes", lessons.MIN_MINUTES, lessons.MAX_MINUTES, None),
        materials=limited(_list(record["materials"], "\n"), "materials", MAX_MATERIALS),
        keywords=limited(_list(record["keywords"], ","), "keywords", 500),
        network=network, authors=limited(_list(record["authors"], ","), "authors", 500),
        licence=licence, links=links, status=status, goals=_parse_goals(record["goals"]),
    )


@dataclass
class _World:
    """Everything the checks need, read in a handful of queries."""

    networks: dict[str, Network]
    network_codes: dict[int, str]
    by_uuid: dict[str, LessonPackage]
    by_title: dict[tuple[str, int], list[LessonPackage]]
    goals: dict[str, tuple[int, str]]  # code -> (id, status)
    aligned: dict[int, list[tuple[str, str]]]  # package id -> (code, relation)
    adopted: dict[int, str]  # adopted copy's id -> the licence it was adopted under
    by_content: dict[tuple[str, str], list[LessonPackage]]  # (title, description) -> packages, to find copies


def _content_key(title: str, description: str) -> tuple[str, str]:
    return (" ".join(title.split()).casefold(), norm_text(description))


def _world(session: Session) -> _World:
    networks = {n.code: n for n in session.scalars(select(Network))}
    packages = list(session.scalars(select(LessonPackage)))
    by_title: dict[tuple[str, int], list[LessonPackage]] = {}
    for package in packages:
        by_title.setdefault((package.title, package.network_id), []).append(package)
    aligned = lessons.aligned_goals(session, [p.id for p in packages])
    by_content: dict[tuple[str, str], list[LessonPackage]] = {}
    for package in packages:
        by_content.setdefault(_content_key(package.title, package.description), []).append(package)
    return _World(
        networks, {n.id: n.code for n in networks.values()}, {p.uuid: p for p in packages}, by_title,
        {code: (gid, status) for gid, code, status in session.execute(select(Goal.id, Goal.code, Goal.status))},
        {pid: _sorted_goals((g.code, g.relation) for g in goals) for pid, goals in aligned.items()},
        adoption.adopted_licences(session), by_content,
    )


def _match(row: PackageRow, world: _World) -> LessonPackage | None:
    if row.uuid:
        return world.by_uuid.get(row.uuid)
    same_title = world.by_title.get((row.title, row.network.id), [])
    if len(same_title) > 1:
        raise RowError(_l("Network %(network)s has several packages called “%(title)s”: fill in the uuid.",
                          network=row.network.code, title=row.title[:60]))
    return same_title[0] if same_title else None


def preview(session: Session, table: Table, user) -> Preview:
    """What importing the packages would add, change or leave alone, and every problem (writes nothing)."""
    result = Preview(NAME)
    records, result.errors = COLUMNS.records(table)
    world = _world(session)
    parsed = []
    for line, record in records:
        try:
            row = _parse(record, world.networks)
            package = _match(row, world)
        except RowError as error:
            result.error(line, error.message)
            continue
        key = ("id", package.id) if package else ("uuid", row.uuid) if row.uuid else ("new", row.title, row.network.id)
        parsed.append((line, row, package, key))
    bad = check_duplicates(result, [(line, key) for line, _, _, key in parsed],
                           lambda key: _l("the package “%(title)s”", title=_key_title(key, parsed)))
    for line, row, package, _key in parsed:
        if line in bad:
            continue
        try:
            result.rows.append(_plan(line, row, package, world, user))
        except RowError as error:
            result.error(line, error.message)
    return result


def _key_title(key, parsed) -> str:
    return next((row.title for _, row, _, k in parsed if k == key), "")[:60]


def _plan(line: int, row: PackageRow, package: LessonPackage | None, world: _World, user) -> RowPlan:
    for network_id in {row.network.id, package.network_id if package else row.network.id}:
        if not lessons.can_edit_network_packages(user, network_id):
            raise RowError(_l("You can only import lesson packages of your own network, not of %(network)s.",
                              network=world.network_codes.get(network_id, "?")))
    existing = set(world.aligned.get(package.id, [])) if package else set()
    alignments = []
    for code, relation in row.goals:
        goal = world.goals.get(code)
        if goal is None:
            raise RowError(_l("There is no goal with code %(code)s.", code=code[:30]))
        if goal[1] != GoalStatus.PUBLISHED and not any(c == code for c, _ in existing):
            raise RowError(_l("Goal %(code)s is not published (it is %(status)s) and cannot be chosen.",
                              code=code, status=goal[1]))
        alignments.append((goal[0], relation))
    old_status = package.status if package else None
    target = row.status or old_status or PackageStatus.DRAFT
    transition = None
    if target != (old_status or PackageStatus.DRAFT):
        if target == PackageStatus.PUBLISHED:
            transition = "publish"
        elif target == PackageStatus.WITHDRAWN and old_status == PackageStatus.PUBLISHED:
            transition = "withdraw"
        elif target == PackageStatus.WITHDRAWN:
            raise RowError(_l("Only a published package can be ingetrokken (withdrawn)."))
        else:
            raise RowError(_l("A published or withdrawn package cannot go back to concept."))
    if target == PackageStatus.PUBLISHED and not any(
            relation == Relation.CORE and world.goals[code][1] == GoalStatus.PUBLISHED for code, relation in row.goals):
        raise RowError(_l("A package can only be published when its main aim (kern) is a published goal."))
    data = lessons.PackageData(
        title=row.title, summary=row.summary, description=row.description, groepen=row.groepen,
        lesson_count=row.lessons or (package.lesson_count if package else 1),
        minutes_per_lesson=row.minutes or (package.minutes_per_lesson if package else 45),
        materials=row.materials, keywords=row.keywords, authors=row.authors,
        licence=row.licence or (package.licence if package else Licence.CC_BY_SA), links=row.links,
        network_id=row.network.id, alignments=alignments,
    )
    if package is None:
        _check_copy(row, data, world)
        plan = PackagePlan(row, None, data, True, transition)
        return RowPlan(line, row.uuid or "—", row.title, ADD, [], plan)
    changes = diff([
        ("title", package.title, data.title),
        ("summary", norm_text(package.summary), data.summary),
        ("description", norm_text(package.description), data.description),
        ("groepen", label(package.groepen), label(data.groepen)),
        ("lessons", str(package.lesson_count), str(data.lesson_count)),
        ("minutes", str(package.minutes_per_lesson), str(data.minutes_per_lesson)),
        ("materials", _list(package.materials, "\n"), data.materials),
        ("keywords", _list(package.keywords, ","), data.keywords),
        ("network", world.network_codes.get(package.network_id, ""), row.network.code),
        ("authors", _list(package.authors, ","), data.authors),
        ("licence", package.licence, data.licence),
        ("links", _list(package.links, "\n"), data.links),
        ("goals", goals_text(world.aligned.get(package.id, [])), goals_text(row.goals)),
    ])
    content_changed = bool(changes)
    _check_adopted_change(package, data, world, content_changed)
    changes += diff([("status", package.status, target)])
    plan = PackagePlan(row, package.id, data, content_changed, transition)
    return RowPlan(line, package.uuid, row.title, CHANGE if changes else SAME, changes, plan)


def _content(data: lessons.PackageData, goals: list[tuple[str, str]]) -> tuple:
    return (data.summary, label(data.groepen), data.lesson_count, data.minutes_per_lesson, data.materials,
            data.keywords, data.authors, data.licence, data.links, goals_text(goals))


def _package_content(package: LessonPackage, world: _World) -> tuple:
    return (norm_text(package.summary), label(package.groepen), package.lesson_count, package.minutes_per_lesson,
            _list(package.materials, "\n"), _list(package.keywords, ","), _list(package.authors, ","),
            package.licence, _list(package.links, "\n"), goals_text(world.aligned.get(package.id, [])))


def _check_copy(row: PackageRow, data: lessons.PackageData, world: _World) -> None:
    """A new package with the title and description of another network's package is a copy of it, and its
    licence decides: all rights reserved may not be copied; a BY-ND copy must be unchanged; a ShareAlike copy
    keeps the licence (the rules of adopting, lessons/adoption.py)."""
    for source in world.by_content.get(_content_key(row.title, row.description), []):
        if source.network_id == row.network.id:
            continue
        network = world.network_codes.get(source.network_id, "?")
        if source.licence == Licence.ALL_RIGHTS_RESERVED:
            raise RowError(_l("This is a copy of “%(title)s” of network %(network)s, whose licence (all rights "
                              "reserved) does not allow copying: link to it instead.",
                              title=source.title[:60], network=network))
        if source.licence == Licence.CC_BY_ND and _content(data, row.goals) != _package_content(source, world):
            raise RowError(_l("This is a changed copy of “%(title)s” of network %(network)s, whose licence "
                              "(CC BY-ND) allows no changes: copy it unchanged, or adopt it on its page.",
                              title=source.title[:60], network=network))
        if source.licence in adoption.SHARE_ALIKE and data.licence != source.licence:
            raise RowError(_l("This is a copy of “%(title)s” of network %(network)s, shared under %(licence)s "
                              "(ShareAlike): the copy keeps that licence.",
                              title=source.title[:60], network=network, licence=source.licence))


def _check_adopted_change(package: LessonPackage, data: lessons.PackageData, world: _World,
                          content_changed: bool) -> None:
    """An adopted copy changes only as its licence allows, as on the package's edit page."""
    licence = world.adopted.get(package.id)
    if licence is None or not content_changed:
        return
    if licence == Licence.CC_BY_ND:
        raise RowError(_l("“%(title)s” was adopted under CC BY-ND: it may not be changed. You can take over a "
                          "newer version of its source on its page.", title=package.title[:60]))
    if licence in adoption.SHARE_ALIKE and data.licence != licence:
        raise RowError(_l("“%(title)s” was adopted under %(licence)s (ShareAlike): it keeps that licence.",
                          title=package.title[:60], licence=licence))


def apply(session: Session, result: Preview, user, progress=None) -> None:
    """Write the previewed packages through the lessons services."""

    for done, row_plan in enumerate(result.rows, 1):
        if progress is not None:
            progress(done)
        plan: PackagePlan = row_plan.data
        if row_plan.action == SAME:
            continue
        with at_line(row_plan.line):
            if plan.package_id is None:
                package = lessons.create_package(session, plan.data, user, NOTE)
                if plan.row.uuid:
                    # Keep the identifier the package has elsewhere, so that the next import matches it.
                    package.uuid = plan.row.uuid
                    session.flush()
            else:
                package = lessons.package_for_edit(session, plan.package_id, user)
                if plan.content_changed:
                    lessons.update_package(session, package, plan.data, user, package.version, NOTE)
            if plan.transition == "publish":
                lessons.publish_package(session, package, user, NOTE)
            elif plan.transition == "withdraw":
                lessons.withdraw_package(session, package, user, NOTE)


def export(session: Session, user, network_code: str = "") -> tuple[list[str], list[list[str]]]:
    """Published packages for everyone, plus the drafts and withdrawn ones the user may edit."""
    query = (select(LessonPackage, Network.code).join(Network, Network.id == LessonPackage.network_id)
             .where(LessonPackage.kind == PackageKind.OWN))  # outside materials are not ours to hand on
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    if role == Role.NETWORK:
        query = query.where(or_(LessonPackage.status == PackageStatus.PUBLISHED,
                                LessonPackage.network_id == user.network_id))
    elif role not in (Role.ADMIN, Role.EDITOR):
        query = query.where(LessonPackage.status == PackageStatus.PUBLISHED)
    if network_code:
        query = query.where(Network.code == network_code.strip().upper())
    rows = session.execute(query.order_by(Network.code, LessonPackage.title, LessonPackage.id)).all()
    aligned = lessons.aligned_goals(session, [p.id for p, _ in rows])
    out = []
    for p, network in rows:
        goals = _sorted_goals((g.code, g.relation) for g in aligned[p.id])
        out.append([p.uuid, p.title, p.summary, p.description, label(p.groepen), str(p.lesson_count),
                    str(p.minutes_per_lesson), p.materials, p.keywords, network, p.authors, p.licence, p.links,
                    p.status, goals_text(goals)])
    return COLUMNS.names, out
