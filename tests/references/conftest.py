from pathlib import Path

import pytest

from wt_curriculum.extensions import db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def references(app, framework):
    """The seed goal framework, the reference frameworks and the seed crosswalk, committed."""
    from wt_curriculum.references.seed import load_references, load_seed_crosswalk
    from wt_curriculum.seed import read_yaml

    with app.app_context():
        load_references(db.session, read_yaml(SEEDS / "references.yaml"))
        load_seed_crosswalk(db.session, read_yaml(SEEDS / "framework.yaml"))
        db.session.commit()
