"""Pages for what the `flask case` commands do: import a CASE package as a reference framework (editors and
administrators), and the mirrored frameworks (administrators): list, add, remove, fetch now. The work itself
is done by the task queue (web_tasks.py); its job page shows the report."""
import re

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..errors import DomainError
from ..extensions import db
from ..textfiles import upload_name
from . import web_tasks
from .addresses import check_address
from .forms import MirrorActionForm, MirrorForm, PackageUploadForm
from .mirrors import list_mirrors, mirrored_framework, stop_mirroring

bp = Blueprint("case_pages", __name__)
MAX_UPLOAD = 20 * 1024 * 1024  # as MAX_CONTENT_LENGTH
PACKAGE_URL = re.compile(r"https?://\S+/CFPackages/[^/\s]+")


@bp.route("/referentiekaders/case-import", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.EDITOR)
def case_import():
    """Upload a CASE 1.0 / 1.1 package of another curriculum system: kept whole as a reference framework."""
    form = PackageUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.stream.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            form.file.errors = [_("The file is larger than %(n)s MB.", n=MAX_UPLOAD // (1024 * 1024))]
        else:
            name = upload_name(upload.filename, "package.json")
            job = web_tasks.submit_package_import(db.session, raw, name, current_user.id)
            db.session.commit()
            return redirect(url_for("jobs.job", job_id=job.id), 303)
    return render_template("case/import.html", form=form, max_mb=MAX_UPLOAD // (1024 * 1024))


@bp.route("/beheer/spiegels", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def mirrors():
    """The mirrored frameworks, and a form to follow another one (fetched by the task queue)."""
    form = MirrorForm()
    if form.validate_on_submit():
        url = form.url.data.strip()
        try:
            if not PACKAGE_URL.fullmatch(url):
                raise DomainError(_("Give the address of a CASE package: https://…/ims/case/v1p1/CFPackages/"
                                    "{identifier}."))
            check_address(url)
        except DomainError as error:
            form.url.errors = [str(error.message)]
        else:
            job = web_tasks.submit_mirror(db.session, url, current_user.id)
            db.session.commit()
            return redirect(url_for("jobs.job", job_id=job.id), 303)
    return render_template("case/mirrors.html", form=form, action_form=MirrorActionForm(),
                           mirrors=list_mirrors(db.session))


@bp.post("/beheer/spiegels/<int:framework_id>/verwijderen")
@roles_required(Role.ADMIN)
def remove_mirror(framework_id):
    form = MirrorActionForm()
    if form.validate_on_submit():
        framework = stop_mirroring(db.session, framework_id, current_user)
        db.session.commit()
        flash(_("%(framework)s is no longer mirrored. The framework and its links stay.",
                framework=framework.title), "success")
    return redirect(url_for(".mirrors"), 303)


@bp.post("/beheer/spiegels/<int:framework_id>/ophalen")
@roles_required(Role.ADMIN)
def fetch_mirror(framework_id):
    form = MirrorActionForm()
    if not form.validate_on_submit():
        return redirect(url_for(".mirrors"), 303)
    framework = mirrored_framework(db.session, framework_id)
    job = web_tasks.submit_fetch(db.session, framework, current_user.id)
    db.session.commit()
    return redirect(url_for("jobs.job", job_id=job.id), 303)
