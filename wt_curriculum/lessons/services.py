"""Lesson packages: plain functions that take the session, flush, and never commit."""
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..auth.models import Role
from ..core.hooks import Hook, Section
from ..core.services import FieldDiff, diff_snapshots, record_audit, record_revision, revisions_for
from ..errors import Conflict, Forbidden, NotFound, Problems, ValidationError
from ..groepen import ALL_GROEPEN, from_mask, label, to_mask
from ..objectives import services as objectives
from ..objectives.models import Domain, Goal, GoalStatus, Strand
from ..organisations import services as organisations
from ..organisations.models import Network
from . import attachments as files
from . import search_index  # noqa: F401  (keeps the SQLite search index current)
from .markdown import render_markdown
from .models import Alignment, Attachment, LessonPackage, Licence, PackageKind, PackageStatus, Relation

# The package page shows sections of higher areas (planning: how many schools plan the package, the rating).
# Shared sections are the same for every viewer, functions of (session, package): rendered once and cached
# until content or year plans change. Viewer's sections take (session, package, viewer); one with a `slot`
# goes into that slot of the shared sections (the experience form inside the experiences).
package_page_shared_sections = Hook("lessons.package_page_shared_sections")
package_page_sections = Hook("lessons.package_page_sections")

LICENCE_LABELS = {
    Licence.CC_BY: "CC BY",
    Licence.CC_BY_SA: "CC BY-SA",
    Licence.CC_BY_NC_SA: "CC BY-NC-SA",
    Licence.CC_BY_ND: "CC BY-ND",
    Licence.ALL_RIGHTS_RESERVED: _l("All rights reserved"),
}
STATUS_LABELS = {
    PackageStatus.DRAFT: _l("Draft"),
    PackageStatus.PUBLISHED: _l("Published"),
    PackageStatus.WITHDRAWN: _l("Withdrawn"),
}
RELATION_LABELS = {Relation.CORE: _l("main aim (kern)"), Relation.TOUCHES: _l("touches on (raakt)")}
MAX_LESSONS = 50
MIN_MINUTES, MAX_MINUTES = 5, 480
MAX_LINKS = 20
# Parts of the search page that other areas add beside the packages: functions (session, query, filters) ->
# core.hooks.Section or None (oai: outside materials).
search_sections = Hook("lessons.search_sections")


# --- Who may do what ---------------------------------------------------------------------------
def can_edit_network_packages(user, network_id: int | None) -> bool:
    """Editors and admins edit every package; a network coordinator only their own network's."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in (Role.ADMIN, Role.EDITOR):
        return True
    return user.role == Role.NETWORK and user.network_id is not None and user.network_id == network_id


def can_see_package(user, package: LessonPackage) -> bool:
    """Published packages are for everyone; drafts and withdrawn ones for those who may edit them."""
    return package.status == PackageStatus.PUBLISHED or can_edit_network_packages(user, package.network_id)


OWN_PACKAGES = LessonPackage.kind == PackageKind.OWN  # networks' own packages: not outside materials


def refuse_external(package: LessonPackage) -> None:
    """An outside material's package follows the material and its confirmed goals: nobody edits it here."""
    if package.kind == PackageKind.EXTERNAL:
        raise Forbidden(_l("This is an outside material planned by schools. It follows the material and the goals "
                           "confirmed for it; change those on the material's page."))


def package_for_edit(session: Session, package_id: int, user) -> LessonPackage:
    """The package with its alignments and attachments, if the user may edit it (else NotFound/Forbidden)."""
    package = session.scalar(
        select(LessonPackage).where(LessonPackage.id == package_id)
        .options(selectinload(LessonPackage.alignments), selectinload(LessonPackage.attachments))
    )
    if package is None:
        raise NotFound(_l("This lesson package does not exist."))
    if not can_edit_network_packages(user, package.network_id):
        raise Forbidden(_l("You can only change the lesson packages of your own network."))
    refuse_external(package)
    return package


# --- Reading ----------------------------------------------------------------------------------
@dataclass
class AlignedGoal:
    id: int
    code: str
    title: str
    relation: str
    status: str

    @property
    def retired(self) -> bool:
        return self.status == GoalStatus.RETIRED


@dataclass
class AttachmentInfo:
    id: int
    filename: str
    content_type: str
    size: int


@dataclass
class PackageDetail:
    id: int
    title: str
    summary: str
    description_html: str
    groepen: list[int]
    groepen_label: str
    lesson_count: int
    minutes_per_lesson: int
    total_minutes: int
    materials: list[str]
    keywords: list[str]
    authors: list[str]
    licence: str
    licence_label: str
    links: list[str]
    network_id: int
    network_name: str
    status: str
    status_label: str
    published_at: datetime | None
    updated_at: datetime
    version: int
    goals: list[AlignedGoal] = field(default_factory=list)
    attachments: list[AttachmentInfo] = field(default_factory=list)
    can_edit: bool = False
    groepen_reason: str = ""  # why the groepen differ from the main aim's (given when saving)
    external: bool = False  # an outside material planned by schools (PackageKind.EXTERNAL)


def split_list(text: str, separator: str) -> list[str]:
    return [part.strip() for part in (text or "").split(separator) if part.strip()]


def aligned_goals(session: Session, package_ids: list[int]) -> dict[int, list[AlignedGoal]]:
    """Every package's goals (kern first, then by code), for many packages in one query."""
    result: dict[int, list[AlignedGoal]] = {pid: [] for pid in package_ids}
    if not package_ids:
        return result
    rows = session.execute(
        select(Alignment.package_id, Goal.id, Goal.code, Goal.title, Alignment.relation, Goal.status)
        .join(Goal, Goal.id == Alignment.goal_id)
        .where(Alignment.package_id.in_(package_ids))
        .order_by(Alignment.package_id, case((Alignment.relation == Relation.CORE, 0), else_=1), Goal.code)
    )
    for package_id, goal_id, code, title, relation, status in rows:
        result[package_id].append(AlignedGoal(goal_id, code, title, relation, status))
    return result


def package_detail(session: Session, package_id: int, user) -> PackageDetail:
    """Everything the package page shows; NotFound when it does not exist or the user may not see it."""
    row = session.execute(
        select(LessonPackage, Network.name).join(Network, Network.id == LessonPackage.network_id)
        .where(LessonPackage.id == package_id)
    ).first()
    if row is None or not can_see_package(user, row[0]):
        raise NotFound(_l("This lesson package does not exist."))
    package, network_name = row
    attachments = session.execute(
        select(Attachment.id, Attachment.filename, Attachment.content_type, Attachment.size)
        .where(Attachment.package_id == package.id).order_by(Attachment.filename, Attachment.id)
    )
    return PackageDetail(
        id=package.id, title=package.title, summary=package.summary,
        description_html=render_markdown(package.description), groepen=package.groepen,
        groepen_label=label(package.groepen), lesson_count=package.lesson_count,
        minutes_per_lesson=package.minutes_per_lesson, total_minutes=package.total_minutes,
        materials=split_list(package.materials, "\n"), keywords=split_list(package.keywords, ","),
        authors=split_list(package.authors, ","), licence=package.licence,
        licence_label=LICENCE_LABELS.get(package.licence, package.licence),
        links=split_list(package.links, "\n"), network_id=package.network_id, network_name=network_name,
        status=package.status, status_label=STATUS_LABELS.get(package.status, package.status),
        published_at=package.published_at, updated_at=package.updated_at, version=package.version,
        goals=aligned_goals(session, [package.id])[package.id],
        attachments=[AttachmentInfo(*a) for a in attachments],
        can_edit=can_edit_network_packages(user, package.network_id) and package.kind == PackageKind.OWN,
        groepen_reason=package.groepen_reason, external=package.kind == PackageKind.EXTERNAL,
    )


@dataclass
class RetiredAimPackage:
    """A package (draft or published) with a main-aim goal that was retired: its network should look at it."""

    id: int
    title: str
    status: str
    network_name: str
    retired: list[str]  # codes of the retired main-aim goals
    main_aims: int  # all its main-aim goals

    @property
    def no_main_aim_left(self) -> bool:
        return len(self.retired) == self.main_aims


def packages_with_retired_main_aims(session: Session, network_id: int | None = None) -> list[RetiredAimPackage]:
    """Packages that are not withdrawn and have a retired main-aim goal, of one network (or all), those with
    no published main aim left first, then by title. One query."""
    query = (
        select(LessonPackage.id, LessonPackage.title, LessonPackage.status, Network.name, Goal.code, Goal.status)
        .join(Network, Network.id == LessonPackage.network_id)
        .join(Alignment, Alignment.package_id == LessonPackage.id).join(Goal, Goal.id == Alignment.goal_id)
        .where(LessonPackage.status != PackageStatus.WITHDRAWN, Alignment.relation == Relation.CORE,
               LessonPackage.id.in_(
                   select(Alignment.package_id).join(Goal, Goal.id == Alignment.goal_id)
                   .where(Alignment.relation == Relation.CORE, Goal.status == GoalStatus.RETIRED)))
        .order_by(LessonPackage.id, Goal.code)
    )
    if network_id is not None:
        query = query.where(LessonPackage.network_id == network_id)
    found: dict[int, RetiredAimPackage] = {}
    for pid, title, status, network_name, code, goal_status in session.execute(query):
        item = found.setdefault(pid, RetiredAimPackage(pid, title, status, network_name, [], 0))
        item.main_aims += 1
        if goal_status == GoalStatus.RETIRED:
            item.retired.append(code)
    return sorted(found.values(), key=lambda p: (not p.no_main_aim_left, p.title.lower(), p.id))


@dataclass
class PackageRow:
    id: int
    title: str
    status: str
    status_label: str
    network_name: str
    groepen_label: str
    updated_at: datetime


@dataclass
class PackageList:
    items: list[PackageRow]
    total: int
    page: int
    pages: int


def packages_for_author(session: Session, user, page: int = 1, per_page: int = 25) -> PackageList:
    """The packages the user may edit, all statuses, newest change first (for the authoring list)."""
    query = (select(LessonPackage, Network.name).join(Network, Network.id == LessonPackage.network_id)
             .where(OWN_PACKAGES))
    if user.role == Role.NETWORK:
        query = query.where(LessonPackage.network_id == user.network_id)
    elif user.role not in (Role.ADMIN, Role.EDITOR):
        raise Forbidden(_l("You cannot edit lesson packages."))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = session.execute(
        query.order_by(LessonPackage.updated_at.desc(), LessonPackage.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    )
    items = [PackageRow(p.id, p.title, p.status, STATUS_LABELS.get(p.status, p.status), name,
                        label(p.groepen), p.updated_at) for p, name in rows]
    return PackageList(items, total, page, pages)


# --- Goals for the goal picker ----------------------------------------------------------------
@dataclass
class GoalChoice:
    id: int
    code: str
    title: str
    status: str


def find_goals(session: Session, text: str, exclude_ids=(), limit: int = 25) -> list[GoalChoice]:
    """Published goals whose code starts with, or whose title/keywords/description hold, every word typed."""
    words = (text or "").split()[:8]
    if not words:
        return []
    query = (
        select(Goal.id, Goal.code, Goal.title, Goal.status)
        .join(Strand, Strand.id == Goal.strand_id).join(Domain, Domain.id == Strand.domain_id)
        .where(Goal.status == GoalStatus.PUBLISHED)
        .order_by(Domain.position, Strand.position, Goal.position, Goal.code)
        .limit(limit)
    )
    for word in words:
        word = word.lower()[:60]
        query = query.where(or_(
            func.lower(Goal.code).startswith(word, autoescape=True),
            func.lower(Goal.title).contains(word, autoescape=True),
            func.lower(Goal.keywords).contains(word, autoescape=True),
            func.lower(Goal.description).contains(word, autoescape=True),
        ))
    if exclude_ids:
        query = query.where(Goal.id.not_in(list(exclude_ids)))
    return [GoalChoice(*row) for row in session.execute(query)]


def goals_by_id(session: Session, goal_ids) -> dict[int, GoalChoice]:
    ids = list({int(i) for i in goal_ids})
    if not ids:
        return {}
    rows = session.execute(select(Goal.id, Goal.code, Goal.title, Goal.status).where(Goal.id.in_(ids)))
    return {row[0]: GoalChoice(*row) for row in rows}


# --- Writing ------------------------------------------------------------------------------------
@dataclass
class PackageData:
    """What an author typed, already parsed by the form."""

    title: str
    summary: str
    description: str
    groepen: list[int]
    lesson_count: int
    minutes_per_lesson: int
    materials: str
    keywords: str
    authors: str
    licence: str
    links: str
    network_id: int | None
    alignments: list[tuple[int, str]]  # (goal id, kern|raakt)
    groepen_reason: str = ""  # why the groepen differ from the main-aim goals' groepen, when they do


@dataclass
class MismatchedAim:
    """A main-aim goal meant for none of the package's groepen."""

    code: str
    title: str
    groepen: list[int]

    @property
    def groepen_label(self) -> str:
        return label(self.groepen)


def main_aim_mismatches(session: Session, groepen: list[int], alignments: list[tuple[int, str]]) -> list[MismatchedAim]:
    """The main-aim (kern) goals that are meant for none of `groepen`: a package for groep 5-6 whose main aim
    is meant for groep 7-8. One query."""
    kern_ids = [goal_id for goal_id, relation in alignments if relation == Relation.CORE]
    if not kern_ids or not groepen:
        return []
    mask = to_mask(g for g in groepen if g in ALL_GROEPEN)
    return [MismatchedAim(code, title, from_mask(goal_mask)) for code, title, goal_mask in session.execute(
        select(Goal.code, Goal.title, Goal.groepen_mask)
        .where(Goal.id.in_(kern_ids), Goal.groepen_mask.op("&")(mask) == 0).order_by(Goal.code))]


def mismatch_message(groepen: list[int], mismatches: list[MismatchedAim]):
    goals = [_l("%(code)s (groep %(groepen)s)", code=m.code, groepen=m.groepen_label) for m in mismatches]
    return _l("This package is for groep %(groepen)s, but its main aim %(goals)s is meant for other groepen.",
              groepen=label(groepen), goals=", ".join(str(g) for g in goals))


def parse_links(text: str) -> list[str]:
    """One http(s) address per line; ValidationError naming the first bad one."""
    links = split_list(text, "\n")
    if len(links) > MAX_LINKS:
        raise ValidationError(_nl("At most %(n)s link.", "At most %(n)s links.", MAX_LINKS, n=MAX_LINKS), field="links")
    for link in links:
        parts = urlsplit(link)
        if (parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in link
                or len(link) > 500 or "." not in parts.hostname):
            raise ValidationError(
                _l("“%(link)s” is not a web address starting with http:// or https://.", link=link[:80]),
                field="links")
    return links


def _clean_list(text: str, separator: str) -> str:
    return (", " if separator == "," else "\n").join(split_list(text, separator))


def validate_package(session: Session, data: PackageData, user, existing_goal_ids=frozenset(),
                     require_reason: bool = False, check_rights: bool = True) -> None:
    """Check a package's data; one ValidationError listing every problem found (errors.Problems), so that the
    form shows them all at once. Forbidden when the user may not share packages for the chosen network."""
    problems = Problems()
    if not (data.title or "").strip():
        problems.add(_l("Give the package a title."), "title")
    if not data.groepen or any(g not in ALL_GROEPEN for g in data.groepen):
        problems.add(_l("Choose at least one groep (1 to 8)."), "groepen")
    if not 1 <= (data.lesson_count or 0) <= MAX_LESSONS:
        problems.add(_l("The number of lessons is between 1 and %(n)s.", n=MAX_LESSONS), "lesson_count")
    if not MIN_MINUTES <= (data.minutes_per_lesson or 0) <= MAX_MINUTES:
        problems.add(_l("Minutes per lesson are between %(min)s and %(max)s.", min=MIN_MINUTES, max=MAX_MINUTES),
                     "minutes_per_lesson")
    if data.licence not in set(Licence):
        problems.add(_l("Choose a licence from the list."), "licence")
    problems.check(parse_links, data.links)
    if data.network_id is None or session.get(Network, data.network_id) is None:
        problems.add(_l("Choose the network that shares this package."), "network_id")
    elif check_rights and not can_edit_network_packages(user, data.network_id):
        raise Forbidden(_l("You can only change the lesson packages of your own network."))
    goals = goals_by_id(session, [goal_id for goal_id, _ in data.alignments])
    if not data.alignments:
        problems.add(_l("Choose at least one learning goal this package serves."), "goals")
    elif any(relation not in set(Relation) for _, relation in data.alignments):
        problems.add(_l("Each goal is either the main aim (kern) or touched on (raakt)."), "goals")
    elif not any(relation == Relation.CORE for _, relation in data.alignments):
        problems.add(_l("At least one goal must be the main aim (kern) of the package."), "goals")
    # A goal retired after it was chosen stays (flagged); new choices must be published goals.
    if any((goals.get(goal_id) is None
            or (goals[goal_id].status != GoalStatus.PUBLISHED and goal_id not in existing_goal_ids))
           for goal_id, _ in data.alignments):
        problems.add(_l("Only published learning goals can be chosen."), "goals")
    if len(data.groepen_reason or "") > 500:
        problems.add(_l("At most %(max)d characters.", max=500), "groepen_reason")
    mismatches = []
    if not problems.has("groepen") and not problems.has("goals"):
        mismatches = main_aim_mismatches(session, data.groepen, data.alignments)
        if require_reason and mismatches and not (data.groepen_reason or "").strip():
            problems.add(_l("%(problem)s Give a reason to save it anyway, or change the groepen or the main aim.",
                            problem=mismatch_message(data.groepen, mismatches)), "groepen_reason")
    problems.raise_any()
    if not mismatches:
        data.groepen_reason = ""  # a reason only where there is something to explain


def _apply(package: LessonPackage, data: PackageData) -> None:
    package.title = data.title.strip()
    package.summary = (data.summary or "").strip()
    package.description = (data.description or "").strip()
    package.groepen_mask = to_mask(data.groepen)
    package.lesson_count = data.lesson_count
    package.minutes_per_lesson = data.minutes_per_lesson
    package.materials = _clean_list(data.materials, "\n")
    package.keywords = _clean_list(data.keywords, ",")
    package.authors = _clean_list(data.authors, ",")
    package.licence = data.licence
    package.links = "\n".join(parse_links(data.links))
    package.network_id = data.network_id
    package.groepen_reason = (data.groepen_reason or "").strip()
    wanted = dict(data.alignments)
    # Update in place: deleting and re-adding the same goal in one flush would break the unique key.
    for alignment in list(package.alignments):
        if alignment.goal_id in wanted:
            alignment.relation = wanted.pop(alignment.goal_id)
        else:
            package.alignments.remove(alignment)
    for goal_id, relation in wanted.items():
        package.alignments.append(Alignment(goal_id=goal_id, relation=relation))


def package_snapshot(session: Session, package: LessonPackage) -> dict:
    """The fields of a package that its revisions keep and compare."""
    codes = goals_by_id(session, [a.goal_id for a in package.alignments])
    goals = sorted(f"{codes[a.goal_id].code} ({a.relation})" for a in package.alignments if a.goal_id in codes)
    return {
        "title": package.title, "summary": package.summary, "description": package.description,
        "groepen": package.groepen, "lesson_count": package.lesson_count,
        "minutes_per_lesson": package.minutes_per_lesson, "materials": package.materials,
        "keywords": package.keywords, "authors": package.authors, "licence": package.licence,
        "links": package.links, "network": session.scalar(select(Network.code).where(Network.id == package.network_id)),
        "status": package.status, "goals": goals, "groepen_reason": package.groepen_reason,
    }


def create_package(session: Session, data: PackageData, user, note: str = "",
                   require_reason: bool = False) -> LessonPackage:
    """A new draft package of data.network_id, with its alignments and a first revision. With
    `require_reason` (the package form), groepen that miss a main aim's groepen need data.groepen_reason."""
    validate_package(session, data, user, require_reason=require_reason)
    package = LessonPackage(uuid=str(uuid_module.uuid4()), status=PackageStatus.DRAFT, alignments=[])
    _apply(package, data)
    session.add(package)
    session.flush()
    record_revision(session, "package", package.id, package_snapshot(session, package), "create", user, note)
    record_audit(session, user, "package.create", "package", package.id, package.title)
    return package


def external_links(url: str) -> str:
    """An outside material's address as a package's links: kept when it is a web address we link to, else none."""
    try:
        return "\n".join(parse_links(url or ""))
    except ValidationError:
        return ""


def create_external_package(session: Session, data: PackageData, actor, note: str = "") -> LessonPackage:
    """A published package of kind 'extern' standing for an outside material a school plans (oai.services).

    Made from the material and the goals an editor or its network confirmed, on behalf of the planner, who
    needs no right to share packages: nobody publishes anything of their own here. Such a package is never
    edited (refuse_external), offered over OAI-PMH, found in the package search or listed for planning; it
    only carries the material into year plans and coverage."""
    validate_package(session, data, actor, check_rights=False)
    package = LessonPackage(uuid=str(uuid_module.uuid4()), status=PackageStatus.PUBLISHED,
                            kind=PackageKind.EXTERNAL, published_at=datetime.now(UTC), alignments=[])
    _apply(package, data)
    session.add(package)
    session.flush()
    record_revision(session, "package", package.id, package_snapshot(session, package), "create", actor, note)
    record_audit(session, actor, "package.create_external", "package", package.id, package.title)
    return package


def sync_external_package(session: Session, package: LessonPackage, title: str, links: str,
                          goal_ids: list[int]) -> bool:
    """Keep an outside material's package in step with it: its title, its link and exactly the goals confirmed
    for it (the first as main aim). `package.alignments` must be loaded. True when something changed."""
    if package.kind != PackageKind.EXTERNAL:
        raise Forbidden(_l("Only an outside material's package follows the material."))
    wanted = {goal_id: Relation.CORE if i == 0 else Relation.TOUCHES for i, goal_id in enumerate(goal_ids)}
    before = ({(a.goal_id, a.relation) for a in package.alignments}, package.title, package.links)
    package.title = title.strip()[:200]
    package.links = links
    for alignment in list(package.alignments):
        if alignment.goal_id in wanted:
            alignment.relation = wanted.pop(alignment.goal_id)
        else:
            package.alignments.remove(alignment)
    for goal_id, relation in wanted.items():
        package.alignments.append(Alignment(goal_id=goal_id, relation=relation))
    changed = before != ({(a.goal_id, a.relation) for a in package.alignments}, package.title, package.links)
    if changed:
        package.updated_at = datetime.now(UTC)
        session.flush()
    return changed


def withdraw_external_packages(session: Session, package_ids: list[int]) -> None:
    """The outside materials of these packages are gone (deleted at the source, or the source removed): their
    packages are withdrawn, so they stay in the plans that have them (flagged) but are copied into no new year."""
    if not package_ids:
        return
    for package in session.scalars(select(LessonPackage).where(LessonPackage.id.in_(sorted(set(package_ids))),
                                                               LessonPackage.kind == PackageKind.EXTERNAL,
                                                               LessonPackage.status == PackageStatus.PUBLISHED)):
        package.status = PackageStatus.WITHDRAWN
        package.updated_at = datetime.now(UTC)
    session.flush()


def _check_version(package: LessonPackage, expected_version) -> None:
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = -1
    if expected != package.version:
        raise Conflict(_l("Someone else saved this package after you opened it. Your changes have not been "
                          "saved: open the package again to see the latest version, then make your change again."))


def update_package(session: Session, package: LessonPackage, data: PackageData, user, expected_version,
                   note: str = "", require_reason: bool = False) -> LessonPackage:
    """Save an author's changes, refusing them (Conflict) when the package changed since the form was opened."""
    if not can_edit_network_packages(user, package.network_id):
        raise Forbidden(_l("You can only change the lesson packages of your own network."))
    refuse_external(package)
    _check_version(package, expected_version)
    validate_package(session, data, user, existing_goal_ids={a.goal_id for a in package.alignments},
              require_reason=require_reason)
    _apply(package, data)
    package.updated_at = datetime.now(UTC)  # always UPDATE the row, so that the version moves on
    session.flush()
    record_revision(session, "package", package.id, package_snapshot(session, package), "edit", user, note)
    record_audit(session, user, "package.edit", "package", package.id, package.title)
    return package


def publish_package(session: Session, package: LessonPackage, user, note: str = "") -> bool:
    """Make the package visible to everyone; False when it already was."""
    if not can_edit_network_packages(user, package.network_id):
        raise Forbidden(_l("You can only change the lesson packages of your own network."))
    refuse_external(package)
    if package.status == PackageStatus.PUBLISHED:
        return False
    goals = goals_by_id(session, [a.goal_id for a in package.alignments])
    if not any(a.relation == Relation.CORE and goals[a.goal_id].status == GoalStatus.PUBLISHED
               for a in package.alignments):
        raise ValidationError(_l("A package can only be published when its main aim (kern) is a published goal."))
    package.status = PackageStatus.PUBLISHED
    package.published_at = datetime.now(UTC)
    session.flush()
    record_revision(session, "package", package.id, package_snapshot(session, package), "publish", user, note)
    record_audit(session, user, "package.publish", "package", package.id, package.title)
    return True


def withdraw_package(session: Session, package: LessonPackage, user, note: str = "") -> bool:
    """Take a published package back (it stays in year plans); False when it was not published."""
    if not can_edit_network_packages(user, package.network_id):
        raise Forbidden(_l("You can only change the lesson packages of your own network."))
    refuse_external(package)
    if package.status != PackageStatus.PUBLISHED:
        return False
    package.status = PackageStatus.WITHDRAWN
    session.flush()
    record_revision(session, "package", package.id, package_snapshot(session, package), "withdraw", user, note)
    record_audit(session, user, "package.withdraw", "package", package.id, package.title)
    return True


# --- History --------------------------------------------------------------------------------
@dataclass
class HistoryEntry:
    number: int
    action: str
    note: str
    created_at: datetime
    author_name: str | None
    changes: list[FieldDiff]


def package_history(session: Session, package_id: int) -> list[HistoryEntry]:
    """Every revision of a package, newest first, each with what changed since the one before."""
    revisions = revisions_for(session, "package", package_id)
    entries = []
    for index, revision in enumerate(revisions):
        previous = revisions[index + 1].snapshot if index + 1 < len(revisions) else {}
        entries.append(HistoryEntry(revision.number, revision.action, revision.note, revision.created_at,
                                    revision.author_name, diff_snapshots(previous, revision.snapshot)))
    return entries


# --- Attachments ----------------------------------------------------------------------------
def add_attachment(session: Session, package: LessonPackage, filename: str, data: bytes, user,
                   folder: str) -> Attachment:
    """Check the file (kind, size, content) and store it; nothing is stored when it is refused."""
    if not can_edit_network_packages(user, package.network_id):
        raise Forbidden(_l("You can only change the lesson packages of your own network."))
    name, kind = files.check_file(filename, data)
    stored_name = files.store_bytes(folder, data)
    attachment = Attachment(package_id=package.id, filename=name, stored_name=stored_name,
                            content_type=kind.content_type, size=len(data), uploaded_by_id=user.id)
    session.add(attachment)
    session.flush()
    record_audit(session, user, "package.attach", "package", package.id, name)
    return attachment


def delete_attachment(session: Session, package: LessonPackage, attachment_id: int, user) -> str:
    """Remove the attachment's record; returns the stored name, for deleting the file after the commit."""
    if not can_edit_network_packages(user, package.network_id):
        raise Forbidden(_l("You can only change the lesson packages of your own network."))
    attachment = session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.package_id == package.id))
    if attachment is None:
        raise NotFound(_l("This attachment does not exist."))
    stored_name = attachment.stored_name
    record_audit(session, user, "package.detach", "package", package.id, attachment.filename)
    session.delete(attachment)
    session.flush()
    return stored_name


def attachment_for_download(session: Session, package_id: int, attachment_id: int, user) -> Attachment:
    """The attachment, if its package is visible to the user (else NotFound)."""
    row = session.execute(
        select(Attachment, LessonPackage.status, LessonPackage.network_id)
        .join(LessonPackage, LessonPackage.id == Attachment.package_id)
        .where(Attachment.id == attachment_id, Attachment.package_id == package_id)
    ).first()
    if row is None:
        raise NotFound(_l("This attachment does not exist."))
    attachment, status, network_id = row
    if status != PackageStatus.PUBLISHED and not can_edit_network_packages(user, network_id):
        raise NotFound(_l("This attachment does not exist."))
    return attachment


# --- Used by other areas ----------------------------------------------------------------------
@dataclass
class PackageForGoal:
    id: int
    title: str
    summary: str
    groepen: list[int]
    relation: str
    status: str


def packages_for_goal(session: Session, goal_id: int, include_unpublished: bool = False) -> list[PackageForGoal]:
    """The packages aligned to a goal, main aim (kern) first, in one query."""
    query = (
        select(LessonPackage, Alignment.relation)
        .join(Alignment, Alignment.package_id == LessonPackage.id)
        .where(Alignment.goal_id == goal_id)
        .order_by(case((Alignment.relation == "kern", 0), else_=1), LessonPackage.title)
    )
    if not include_unpublished:
        query = query.where(LessonPackage.status == PackageStatus.PUBLISHED, OWN_PACKAGES)
    return [
        PackageForGoal(p.id, p.title, p.summary, p.groepen, relation, p.status)
        for p, relation in session.execute(query)
    ]


@objectives.goal_page_sections.register
def _packages_section(session: Session, goal: Goal, viewer) -> Section:
    """The goal page lists the published packages aligned to the goal."""
    return Section("lessons/_goal_packages.html", {"packages": packages_for_goal(session, goal.id)}, order=100)


@organisations.network_in_use.register
def _network_has_packages(session: Session, network: Network):
    if session.scalar(select(LessonPackage.id).where(LessonPackage.network_id == network.id).limit(1)) is not None:
        return _l("%(name)s still has schools, lesson packages or accounts and cannot be deleted: "
                  "archive it instead.", name=network.name)
    return None
