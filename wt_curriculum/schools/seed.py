"""Demo networks, schools, year plans and users (one per role)."""
import random
import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import Role, User
from .models import Network, PlanEntry, School

DEMO_YEARS = (2024, 2025, 2026)  # school years 2024-2025 .. 2026-2027


def load_demo_schools(session: Session, data: dict) -> str:
    networks = {n.code: n for n in session.scalars(select(Network))}
    added = 0
    for n in data.get("networks", []):
        if n["code"] not in networks:
            networks[n["code"]] = Network(code=n["code"], name=n["name"], region=n.get("region", ""))
            session.add(networks[n["code"]])
            added += 1
    session.flush()
    existing = {(s.brin, s.vestiging) for s in session.scalars(select(School))}
    for s in data.get("schools", []):
        key = (s["brin"], str(s["vestiging"]).zfill(2))
        if key not in existing:
            session.add(School(name=s["name"], brin=key[0], vestiging=key[1], place=s.get("place", ""),
                               network_id=networks[s["network"]].id))
            added += 1
    session.flush()
    return f"Demo networks and schools: {added} added."


def load_demo_plans(session: Session) -> str:
    """Plausible year plans: each groep of each school gets a few published packages meant for it.

    Seeded random choices, so the demo looks the same on every installation;
    the schools differ in how much they plan, so coverage varies.
    """
    from ..groepen import bit
    from ..lessons.models import LessonPackage, PackageStatus

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


def load_demo_users(session: Session) -> list[str]:
    """One account per role; a new account's password is printed once and never stored in clear."""
    from ..auth import services as auth

    school = session.scalar(select(School).order_by(School.id))
    network = session.scalar(select(Network).order_by(Network.id))
    accounts = [
        ("beheerder@example.org", "Beheerder Demo", Role.ADMIN),
        ("redacteur@example.org", "Redacteur Demo", Role.EDITOR),
        ("netwerk@example.org", "Netwerkcoördinator Demo", Role.NETWORK),
        ("coordinator@example.org", "W&T-coördinator Demo", Role.COORDINATOR),
        ("leraar@example.org", "Leraar Demo", Role.TEACHER),
    ]
    lines = []
    for email, name, role in accounts:
        if session.scalar(select(User.id).where(User.email == email)):
            lines.append(f"Demo account {email} ({role}): already there, password unchanged.")
            continue
        password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
        auth.create_user(session, auth.UserData(
            email=email, name=name, role=role,
            school_id=school.id if role in (Role.COORDINATOR, Role.TEACHER) else None,
            network_id=network.id if role == Role.NETWORK else None,
        ), password)
        lines.append(f"Demo account {email} ({role}): password {password}")
    return lines
