"""Reference frameworks, nodes no goal serves yet, the crosswalk of one goal (editors change it), and
coverage per kerndoel / doelzin for a school and a network, and the transition from 2006 to 2025."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import can_see_network, can_see_school, is_editor, login_required, roles_required
from ..errors import Forbidden, NotFound, ValidationError
from ..extensions import db
from ..forms import apply_domain_error
from . import (
    models,  # noqa: F401  (registers the tables with the app's metadata)
    services,
)
from .forms import CrosswalkLinkForm, LinkActionForm
from .labels import LABELS

bp = Blueprint("references", __name__)
EDITORS = (Role.ADMIN, Role.EDITOR)


def _crosswalk_for_goal(goal_id: int) -> list[services.CrosswalkEntry]:
    return services.crosswalk_for_goal(db.session, goal_id)


def _register(state) -> None:
    from .cli import reference_cli, schools_cli

    state.app.cli.add_command(reference_cli)
    state.app.cli.add_command(schools_cli)
    # For templates/references/_goal_crosswalk.html, included by other areas' goal pages.
    state.app.jinja_env.globals["crosswalk_for_goal"] = _crosswalk_for_goal
    state.app.jinja_env.globals["reference_labels"] = LABELS


bp.record_once(_register)


@bp.context_processor
def helpers():
    from ..groepen import label as groepen_label
    from ..schools import services as schools

    return {
        # The same helpers as the schools pages, for schools/macros.html (bar_chart, year_picker).
        "format_percent": lambda share: format_percent(share, format="#,##0%"),
        "groepen_label": groepen_label,
        "school_year": schools.format_school_year,
        "year_choices": schools.school_year_choices,
        "coverage_sets": services.COVERAGE_SETS,
    }


@bp.get("/referentiekaders")
@login_required
def frameworks():
    return render_template("references/frameworks.html", frameworks=services.list_frameworks(db.session))


@bp.get("/referentiekaders/<key>")
@login_required
def framework(key):
    tree = services.framework_tree(db.session, key, published_only=not is_editor(current_user))
    return render_template("references/framework.html", tree=tree)


@bp.get("/referentiekaders/<key>/zonder-doelen")
@login_required
def unserved(key):
    tree = services.framework_tree(db.session, key, published_only=False)
    return render_template("references/unserved.html", tree=tree)


@bp.route("/doelen/<code>/kruistabel", methods=["GET", "POST"])
@roles_required(*EDITORS)
def goal_crosswalk(code):
    goal = services.goal_by_code(db.session, code)
    form = CrosswalkLinkForm()
    form.framework.choices = services.framework_choices(db.session)
    if form.validate_on_submit():
        try:
            link = services.add_link(db.session, goal, form.framework.data, form.node.data, form.relation.data,
                                     current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The link was added."), "success")
            return redirect(url_for(".goal_crosswalk", code=goal.code, _anchor=f"link-{link.id}"))
    return render_template("references/goal_crosswalk.html", goal=goal, form=form, action_form=LinkActionForm(),
                           entries=services.crosswalk_for_goal(db.session, goal.id))


@bp.post("/doelen/<code>/kruistabel/verwijderen")
@roles_required(*EDITORS)
def remove_link(code):
    goal = services.goal_by_code(db.session, code)
    form = LinkActionForm()
    try:
        node_code = services.remove_link(db.session, goal, form.link_id.data, current_user)
    except NotFound as error:
        db.session.rollback()
        flash(str(error.message), "warning")
    else:
        db.session.commit()
        flash(_("The link to %(node)s was removed.", node=node_code), "success")
    return redirect(url_for(".goal_crosswalk", code=goal.code))


@bp.post("/doelen/<code>/kruistabel/vervangen")
@roles_required(*EDITORS)
def replace_link(code):
    goal = services.goal_by_code(db.session, code)
    form = LinkActionForm()
    try:
        services.replace_link(db.session, goal, form.link_id.data, current_user)
    except (NotFound, ValidationError) as error:
        db.session.rollback()
        flash(str(error.message), "warning")
    else:
        db.session.commit()
        flash(_("The link now points to the replacing node."), "success")
    return redirect(url_for(".goal_crosswalk", code=goal.code))


# --- Coverage per kerndoel / doelzin -----------------------------------------------------------
def _year() -> int:
    """The school year from ?jaar= (the current one when absent); a bad year is a ValidationError (400)."""
    from ..schools import services as schools

    text = request.args.get("jaar")
    if text is None or text == "":
        return schools.current_school_year()
    return schools.parse_school_year(text)


def _visible_school(school_id: int):
    from ..schools import services as schools

    school = schools.get_school(db.session, school_id)
    if not can_see_school(current_user, school):
        raise Forbidden(_l("You may not see or change the plans of this school."))
    return school


@bp.get("/scholen/<int:school_id>/kerndoelen")
@login_required
def school_kerndoelen(school_id: int):
    school = _visible_school(school_id)
    key, year = services.coverage_set(request.args.get("set")), _year()
    data = services.school_kerndoel_coverage(db.session, school.id, year, key)
    return render_template("references/school_kerndoelen.html", school=school, data=data)


@bp.get("/netwerken/<int:network_id>/kerndoelen")
@login_required
def network_kerndoelen(network_id: int):
    from ..schools import services as schools

    network = schools.get_network(db.session, network_id)
    if not can_see_network(current_user, network):
        raise Forbidden(_l("You may not see the coverage of this network."))
    key, year = services.coverage_set(request.args.get("set")), _year()
    data = services.network_kerndoel_coverage(db.session, network.id, year, key)
    return render_template("references/network_kerndoelen.html", network=network, data=data)


@bp.get("/scholen/<int:school_id>/overgang")
@login_required
def transition(school_id: int):
    school = _visible_school(school_id)
    year = _year()
    data = services.transition_view(db.session, school.id, year)
    # For each doelzin 2025 still missing: the published goals that serve it, so the school knows what to plan.
    serving = {n.id: n.goals for n in services.framework_tree(db.session, services.KD2025, published_only=True).nodes}
    return render_template("references/transition.html", school=school, data=data, serving=serving)
