"""Reference frameworks, nodes no goal serves yet, and the crosswalk of one goal (editors change it)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import is_editor, login_required, roles_required
from ..core.hooks import Section
from ..core.services import use_submission
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..forms import apply_domain_error
from ..objectives.services import goal_page_sections, list_domains
from ..textfiles import upload_name
from . import (
    models,  # noqa: F401  (registers the tables with the app's metadata)
    services,
    tasks,
)
from .adopt import adopt, plan_adoption
from .forms import AdoptForm, CrosswalkLinkForm, LinkActionForm, SloUploadForm
from .importer import MAX_BYTES
from .labels import LABELS

bp = Blueprint("references", __name__)
EDITORS = (Role.ADMIN, Role.EDITOR)


def _register(state) -> None:
    state.app.jinja_env.globals["reference_labels"] = LABELS


bp.record_once(_register)


@goal_page_sections.register
def _crosswalk_section(session, goal, viewer):
    """The goal page shows which kerndoelen and bouwstenen the goal serves."""
    return Section("references/_goal_crosswalk.html", {"crosswalk": services.crosswalk_for_goal(session, goal.id)},
                   order=200)


@bp.get("/referentiekaders")
@login_required
def frameworks():
    return render_template("references/frameworks.html", frameworks=services.list_frameworks(db.session))


@bp.get("/referentiekaders/zoeken")
@login_required
def search():
    """Nodes by code or by words of their text, in every framework or in one (`kader`)."""
    key = request.args.get("kader", "").strip()[:30] or None
    framework = services.framework_by_key(db.session, key) if key else None
    found = services.search_nodes(db.session, request.args.get("q", ""), key)
    return render_template("references/search.html", found=found, framework=framework,
                           frameworks=services.list_frameworks(db.session))


@bp.route("/referentiekaders/import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def slo_import():
    """Upload a file of SLO's open data; the task queue checks and applies it (all or nothing) as a job."""
    form = SloUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.stream.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            form.file.errors = [_("The file is larger than %(n)s MB.", n=MAX_BYTES // (1024 * 1024))]
        else:
            name = upload_name(upload.filename, "upload.json")
            job = tasks.submit_upload(db.session, raw, name, current_user.id)
            db.session.commit()
            return redirect(url_for("jobs.job", job_id=job.id), 303)
    return render_template("references/slo_import.html", form=form, max_mb=MAX_BYTES // (1024 * 1024))


@bp.get("/referentiekaders/<key>")
@login_required
def framework(key):
    tree = services.framework_tree(db.session, key, published_only=not is_editor(current_user))
    return render_template("references/framework.html", tree=tree)


@bp.get("/referentiekaders/knoop/<identifier>")
@login_required
def node(identifier):
    """A reference node by its identifier (current or one its publisher deprecated): its place in the tree.
    Our CASE export points here for nodes whose publisher gives them no address of their own."""
    key, code = services.node_location(db.session, identifier)
    return redirect(url_for(".framework", key=key, _anchor=f"node-{code}"))


@bp.route("/referentiekaders/<key>/overnemen", methods=["GET", "POST"])
@roles_required(*EDITORS)
def adopt_nodes(key):
    """Turn a node of the framework and what is below it into strands and draft goals of one of our domains:
    the first submit shows what would be made, the second (with the same choices) makes it."""
    tree = services.framework_tree(db.session, key)
    form = AdoptForm()
    form.domain.choices = [(d.id, f"{d.code} · {d.title}") for d in list_domains(db.session)]
    if request.method == "GET":
        form.node.data = request.args.get("knoop", "")[:60]
    plan, notice = None, None
    if form.validate_on_submit():
        try:
            plan = plan_adoption(db.session, key, form.node.data, form.domain.data)
        except ValidationError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            if request.form.get("action") == "confirm" and form.digest.data == plan.digest():
                try:
                    use_submission(db.session, form.submission.data)
                    goals = adopt(db.session, plan, form.groepen.data, current_user)
                except ValidationError as error:
                    db.session.rollback()
                    apply_domain_error(form, error)
                else:
                    db.session.commit()
                    flash(ngettext("%(num)s draft goal was made from %(node)s.",
                                   "%(num)s draft goals were made from %(node)s.", len(goals),
                                   node=plan.node_code), "success")
                    return redirect(url_for("objectives.framework", _anchor=f"strand-{plan.strands[0].code}"), 303)
            elif request.form.get("action") == "confirm":
                notice = _("The framework or our goals changed after your preview: check the new preview and "
                           "confirm again.")
            form.digest.data = plan.digest()
    return render_template("references/adopt.html", tree=tree, form=form, plan=plan, notice=notice)


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
            use_submission(db.session, form.submission.data)  # a double submit adds one link (409)
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
