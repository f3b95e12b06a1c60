"""Pages for importing and exporting goals, lesson packages and year plans (CSV and Excel)."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import public, roles_required
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..numbers import parse_whole
from ..organisations import services as organisations
from ..schoolyears import parse_school_year
from ..tables import MAX_BYTES, LineError, ReadError
from . import services, storage, tasks
from .base import Preview
from .forms import ConfirmForm, UploadForm

bp = Blueprint("interchange", __name__)

IMPORT_ROLES = {
    "goals": (Role.ADMIN, Role.EDITOR),
    "packages": (Role.ADMIN, Role.EDITOR, Role.NETWORK),
    "plans": (Role.ADMIN, Role.COORDINATOR),
}
# Multipart framing around the file: a little more than the file itself may arrive.
FORM_OVERHEAD = 64 * 1024


@bp.route("/uitwisseling")
@public
def overview():
    """What this user can export and import."""
    role = current_user.role if current_user.is_authenticated else None
    can_import = {kind: role in roles for kind, roles in IMPORT_ROLES.items()}
    network_code = None
    if role == Role.NETWORK and current_user.network_id:
        network_code = organisations.get_network(db.session, current_user.network_id).code
    return render_template("interchange/overview.html", can_import=can_import, network_code=network_code,
                           slugs=services.SLUGS,
                           school_id=current_user.school_id if role == Role.COORDINATOR else None)


def _import_page(kind: str):
    """Upload → report or preview; confirm (token only) → apply all or nothing."""
    form, confirm = UploadForm(), ConfirmForm()
    preview, pending, notice = None, None, None
    if request.method == "POST" and "token" in request.form:
        if confirm.validate_on_submit():
            response = _confirm(kind, confirm.token.data)
            if not isinstance(response, tuple):
                return response
            preview, pending, notice = response
    elif request.method == "POST":
        if request.content_length is not None and request.content_length > MAX_BYTES + FORM_OVERHEAD:
            # Refused on its declared size, before the file is read.
            preview = Preview(kind, errors=[_too_large()])
        elif form.validate_on_submit():
            upload = form.file.data
            if not upload or not getattr(upload, "filename", ""):
                form.file.errors = [_l("Choose a file.")]
            else:
                preview, pending = _preview_upload(kind, upload)
    return render_template("interchange/import.html", kind=kind, slug=services.SLUGS[kind], form=form,
                           confirm=confirm, preview=preview, pending=pending, notice=notice,
                           columns=services.columns(kind).columns, max_mb=MAX_BYTES // (1024 * 1024))


def _too_large() -> LineError:
    return LineError(1, str(_l("The file is larger than %(n)s MB. Split it into smaller files.",
                               n=MAX_BYTES // (1024 * 1024))))


def _preview_upload(kind: str, upload):
    try:
        pending = storage.store(upload.stream, upload.filename, kind, current_user.id)
    except ReadError as error:
        return Preview(kind, errors=error.errors), None
    _, raw = storage.load(pending.token, kind, current_user.id)
    preview = services.preview_import(db.session, kind, raw, pending.filename, current_user)
    db.session.rollback()  # the checks only read; end their transaction
    if preview.ok and preview.has_changes:
        storage.set_digest(pending, preview.digest(), len(preview.rows))
        return preview, pending
    storage.discard(pending.token)
    return preview, None


def _confirm(kind: str, token: str):
    try:
        pending, raw = storage.load(token, kind, current_user.id)
    except NotFound as error:
        return Preview(kind, errors=[LineError(1, str(error.message))]), None, None
    outcome = None
    if services.needs_approval(kind):
        # Four-eyes publishing: an import that changes published goals waits, whole, for a second editor.
        outcome = services.propose_import(db.session, kind, raw, pending.filename, current_user, pending.digest)
    if outcome is None and pending.rows > int(current_app.config["IMPORTS_BACKGROUND_ROWS"]):
        # Many rows hold the database's write lock for long (SQLite): the task queue applies them.
        job = tasks.submit_import(db.session, pending, raw, current_user.id)
        db.session.commit()
        storage.discard(token)
        return redirect(url_for("jobs.job", job_id=job.id), code=303)
    if outcome is None:
        try:
            outcome = services.apply_import(db.session, kind, raw, pending.filename, current_user, pending.digest)
        except services.ApplyError as error:
            db.session.rollback()
            storage.discard(token)
            return Preview(kind, errors=[LineError(error.line, error.message)]), None, None
        except Exception:
            db.session.rollback()
            raise
    if not outcome.applied:
        db.session.rollback()
        if outcome.changed_since_preview and outcome.preview.ok:
            storage.set_digest(pending, outcome.preview.digest(), len(outcome.preview.rows))
            return outcome.preview, pending, _l("The data changed after your preview: check the new preview and "
                                                 "confirm again.")
        storage.discard(token)
        return outcome.preview, None, None
    db.session.commit()
    storage.discard(token)
    result = outcome.preview
    if outcome.change_id is not None:
        flash(_l("The import changes published goals: it waits for a second editor's approval (%(a)s added, %(c)s "
                 "changed, %(s)s left alone).", a=result.count("add"), c=result.count("change"),
                 s=result.count("same")), "success")
        return redirect(url_for("objectives.editor", _anchor=f"change-{outcome.change_id}"), code=303)
    flash(_l("Import done: %(a)s added, %(c)s changed, %(s)s left alone.", a=result.count("add"),
             c=result.count("change"), s=result.count("same")), "success")
    return redirect(url_for(".overview"))


@bp.route("/uitwisseling/leerdoelen/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.EDITOR)
def import_goals():
    return _import_page("goals")


@bp.route("/uitwisseling/lespakketten/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.EDITOR, Role.NETWORK)
def import_packages():
    return _import_page("packages")


@bp.route("/uitwisseling/jaarplanningen/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
def import_plans():
    return _import_page("plans")


def _send(kind: str, **params) -> Response:
    fmt, delimiter = services.parse_format(request.args.get("format"), request.args.get("delimiter"))
    exported = services.export(db.session, kind, current_user, fmt, delimiter, **params)
    return Response(exported.content, mimetype=exported.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{exported.filename}"',
        "Cache-Control": "private, no-store",
    })


@bp.route("/uitwisseling/leerdoelen/export")
@public
def export_goals():
    """Published goals for everyone; editors also get drafts and retired goals."""
    return _send("goals")


@bp.route("/uitwisseling/lespakketten/export")
@public
def export_packages():
    """Published packages for everyone; authors also get the drafts they may edit."""
    return _send("packages", network_code=request.args.get("netwerk", "")[:20])


@bp.route("/uitwisseling/jaarplanningen/export")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def export_plans():
    """One school's year plan: a coordinator's own school, any school for an administrator."""
    school_id = None
    school = request.args.get("school", "").strip()
    if school:
        if school.isascii() and school.isdigit():
            school_id = parse_whole(school, 1, parameter="school")
        else:
            found = organisations.school_by_code(db.session, school[:6])
            if found is None:
                raise NotFound(_l("This school does not exist."))
            school_id = found.id
    year_text = request.args.get("jaar", "").strip()
    year = parse_school_year(year_text) if year_text else None
    if school_id is None and current_user.role != Role.COORDINATOR:
        raise ValidationError(_l("Choose a school."))
    return _send("plans", school_id=school_id, year=year)
