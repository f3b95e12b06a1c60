"""A world for the OAI-PMH tests: the seed framework, the reference frameworks with the seed crosswalk, and
lesson packages aligned to goals that reach SLO kerndoelen."""
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from wt_curriculum.extensions import db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
NS = {"o": "http://www.openarchives.org/OAI/2.0/", "lom": "http://ltsc.ieee.org/xsd/LOM",
      "dc": "http://purl.org/dc/elements/1.1/", "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/"}
BASE = "https://wt.example.nl/"


@pytest.fixture
def scripted():
    """A scripted OAI-PMH source (tests/oai/sources.py) served on a local port."""
    from tests.oai.sources import ScriptedSource, Served

    source = ScriptedSource()
    served = Served(source)
    source.url = served.url + "/oai"
    yield source
    served.close()


@pytest.fixture
def local_sources(app):
    """The sources of these tests run on 127.0.0.1: allowed here, as a school board's own server would be with
    WT_FETCH_PRIVATE_ADDRESSES (by default the server only fetches public addresses: tests/oai/test_addresses.py)."""
    app.config["FETCH_PRIVATE_ADDRESSES"] = True


@pytest.fixture(scope="session")
def oai_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "all.xsd")))


def parse(response, schema) -> etree._Element:
    """The response as XML, after checking it against the OAI-PMH 2.0 schema (and the metadata schemas)."""
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    document = etree.fromstring(response.data)
    if not schema.validate(document):
        raise AssertionError(str(schema.error_log))
    return document


def error_code(document) -> str | None:
    error = document.find("o:error", NS)
    return None if error is None else error.get("code")


@dataclass
class World:
    network_ids: list[int]
    packages: dict[str, int]  # title -> id
    uuids: dict[str, str]  # title -> package uuid
    kerndoelen: dict[str, set[str]]  # title -> SLO UUIDs reached through its goals and the crosswalk
    domain_ids: dict[str, set[int]]  # title -> domain ids of its goals


def kerndoel_goals(app, count: int) -> list[tuple[int, int, set[str]]]:
    """Seed goals that reach kerndoelen/doelzinnen: (goal id, domain id, {node uuid})."""
    from wt_curriculum.objectives.models import Goal, Strand
    from wt_curriculum.references.models import CrosswalkLink, ReferenceNode

    with app.app_context():
        rows = db.session.execute(
            select(Goal.id, Strand.domain_id, ReferenceNode.uuid)
            .join(Strand, Strand.id == Goal.strand_id)
            .join(CrosswalkLink, CrosswalkLink.goal_id == Goal.id)
            .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
            .where(ReferenceNode.kind.in_(("kerndoel", "doelzin")), ReferenceNode.uuid.is_not(None),
                   Goal.status == "vastgesteld")
            .order_by(Goal.code)
        ).all()
    goals: dict[int, tuple[int, set[str]]] = {}
    for goal_id, domain_id, node_uuid in rows:
        goals.setdefault(goal_id, (domain_id, set()))[1].add(node_uuid)
    chosen = []
    seen_domains = set()
    for goal_id, (domain_id, uuids) in goals.items():  # goals of different domains first
        if domain_id not in seen_domains:
            chosen.append((goal_id, domain_id, uuids))
            seen_domains.add(domain_id)
    for goal_id, (domain_id, uuids) in goals.items():
        if len(chosen) >= count:
            break
        if all(goal_id != c[0] for c in chosen):
            chosen.append((goal_id, domain_id, uuids))
    return chosen[:count]


def make_package(app, network_id, goal_ids, title, status="gepubliceerd", **values):
    from wt_curriculum.lessons.models import Alignment, LessonPackage

    with app.app_context():
        package = LessonPackage(
            uuid=str(uuid.uuid4()), title=title, summary=values.get("summary", f"Samenvatting {title}"),
            description=values.get("description", "Leerlingen **onderzoeken** iets."),
            groepen_mask=values.get("groepen_mask", 0b00110000), lesson_count=values.get("lesson_count", 4),
            minutes_per_lesson=values.get("minutes", 60), keywords=values.get("keywords", "bruggen, water"),
            authors=values.get("authors", "An de Vries, Bo Jansen"), network_id=network_id,
            licence=values.get("licence", "CC-BY-SA"), status=status,
            published_at=datetime.now(UTC) if status != "concept" else None,
            alignments=[Alignment(goal_id=gid, relation="kern" if i == 0 else "raakt")
                        for i, gid in enumerate(goal_ids)],
        )
        db.session.add(package)
        db.session.commit()
        return package.id, package.uuid


@pytest.fixture
def references(app, framework):
    from wt_curriculum.references.seed import load_references, load_seed_crosswalk
    from wt_curriculum.seed import read_yaml

    with app.app_context():
        load_references(db.session, read_yaml(SEEDS / "references.yaml"))
        load_seed_crosswalk(db.session, read_yaml(SEEDS / "framework.yaml"))
        db.session.commit()


@pytest.fixture
def world(app, references, factory) -> World:
    """Two networks; three published packages, one draft, one withdrawn."""
    app.config["BASE_URL"] = BASE
    first = factory.network(code="NOORD", name="Netwerk Noord; W&T, Groningen")
    second = factory.network(code="ZUID", name="Netwerk Zuid")
    goals = kerndoel_goals(app, 3)
    assert len(goals) == 3
    plan = [
        ("Bruggen bouwen", first, [goals[0]], "gepubliceerd"),
        ("Water zuiveren", first, [goals[1], goals[2]], "gepubliceerd"),
        ("Robots programmeren", second, [goals[2]], "gepubliceerd"),
        ("Nog een concept", second, [goals[0]], "concept"),
        ("Ingetrokken pakket", second, [goals[1]], "ingetrokken"),
    ]
    world = World([first, second], {}, {}, {}, {})
    for title, network_id, chosen, status in plan:
        package_id, package_uuid = make_package(app, network_id, [g[0] for g in chosen], title, status)
        world.packages[title] = package_id
        world.uuids[title] = package_uuid
        world.kerndoelen[title] = set().union(*(g[2] for g in chosen))
        world.domain_ids[title] = {g[1] for g in chosen}
    return world
