"""Teachers' experiences with lesson packages: a rating 1-5, the groep, a short text; moderated by the network
that owns the package. Only a school user whose school marked the package taught in that groep may write one.
The rating of a package is the mean of its approved experiences."""
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..auth.models import Role
from ..core.hooks import Section
from ..core.services import record_audit
from ..errors import Forbidden, NotFound, ValidationError
from ..groepen import ALL_GROEPEN
from ..lessons.models import LessonPackage, PackageStatus
from ..lessons.search import package_rating_source
from ..lessons.services import package_page_sections, package_page_shared_sections
from ..organisations.models import School
from .models import Experience, PlanEntry

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
MAX_TEXT = 500


@dataclass(frozen=True)
class Rating:
    average: float
    count: int

    def as_dict(self) -> dict:
        return {"average": round(self.average, 2), "count": self.count}


@dataclass
class ExperienceItem:
    id: int
    package_id: int
    package_title: str
    school_name: str
    groep: int
    rating: int
    text: str
    status: str
    created_at: datetime


# Built once: a teacher's every package page asks it (for the experience form).
_TAUGHT_GROEPEN = (select(PlanEntry.groep)
                   .where(PlanEntry.school_id == bindparam("school_id"),
                          PlanEntry.package_id == bindparam("package_id"), PlanEntry.taught_on.is_not(None))
                   .distinct().order_by(PlanEntry.groep))


def taught_groepen(session: Session, school_id: int | None, package_id: int) -> list[int]:
    """The groepen in which the school marked the package taught (any school year): one query."""
    if school_id is None:
        return []
    return list(session.scalars(_TAUGHT_GROEPEN, {"school_id": school_id, "package_id": package_id}))


def add_experience(session: Session, user, package_id: int, groep, rating, text: str) -> Experience:
    """A pending experience of the user's school; Forbidden unless the school taught the package in that groep."""
    package = session.get(LessonPackage, package_id)
    if package is None or package.status != PackageStatus.PUBLISHED:
        raise NotFound(_l("This lesson package does not exist."))
    if user.role not in (Role.COORDINATOR, Role.TEACHER) or user.school_id is None:
        raise Forbidden(_l("Only teachers and coordinators of a school can share an experience."))
    try:
        groep, rating = int(groep), int(rating)
    except (TypeError, ValueError):
        raise ValidationError(_l("Choose a groep and a rating from 1 to 5.")) from None
    if groep not in ALL_GROEPEN or not 1 <= rating <= 5:
        raise ValidationError(_l("Choose a groep and a rating from 1 to 5."))
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(_l("At most %(max)d characters.", max=MAX_TEXT), field="text")
    if groep not in taught_groepen(session, user.school_id, package_id):
        raise Forbidden(_l("Your school has not marked this package as taught in groep %(groep)s.", groep=groep))
    experience = Experience(package_id=package_id, school_id=user.school_id, author_id=user.id, groep=groep,
                            rating=rating, text=text, status=PENDING)
    session.add(experience)
    session.flush()
    record_audit(session, user, "experience.create", "package_experience", experience.id, package.title)
    return experience


def _can_moderate(user, network_id: int) -> bool:
    return user.is_authenticated and (user.role == Role.ADMIN or (user.role == Role.NETWORK
                                                                  and user.network_id == network_id))


def moderate(session: Session, user, experience_id: int, approve: bool) -> tuple[Experience, int]:
    """Approve or reject a pending (or earlier moderated) experience: only the package's network (or an admin)."""
    row = session.execute(
        select(Experience, LessonPackage.network_id, LessonPackage.title)
        .join(LessonPackage, LessonPackage.id == Experience.package_id).where(Experience.id == experience_id)).first()
    if row is None:
        raise NotFound(_l("This experience does not exist."))
    experience, network_id, title = row
    if not _can_moderate(user, network_id):
        raise Forbidden(_l("Only the network that owns the package moderates its experiences."))
    experience.status = APPROVED if approve else REJECTED
    experience.moderated_at, experience.moderated_by_id = datetime.now(UTC), user.id
    session.flush()
    record_audit(session, user, "experience.approve" if approve else "experience.reject", "package_experience",
                 experience.id, title)
    return experience, network_id


def _items(session: Session, *where) -> list[ExperienceItem]:
    return [ExperienceItem(*row) for row in session.execute(
        select(Experience.id, Experience.package_id, LessonPackage.title, School.name, Experience.groep,
               Experience.rating, Experience.text, Experience.status, Experience.created_at)
        .join(LessonPackage, LessonPackage.id == Experience.package_id).join(School, School.id == Experience.school_id)
        .where(*where).order_by(Experience.created_at.desc(), Experience.id.desc()))]


def experiences_to_moderate(session: Session, network_id: int) -> list[ExperienceItem]:
    """Pending experiences of the network's packages, newest first: one query."""
    return _items(session, LessonPackage.network_id == network_id, Experience.status == PENDING)


def approved_experiences(session: Session, package_id: int) -> list[ExperienceItem]:
    return _items(session, Experience.package_id == package_id, Experience.status == APPROVED)


def rating_subquery():
    """(package_id, rating, ratings): the mean of the approved experiences per package."""
    return (select(Experience.package_id.label("package_id"), func.avg(Experience.rating).label("rating"),
                   func.count(Experience.id).label("ratings"))
            .where(Experience.status == APPROVED).group_by(Experience.package_id).subquery("package_rating"))


def package_ratings(session: Session, package_ids: list[int]) -> dict[int, Rating | None]:
    """The rating of each package (None without approved experiences): one query."""
    result: dict[int, Rating | None] = {pid: None for pid in package_ids}
    if not package_ids:
        return result
    r = rating_subquery()
    for pid, average, count in session.execute(
            select(r.c.package_id, r.c.rating, r.c.ratings).where(r.c.package_id.in_(list(package_ids)))):
        result[pid] = Rating(float(average), count)
    return result


@package_rating_source.register
def _rating_for_search():
    return rating_subquery()


@package_page_shared_sections.register
def _experience_section(session: Session, package):
    """The rating and the approved experiences, the same for everyone."""
    return Section("planning/_experiences.html", {
        "rating": package_ratings(session, [package.id])[package.id],
        "experiences": approved_experiences(session, package.id)}, order=60)


@package_page_sections.register
def _experience_form_section(session: Session, package, viewer):
    """The form, inside the experiences, for a school user whose school taught the package."""
    if not viewer.is_authenticated or viewer.role not in (Role.COORDINATOR, Role.TEACHER):
        return None
    groepen = taught_groepen(session, viewer.school_id, package.id)
    if not groepen:
        return None
    return Section("planning/_experience_form.html", {"taught_groepen": groepen, "package_id": package.id},
                   order=60, slot="experience_form")
