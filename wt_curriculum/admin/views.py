"""Accounts and the audit log, for administrators: parse the form, call a service, commit once, render."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..auth import resets
from ..auth import services as accounts
from ..auth.forms import ROLE_LABELS
from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..core import health, jobs
from ..core import services as audit
from ..core import tasks as core_tasks
from ..core.hooks import Section, start_page_sections
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..forms import NOT_SAVED, save_or_show_errors, validate_all
from ..groepen import from_mask, to_mask
from ..numbers import MAX_PAGE, query_whole, whole_or_none
from ..organisations import services as organisations
from . import audit_labels
from .forms import UserForm

bp = Blueprint("admin", __name__)


def _user_form(user: User | None = None, **kwargs) -> UserForm:
    form = UserForm(obj=user, **kwargs)
    if user is not None and (request.method == "GET" or "formdata" in kwargs):
        form.groepen.data = from_mask(user.groepen_mask)
    form.school_id.choices = [(None, "—")] + [
        (s.id, f"{s.name} ({s.code})") for s in organisations.list_schools(db.session)]
    form.network_id.choices = [(None, "—")] + [(n.id, n.name) for n in organisations.list_networks(db.session)]
    return form


def _user_data(form: UserForm) -> accounts.UserData:
    return accounts.UserData(
        email=form.email.data, name=form.name.data, role=form.role.data,
        school_id=form.school_id.data, network_id=form.network_id.data, active=form.active.data,
        groepen_mask=to_mask(form.groepen.data or []),
    )


@bp.route("/beheer/gebruikers")
@roles_required(Role.ADMIN)
def users():
    return render_template("admin/users.html", users=accounts.list_users(db.session), role_labels=ROLE_LABELS)


@bp.route("/beheer/gebruikers/nieuw", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = _user_form()
    if validate_all(form, lambda: accounts.check_new_user(db.session, _user_data(form), form.password.data or "")):
        user = save_or_show_errors(form, lambda: (
            audit.use_submission(db.session, form.submission.data),  # a double submit makes one account (409)
            accounts.create_user(db.session, _user_data(form), form.password.data or "", current_user))[1])
        if user is not NOT_SAVED:
            flash(_l("Account %(email)s has been created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/beheer/gebruikers/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if request.method == "GET":
        form.remember_opened()
    try:
        valid = validate_all(form, lambda: accounts.check_user_change(db.session, user, _user_data(form),
                                                                      current_user))
        if valid and save_or_show_errors(
                form, lambda: accounts.update_user(db.session, user, _user_data(form), current_user,
                                                   whole_or_none(form.version.data))
        ) is not NOT_SAVED:
            flash(_l("Account %(email)s has been saved.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    except Conflict as error:
        # Someone else saved the account first: what they changed, field by field; the form keeps what was sent.
        db.session.rollback()
        user = db.get_or_404(User, user_id)
        form.form_errors.append(error.message)
        changes = form.conflict(_user_form(user, formdata=None), user.version)
        return render_template("admin/user_form.html", form=form, user=user, reset_form=FlaskForm(),
                               conflict=changes), 409
    return render_template("admin/user_form.html", form=form, user=user, reset_form=FlaskForm())


@bp.route("/beheer/gebruikers/<int:user_id>/herstellink", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_link(user_id: int):
    """Make a link for the account to set a new password: mailed when mail is set up, else shown here."""
    user = db.get_or_404(User, user_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    try:
        secret = resets.create_reset(db.session, user, current_user)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    if resets.mail_reset(user, secret, by_admin=True):
        db.session.commit()
        flash(_l("A link to set a new password has been sent to %(email)s.", email=user.email), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    db.session.commit()
    return render_template("admin/reset_link.html", user=user, link=resets.reset_link(secret),
                           hours=current_app.config["PASSWORD_RESET_ADMIN_HOURS"])


@start_page_sections.register(order=30)
def _admin_start(session, user):
    """Administrators: is the installation healthy, what the task queue is doing, the latest imports and
    changes, and the way to accounts, imports, jobs and backups."""
    if user.role != Role.ADMIN:
        return None
    imports = audit.audit_log(session, 1, per_page=5, action_prefix="import.")
    log = audit.audit_log(session, 1, per_page=5)
    return Section("admin/_start_admin.html", {
        "health": health.check(session), "jobs": jobs.job_overview(session),
        "imports": [(row, audit_labels.action_label(row.action), audit_labels.details(row.summary))
                    for row in imports.rows],
        "log": [(row, audit_labels.action_label(row.action), audit_labels.details(row.summary))
                for row in log.rows]})


@bp.route("/beheer/logboek")
@roles_required(Role.ADMIN)
def audit_log():
    """Who changed what: goals, packages, plans, users, imports."""
    page = query_whole("page", 1, high=MAX_PAGE)
    kind = request.args.get("kind", "")[:40]
    log = audit.audit_log(db.session, page, action_prefix=kind)
    shown = [(row, audit_labels.action_label(row.action), audit_labels.details(row.summary)) for row in log.rows]
    return render_template("admin/audit.html", log=log, shown=shown, kind=kind)


@bp.route("/beheer/back-ups", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def backups():
    """The backups on the server; a new one is made by the task queue (the job page shows when it is done)."""
    form = FlaskForm()
    if form.validate_on_submit():
        job = core_tasks.backup.submit(db.session, title=_l("Backup of the database"), user_id=current_user.id)
        db.session.commit()
        return redirect(url_for("jobs.job", job_id=job.id), code=303)
    return render_template("admin/backups.html", form=form, backups=core_tasks.backups_on_server())
