"""Backup and restore: one archive with the database, the attachments and a manifest.

The archive is a gzip'ed tar, written 0600 (it holds password hashes):
- `manifest.json`: the application, the archive format, when it was made, the database kind, the migration
  revision(s) of the database, and the size and SHA-256 of every other member;
- `database.sqlite` (SQLite's online backup API, consistent while the app runs) or `database.pgdump`
  (pg_dump's custom format; restored with pg_restore --clean --single-transaction, so a failed restore
  leaves the database as it was); the PostgreSQL password goes through the environment (PGPASSWORD), never
  the command line;
- `uploads/...`: the attachments (UPLOAD_FOLDER).

Restoring checks the manifest and every checksum before anything is touched, refuses an archive of another
application or one made by a newer version (a migration this code does not know), and tells the caller
whether the database must be upgraded afterwards (an archive of an older version).
"""
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from sqlalchemy.engine import URL, make_url

APPLICATION = "wt_curriculum"
FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_args(url) -> tuple[list[str], dict]:
    """libpq connection arguments for pg_dump/pg_restore (without the password, which goes in the
    environment), and the schema named by search_path, if any."""
    query = dict(url.query)
    options = query.pop("options", "")
    schema = None
    for part in (options if isinstance(options, str) else " ".join(options)).split():
        if part.startswith("-csearch_path="):
            schema = part.split("=", 1)[1]
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=query)  # no password: it goes in the environment
    conninfo = plain.render_as_string(hide_password=False)
    env = {}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return [f"--dbname={conninfo}"], {"schema": schema, "env": env}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def _run(command: list[str], env: dict) -> None:
    # A fixed tool with the configured database: no shell, no user input, the password in the environment.
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env})  # noqa: S603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip())


def _dump(url, folder: Path) -> Path:
    """The database into `folder`: database.sqlite or database.pgdump."""
    if url.get_backend_name() == "sqlite":
        target = folder / "database.sqlite"
        source = sqlite3.connect(_sqlite_path(url))
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target
    if url.get_backend_name() == "postgresql":
        target = folder / "database.pgdump"
        args, extra = _pg_args(url)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", *args]
        if extra["schema"]:
            command.append(f"--schema={extra['schema']}")
        _run(command, extra["env"])
        return target
    raise BackupError(f"no backup method for {url.get_backend_name()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _open_private(path: Path):
    """A new file only its owner can read (0600), also when one was there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def backup(database_url: str, target: Path, upload_folder: Path | None = None,
           revisions: list[str] | tuple = ()) -> dict:
    """Write the archive to `target` (0600); returns its manifest."""
    url = make_url(database_url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wt-backup-") as work:
        database = _dump(url, Path(work))
        members = [(database.name, database)]
        uploads = Path(upload_folder) if upload_folder else None
        if uploads and uploads.is_dir():
            members += [(f"uploads/{p.relative_to(uploads).as_posix()}", p)
                        for p in sorted(uploads.rglob("*")) if p.is_file()]
        manifest = {
            "application": APPLICATION, "format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
            "database": url.get_backend_name(), "migration_revisions": sorted(revisions),
            "files": {name: {"size": path.stat().st_size, "sha256": _sha256(path)} for name, path in members},
        }
        partial = target.with_name(target.name + ".partial")
        try:
            with _open_private(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
                archive.addfile(info, io.BytesIO(data))
                for name, path in members:
                    archive.add(path, arcname=name, recursive=False)
            os.replace(partial, target)  # never a half-written archive under the real name
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and (
        name in ("database.sqlite", "database.pgdump") or (len(path.parts) > 1 and path.parts[0] == "uploads"))


def _read_archive(source: Path, work: Path) -> dict:
    """Unpack and check an archive into `work`; its manifest. BackupError on anything wrong."""
    try:
        archive = tarfile.open(source, mode="r:*")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{source} is not a {APPLICATION} backup archive ({error})") from None
    with archive:
        try:
            member = archive.getmember(MANIFEST)
            manifest = json.loads(archive.extractfile(member).read(1 << 20))
        except (KeyError, ValueError, AttributeError, tarfile.TarError):
            raise BackupError(f"{source} is not a {APPLICATION} backup archive (no manifest)") from None
        if not isinstance(manifest, dict) or manifest.get("application") != APPLICATION:
            raise BackupError(f"{source} is a backup of another application "
                              f"({manifest.get('application') if isinstance(manifest, dict) else '?'}), "
                              f"not of {APPLICATION}")
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{source} has archive format {manifest.get('format')}; this version reads {FORMAT}")
        files = manifest.get("files") or {}
        names = {m.name for m in archive.getmembers()} - {MANIFEST}
        if names != set(files) or not all(_safe_name(n) for n in names):
            raise BackupError(f"{source} does not hold the files its manifest lists")
        for member in archive.getmembers():
            if member.name == MANIFEST:
                continue
            if not member.isfile():
                raise BackupError(f"{source}: {member.name} is not a plain file")
            target = work / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with archive.extractfile(member) as data, open(target, "wb") as out:
                for block in iter(lambda: data.read(1 << 20), b""):
                    digest.update(block)
                    out.write(block)
            expected = files[member.name]
            if digest.hexdigest() != expected.get("sha256") or target.stat().st_size != expected.get("size"):
                raise BackupError(f"{source}: the checksum of {member.name} does not match: the archive is damaged")
    return manifest


def _restore_database(url, manifest: dict, work: Path, source: Path) -> None:
    kind = url.get_backend_name()
    if manifest.get("database") != kind:
        raise BackupError(f"{source} holds a {manifest.get('database')} database; this app uses {kind}")
    if kind == "sqlite":
        dump = work / "database.sqlite"
        backup_db = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source}: the database in it is damaged")
            live = sqlite3.connect(_sqlite_path(url))
            try:
                backup_db.backup(live)
            finally:
                live.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source}: the database in it cannot be read: {error}") from error
        finally:
            backup_db.close()
        return
    if kind == "postgresql":
        args, extra = _pg_args(url)
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *args, str(work / "database.pgdump")], extra["env"])
        return
    raise BackupError(f"no restore method for {kind}")


def _restore_uploads(work: Path, upload_folder: Path) -> None:
    """The attachments folder becomes the archive's (the old one is removed once the new one is in place)."""
    upload_folder = Path(upload_folder)
    upload_folder.parent.mkdir(parents=True, exist_ok=True)
    incoming = work / "uploads"
    incoming.mkdir(exist_ok=True)
    staged = upload_folder.with_name(upload_folder.name + ".restoring")
    old = upload_folder.with_name(upload_folder.name + ".before-restore")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(incoming, staged)
    if upload_folder.exists():
        os.replace(upload_folder, old)
    os.replace(staged, upload_folder)
    shutil.rmtree(old, ignore_errors=True)


def restore(database_url: str, source: Path, upload_folder: Path | None = None,
            known_revisions: set[str] | None = None) -> dict:
    """Replace the database and the attachments with the archive's; returns its manifest.

    `known_revisions`: every migration revision this code has; an archive with another is refused (it was
    made by a newer version). The caller upgrades the database when the archive's revisions are older.
    """
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    with tempfile.TemporaryDirectory(prefix="wt-restore-") as folder:
        work = Path(folder)
        manifest = _read_archive(source, work)
        revisions = manifest.get("migration_revisions") or []
        if known_revisions is not None:
            unknown = [r for r in revisions if r not in known_revisions]
            if unknown:
                raise BackupError(f"{source} was made by a newer version of {APPLICATION} (migration "
                                  f"{', '.join(unknown)}): update the app first, then restore")
        _restore_database(url, manifest, work, source)
        if upload_folder is not None:
            _restore_uploads(work, upload_folder)
    return manifest
