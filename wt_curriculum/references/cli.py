"""Command: `flask --app app reference import FILE` (added to the app by wt_curriculum/cli.py)."""
from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from .importer import ImportRefused, import_slo_file

reference_cli = AppGroup("reference", help="Reference frameworks: import SLO's official texts.")


@reference_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_reference_command(file: Path):
    """Load official texts and deprecations from one of SLO's open data JSON files (matched by UUID)."""
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
