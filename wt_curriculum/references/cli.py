"""Commands: `flask --app app reference import FILE` and `flask --app app schools import-duo FILE`.

Both groups are added to the app by the references blueprint (record_once),
so the shared wt_curriculum/cli.py stays untouched.
"""
from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db

reference_cli = AppGroup("reference", help="Reference frameworks: import SLO's official texts.")
schools_cli = AppGroup("schools", help="Schools: import DUO's list of school locations.")


@reference_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_reference_command(file: Path):
    """Load official texts and deprecations from one of SLO's open data JSON files (matched by UUID)."""
    from .importer import ImportRefused, import_slo_file

    try:
        report = import_slo_file(db.session, file)
    except ImportRefused as refused:
        db.session.rollback()
        for problem in refused.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{file.name} was not imported; nothing was changed.") from None
    db.session.commit()
    for line in report.lines():
        click.echo(line)


@schools_cli.command("import-duo")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_duo_command(file: Path):
    """Create or update schools from DUO's file of all primary school locations (BRIN + vestiging)."""
    from .duo import DuoFileRefused, import_duo_schools

    try:
        report = import_duo_schools(db.session, file.read_bytes())
    except DuoFileRefused as refused:
        db.session.rollback()
        for problem in refused.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{file.name} was not imported; nothing was changed.") from None
    db.session.commit()
    for line in report.lines():
        click.echo(line)
