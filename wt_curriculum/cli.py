"""Commands under `flask --app app ...`: users, seed, translate."""
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from .extensions import db

ROOT = Path(__file__).resolve().parent.parent
users_cli = AppGroup("users", help="Manage accounts.")
translate_cli = AppGroup("translate", help="Extract, update and compile the translation catalogs.")


def _read_password(prompt: str) -> str:
    """Ask on a terminal without echo; read a line from standard input otherwise."""
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, default="", show_default=False)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


ROLE_CHOICES = click.Choice(["beheerder", "redacteur", "netwerkcoordinator", "coordinator", "leraar"])


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=ROLE_CHOICES)
@click.option("--name", default="", help="Display name (defaults to the e-mail address).")
@click.option("--school", "school_code", default=None, help="BRIN + vestiging code, for coordinator and leraar.")
@click.option("--network", "network_code", default=None, help="Network code, for netwerkcoordinator.")
def create_user_command(email, role, name, school_code, network_code):
    """Create an account; the password is asked twice (or read as two lines from standard input)."""
    from .auth import services
    from .errors import ValidationError
    from .organisations import services as schools

    school = schools.school_by_code(db.session, school_code) if school_code else None
    network = schools.network_by_code(db.session, network_code) if network_code else None
    if school_code and school is None:
        raise click.ClickException(f"No school with code {school_code}.")
    if network_code and network is None:
        raise click.ClickException(f"No network with code {network_code}.")
    password = _read_password("Password")
    again = _read_password("Password again")
    if password != again:
        raise click.ClickException("The two passwords are not the same.")
    data = services.UserData(email=email, name=name or email, role=role,
                             school_id=school.id if school else None, network_id=network.id if network else None)
    try:
        user = services.create_user(db.session, data, password)
    except ValidationError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


def _user_or_fail(email):
    from .auth import services

    user = services.user_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account with e-mail address {email}.")
    return user


@users_cli.command("list")
@click.option("--role", default=None, type=ROLE_CHOICES, help="Only accounts with this role.")
def list_users_command(role):
    """List every account: e-mail, role, school or network, whether it may log in, last login."""
    from .auth import services
    from .organisations import services as schools

    users = [user for user in services.list_users(db.session) if role is None or user.role == role]
    school_codes = {school.id: school.code for school in schools.list_schools(db.session, include_archived=True)}
    network_codes = {network.id: network.code
                     for network in schools.list_networks(db.session, include_archived=True)}
    binding = {user.id: school_codes.get(user.school_id) or network_codes.get(user.network_id) for user in users}
    for user in users:
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email}\t{user.role}\t{binding[user.id] or '-'}\t{state}\tlast login {last}")
    click.echo(f"{len(users)} account(s).")


@users_cli.command("set-password")
@click.argument("email")
def set_password_command(email):
    """Give an account a new password (asked twice, or two lines on standard input); its sessions end."""
    from .auth import services
    from .errors import ValidationError

    user = _user_or_fail(email)
    password = _read_password("New password")
    if password != _read_password("New password again"):
        raise click.ClickException("The two passwords are not the same.")
    try:
        services.set_password(db.session, user, password)
    except ValidationError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"New password set for {user.email}; every session of the account has ended.")


@users_cli.command("disable")
@click.argument("email")
def disable_user_command(email):
    """Stop an account from logging in: its sessions end and its API tokens are revoked for good."""
    from .auth import services

    user = _user_or_fail(email)
    if not services.disable_user(db.session, user):
        click.echo(f"{user.email} was already disabled.")
        return
    db.session.commit()
    click.echo(f"Disabled {user.email}; its sessions ended and its API tokens were revoked.")


@users_cli.command("enable")
@click.argument("email")
def enable_user_command(email):
    """Let a disabled account log in again (its old API tokens stay revoked)."""
    from .auth import services

    user = _user_or_fail(email)
    if not services.enable_user(db.session, user):
        click.echo(f"{user.email} was already active.")
        return
    db.session.commit()
    click.echo(f"Enabled {user.email}.")


@click.command("seed")
@with_appcontext
@click.option("--demo", is_flag=True, help="Also add demo networks, schools, users, packages and year plans.")
@click.option("--logins-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the new demo accounts and their passwords to this file (readable by you only).")
def seed_command(demo, logins_file):
    """Load the goal framework from seeds/ (safe to run again), and with --demo the demo data."""
    import os

    from . import seed
    from .core.statistics import analyze_database

    report = seed.seed_all(db.session, ROOT / "seeds", demo=demo)
    db.session.commit()
    analyze_database(db.engine)
    for line in report:
        click.echo(line)
    # bin/run shows these each time it starts; only accounts made now have a password to write down.
    logins = [line for line in report if line.startswith("Demo account ") and ": password " in line]
    if logins_file is not None and logins:
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(logins_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write("".join(f"{line}\n" for line in logins))


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path):
    """Write the database and the attachments as one archive (.tar.gz, readable by you only) to PATH."""
    from .core.backup import BackupError
    from .core.tasks import write_backup

    try:
        manifest = write_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    attachments = sum(1 for name in manifest["files"] if name.startswith("uploads/"))
    click.echo(f"Backup written to {path} (database at migration {', '.join(manifest['migration_revisions'])}, "
               f"{attachments} attachment file(s)).")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path, yes):
    """Replace the database and the attachments with the archive at PATH. Stop the app first.

    The archive's manifest and checksums are checked first; an archive of another application or of a newer
    version is refused; one of an older version is upgraded to this version's migrations."""
    from flask import current_app
    from flask_migrate import upgrade

    from .core.backup import BackupError, restore
    from .core.tasks import code_revisions

    if not yes:
        click.confirm(f"Replace everything in the database and the attachments with {path}?", abort=True)
    known, heads = code_revisions()
    db.session.remove()
    db.engine.dispose()
    try:
        manifest = restore(db.engine.url.render_as_string(hide_password=False), path,
                           current_app.config["UPLOAD_FOLDER"], known)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    if set(manifest.get("migration_revisions") or []) != heads:
        db.engine.dispose()
        upgrade(revision="heads")
        click.echo("The restored database was made by an older version: upgraded to this version's migrations.")
    click.echo(f"Database and attachments restored from {path}.")


bench_cli = AppGroup("bench", help="National-scale benchmark data.")


@bench_cli.command("generate")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="1 = national size (7,000 schools, ~4 million plan rows); 0.1 for a quick run.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed: same seed, same data.")
def bench_generate(scale, seed):
    """Load the framework and fill the database with generated networks, schools, packages and plans."""
    from bench.generate import generate

    from . import seed as seeding

    click.echo(seeding.seed_all(db.session, ROOT / "seeds")[0])
    try:
        report = generate(db.session, scale=scale, seed=seed)
    except RuntimeError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    for line in report.lines():
        click.echo(line)


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "--quiet", *args])


@translate_cli.command("update")
@click.argument("areas", nargs=-1)
def translate_update(areas):
    """Extract the messages of the given areas (default: all) and merge them into their nl catalogs."""
    from .i18n import AREAS, PACKAGE

    for area in areas or AREAS:
        if area not in AREAS:
            raise click.ClickException(f"Unknown area {area}; areas: {', '.join(AREAS)}")
        area_dir = PACKAGE / area / "translations"
        area_dir.mkdir(parents=True, exist_ok=True)
        pot = area_dir / "messages.pot"
        sources = [str(PACKAGE / area)]
        templates = ROOT / "templates" / area
        if templates.is_dir():
            sources.append(str(templates))
        if area == "core":  # the shared pieces: factory, errors, forms, base layout and macros
            sources += [str(p) for p in PACKAGE.glob("*.py")]
            sources += [str(ROOT / "templates" / d) for d in ("macros", "errors", "base.html")]
        _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
                 "-k", "_nl:1,2", "-k", "lazy_ngettext:1,2",
                 "--no-location", "--sort-output", "-o", str(pot), *sources)
        po = area_dir / "nl" / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel("update", "-i", str(pot), "-d", str(area_dir), "-l", "nl",
                     "--no-fuzzy-matching", "--ignore-obsolete")
        else:
            _pybabel("init", "-i", str(pot), "-d", str(area_dir), "-l", "nl")
        pot.unlink()
    click.echo("Catalogs updated; translate the empty entries in */translations/nl/LC_MESSAGES/messages.po.")


@translate_cli.command("compile")
def translate_compile():
    """Compile the catalogs (done by the set-up as well)."""
    from .i18n import compile_catalogs

    compile_catalogs()
    click.echo("Catalogs compiled.")


def init_app(app: Flask) -> None:
    from .organisations.cli import schools_cli
    from .planning.cli import coverage_cli
    from .references.cli import reference_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(reference_cli)
    app.cli.add_command(schools_cli)
    app.cli.add_command(coverage_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(bench_cli)
    app.cli.add_command(restore_command)
