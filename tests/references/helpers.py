"""Small records made directly with the models, for tests that need no full seed."""
import uuid as uuidlib

from sqlalchemy import select

from wt_curriculum.groepen import to_mask
from wt_curriculum.lessons.models import Alignment, LessonPackage
from wt_curriculum.objectives.models import Domain, Goal, GoalStatus, Strand
from wt_curriculum.planning.models import PlanEntry
from wt_curriculum.references.models import ReferenceFramework, ReferenceNode
from wt_curriculum.references.services import derived_uuid


def make_goal(session, code: str, status=GoalStatus.PUBLISHED, groepen=range(1, 9)) -> Goal:
    """A goal meant for `groepen` (all eight unless told)."""
    domain = session.scalar(select(Domain).where(Domain.code == "TD"))
    if domain is None:
        domain = Domain(uuid=str(uuidlib.uuid4()), code="TD", title="Testdomein")
        session.add(domain)
        session.flush()
        session.add(Strand(uuid=str(uuidlib.uuid4()), code="TD.1", domain_id=domain.id, title="Teststrand"))
        session.flush()
    strand = session.scalar(select(Strand).where(Strand.code == "TD.1"))
    goal = Goal(uuid=str(uuidlib.uuid4()), code=code, strand_id=strand.id, title=f"Doel {code}", status=status,
                groepen_mask=to_mask(groepen))
    session.add(goal)
    session.flush()
    return goal


def make_reference(session, key: str, codes: list[str], retired: bool = False, children: dict | None = None):
    """A framework with top-level nodes `codes` and, per code, child codes in `children`."""
    framework = ReferenceFramework(key=key, title=f"Kader {key}", status="concept", phase_system="end-groep-8",
                                   retired=retired)
    session.add(framework)
    session.flush()
    nodes = {}
    for position, code in enumerate(codes):
        nodes[code] = ReferenceNode(framework_id=framework.id, code=code, kind="kerndoel", short_title=f"Knoop {code}",
                                    position=position, uuid=derived_uuid(key, code))
        session.add(nodes[code])
        session.flush()
        for child_pos, child in enumerate((children or {}).get(code, [])):
            nodes[child] = ReferenceNode(framework_id=framework.id, code=child, kind="doelzin",
                                         parent_id=nodes[code].id, short_title=f"Knoop {child}", position=child_pos,
                                         uuid=derived_uuid(key, child))
            session.add(nodes[child])
            session.flush()
    return framework, nodes


def make_package(session, title: str, network_id: int, goal_ids: list[int]) -> LessonPackage:
    package = LessonPackage(uuid=str(uuidlib.uuid4()), title=title, network_id=network_id)
    session.add(package)
    session.flush()
    for goal_id in goal_ids:
        session.add(Alignment(package_id=package.id, goal_id=goal_id))
    session.flush()
    return package


def plan(session, school_id: int, year: int, groep: int, package_id: int) -> None:
    session.add(PlanEntry(school_id=school_id, school_year=year, groep=groep, package_id=package_id))
    session.flush()
