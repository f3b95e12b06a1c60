"""Command: `flask --app app coverage rebuild` (added to the app by wt_curriculum/cli.py)."""
import click
from flask.cli import AppGroup

from ..extensions import db
from . import aggregates

coverage_cli = AppGroup("coverage", help="Coverage: the per-school aggregates of year plans.")


@coverage_cli.command("rebuild")
def rebuild_command():
    """Count every school's coverage per school year again from the plan rows (the national summary's data)."""
    pairs = aggregates.rebuild(db.session)
    db.session.commit()
    click.echo(f"Coverage aggregates rebuilt: {pairs} school years.")
