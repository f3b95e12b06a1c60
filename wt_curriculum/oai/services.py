"""Outside materials for the pages: sources (who may see and change them), materials, goal suggestions, search.

Plain functions taking the session; they flush, never commit.
"""
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..auth.models import Role
from ..auth.permissions import can_edit_school_plan
from ..core.addresses import check_address
from ..core.hooks import Section
from ..core.services import record_audit
from ..errors import Conflict, Forbidden, NotFound, ValidationError
from ..groepen import bit, from_mask, label
from ..lessons import services as lessons
from ..lessons.models import LessonPackage, Licence, Relation
from ..lessons.services import PackageData, create_package, search_sections
from ..objectives.models import Goal
from ..organisations import services as organisations
from ..organisations.models import Network, School
from ..planning import services as planning
from .models import ExternalMaterial, HarvestSource, HarvestStatus, MaterialGoal, SuggestionStatus
from .records import SET_SPEC

STATUS_LABELS = {
    HarvestStatus.NEVER: _l("Not harvested yet"),
    HarvestStatus.OK: _l("Harvested"),
    HarvestStatus.FAILED: _l("Harvest failed"),
}
# NL-LOM copyright values as people read them.
LICENCE_LABELS = {
    "yes": _l("Copyright applies"), "no": _l("No copyright"),
    "cc-by-40": "CC BY 4.0", "cc-by-sa-40": "CC BY-SA 4.0", "cc-by-nd-40": "CC BY-ND 4.0",
    "cc-by-nc-40": "CC BY-NC 4.0", "cc-by-nc-sa-40": "CC BY-NC-SA 4.0", "cc-by-nc-nd-40": "CC BY-NC-ND 4.0",
    "cc-by-30": "CC BY 3.0", "cc-by-sa-30": "CC BY-SA 3.0", "cc-by-nd-30": "CC BY-ND 3.0",
    "cc-by-nc-30": "CC BY-NC 3.0", "cc-by-nc-sa-30": "CC BY-NC-SA 3.0", "cc-by-nc-nd-30": "CC BY-NC-ND 3.0",
    "cc0-10": "CC0 1.0", "pdm-10": _l("Public domain"),
}
SEARCH_LIMIT = 10


def licence_label(value: str) -> str:
    return str(LICENCE_LABELS.get((value or "").strip().lower(), value or _l("Unknown")))


# --- Sources -----------------------------------------------------------------------------------
def can_manage_source(user, source: HarvestSource) -> bool:
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.NETWORK and source.network_id is not None and source.network_id == user.network_id


@dataclass
class SourceRow:
    id: int
    name: str
    url: str
    set_spec: str
    network_name: str | None
    status: str
    status_label: str
    last_run_at: datetime | None
    last_error: str
    last_count: int
    materials: int


def sources_for(session: Session, user) -> list[SourceRow]:
    """The sources a user may manage: every one for an administrator, the network's own for a coordinator."""
    counts = (select(ExternalMaterial.source_id, func.count(ExternalMaterial.id).label("n"))
              .group_by(ExternalMaterial.source_id).subquery())
    query = (select(HarvestSource, Network.name, func.coalesce(counts.c.n, 0))
             .outerjoin(Network, Network.id == HarvestSource.network_id)
             .outerjoin(counts, counts.c.source_id == HarvestSource.id)
             .order_by(HarvestSource.name, HarvestSource.id))
    if user.role != Role.ADMIN:
        query = query.where(HarvestSource.network_id == user.network_id)
    return [SourceRow(s.id, s.name, s.url, s.set_spec, network_name, s.status, str(STATUS_LABELS[s.status]),
                      s.last_run_at, s.last_error, s.last_count, n)
            for s, network_name, n in session.execute(query)]


def source_for(session: Session, source_id: int, user) -> HarvestSource:
    source = session.get(HarvestSource, source_id)
    if source is None:
        raise NotFound(_l("This source does not exist."))
    if not can_manage_source(user, source):
        raise Forbidden(_l("You can only manage your own network's sources."))
    return source


def source_row(session: Session, source: HarvestSource) -> SourceRow:
    return next(row for row in sources_for(session, _Admin()) if row.id == source.id)


class _Admin:
    role = Role.ADMIN
    network_id = None


@dataclass
class SourceData:
    name: str
    url: str
    set_spec: str = ""


def add_source(session: Session, data: SourceData, user) -> HarvestSource:
    url = data.url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_l("Give the address of an OAI-PMH endpoint, starting with https:// or http://."),
                              field="url")
    set_spec = data.set_spec.strip()
    if set_spec and not SET_SPEC.match(set_spec):
        raise ValidationError(_l("A set is written like netwerk:12 (letters, digits and - _ . ! ~ * ' ( ) :)."))
    check_address(url, field="url")  # public addresses only (core/addresses.py); each harvest checks again
    source = HarvestSource(name=data.name.strip(), url=url, set_spec=set_spec, metadata_prefix="lom",
                           network_id=user.network_id if user.role == Role.NETWORK else None,
                           created_by_id=user.id)
    session.add(source)
    session.flush()
    record_audit(session, user, "oai.source.add", "harvest_source", source.id, source.name)
    return source


def delete_source(session: Session, source: HarvestSource, user) -> str:
    name = source.name
    gone_packages = []
    for material in session.scalars(select(ExternalMaterial).where(ExternalMaterial.source_id == source.id)):
        if material.external_package_id is not None:
            gone_packages.append(material.external_package_id)
        session.delete(material)
    session.flush()
    lessons.withdraw_external_packages(session, gone_packages)
    session.delete(source)
    session.flush()
    record_audit(session, user, "oai.source.delete", "harvest_source", None, name)
    return name


# --- Materials -----------------------------------------------------------------------------------
@dataclass
class GoalLink:
    goal_id: int
    code: str
    title: str
    status: str


@dataclass
class MaterialView:
    id: int
    title: str
    description: str
    url: str
    licence_label: str
    publisher: str
    keywords: list[str]
    groepen: list[int]
    groepen_label: str
    source_name: str
    harvested_at: datetime
    confirmed: list[GoalLink] = field(default_factory=list)
    suggested: list[GoalLink] = field(default_factory=list)
    can_decide: bool = False
    package_id: int | None = None
    external_package_id: int | None = None  # planned by a school: the package of kind 'extern' standing for it
    can_plan: bool = False  # a teacher or coordinator of a school may plan it (it has a confirmed goal)
    planner: bool = False  # the viewer plans for a school (can_plan once a goal is confirmed)


def can_decide(user, source: HarvestSource) -> bool:
    """Editors and administrators confirm suggestions of every source; a network coordinator their own's."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role in (Role.ADMIN, Role.EDITOR):
        return True
    return user.role == Role.NETWORK and source.network_id is not None and source.network_id == user.network_id


def material_view(session: Session, material_id: int, user) -> MaterialView:
    row = session.execute(select(ExternalMaterial, HarvestSource)
                          .join(HarvestSource, HarvestSource.id == ExternalMaterial.source_id)
                          .where(ExternalMaterial.id == material_id)).first()
    if row is None:
        raise NotFound(_l("This material does not exist (any more)."))
    material, source = row
    groepen = from_mask(material.groepen_mask)
    view = MaterialView(material.id, material.title, material.description, material.url,
                        licence_label(material.licence), material.publisher,
                        [k.strip() for k in material.keywords.split(",") if k.strip()], groepen,
                        label(groepen) if groepen else "", source.name, material.harvested_at,
                        can_decide=can_decide(user, source), package_id=material.package_id,
                        external_package_id=material.external_package_id)
    for link, code, title in session.execute(
        select(MaterialGoal, Goal.code, Goal.title).join(Goal, Goal.id == MaterialGoal.goal_id)
        .where(MaterialGoal.material_id == material.id).order_by(Goal.code)
    ):
        goal = GoalLink(link.goal_id, code, title, link.status)
        if link.status == SuggestionStatus.CONFIRMED:
            view.confirmed.append(goal)
        elif link.status == SuggestionStatus.SUGGESTED:
            view.suggested.append(goal)
    view.planner = may_plan(user)
    view.can_plan = bool(view.confirmed) and view.planner
    return view


def may_plan(user) -> bool:
    """Teachers and coordinators plan for their own school (planning's own rule, can_edit_school_plan)."""
    return (getattr(user, "is_authenticated", False) and user.role in PLANNERS
            and getattr(user, "school_id", None) is not None)


PLANNERS = (Role.COORDINATOR, Role.TEACHER)


def decide(session: Session, material_id: int, goal_id: int, confirm: bool, user) -> str:
    """Confirm or reject a suggested goal of a material; returns the goal's code."""
    row = session.execute(select(MaterialGoal, HarvestSource, Goal.code)
                          .join(ExternalMaterial, ExternalMaterial.id == MaterialGoal.material_id)
                          .join(HarvestSource, HarvestSource.id == ExternalMaterial.source_id)
                          .join(Goal, Goal.id == MaterialGoal.goal_id)
                          .where(MaterialGoal.material_id == material_id, MaterialGoal.goal_id == goal_id)).first()
    if row is None:
        raise NotFound(_l("This goal is not suggested for this material."))
    link, source, code = row
    if not can_decide(user, source):
        raise Forbidden(_l("You can only confirm goals for your own network's sources."))
    link.status = SuggestionStatus.CONFIRMED if confirm else SuggestionStatus.REJECTED
    link.decided_by_id = user.id
    link.decided_at = datetime.now(UTC)
    session.flush()
    material = session.get(ExternalMaterial, material_id)
    if material.external_package_id is not None:  # planned already: its coverage follows the confirmed goals
        package = _load_package(session, material.external_package_id)
        if package is not None:
            lessons.sync_external_package(session, package, material.title, lessons.external_links(material.url),
                                          _confirmed_goal_ids(session, material.id))
    record_audit(session, user, "oai.goal.confirm" if confirm else "oai.goal.reject", "external_material",
                 material_id, code)
    return code


# --- Search ------------------------------------------------------------------------------------------
@dataclass
class MaterialHit:
    id: int
    title: str
    description: str
    url: str
    source_name: str
    groepen_label: str
    licence_label: str
    goal_codes: list[str]


def search_materials(session: Session, text: str, groep: int | None = None, goal_code: str = "",
                     limit: int = SEARCH_LIMIT) -> tuple[list[MaterialHit], int]:
    """Outside materials whose title, description or keywords hold every word; with a groep or a goal code
    (confirmed or suggested) when given. Returns (the first hits, how many there are)."""
    conditions = []
    for word in text.split()[:10]:
        pattern = f"%{word.lower()}%"
        conditions.append(or_(func.lower(ExternalMaterial.title).like(pattern),
                              func.lower(ExternalMaterial.description).like(pattern),
                              func.lower(ExternalMaterial.keywords).like(pattern)))
    if groep:
        conditions.append(ExternalMaterial.groepen_mask.op("&")(bit(groep)) != 0)
    if goal_code:
        conditions.append(select(MaterialGoal.id).join(Goal, Goal.id == MaterialGoal.goal_id).where(
            MaterialGoal.material_id == ExternalMaterial.id, Goal.code == goal_code,
            MaterialGoal.status != SuggestionStatus.REJECTED).exists())
    rows = session.execute(  # one query for the first hits and how many there are
        select(ExternalMaterial, HarvestSource.name, func.count().over().label("total"))
        .join(HarvestSource, HarvestSource.id == ExternalMaterial.source_id)
        .where(*conditions).order_by(ExternalMaterial.title, ExternalMaterial.id).limit(limit)
    ).all()
    total = rows[0][2] if rows else 0
    ids = [m.id for m, _, _ in rows]
    codes: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for material_id, code in session.execute(
            select(MaterialGoal.material_id, Goal.code).join(Goal, Goal.id == MaterialGoal.goal_id)
            .where(MaterialGoal.material_id.in_(ids), MaterialGoal.status == SuggestionStatus.CONFIRMED)
            .order_by(Goal.code)
        ):
            codes[material_id].append(code)
    hits = [MaterialHit(m.id, m.title, m.description[:300], m.url, source_name,
                        label(from_mask(m.groepen_mask)) if m.groepen_mask else "", licence_label(m.licence),
                        codes[m.id]) for m, source_name, _ in rows]
    return hits, total


@search_sections.register
def _materials_beside_packages(session: Session, query: str, filters) -> Section | None:
    """The search page's small addition: matching outside materials, marked as such, linking out."""
    groep = getattr(filters, "groep", None)
    goal_code = getattr(filters, "goal", "") or ""
    hits, total = search_materials(session, query or "", groep if isinstance(groep, int) else None, goal_code)
    if not hits:
        return None
    return Section("oai/_search_materials.html", {"materials": hits, "materials_total": total}, order=50)




@dataclass
class MaterialRow:
    id: int
    title: str
    url: str
    suggested: int
    confirmed: int


def materials_of_source(session: Session, source_id: int, limit: int = 200) -> list[MaterialRow]:
    """A source's materials with how many goals are suggested and confirmed (the first `limit`, by title)."""
    counts = (select(MaterialGoal.material_id,
                     func.sum(case((MaterialGoal.status == SuggestionStatus.SUGGESTED, 1), else_=0)).label("s"),
                     func.sum(case((MaterialGoal.status == SuggestionStatus.CONFIRMED, 1), else_=0)).label("c"))
              .group_by(MaterialGoal.material_id).subquery())
    rows = session.execute(
        select(ExternalMaterial.id, ExternalMaterial.title, ExternalMaterial.url,
               func.coalesce(counts.c.s, 0), func.coalesce(counts.c.c, 0))
        .outerjoin(counts, counts.c.material_id == ExternalMaterial.id)
        .where(ExternalMaterial.source_id == source_id).order_by(ExternalMaterial.title).limit(limit)
    )
    return [MaterialRow(*row) for row in rows]


# --- Taking a material up as a lesson package ------------------------------------------------------------
OUR_LICENCES = {"cc-by-40": Licence.CC_BY, "cc-by-30": Licence.CC_BY, "cc-by-sa-40": Licence.CC_BY_SA,
                "cc-by-sa-30": Licence.CC_BY_SA, "cc-by-nc-sa-40": Licence.CC_BY_NC_SA,
                "cc-by-nc-sa-30": Licence.CC_BY_NC_SA}


def adopt_material(session: Session, material_id: int, user) -> LessonPackage:
    """A draft lesson package of the user's network (or the source's) made from a material and its confirmed
    goals, linking to it; once completed and published it is planned like any package. Never twice."""
    row = session.execute(select(ExternalMaterial, HarvestSource)
                          .join(HarvestSource, HarvestSource.id == ExternalMaterial.source_id)
                          .where(ExternalMaterial.id == material_id)).first()
    if row is None:
        raise NotFound(_l("This material does not exist (any more)."))
    material, source = row
    if not can_decide(user, source):
        raise Forbidden(_l("You can only confirm goals for your own network's sources."))
    if material.package_id is not None:
        raise Conflict(_l("This material has already been taken up as a lesson package."))
    goals = _confirmed_goals(session, material.id)
    if not goals:
        raise ValidationError(_l("Confirm at least one learning goal first: the package needs a main aim."))
    network_id = user.network_id if user.role == Role.NETWORK else source.network_id
    if network_id is None:
        raise ValidationError(_l("This source belongs to no network; a network coordinator can take it up."))
    data = _package_data(material, goals, network_id, links=material.url if material.url else "")
    package = create_package(session, data, user, note=f"{source.name}: {material.identifier}"[:500])
    material.package_id = package.id
    session.flush()
    return package


def _confirmed_goals(session: Session, material_id: int) -> list[tuple[int, int]]:
    """(goal id, groepen mask) of the goals confirmed for a material, by code: only these count for anything."""
    return session.execute(select(Goal.id, Goal.groepen_mask).join(MaterialGoal, MaterialGoal.goal_id == Goal.id)
                           .where(MaterialGoal.material_id == material_id,
                                  MaterialGoal.status == SuggestionStatus.CONFIRMED).order_by(Goal.code)).all()


def _confirmed_goal_ids(session: Session, material_id: int) -> list[int]:
    return [goal_id for goal_id, _ in _confirmed_goals(session, material_id)]


def _package_data(material: ExternalMaterial, goals, network_id: int, links: str) -> PackageData:
    """A package's data made from a material and its confirmed goals (the first the main aim)."""
    groepen = from_mask(material.groepen_mask) or from_mask(_union(mask for _, mask in goals)) or list(range(1, 9))
    return PackageData(
        title=material.title[:200], summary=material.description[:500].split("\n")[0],
        description=material.description[:20000], groepen=groepen, lesson_count=1, minutes_per_lesson=45,
        materials="", keywords=material.keywords[:500], authors=material.publisher[:500],
        licence=OUR_LICENCES.get((material.licence or "").lower(), Licence.ALL_RIGHTS_RESERVED),
        links=links, network_id=network_id,
        alignments=[(goal_id, Relation.CORE if i == 0 else Relation.TOUCHES) for i, (goal_id, _) in enumerate(goals)],
    )


def _load_package(session: Session, package_id: int) -> LessonPackage | None:
    return session.scalar(select(LessonPackage).where(LessonPackage.id == package_id)
                          .options(selectinload(LessonPackage.alignments)))


# --- Planning a material like a package ------------------------------------------------------------------
def school_to_plan(session: Session, user) -> School:
    """The school whose year plan a teacher or coordinator plans a material in: their own."""
    if not may_plan(user):
        if getattr(user, "role", None) in PLANNERS:
            raise ValidationError(_l("Your account is not linked to a school. Ask your administrator."))
        raise Forbidden(_l("Teachers and coordinators plan materials for their own school."))
    school = organisations.get_school(session, user.school_id)
    if not can_edit_school_plan(user, school):
        raise Forbidden(_l("You may not see or change the plans of this school."))
    return school


def plan_material(session: Session, material_id: int, school: School, year: int, groep: int, period: str,
                  user) -> planning.PlanResult:
    """Plan an outside material in a groep of a school, like a package.

    The first planning takes the material up as a package of kind 'extern' (lessons.create_external_package):
    owned by the source's network (else the school's), with only the goals confirmed for the material, so that
    coverage counts those and nothing suggested. Every later planning, by any school, reuses that package and
    brings it in step with the material first. The material's row is locked, so that two first plannings at the
    same moment make one package."""
    row = session.execute(select(ExternalMaterial, HarvestSource)
                          .join(HarvestSource, HarvestSource.id == ExternalMaterial.source_id)
                          .where(ExternalMaterial.id == material_id)
                          .with_for_update(of=ExternalMaterial)).first()
    if row is None:
        raise NotFound(_l("This material does not exist (any more)."))
    material, source = row
    goals = _confirmed_goals(session, material.id)
    if not goals:
        raise ValidationError(_l("No learning goal has been confirmed for this material yet, so planning it would "
                                 "count for nothing. Its network or an editor confirms the suggested goals first."))
    links = lessons.external_links(material.url)
    package = _load_package(session, material.external_package_id) if material.external_package_id else None
    if package is None:
        network_id = source.network_id or school.network_id
        if network_id is None:
            raise ValidationError(_l("This material's source belongs to no network and neither does your school, "
                                     "so it cannot be planned. Ask your administrator."))
        package = lessons.create_external_package(
            session, _package_data(material, goals, network_id, links), user,
            note=f"{source.name}: {material.identifier}"[:500])
        material.external_package_id = package.id
        session.flush()
    else:
        lessons.sync_external_package(session, package, material.title, links, [goal_id for goal_id, _ in goals])
    return planning.add_plan_entry(session, school, package.id, year, groep, period, user)


def _union(masks) -> int:
    result = 0
    for mask in masks:
        result |= mask or 0
    return result
