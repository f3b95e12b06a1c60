"""Demo networks, schools and users (one per role)."""
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth import services as auth
from ..auth.models import Role, User
from .models import Network, School


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
                               province=s.get("province", ""), network_id=networks[s["network"]].id))
            added += 1
    session.flush()
    return f"Demo networks and schools: {added} added."


def load_demo_users(session: Session) -> list[str]:
    """One account per role; a new account's password is printed once and never stored in clear."""
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
