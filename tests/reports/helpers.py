"""A small network for the report tests: two domains, a handful of goals and packages, plans for 2026-2027."""
import io
from dataclasses import dataclass, field
from datetime import date

from pypdf import PdfReader

from tests.planning.builders import Builder, base_framework
from wt_curriculum.extensions import db

YEAR = 2026
YEAR_LABEL = "2026-2027"
FIXED_DAY = date(2026, 11, 25)


@dataclass
class World:
    network_id: int
    school_ids: list[int]
    empty_school_id: int  # in the network, without any plan
    extra: dict = field(default_factory=dict)


def existing_packages(b: Builder) -> None:
    """Let a new Builder plan the packages an earlier one made."""
    from sqlalchemy import select

    from wt_curriculum.lessons.models import LessonPackage

    b.packages = {p.title: p for p in db.session.scalars(select(LessonPackage))}


def build_network(app, schools: int = 2, network_name: str = "Netwerk Utrecht-Oost", framework: bool = True) -> World:
    """A network with `schools` planning schools (School A, School B, ...) and one school without a plan.

    School A plans P1 in groep 1 (taught) and P3 in groep 5; the others only P1 in groep 2. With
    framework=False the goals and packages of an earlier call are reused."""
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network(f"UO{schools}")
        from wt_curriculum.organisations.models import Network

        db.session.get(Network, network_id).name = network_name
        if framework:
            base_framework(b, network_id)
            b.package("P4", [7, 8], {"U.B.1": "kern"}, network_id, minutes=45, lessons=2)
        else:
            existing_packages(b)
        ids = []
        for i in range(schools):
            sid = b.school(network_id, name=f"School {chr(65 + i % 26)}{'' if i < 26 else i}")
            ids.append(sid)
            if i == 0:
                b.plan(sid, YEAR, 1, "P1", taught_on=date(2026, 10, 1))
                b.plan(sid, YEAR, 5, "P3")
            else:
                b.plan(sid, YEAR, 2, "P1")
        empty = b.school(network_id, name=f"Zonder Plan{'' if framework else ' ' + str(schools)}")
        db.session.commit()
        return World(network_id, ids, empty)


def pdf_text(data: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def fix_date(monkeypatch, day: date = FIXED_DAY) -> None:
    monkeypatch.setattr("wt_curriculum.reports.rendering.today", lambda: day)


def use_language(client, language: str) -> None:
    client.set_cookie("lang", language)


def get_pdf(client, path: str):
    """A report's PDF as its user gets it: at once from the PDF cache, or through its job (303 to the job's
    page, then the job's file; the tests' queue makes it while the request commits)."""
    response = client.get(path)
    if response.status_code == 303:
        location = response.headers["Location"]
        assert location.startswith("/taken/"), location
        page = client.get(location)
        assert page.status_code == 200 and "Refresh" not in page.headers, page.text[:500]
        response = client.get(f"{location}/bestand")
    assert response.status_code == 200, response.text[:500]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    return response
