"""Pages of the goal framework: reading for everyone, authoring for editors. Thin: the work is in services."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user

from ..auth.models import Role, User
from ..auth.permissions import is_editor, public, roles_required
from ..core import fragments
from ..core.hooks import Section, sections, start_page_sections
from ..core.page_cache import cached_for_anonymous
from ..core.services import use_submission
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..forms import NOT_SAVED, apply_domain_error, save_or_show_errors, validate_all
from ..groepen import label as groepen_label
from ..numbers import whole_or_none
from ..redirects import safe_next
from . import services, tasks
from .forms import (
    DecideForm,
    DomainForm,
    FilterForm,
    GoalForm,
    MoveForm,
    NoteForm,
    ReleaseForm,
    RestoreForm,
    RetireForm,
    StrandForm,
    status_labels,
)
from .models import Domain, Goal, GoalStatus, Strand

bp = Blueprint("objectives", __name__)

EDITORS = (Role.ADMIN, Role.EDITOR)
FIELD_LABELS = {
    "code": _l("Code"),
    "strand": _l("Strand"),
    "title": _l("Title"),
    "description": _l("Description"),
    "groepen": _l("Groepen"),
    "keywords": _l("Keywords"),
    "source_code": _l("curriculum.nu code"),
    "status": _l("Status"),
}


def action_labels() -> dict[str, str]:
    """What a revision did, in words (with a context: the words differ from a package's)."""
    return {
        "create": pgettext("goal revision", "created"),
        "update": pgettext("goal revision", "edited"),
        "publish": pgettext("goal revision", "published"),
        "retire": pgettext("goal revision", "retired"),
        "reinstate": pgettext("goal revision", "reinstated"),
        "restore": pgettext("goal revision", "restored"),
        "move": pgettext("goal revision", "moved"),
        "import": pgettext("goal revision", "imported"),
    }


@bp.context_processor
def objectives_helpers():
    return {"groepen_label": groepen_label, "status_labels": status_labels(), "field_labels": FIELD_LABELS,
            "action_labels": action_labels(), "GoalStatus": GoalStatus}


def _editor():
    return current_user._get_current_object()


def _int(value) -> int | None:
    return whole_or_none(value)


# --- Reading ---------------------------------------------------------------------------------------------------


@bp.route("/doelen")
@public
@cached_for_anonymous
def framework():
    form = FilterForm(request.args)
    form.set_choices(services.list_domains(db.session), is_editor(current_user))
    form.validate()
    tree = services.framework_tree(db.session, form.filters(), current_user)
    return render_template("objectives/framework.html", form=form, tree=tree,
                           editor=is_editor(current_user), move_form=MoveForm())


@bp.route("/doelen/<code>")
@public
@cached_for_anonymous
def goal(code: str):
    editor = is_editor(current_user)

    def render() -> fragments.Fragment:
        page = services.goal_page(db.session, code, current_user)
        html = render_template("objectives/_goal_body.html", page=page, goal=page.goal, sections=sections(
            services.goal_page_sections, db.session, page.goal, current_user))
        return fragments.Fragment(html, {"code": page.goal.code, "title": page.goal.title,
                                         "status": page.goal.status})

    # The body is the same for every reader (and for every editor, who also sees drafts): cached and shared
    # by anonymous and logged-in visitors; the edit buttons are put in per request.
    fragment = fragments.cached("goal", (code, editor), render)
    return render_template("objectives/goal.html", fragment=fragment, editor=editor)


# --- Editing goals ---------------------------------------------------------------------------------------------


def _goal_form(**kwargs) -> GoalForm:
    form = GoalForm(**kwargs)
    form.set_choices(services.list_domains(db.session), services.list_strands(db.session))
    return form


@bp.route("/doelen/nieuw", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_goal():
    strand = None
    if request.method == "GET" and request.args.get("leerlijn"):
        try:
            strand = services.strand_by_code(db.session, request.args["leerlijn"])
        except NotFound:
            strand = None
    form = _goal_form(domain_id=strand.domain_id if strand else None, strand_id=strand.id if strand else None)
    if validate_all(form, lambda: services.check_goal(db.session, form.data_for_service(), None)):
        def create():
            use_submission(db.session, form.submission.data)  # a double submit makes one goal (409)
            return services.create_goal(db.session, form.data_for_service(), _editor(), form.note.data)

        goal = save_or_show_errors(form, create)
        if goal is not NOT_SAVED:
            flash(_l("Goal %(code)s has been saved as a draft.", code=goal.code), "success")
            return redirect(url_for("objectives.goal", code=goal.code))
    return render_template("objectives/goal_form.html", form=form, goal=None, conflict=None)


@bp.route("/doelen/<code>/bewerken", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_goal(code: str):
    goal = services.goal_by_code(db.session, code)
    goal_id = goal.id
    strand = db.session.get(Strand, goal.strand_id)
    form = _goal_form(obj=goal, domain_id=strand.domain_id)
    if validate_all(form, lambda: services.check_goal(db.session, form.data_for_service(), goal)):
        opened = _int(form.version.data)
        try:
            if services.four_eyes(goal):
                services.propose_goal_update(db.session, goal, form.data_for_service(), _editor(), form.note.data,
                                             opened)
            else:
                services.update_goal(db.session, goal, form.data_for_service(), _editor(), form.note.data, opened)
        except Conflict as error:
            db.session.rollback()
            goal = db.session.get(Goal, goal_id)
            changes = services.changes_since(db.session, goal, opened)
            form.form_errors.append(error.message)
            # Saving again now is a deliberate choice made after seeing the other changes.
            form.version.data = goal.version
            return render_template("objectives/goal_form.html", form=form, goal=goal, conflict=changes), 409
        except ValidationError as error:
            db.session.rollback()
            goal = db.session.get(Goal, goal_id)
            apply_domain_error(form, error)
        else:
            db.session.commit()
            if services.four_eyes(goal):
                flash(_l("Your change to goal %(code)s waits for a second editor's approval.", code=goal.code),
                      "success")
            else:
                flash(_l("Goal %(code)s has been saved.", code=goal.code), "success")
            return redirect(url_for("objectives.goal", code=goal.code))
    return render_template("objectives/goal_form.html", form=form, goal=goal, conflict=None)


def _status_change(code: str, form_class, template: str, change, success, allowed: str, extra=None):
    """The shared shape of the publish and retire pages: a note, the version seen, then the change."""
    goal = services.goal_by_code(db.session, code)
    goal_id = goal.id
    if goal.status != allowed:
        seen = request.form.get("version") if request.method == "POST" else None
        if seen and seen != str(goal.version):
            # The goal changed after this page was opened, mostly the same change by someone else a moment
            # earlier: a 409 that says so, not the quiet "cannot be done now" of a stale link.
            raise Conflict(_l("Someone else changed goal %(code)s after you opened this page: it is now "
                              "%(status)s. Nothing was changed.", code=goal.code,
                              status=status_labels()[goal.status]))
        flash(_l("Goal %(code)s is %(status)s; that cannot be done now.", code=goal.code,
                 status=status_labels()[goal.status]), "warning")
        return redirect(url_for("objectives.goal", code=goal.code))
    form = form_class(version=goal.version)
    status = 200
    if form.validate_on_submit():
        try:
            change(goal, form)
        except (Conflict, ValidationError) as error:
            db.session.rollback()
            goal = db.session.get(Goal, goal_id)
            apply_domain_error(form, error)
            if isinstance(error, Conflict):
                form.version.data = goal.version
                status = 409
        else:
            db.session.commit()
            flash(success(goal), "success")
            return redirect(url_for("objectives.goal", code=goal.code))
    context = extra(goal) if extra else {}
    return render_template(template, form=form, goal=goal, **context), status


@bp.route("/doelen/<code>/vaststellen", methods=["GET", "POST"])
@roles_required(*EDITORS)
def publish_goal(code: str):
    return _status_change(
        code, NoteForm, "objectives/publish.html",
        lambda goal, form: (services.propose_publish if services.four_eyes_on() else services.publish_goal)(
            db.session, goal, _editor(), form.note.data, _int(form.version.data)),
        lambda goal: (_l("Publishing goal %(code)s waits for a second editor's approval.", code=goal.code)
                      if goal.status == GoalStatus.DRAFT else _l("Goal %(code)s has been published.", code=goal.code)),
        GoalStatus.DRAFT)


@bp.route("/doelen/<code>/laten-vervallen", methods=["GET", "POST"])
@roles_required(*EDITORS)
def retire_goal(code: str):
    return _status_change(
        code, RetireForm, "objectives/retire.html",
        lambda goal, form: (services.propose_retire if services.four_eyes(goal) else services.retire_goal)(
            db.session, goal, _editor(), form.note.data, form.replaced_by.data, _int(form.version.data)),
        lambda goal: (_l("Retiring goal %(code)s waits for a second editor's approval.", code=goal.code)
                      if goal.status == GoalStatus.PUBLISHED
                      else _l("Goal %(code)s has been retired.", code=goal.code)),
        GoalStatus.PUBLISHED,
        extra=lambda goal: {"sections": sections(services.goal_retire_sections, db.session, goal, current_user)})


@bp.route("/doelen/<code>/weer-vaststellen", methods=["GET", "POST"])
@roles_required(*EDITORS)
def reinstate_goal(code: str):
    """Bring a retired goal back into use; the page shows what it affects, as the retire page does."""
    return _status_change(
        code, NoteForm, "objectives/reinstate.html",
        lambda goal, form: services.reinstate_goal(db.session, goal, _editor(), form.note.data,
                                                   _int(form.version.data)),
        lambda goal: _l("Goal %(code)s is in use again (vastgesteld).", code=goal.code),
        GoalStatus.RETIRED,
        extra=lambda goal: {"sections": sections(services.goal_retire_sections, db.session, goal, current_user)})


@bp.route("/doelen/<code>/verplaatsen", methods=["POST"])
@roles_required(*EDITORS)
def move_goal(code: str):
    goal = services.goal_by_code(db.session, code)
    form = MoveForm()
    back = safe_next(request.form.get("next"), url_for("objectives.framework", _anchor=f"goal-{goal.code}"))
    if not form.validate_on_submit():
        flash(_l("Choose up or down."), "error")
        return redirect(back)
    if form.direction.data == "up":
        note = _("Moved up in strand %(strand)s", strand=goal.code.rsplit(".", 1)[0])
    else:
        note = _("Moved down in strand %(strand)s", strand=goal.code.rsplit(".", 1)[0])
    if services.move_needs_approval(db.session, goal, form.direction.data):
        # Four-eyes publishing: the order of published goals changes when a second editor approves.
        services.propose_move(db.session, goal, form.direction.data, _editor(), note)
        db.session.commit()
        flash(_l("Moving goal %(code)s waits for a second editor's approval.", code=goal.code), "success")
    elif services.move_goal(db.session, goal, form.direction.data, _editor(), note,
                            whole_or_none(form.position.data)):
        db.session.commit()
        flash(_l("Goal %(code)s has been moved.", code=goal.code), "success")
    else:
        flash(_l("Goal %(code)s is already at that end of its strand.", code=goal.code), "info")
    return redirect(back)


# --- History ---------------------------------------------------------------------------------------------------


@bp.route("/doelen/<code>/geschiedenis")
@roles_required(*EDITORS)
def history(code: str):
    goal = services.goal_by_code(db.session, code)
    history = services.goal_history(db.session, goal)
    numbers = [r.number for r in history.revisions]
    old, new = _int(request.args.get("oud")), _int(request.args.get("nieuw"))
    problem = None
    if old not in numbers or new not in numbers:
        if request.args.get("oud") or request.args.get("nieuw"):
            problem = _l("Choose two revisions of this goal to compare.")
        new = numbers[0] if numbers else None
        old = numbers[1] if len(numbers) > 1 else new
    changes = services.compare_revisions(history, old, new) if numbers else []
    return render_template("objectives/history.html", goal=goal, history=history, old=old, new=new,
                           changes=changes, problem=problem, restore_form=RestoreForm(version=goal.version))


@bp.route("/doelen/<code>/geschiedenis/<int:number>/herstellen", methods=["POST"])
@roles_required(*EDITORS)
def restore(code: str, number: int):
    goal = services.goal_by_code(db.session, code)
    form = RestoreForm()
    if not form.validate_on_submit():
        flash(_l("The change note is too long."), "error")
        return redirect(url_for("objectives.history", code=code))
    try:
        note = form.note.data or _("Restored revision %(n)s", n=number)
        if services.four_eyes(goal):
            services.propose_restore(db.session, goal, number, _editor(), note, _int(form.version.data))
        else:
            services.restore_goal_revision(db.session, goal, number, _editor(), note, _int(form.version.data))
    except (Conflict, ValidationError, NotFound) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("objectives.history", code=code))
    db.session.commit()
    if services.four_eyes(goal):
        flash(_l("Your change to goal %(code)s waits for a second editor's approval.", code=goal.code), "success")
    elif goal.status == GoalStatus.RETIRED:
        # Say what happened: the texts came back, the status did not.
        flash(_l("The texts of revision %(n)s have been restored as a new revision. The goal is still retired: "
                 "reinstate it to use it again.", n=number), "warning")
    else:
        flash(_l("Revision %(n)s has been restored as a new revision.", n=number), "success")
    return redirect(url_for("objectives.history", code=code))


# --- Domains, strands, releases --------------------------------------------------------------------------------


@start_page_sections.register(order=20)
def _editor_start(session, user):
    """Editors: the goals still in draft and the changes waiting for a second editor's approval."""
    if user.role != Role.EDITOR:
        return None
    drafts, total = services.draft_goals(session)
    pending = services.pending_changes(session)
    return Section("objectives/_start_editor.html", {"drafts": drafts, "total": total, "pending": pending[:5],
                                                     "pending_total": len(pending), "user_id": user.id}, order=20)


@bp.route("/doelen/redactie")
@roles_required(*EDITORS)
def editor():
    pending = services.pending_changes(db.session)
    applying = services.applying_jobs(db.session, [row.change.id for row in pending
                                                   if row.change.kind.startswith("import.")])
    return render_template(
        "objectives/editor.html", domains=services.list_domains(db.session),
        strands=services.list_strands(db.session), releases=services.list_releases(db.session),
        counts=services.framework_counts(db.session), pending=pending, applying=applying,
        decide_form=DecideForm())


@bp.route("/doelen/wijzigingen/<int:change_id>", methods=["POST"])
@roles_required(*EDITORS)
def decide(change_id: int):
    """Four-eyes publishing: a second editor approves or rejects a pending change. Approving a large import is
    done by the task queue: the request checks, submits the job (one per change) and shows it."""
    form = DecideForm()
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            change = services.undecided_change(db.session, change_id, _editor()) if approve else None
            if change is not None and services.approval_in_background(change):
                return _approve_in_background(change)
            services.decide_change(db.session, change_id, _editor(), approve)
        except ValidationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_l("The change has been approved and applied.") if approve else _l("The change has been rejected."),
                  "success")
    return redirect(url_for("objectives.editor"), 303)


def _approve_in_background(change):
    job = tasks.submit_approval(db.session, change, _editor())
    db.session.commit()
    if job.user_id == current_user.id:
        return redirect(url_for("jobs.job", job_id=job.id), 303)
    # Another editor's approval of this change is already queued or running: that job applies it.
    name = db.session.get(User, job.user_id).name if job.user_id is not None else "?"
    flash(_l("%(name)s already approved this import; it is being applied.", name=name), "info")
    return redirect(url_for("objectives.editor", _anchor=f"change-{change.id}"), 303)


def _domain_page(domain: Domain | None):
    form = DomainForm(obj=domain)
    if form.validate_on_submit():
        data = services.DomainData(form.code.data, form.title.data, form.description.data or "")
        saved = save_or_show_errors(form, lambda: _created(form, services.create_domain, data)
                                    if domain is None else services.update_domain(db.session, domain, data, _editor()))
        if saved is not NOT_SAVED:
            flash(_l("Domain %(code)s has been saved.", code=saved.code), "success")
            return redirect(url_for("objectives.editor"))
    return render_template("objectives/domain_form.html", form=form, domain=domain)


@bp.route("/doelen/domeinen/nieuw", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_domain():
    return _domain_page(None)


@bp.route("/doelen/domeinen/<code>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_domain(code: str):
    return _domain_page(services.domain_by_code(db.session, code))


def _created(form, create, data):
    """A new domain or strand: the form's one-time token first, so that a double submit makes one (409)."""
    use_submission(db.session, form.submission.data)
    return create(db.session, data, _editor())


def _strand_page(strand: Strand | None):
    form = StrandForm(obj=strand)
    form.domain_id.choices = [(d.id, f"{d.code} · {d.title}") for d in services.list_domains(db.session)]
    if form.validate_on_submit():
        data = services.StrandData(form.code.data, form.domain_id.data, form.title.data,
                                   form.description.data or "", form.source_code.data or "")
        saved = save_or_show_errors(form, lambda: _created(form, services.create_strand, data)
                                    if strand is None else services.update_strand(db.session, strand, data, _editor()))
        if saved is not NOT_SAVED:
            flash(_l("Strand %(code)s has been saved.", code=saved.code), "success")
            return redirect(url_for("objectives.editor"))
    return render_template("objectives/strand_form.html", form=form, strand=strand)


@bp.route("/doelen/leerlijnen/nieuw", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_strand():
    return _strand_page(None)


@bp.route("/doelen/leerlijnen/<code>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_strand(code: str):
    return _strand_page(services.strand_by_code(db.session, code))


@bp.route("/doelen/versies/nieuw", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_release():
    form = ReleaseForm()
    if form.validate_on_submit():
        publish = services.propose_release if services.four_eyes() else services.publish_release
        try:
            use_submission(db.session, form.submission.data)  # a double submit publishes (or proposes) once: 409
            release = publish(db.session, form.version_label.data, form.published_on.data, form.note.data or "",
                              _editor())
        except ValidationError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            if services.four_eyes():
                flash(_l("Version %(version)s waits for a second editor's approval.",
                         version=form.version_label.data.strip()), "success")
            else:
                flash(_l("Framework version %(version)s has been published.", version=release.version), "success")
            return redirect(url_for("objectives.editor"))
    return render_template("objectives/release_form.html", form=form,
                           counts=services.framework_counts(db.session),
                           releases=services.list_releases(db.session))
