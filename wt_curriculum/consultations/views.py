"""Pages of consultation rounds. Thin: the work is in services."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import is_editor, login_required, roles_required
from ..core.services import use_submission
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..forms import NOT_SAVED, apply_domain_error, save_or_show_errors
from ..objectives.models import Goal
from . import services
from .forms import AnswerForm, CloseForm, HideForm, ReplyForm, ResponseForm, RoundForm

bp = Blueprint("consultations", __name__, url_prefix="/consultaties")
EDITORS = (Role.ADMIN, Role.EDITOR)


def _labels() -> dict:
    return {"audience_labels": services.audience_labels(), "position_labels": services.position_labels(),
            "answer_labels": services.answer_labels(), "state_labels": services.state_labels()}


@bp.route("")
@login_required
def rounds():
    return render_template("consultations/list.html", rows=services.list_rounds(db.session, current_user),
                           **_labels())


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_round():
    form = RoundForm()
    if request.method == "GET":
        form.starts_on.data = services.today()
    if form.validate_on_submit():
        data = services.RoundData(form.title.data, form.explanation.data, form.starts_on.data, form.ends_on.data,
                                  form.audiences.data or [], form.scope.data == "draft", form.goal_codes.data)
        round_ = save_or_show_errors(form, lambda: (
            use_submission(db.session, form.submission.data),  # a double submit opens one round (409)
            services.open_round(db.session, data, current_user))[1])
        if round_ is not NOT_SAVED:
            flash(_l("The consultation round has been opened."), "success")
            return redirect(url_for("consultations.round_page", round_id=round_.id), 303)
    return render_template("consultations/round_form.html", form=form)


@bp.route("/<int:round_id>")
@login_required
def round_page(round_id: int):
    round_ = services.get_round(db.session, round_id, current_user)
    page = services.round_page(db.session, round_, current_user)
    return render_template("consultations/round.html", page=page, editor=is_editor(current_user),
                           close_form=CloseForm(), hide_form=HideForm(), reply_form=ReplyForm(), **_labels())


def _goal_in_round(round_id: int, code: str | None) -> Goal | None:
    if not code:
        return None
    goal = next((g for g, _s in services.round_goals(db.session, round_id) if g.code == code), None)
    if goal is None:
        abort(404)
    return goal


@bp.route("/<int:round_id>/reageren", methods=["GET", "POST"])
@login_required
def respond(round_id: int):
    round_ = services.get_round(db.session, round_id, current_user)
    goal = _goal_in_round(round_.id, request.args.get("doel"))
    form = ResponseForm()
    status = 200
    if form.validate_on_submit():
        data = services.ResponseData(goal.id if goal else None, form.position.data, form.comment.data,
                                     form.proposed_title.data if goal else "",
                                     form.proposed_description.data if goal else "")
        try:
            saved = save_or_show_errors(form, lambda: (
                use_submission(db.session, form.submission.data),  # a double submit responds once (409)
                services.respond(db.session, round_, current_user, data))[1])
        except Conflict as error:  # the same response sent twice at once: the first one is kept
            db.session.rollback()
            apply_domain_error(form, error)
            round_ = services.get_round(db.session, round_id, current_user)
            status = 409
        else:
            if saved is not NOT_SAVED:
                flash(_l("Thank you: your response has been saved."), "success")
                return redirect(url_for("consultations.round_page", round_id=round_.id, _anchor=f"r{saved.id}"),
                                303)
    return render_template("consultations/respond.html", round=round_, goal=goal, form=form, response=None,
                           open=services.is_open(round_), **_labels()), status


@bp.route("/<int:round_id>/reacties/<int:response_id>/wijzigen", methods=["GET", "POST"])
@login_required
def edit_response(round_id: int, response_id: int):
    round_ = services.get_round(db.session, round_id, current_user)
    response = services.get_response(db.session, round_, response_id, current_user)
    if response.author_id != current_user.id:
        abort(403)
    goal = db.session.get(Goal, response.goal_id) if response.goal_id else None
    form = ReplyForm(obj=response) if response.parent_id else ResponseForm(obj=response)
    if form.validate_on_submit():
        if response.parent_id is not None:
            data = services.ResponseData(response.goal_id, None, form.comment.data)
        else:
            data = services.ResponseData(response.goal_id, form.position.data, form.comment.data,
                                         form.proposed_title.data, form.proposed_description.data)
        saved = save_or_show_errors(form, lambda: services.update_response(
            db.session, round_, response, current_user, data))
        if saved is not NOT_SAVED:
            flash(_l("Your response has been changed."), "success")
            return redirect(url_for("consultations.round_page", round_id=round_.id, _anchor=f"r{response.id}"), 303)
    return render_template("consultations/respond.html", round=round_, goal=goal, form=form, response=response,
                           open=services.is_open(round_), **_labels())


@bp.route("/<int:round_id>/reacties/<int:response_id>/reactie", methods=["POST"])
@login_required
def reply(round_id: int, response_id: int):
    round_ = services.get_round(db.session, round_id, current_user)
    parent = services.get_response(db.session, round_, response_id, current_user)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            use_submission(db.session, request.form.get("submission"))  # a double submit replies once (409)
            saved = services.reply(db.session, round_, parent, current_user, form.comment.data)
        except ValidationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_l("Your reply has been saved."), "success")
            return redirect(url_for("consultations.round_page", round_id=round_.id, _anchor=f"r{saved.id}"), 303)
    else:
        flash(_l("Write your reply."), "error")
    return redirect(url_for("consultations.round_page", round_id=round_.id, _anchor=f"r{parent.id}"), 303)


@bp.route("/<int:round_id>/reacties/<int:response_id>/verbergen", methods=["POST"])
@roles_required(*EDITORS)
def hide(round_id: int, response_id: int):
    round_ = services.get_round(db.session, round_id, current_user)
    response = services.get_response(db.session, round_, response_id, current_user)
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide_response(db.session, round_, response, current_user, form.reason.data)
        except ValidationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_l("The response is hidden."), "success")
    else:
        flash(_l("Say why the response is hidden."), "error")
    return redirect(url_for("consultations.round_page", round_id=round_.id, _anchor=f"r{response.id}"), 303)


@bp.route("/<int:round_id>/sluiten", methods=["POST"])
@roles_required(*EDITORS)
def close(round_id: int):
    round_ = services.get_round(db.session, round_id, current_user)
    if CloseForm().validate_on_submit():
        try:
            services.close_round(db.session, round_, current_user)
        except ValidationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_l("The round is closed; answer every response."), "success")
    return redirect(url_for("consultations.round_page", round_id=round_.id), 303)


@bp.route("/<int:round_id>/reacties/<int:response_id>/beantwoorden", methods=["GET", "POST"])
@roles_required(*EDITORS)
def answer(round_id: int, response_id: int):
    round_ = services.get_round(db.session, round_id, current_user)
    response = services.get_response(db.session, round_, response_id, current_user)
    if response.parent_id is not None or response.hidden_at is not None:
        abort(404)
    goal = db.session.get(Goal, response.goal_id) if response.goal_id else None
    form = AnswerForm()
    if request.method == "GET":
        form.answer.data, form.reason.data = response.answer, response.answer_reason
        form.title.data = response.proposed_title or (goal.title if goal else "")
        form.description.data = response.proposed_description or (goal.description if goal else "")
    if form.validate_on_submit():
        data = services.AnswerData(form.answer.data, form.reason.data, bool(form.apply_wording.data),
                                   form.title.data, form.description.data)
        saved = save_or_show_errors(form, lambda: services.answer_response(
            db.session, round_, response, current_user, data))
        if saved is not NOT_SAVED:
            flash(_l("Your answer has been saved."), "success")
            return redirect(url_for("consultations.round_page", round_id=round_.id, _anchor=f"r{response.id}"), 303)
    views = services.round_page(db.session, round_, current_user)
    view = next((v for item in views.goals for v in item.responses if v.id == response.id), None) or next(
        (v for v in views.general if v.id == response.id), None)
    return render_template("consultations/answer.html", round=round_, goal=goal, form=form, response=view,
                           closed=services.is_closed(round_), **_labels())
