"""`flask backup PATH` and `flask restore PATH`: a round trip gives back every table as it was."""
from sqlalchemy import text

from wt_curriculum.extensions import db


def table_contents(app) -> dict[str, list[tuple]]:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        return {
            name: sorted(tuple(str(v) for v in row) for row in db.session.execute(text(f'SELECT * FROM "{name}"')))
            for name in tables
        }


def test_backup_and_restore_round_trip(app, runner, factory, framework, tmp_path):
    factory.user("redacteur")
    factory.user("leraar")
    before = table_contents(app)
    assert before["goal"] and before["user"] and before["school"]

    result = runner.invoke(args=["backup", str(tmp_path / "backup.db")])
    assert result.exit_code == 0, result.output
    # Change and remove data after the backup.
    with app.app_context():
        db.session.execute(text("UPDATE goal SET title = 'gewijzigd'"))
        db.session.execute(text("DELETE FROM revision"))
        db.session.commit()
    factory.user("coordinator")
    assert table_contents(app) != before

    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "backup.db")])
    assert result.exit_code == 0, result.output
    assert table_contents(app) == before


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, factory, tmp_path):
    factory.user("leraar")
    before = table_contents(app)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database at all" * 100)
    result = runner.invoke(args=["restore", "--yes", str(broken)])
    assert result.exit_code != 0
    missing = runner.invoke(args=["restore", "--yes", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "does not exist" in missing.output
    assert table_contents(app) == before
