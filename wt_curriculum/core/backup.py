"""Backup and restore of the whole database.

SQLite: the online backup API (consistent while the app runs). PostgreSQL:
pg_dump in its custom format and pg_restore --clean --single-transaction, so
a failed restore leaves the database as it was.
"""
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_args(url) -> tuple[list[str], dict]:
    """libpq connection arguments for pg_dump/pg_restore, and the schema named by search_path, if any."""
    query = dict(url.query)
    options = query.pop("options", "")
    schema = None
    for part in (options if isinstance(options, str) else " ".join(options)).split():
        if part.startswith("-csearch_path="):
            schema = part.split("=", 1)[1]
    plain = url.set(drivername="postgresql", query=query)
    conninfo = plain.render_as_string(hide_password=False)
    env = {}
    if url.password:
        env["PGPASSWORD"] = url.password
    return [f"--dbname={conninfo}"], {"schema": schema, "env": env}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def backup(database_url: str, target: Path) -> None:
    url = make_url(database_url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return
    if url.get_backend_name() == "postgresql":
        import os

        args, extra = _pg_args(url)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", *args]
        if extra["schema"]:
            command.append(f"--schema={extra['schema']}")
        # The command is a fixed tool with the configured database URL: no shell, no user input.
        result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **extra["env"]})  # noqa: S603
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return
    raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with the backup's."""
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is damaged")
            live = sqlite3.connect(_sqlite_path(url))
            try:
                backup_db.backup(live)
            finally:
                live.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not a SQLite backup: {error}") from error
        finally:
            backup_db.close()
        return
    if url.get_backend_name() == "postgresql":
        import os

        args, extra = _pg_args(url)
        command = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                   "--single-transaction", "--exit-on-error", *args, str(source)]
        # The command is a fixed tool with the configured database URL: no shell, no user input.
        result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **extra["env"]})  # noqa: S603
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return
    raise BackupError(f"no restore method for {url.get_backend_name()}")


