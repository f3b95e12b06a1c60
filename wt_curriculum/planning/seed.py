"""Demo year plans."""
import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..groepen import bit
from ..lessons.models import LessonPackage, PackageStatus
from ..organisations.models import School
from .models import PlanEntry

DEMO_YEARS = (2024, 2025, 2026)  # school years 2024-2025 .. 2026-2027


def load_demo_plans(session: Session) -> str:
    """Plausible year plans: each groep of each school gets a few published packages meant for it.

    Seeded random choices, so the demo looks the same on every installation;
    the schools differ in how much they plan, so coverage varies.
    """
    if session.scalar(select(PlanEntry.id).limit(1)) is not None:
        return "Demo year plans: already there."
    packages = list(session.execute(
        select(LessonPackage.id, LessonPackage.groepen_mask)
        .where(LessonPackage.status == PackageStatus.PUBLISHED).order_by(LessonPackage.id)
    ))
    schools = list(session.scalars(select(School).order_by(School.id)))
    rng = random.Random(2026)
    added = 0
    for index, school in enumerate(schools):
        per_groep = 1 + index % 4  # some schools plan a lot, some little
        for year in DEMO_YEARS:
            for groep in range(1, 9):
                fitting = [pid for pid, mask in packages if mask & bit(groep)]
                for package_id in rng.sample(fitting, min(per_groep, len(fitting))):
                    taught = date(year + 1, rng.randint(1, 6), rng.randint(1, 28)) if year < 2026 else None
                    session.add(PlanEntry(school_id=school.id, school_year=year, groep=groep,
                                          package_id=package_id, period=f"periode {rng.randint(1, 4)}",
                                          taught_on=taught))
                    added += 1
    session.flush()
    return f"Demo year plans: {added} entries added."
