"""Test data for the interchange area: a small world of networks, a school and packages on the real framework."""
import io
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from wt_curriculum.extensions import db

DATA = Path(__file__).parent / "data"
P1_UUID = "11111111-1111-4111-8111-111111111111"
P2_UUID = "22222222-2222-4222-8222-222222222222"
SLUGS = {"goals": "leerdoelen", "packages": "lespakketten", "plans": "jaarplanningen"}


def make_world(app, factory) -> dict:
    """Networks WT-UTR and WT-ALK, school 12AB00 (WT-UTR) and 34CD00 (WT-ALK), packages P1 (WT-UTR) and P2 (WT-ALK).

    Needs the `framework` fixture (the real goals). Packages are written directly: they are the setting, not
    what is tested.
    """
    from wt_curriculum.lessons.models import Alignment, LessonPackage
    from wt_curriculum.objectives.models import Goal

    utr = factory.network(code="WT-UTR", name="W&T Utrecht")
    alk = factory.network(code="WT-ALK", name="W&T Alkmaar")
    school = factory.school(network_id=utr, brin="12AB", name="De Regenboog")
    other_school = factory.school(network_id=alk, brin="34CD", name="De Zeester")
    with app.app_context():
        goal_ids = dict(db.session.execute(select(Goal.code, Goal.id)).all())
        packages = {}
        for key, (pid, title, network, goals) in {
            "p1": (P1_UUID, "Drijven en zinken", utr, [("MN.3.2", "kern"), ("MN.3.1", "raakt")]),
            "p2": (P2_UUID, "Robots programmeren", alk, [("DG.1.1", "kern")]),
        }.items():
            package = LessonPackage(
                uuid=pid, title=title, summary="Samenvatting", description="Omschrijving",
                groepen_mask=0b00110000, lesson_count=4, minutes_per_lesson=60, keywords="water, proeven",
                network_id=network, licence="CC-BY-SA", status="gepubliceerd", published_at=datetime.now(UTC),
                alignments=[Alignment(goal_id=goal_ids[c], relation=r) for c, r in goals])
            db.session.add(package)
            db.session.flush()
            packages[key] = package.id
        db.session.commit()
    return {"utr": utr, "alk": alk, "school": school, "other_school": other_school, **packages}


def counts(app) -> dict[str, int]:
    """Rows per table that an import may write."""
    from wt_curriculum.core.models import AuditEvent, Revision
    from wt_curriculum.lessons.models import Alignment, LessonPackage
    from wt_curriculum.objectives.models import Goal
    from wt_curriculum.planning.models import PlanEntry

    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Goal, LessonPackage, Alignment, PlanEntry, Revision, AuditEvent)}


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def upload(client, kind: str, content: bytes, filename: str = "bestand.csv"):
    return client.post(f"/uitwisseling/{SLUGS[kind]}/import",
                       data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def token_of(response) -> str | None:
    match = re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True))
    return match.group(1) if match else None


def confirm(client, kind: str, token: str):
    return client.post(f"/uitwisseling/{SLUGS[kind]}/import", data={"token": token})


def errors_of(response) -> list[str]:
    """The report's problems as 'Line N: message' texts."""
    html = response.get_data(as_text=True)
    block = re.search(r'id="import-errors">(.*?)</div>', html, re.S)
    if not block:
        return []
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


def error_lines(response) -> list[int]:
    return [int(m.group(1)) for e in errors_of(response) if (m := re.match(r"(?:Line|Regel) (\d+)", e))]


def new_uuid() -> str:
    return str(uuid.uuid4())
