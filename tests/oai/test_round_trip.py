"""Round trip: a second instance of this app harvests the first one's /oai over HTTP on a local port, with a
real OAI-PMH client (oaipmh-scythe) following resumption tokens; every published package arrives with its
kerndoel classifications and is suggested for the goals that serve them; withdrawn and changed packages follow."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import select, update

from tests.conftest import BASE_CONFIG
from tests.oai.conftest import SEEDS
from wt_curriculum import create_app
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import LessonPackage
from wt_curriculum.oai.harvest import harvest_source
from wt_curriculum.oai.models import ExternalMaterial, HarvestSource, MaterialGoal


@pytest.fixture
def second(tmp_path):
    """Another instance with a database of its own (SQLite), the seed framework and crosswalk loaded."""
    from wt_curriculum.objectives.seed import load_framework
    from wt_curriculum.references.seed import load_references, load_seed_crosswalk
    from wt_curriculum.seed import read_yaml

    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'second.sqlite'}",
                        "FILE_STORE_FOLDER": str(tmp_path / "second-files"),
                        "FETCH_PRIVATE_ADDRESSES": True})  # it harvests the first one on 127.0.0.1
    with other.app_context():
        upgrade(revision="heads")
        load_framework(db.session, read_yaml(SEEDS / "framework.yaml"))
        load_references(db.session, read_yaml(SEEDS / "references.yaml"))
        load_seed_crosswalk(db.session, read_yaml(SEEDS / "framework.yaml"))
        db.session.commit()
    yield other
    with other.app_context():
        db.engine.dispose()


def harvest(app, source_id):
    with app.app_context():
        report = harvest_source(db.session, source_id)
        db.session.commit()
        return report


def arrived(app) -> dict[str, tuple[str, set[str], set[str]]]:
    """identifier -> (title, kerndoel uuids, codes of the goals suggested)."""
    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        codes: dict[int, set[str]] = {}
        for material_id, code in db.session.execute(
                select(MaterialGoal.material_id, Goal.code).join(Goal, Goal.id == MaterialGoal.goal_id)):
            codes.setdefault(material_id, set()).add(code)
        return {m.identifier: (m.title, set(filter(None, m.kerndoel_uuids.split("\n"))), codes.get(m.id, set()))
                for m in db.session.scalars(select(ExternalMaterial))}


def goal_codes(app, package_id) -> set[str]:
    from wt_curriculum.lessons.models import Alignment
    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        return set(db.session.scalars(select(Goal.code).join(Alignment, Alignment.goal_id == Goal.id)
                                      .where(Alignment.package_id == package_id)))


def test_a_second_instance_harvests_every_published_package_with_its_kerndoelen(app, world, live_server, second):
    app.config["OAI_PAGE_SIZE"] = 2  # four records (three published, one withdrawn): two pages and a token
    with second.app_context():
        source = HarvestSource(name="Eerste instantie", url=live_server + "/oai")
        db.session.add(source)
        db.session.commit()
        source_id = source.id
    report = harvest(second, source_id)
    assert report.ok, report.error
    assert report.added == 3  # the withdrawn package is a deleted header: nothing to add
    found = arrived(second)
    published = ["Bruggen bouwen", "Water zuiveren", "Robots programmeren"]
    assert set(found) == {f"oai:wt.example.nl:lespakket/{world.uuids[t]}" for t in published}
    for title in published:
        name, kerndoelen, suggested = found[f"oai:wt.example.nl:lespakket/{world.uuids[title]}"]
        assert name == title
        assert kerndoelen == world.kerndoelen[title]
        # the same seed crosswalk on both sides: the package's own goals are among the suggestions
        assert goal_codes(app, world.packages[title]) <= suggested
    with second.app_context():
        material = db.session.scalars(select(ExternalMaterial).where(ExternalMaterial.title == "Bruggen bouwen")).one()
        assert material.url == f"https://wt.example.nl/lespakketten/{world.packages['Bruggen bouwen']}"
        assert material.licence == "cc-by-sa-40" and material.groepen_mask == 0b00110000
        assert material.publisher == "Netwerk Noord; W&T, Groningen"

    # The first instance changes: one package withdrawn, one renamed. The next harvest asks `from` and follows.
    from wt_curriculum.lessons.models import PackageStatus

    with app.app_context():
        db.session.execute(update(LessonPackage).where(LessonPackage.id == world.packages["Robots programmeren"])
                           .values(status=PackageStatus.WITHDRAWN))
        package = db.session.get(LessonPackage, world.packages["Water zuiveren"])
        package.title = "Water zuiveren met zand"
        db.session.commit()
    report = harvest(second, source_id)
    assert report.ok, report.error
    assert report.deleted == 1
    found = arrived(second)
    assert {v[0] for v in found.values()} == {"Bruggen bouwen", "Water zuiveren met zand"}
    with second.app_context():
        assert db.session.get(HarvestSource, source_id).harvested_from.endswith("Z")
