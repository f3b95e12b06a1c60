"""Commands: `flask --app app reference import PATH` and `reference job ID` (added to the app by
wt_curriculum/cli.py)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from ..core.models import Job
from ..extensions import db
from .importer import ImportRefused, import_slo_data, read_slo_path
from .tasks import submit_import

reference_cli = AppGroup("reference", help="Reference frameworks: import SLO's open data.")


@reference_cli.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path))
def import_reference_command(path: Path):
    """Load official texts, new identifiers and deprecations from SLO's open data: one JSON file, or a folder
    of them (a clone of slonl/curriculum-kerndoelen, say). Matched by UUID, current or deprecated; all or
    nothing. More items than IMPORTS_BACKGROUND_ROWS are applied by the task queue."""
    try:
        with force_locale("en"):  # the commands speak English
            data = read_slo_path(path)
    except ImportRefused as refused:
        for problem in refused.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{path.name} was not imported; nothing was changed.") from None
    if len(data.items) > int(current_app.config["IMPORTS_BACKGROUND_ROWS"]):
        job = submit_import(db.session, data)
        db.session.commit()
        click.echo(f"{len(data.items)} items: the task queue applies them as job {job.id}.")
        _show_job(job.id)
        return
    report = import_slo_data(db.session, data)
    db.session.commit()
    for line in report.lines():
        click.echo(line)


def _show_job(job_id: int) -> None:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    if job is None or job.kind != "references.import":
        raise click.ClickException(f"There is no reference import job {job_id}.")
    click.echo(f"Job {job.id}: {job.state}.")
    if job.message:
        click.echo(job.message)
    if job.state in ("queued", "running"):
        click.echo(f"See its report later with: flask --app app reference job {job.id}")


@reference_cli.command("job")
@click.argument("job_id", type=int)
def job_command(job_id: int):
    """The state and report of a reference import the task queue applies."""
    _show_job(job_id)
