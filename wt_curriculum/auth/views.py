import math
import time
from datetime import UTC, datetime

from authlib.integrations.base_client import OAuthError
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from joserfc.errors import JoseError as JoseRfcError
from requests import RequestException

from ..core.mail import mail_configured
from ..core.urls import public_url
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..forms import apply_domain_error
from ..redirects import safe_next
from . import oidc, resets, services, sessions, throttle, two_factor
from .forms import (
    ROLE_LABELS,
    ChangePasswordForm,
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    LogoutEverywhereForm,
    ResetPasswordForm,
)
from .models import Role, User
from .permissions import login_required, public

bp = Blueprint("auth", __name__)

NEUTRAL_LOGIN_ERROR = _l("The e-mail address or password is not correct.")


def _wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("Too many attempts. Try again in %(num)s minute.",
                    "Too many attempts. Try again in %(num)s minutes.", minutes)


def _throttled(body: str, seconds: int):
    response = make_response(body, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/inloggen", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(db.session, form.email.data, form.password.data, request.remote_addr)
        except services.LoginThrottled as throttled:
            db.session.rollback()
            form.form_errors.append(_wait_message(throttled.seconds))
            return _throttled(render_template("auth/login.html", form=form), throttled.seconds)
        if user is None:
            db.session.commit()
            form.form_errors.append(NEUTRAL_LOGIN_ERROR)
            return render_template("auth/login.html", form=form), 200
        if user.totp_secret:  # the second step first: no session yet
            db.session.commit()
            session[PENDING] = {"user_id": user.id, "at": time.time(), "next": safe_next(request.args.get("next"))}
            return redirect(url_for("auth.login_code"))
        sessions.start_session(db.session, user, request.user_agent.string)
        db.session.commit()
        login_user(user)
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


PENDING = "wt_2fa_pending"
PENDING_SECONDS = 300
OIDC_NEXT = "wt_oidc_next"
FEDERATION_ERRORS = (OAuthError, JoseRfcError, RequestException, KeyError, ValueError)


@bp.route("/inloggen/federatie")
@public
def oidc_start():
    """Start signing in through the federation (Entree / SURFconext): off to the provider."""
    if not oidc.enabled():
        abort(404)
    session[OIDC_NEXT] = safe_next(request.args.get("next"))
    try:
        return oidc.client().authorize_redirect(public_url("auth.oidc_callback"))
    except FEDERATION_ERRORS:
        current_app.logger.warning("the OIDC provider could not be reached", exc_info=True)
        return render_template("auth/oidc_failed.html"), 503


@bp.route("/inloggen/federatie/terug")
@public
def oidc_callback():
    """Back from the provider: check state, exchange the code (PKCE), check the ID token, find the account."""
    if not oidc.enabled():
        abort(404)
    try:
        token = oidc.client().authorize_access_token()
        claims = dict(token["userinfo"])
    except FEDERATION_ERRORS:
        current_app.logger.warning("federated sign-in refused", exc_info=True)
        return render_template("auth/oidc_failed.html"), 400
    user = oidc.account_for(db.session, claims)
    if user is None:
        db.session.rollback()
        return render_template("auth/oidc_unknown.html"), 403
    user.last_login_at = datetime.now(UTC)
    next_url = session.pop(OIDC_NEXT, None) or url_for("site.home")
    if user.totp_secret:
        db.session.commit()
        session[PENDING] = {"user_id": user.id, "at": time.time(), "next": next_url}
        return redirect(url_for("auth.login_code"))
    sessions.start_session(db.session, user, request.user_agent.string)
    db.session.commit()
    login_user(user)
    return redirect(next_url)


@bp.route("/inloggen/code", methods=["GET", "POST"])
@public
def login_code():
    """The second step of logging in: a code from the authenticator app, or a recovery code."""
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.active or not user.totp_secret:
        session.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        wait = throttle.attempt("login-code", [("LOGIN_LIMITS_PER_ACCOUNT_AND_ADDRESS",
                                                (user.email, request.remote_addr or "unknown"))])
        if wait:
            form.form_errors.append(_wait_message(wait))
            return _throttled(render_template("auth/login_code.html", form=form), wait)
        if two_factor.verify(db.session, user, form.code.data):
            session.pop(PENDING, None)
            sessions.start_session(db.session, user, request.user_agent.string)
            db.session.commit()
            login_user(user)
            return redirect(pending.get("next") or url_for("site.home"))
        db.session.rollback()
        form.code.errors = [_l("This code is not correct.")]
    return render_template("auth/login_code.html", form=form)


@bp.route("/account/tweestapsverificatie", methods=["GET", "POST"])
@login_required
def two_factor_page():
    """Turn two-factor sign-in on (scan, type a code, keep the recovery codes), or see that it is on."""
    if current_user.totp_secret:
        return render_template("auth/two_factor.html", form=CodeForm(), required=two_factor.is_required(current_user),
                               left=two_factor.recovery_codes_left(db.session, current_user))
    secret = session.get(SETUP) or two_factor.new_secret()
    session[SETUP] = secret
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(db.session, current_user, secret, form.code.data)
        except ValidationError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            session.pop(SETUP, None)
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template("auth/two_factor_setup.html", form=form, secret=secret, qr=two_factor.qr_code(uri),
                           required=two_factor.is_required(current_user))


@bp.route("/account/tweestapsverificatie/uit", methods=["POST"])
@login_required
def two_factor_off():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(db.session, current_user, form.code.data)
        except ValidationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_l("Two-step sign-in is off."), "success")
    return redirect(url_for("auth.two_factor_page"), 303)


SETUP = "wt_2fa_setup"


@bp.route("/uitloggen", methods=["POST"])
@login_required
def logout():
    sessions.end_session(db.session, current_user)
    db.session.commit()
    logout_user()
    flash(_l("You have been logged out."), "info")
    return redirect(url_for("site.home"))


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
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
            db.session.commit()  # this session goes on, every other one of the user ended
            flash(_l("Your password has been changed."), "success")
            return redirect(url_for("site.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html", sessions=sessions.sessions_of(db.session, current_user),
                           form=LogoutEverywhereForm())


@bp.route("/account/overal-uitloggen", methods=["POST"])
@login_required
def logout_everywhere():
    form = LogoutEverywhereForm()
    if not form.validate_on_submit():
        return redirect(url_for("auth.account"))
    ended = sessions.end_all_sessions(db.session, current_user.id)
    db.session.commit()
    logout_user()
    flash(ngettext("You have been logged out in %(num)s browser.", "You have been logged out in %(num)s browsers.",
                   ended), "info")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@public
def forgot_password():
    """Ask for a reset link by e-mail; the answer is the same whether or not the address has an account."""
    if not mail_configured():
        return render_template("auth/forgot.html", form=None, sent=False)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        wait = throttle.attempt("reset", [("RESET_LIMITS_PER_ADDRESS", (request.remote_addr or "unknown",))])
        if wait:
            form.form_errors.append(_wait_message(wait))
            return _throttled(render_template("auth/forgot.html", form=form, sent=False), wait)
        resets.request_reset(db.session, form.email.data)
        db.session.commit()
        return render_template("auth/forgot.html", form=None, sent=True)
    return render_template("auth/forgot.html", form=form, sent=False)


@bp.route("/wachtwoord-herstellen/<secret>", methods=["GET", "POST"])
@public
def reset_password(secret: str):
    try:
        reset = resets.valid_reset(db.session, secret)
    except NotFound as error:
        return render_template("auth/reset_invalid.html", message=error.message), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            resets.use_reset(db.session, secret, form.new_password.data)
        except ValidationError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        except NotFound as error:
            db.session.rollback()
            return render_template("auth/reset_invalid.html", message=error.message), 404
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash(_l("Your new password has been set. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, expires_at=reset.expires_at)


@bp.app_context_processor
def role_helpers():
    return {"role_labels": ROLE_LABELS, "Role": Role, "config_languages": current_app.config["LANGUAGES"]}
