"""The world the access table is checked in: one network with one school, a user for every role bound
to them, an extra account, and whatever each area's `prepare(factory, values)` adds.

Building it loads frameworks and packages, so it is built once per test process and copied for every test (a
file copy on SQLite, a copy of its rows from a schema of their own on PostgreSQL).
"""
import importlib
import pkgutil
import shutil
from pathlib import Path

import pytest

from tests.access import ANONYMOUS, EVERYONE
from tests.conftest import BASE_CONFIG, Factory, _fresh_database_url, drop_snapshot, snapshot_postgresql

TESTS = Path(__file__).resolve().parent
AREA_MODULES = {
    info.name: importlib.import_module(f"tests.{info.name}.access")
    for info in pkgutil.iter_modules([str(TESTS)])
    if info.ispkg and (TESTS / info.name / "access.py").exists()
}
RULES = [rule for module in AREA_MODULES.values() for rule in module.RULES]


def build_world(factory: Factory):
    network_id = factory.network(code="NET-A")
    school_id = factory.school(network_id=network_id, brin="11AA")
    users = {
        role: factory.user(role, school_id=school_id if role in ("coordinator", "leraar") else None,
                           network_id=network_id if role == "netwerkcoordinator" else None)
        for role in EVERYONE if role != ANONYMOUS
    }
    values = {"network_id": network_id, "school_id": school_id, "teacher_id": users["leraar"].id,
              "other_user_id": factory.user("leraar").id}
    for module in AREA_MODULES.values():
        prepare = getattr(module, "prepare", None)
        if prepare:
            values.update(prepare(factory, values))
    return users, values


def _world_app(url: str, folder: Path):
    from wt_curriculum import create_app

    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(folder / "uploads"),
                       "IMPORT_FOLDER": str(folder / "imports"),
                       "FILE_STORE_FOLDER": str(folder / "files"), "BACKUP_FOLDER": str(folder / "backups"),
                       # Long work is queued, never run: a PDF answers with its job page for every role alike.
                       "QUEUE_IMMEDIATE": False, "QUEUE_FILE": str(folder / "queue.sqlite3"),
                       "JOBS_PER_USER": 1000})


@pytest.fixture(scope="session")
def world_template(database_template, tmp_path_factory):
    """The world built once, to be copied for each test."""
    from sqlalchemy import text

    from wt_curriculum.extensions import db

    folder = tmp_path_factory.mktemp("world")
    if database_template["kind"] == "sqlite":
        path = folder / "world.sqlite"
        shutil.copyfile(database_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        path, url = None, _fresh_database_url(database_template, folder)
    app = _world_app(url, folder)
    users, values = build_world(Factory(app))
    with app.app_context():
        if path is not None:
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    snapshot = snapshot_postgresql(database_template, "world") if path is None else None
    yield {"folder": folder, "path": path, "snapshot": snapshot, "users": users, "values": values}
    if snapshot is not None:
        drop_snapshot(snapshot)


@pytest.fixture
def access_world(world_template, tmp_path):
    """(app, users, values): a fresh copy of the world for this test."""
    if world_template["path"] is not None:
        path = tmp_path / "world.sqlite"
        shutil.copyfile(world_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        url = _fresh_database_url(world_template["snapshot"], tmp_path)
    for sub in ("uploads", "imports", "files"):
        if (world_template["folder"] / sub).exists():
            shutil.copytree(world_template["folder"] / sub, tmp_path / sub)
    app = _world_app(url, tmp_path)
    yield app, world_template["users"], world_template["values"]
    from wt_curriculum.extensions import db

    with app.app_context():
        db.engine.dispose()
