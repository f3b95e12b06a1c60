from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..errors import ValidationError
from ..extensions import db
from ..forms import NOT_SAVED, apply_domain_error, save_or_show_errors
from ..schools import services as schools
from . import services
from .forms import ROLE_LABELS, ChangePasswordForm, LoginForm, UserForm
from .models import Role, User
from .permissions import login_required, public, roles_required

bp = Blueprint("auth", __name__)

NEUTRAL_LOGIN_ERROR = _l("The e-mail address or password is not correct.")


def safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(db.session, form.email.data, form.password.data, request.remote_addr)
        except services.LoginThrottled:
            db.session.rollback()
            form.form_errors.append(_l("Too many failed attempts. Wait a quarter of an hour and try again."))
            return render_template("auth/login.html", form=form), 429
        db.session.commit()
        if user is None:
            form.form_errors.append(NEUTRAL_LOGIN_ERROR)
            return render_template("auth/login.html", form=form), 200
        login_user(user)
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_l("You have been logged out."), "info")
    return redirect(url_for("core.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, current_user, form.current_password.data, form.new_password.data)
        except ValidationError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            login_user(current_user)  # the session token changed: keep this session
            flash(_l("Your password has been changed."), "success")
            return redirect(url_for("core.home"))
    return render_template("auth/password.html", form=form)


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.school_id.choices = [(None, "—")] + [(s.id, f"{s.name} ({s.code})") for s in schools.list_schools(db.session)]
    form.network_id.choices = [(None, "—")] + [(n.id, n.name) for n in schools.list_networks(db.session)]
    return form


def _user_data(form: UserForm) -> services.UserData:
    return services.UserData(
        email=form.email.data, name=form.name.data, role=form.role.data,
        school_id=form.school_id.data, network_id=form.network_id.data, active=form.active.data,
    )


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def users():
    return render_template("auth/users.html", users=services.list_users(db.session), role_labels=ROLE_LABELS)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        user = save_or_show_errors(form, lambda: services.create_user(
            db.session, _user_data(form), form.password.data or "", current_user))
        if user is not NOT_SAVED:
            flash(_l("Account %(email)s has been created.", email=user.email), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit() and save_or_show_errors(
            form, lambda: services.update_user(db.session, user, _user_data(form), current_user)
    ) is not NOT_SAVED:
        flash(_l("Account %(email)s has been saved.", email=user.email), "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@bp.app_context_processor
def role_helpers():
    return {"role_labels": ROLE_LABELS, "Role": Role, "config_languages": current_app.config["LANGUAGES"]}
