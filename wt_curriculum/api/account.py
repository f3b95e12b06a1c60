"""/account/api-sleutels: a logged-in user makes, lists and revokes personal API tokens (HTML pages).

These pages live outside /api/v1, on a blueprint of their own that the api
blueprint registers along with itself.
"""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.permissions import login_required
from ..core.services import use_submission
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_domain_error
from . import tokens
from .forms import NewTokenForm, RevokeTokenForm

bp = Blueprint("api_tokens", __name__)


def _page(form: NewTokenForm, secret: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, revoke_form=RevokeTokenForm(), secret=secret,
                           tokens=tokens.tokens_of(db.session, current_user)), status


@bp.route("/account/api-sleutels")
@login_required
def token_list():
    return _page(NewTokenForm())


@bp.route("/account/api-sleutels", methods=["POST"])
@login_required
def create():
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        use_submission(db.session, form.submission.data)  # a double submit makes one token (409)
        new = tokens.create_token(db.session, current_user, form.name.data, form.days.data)
    except ValidationError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return _page(form, status=400)
    db.session.commit()
    # The secret is in this one answer and nowhere else: no redirect, no flash, never cached.
    page, status = _page(NewTokenForm(formdata=None), secret=new.secret)
    return page, status, {"Cache-Control": "no-store"}


@bp.route("/account/api-sleutels/<int:token_id>/intrekken", methods=["POST"])
@login_required
def revoke(token_id: int):
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        return _page(NewTokenForm(formdata=None), status=400)
    token = tokens.revoke_token(db.session, current_user, token_id)
    db.session.commit()
    flash(_l("Token “%(name)s” has been revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("api_tokens.token_list"))
