"""`flask backup PATH` and `flask restore PATH`: one archive (database + attachments + manifest), written
0600; restore checks manifest and checksums, refuses other applications' and newer versions' archives,
upgrades older ones; a round trip gives back every table and every attachment's bytes."""
import io
import json
import shutil
import sqlite3
import stat
import tarfile

import pytest
from sqlalchemy import text

from tests.lessons.helpers import PDF_BYTES, make_attachment, make_goals, make_package
from wt_curriculum.extensions import db


def table_contents(app) -> dict[str, list[tuple]]:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        return {
            name: sorted(tuple(str(v) for v in row) for row in db.session.execute(text(f'SELECT * FROM "{name}"')))
            for name in tables
        }


def needs_pg_tools(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")


@pytest.fixture
def attachment(app, factory):
    network = factory.network(code="NET-BACKUP")
    goals = make_goals(app, prefix="BK", count=1)
    package_id = make_package(app, network, list(goals.values()))
    attachment_id = make_attachment(app, package_id, data=PDF_BYTES)
    return package_id, attachment_id


def download(app, package_id, attachment_id):
    return app.test_client().get(f"/lespakketten/{package_id}/bijlagen/{attachment_id}")


def test_backup_and_restore_round_trip_with_the_attachments(app, runner, factory, framework, tmp_path, attachment):
    needs_pg_tools(app)
    package_id, attachment_id = attachment
    factory.user("redacteur")
    factory.user("leraar")
    before = table_contents(app)
    assert before["goal"] and before["user"] and before["attachment"]

    path = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 attachment file(s)" in result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds password hashes
    with tarfile.open(path) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        names = set(archive.getnames())
    assert manifest["application"] == "wt_curriculum" and manifest["format"] == 1
    with app.app_context():
        heads = sorted(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    assert manifest["migration_revisions"] == heads
    assert names == {"manifest.json", *manifest["files"]}
    assert any(name.startswith("uploads/") for name in names)
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())

    # Change and remove data and the attachment's file after the backup.
    with app.app_context():
        db.session.execute(text("UPDATE goal SET title = 'gewijzigd'"))
        db.session.execute(text("DELETE FROM revision"))
        db.session.commit()
    factory.user("coordinator")
    shutil.rmtree(app.config["UPLOAD_FOLDER"])
    assert table_contents(app) != before
    assert download(app, package_id, attachment_id).status_code == 404

    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code == 0, result.output
    assert "Database and attachments restored" in result.output and "older version" not in result.output
    assert table_contents(app) == before
    restored = download(app, package_id, attachment_id)
    assert restored.status_code == 200 and restored.data == PDF_BYTES


def test_an_existing_file_is_replaced_by_one_only_its_owner_reads(app, runner, tmp_path):
    needs_pg_tools(app)
    path = tmp_path / "backup.tar.gz"
    path.write_bytes(b"old")
    path.chmod(0o644)
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and tarfile.is_tarfile(path)


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, factory, tmp_path):
    factory.user("leraar")
    before = table_contents(app)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database at all" * 100)
    result = runner.invoke(args=["restore", "--yes", str(broken)])
    assert result.exit_code != 0 and "is not a wt_curriculum backup archive" in result.output
    missing = runner.invoke(args=["restore", "--yes", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "does not exist" in missing.output
    # Any SQLite file, e.g. one with an unrelated table, is no backup either.
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    result = runner.invoke(args=["restore", "--yes", str(other)])
    assert result.exit_code != 0 and "is not a wt_curriculum backup archive" in result.output
    assert table_contents(app) == before


def archive_with(path, manifest: dict, members: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_restore_refuses_another_applications_archive(app, runner, factory, tmp_path):
    factory.user("leraar")
    before = table_contents(app)
    path = tmp_path / "other.tar.gz"
    archive_with(path, {"application": "moodle", "format": 1, "files": {}}, {})
    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code != 0 and "backup of another application (moodle)" in result.output
    assert table_contents(app) == before


def test_restore_refuses_a_damaged_archive_before_touching_anything(app, runner, factory, tmp_path, attachment):
    needs_pg_tools(app)
    path = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    with tarfile.open(path) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.name != "manifest.json"}
    upload = next(name for name in members if name.startswith("uploads/"))
    members[upload] = b"%PDF-1.7 something else entirely"
    damaged = tmp_path / "damaged.tar.gz"
    archive_with(damaged, manifest, members)
    factory.user("coordinator")
    before = table_contents(app)
    result = runner.invoke(args=["restore", "--yes", str(damaged)])
    assert result.exit_code != 0 and "does not match: the archive is damaged" in result.output
    assert table_contents(app) == before
    package_id, attachment_id = attachment
    assert download(app, package_id, attachment_id).data == PDF_BYTES
    # A member the manifest does not list is refused too.
    archive_with(damaged, manifest, {**members, "uploads/extra": b"x"})
    result = runner.invoke(args=["restore", "--yes", str(damaged)])
    assert result.exit_code != 0 and "does not hold the files its manifest lists" in result.output


def test_restore_refuses_an_archive_of_a_newer_version(app, runner, factory, tmp_path):
    needs_pg_tools(app)
    from wt_curriculum.core.backup import backup

    factory.user("leraar")
    path = tmp_path / "newer.tar.gz"
    with app.app_context():
        backup(db.engine.url.render_as_string(hide_password=False), path, app.config["UPLOAD_FOLDER"],
               ["ffffffffffff"])
    factory.user("coordinator")
    before = table_contents(app)
    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code != 0
    assert "made by a newer version of wt_curriculum (migration ffffffffffff): update the app first" in result.output
    assert table_contents(app) == before


def test_an_archive_of_an_older_version_is_upgraded_after_the_restore(app, runner, tmp_path):
    """A database one migration behind, backed up, restored here: it ends at this version's heads."""
    needs_pg_tools(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the older database is made on SQLite")
    from alembic.script import ScriptDirectory
    from flask_migrate import upgrade

    from tests.conftest import BASE_CONFIG
    from wt_curriculum import create_app
    from wt_curriculum.core.tasks import write_backup

    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        heads = set(script.get_heads())
    previous = script.get_revision(sorted(heads)[0]).down_revision
    previous = [previous] if isinstance(previous, str) else list(previous)
    old_app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}",
                          "UPLOAD_FOLDER": str(tmp_path / "old-uploads")})
    path = tmp_path / "old.tar.gz"
    with old_app.app_context():
        for revision in previous:
            upgrade(revision=revision)
        write_backup(path)
        db.engine.dispose()
    with tarfile.open(path) as archive:
        assert json.loads(archive.extractfile("manifest.json").read())["migration_revisions"] == sorted(previous)
    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code == 0, result.output
    assert "made by an older version: upgraded" in result.output
    with app.app_context():
        assert set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()) == heads


def test_the_postgresql_password_never_goes_on_the_command_line(monkeypatch, tmp_path):
    from wt_curriculum.core import backup as module

    seen = {}

    def fake_run(command, capture_output, text, env):
        seen["command"], seen["env"] = command, env
        (tmp_path / "work").mkdir(exist_ok=True)
        for part in command:
            if part.startswith("--file="):
                with open(part[len("--file="):], "wb") as dump:
                    dump.write(b"PGDMP fake")

        class Done:
            returncode = 0
            stderr = ""

        return Done()

    monkeypatch.setattr(module.subprocess, "run", fake_run)
    monkeypatch.setattr(module.shutil, "which", lambda name: f"/usr/bin/{name}")
    url = "postgresql+psycopg://wt:geheim-wachtwoord@db.example:5432/wt?options=-csearch_path%3Dwt"
    manifest = module.backup(url, tmp_path / "pg.tar.gz", None, ["abc"])
    assert "geheim-wachtwoord" not in " ".join(seen["command"])
    assert seen["env"]["PGPASSWORD"] == "geheim-wachtwoord"
    assert "--schema=wt" in seen["command"]
    assert manifest["database"] == "postgresql" and "database.pgdump" in manifest["files"]
