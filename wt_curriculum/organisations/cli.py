"""Command: `flask --app app schools import-duo FILE` (added to the app by wt_curriculum/cli.py)."""
from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from .duo import DuoFileRefused, import_duo_schools

schools_cli = AppGroup("schools", help="Schools: import DUO's list of school locations.")


@schools_cli.command("import-duo")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_duo_command(file: Path):
    """Create or update schools from DUO's file of all primary school locations (BRIN + vestiging)."""
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
