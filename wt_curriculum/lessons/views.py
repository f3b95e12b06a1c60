"""Lesson package pages: search, package page, authoring, history, attachments."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..auth.models import Role
from ..auth.permissions import public, roles_required
from ..core.hooks import sections
from ..core.page_cache import cached_for_anonymous
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..forms import apply_domain_error
from ..groepen import ALL_GROEPEN
from ..organisations import services as organisations
from ..schoolyears import current_school_year, format_school_year, school_year_choices
from . import attachments as files
from . import services
from .forms import AttachmentForm, PackageForm, StatusForm
from .models import Relation
from .search import DURATIONS, filter_options, parse_filters, search_packages

bp = Blueprint("lessons", __name__)
AUTHORS = (Role.ADMIN, Role.EDITOR, Role.NETWORK)
PLANNERS = (Role.COORDINATOR, Role.TEACHER)


@bp.route("/lespakketten")
@public
@cached_for_anonymous
def search():
    query = request.args.get("q", "")[:200]
    filters = parse_filters(request.args)
    result = search_packages(db.session, query, filters, request.args.get("page", 1, type=int),
                             current_app.config["ITEMS_PER_PAGE"])
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("lessons/search.html", query=query, filters=filters, result=result, args=args,
                           options=filter_options(db.session), groepen=ALL_GROEPEN, durations=DURATIONS,
                           sections=sections(services.search_sections, db.session, query, filters))


@bp.route("/lespakketten/<int:package_id>")
@public
@cached_for_anonymous
def package(package_id: int):
    detail = services.package_detail(db.session, package_id, current_user)
    can_plan = (current_user.is_authenticated and current_user.role in PLANNERS
                and detail.status == "gepubliceerd")
    return render_template(
        "lessons/package.html", package=detail, can_plan=can_plan, groepen=ALL_GROEPEN,
        school_years=school_year_choices(),
        current_year=format_school_year(current_school_year()),
        status_form=StatusForm(), relation_labels=services.RELATION_LABELS,
    )


@bp.route("/lespakketten/beheer")
@roles_required(*AUTHORS)
def manage():
    listing = services.packages_for_author(db.session, current_user, request.args.get("page", 1, type=int),
                                           current_app.config["ITEMS_PER_PAGE"])
    return render_template("lessons/manage.html", listing=listing)


# --- The package form with its goal picker ---------------------------------------------------
def _chosen_goals(form_data, package=None) -> list[tuple[int, str]]:
    """The goals chosen so far: from the package on first view, else from the submitted picker fields."""
    if request.method == "GET":
        return [(a.goal_id, a.relation) for a in package.alignments] if package else []
    chosen: dict[int, str] = {}
    removed = {v for v in form_data.getlist("remove_goal") if v.isdigit()}
    for value in form_data.getlist("goal_id"):
        if value.isdigit() and value not in removed:
            relation = form_data.get(f"relation-{value}", Relation.TOUCHES)
            chosen[int(value)] = relation if relation in set(Relation) else Relation.TOUCHES
    for value in form_data.getlist("add_goal"):
        if value.isdigit() and int(value) not in chosen:
            has_core = Relation.CORE in chosen.values()
            chosen[int(value)] = Relation.TOUCHES if has_core else Relation.CORE
    return list(chosen.items())


def _package_form(package=None) -> PackageForm:
    form = PackageForm(obj=package) if request.method == "GET" else PackageForm()
    if current_user.role == Role.NETWORK:
        del form.network_id
    else:
        form.network_id.choices = [(n.id, n.name) for n in organisations.list_networks(db.session)]
    return form


def _package_data(form: PackageForm, chosen, package=None) -> services.PackageData:
    if "network_id" in form:
        network_id = form.network_id.data
    else:
        network_id = package.network_id if package else current_user.network_id
    return services.PackageData(
        title=form.title.data or "", summary=form.summary.data or "", description=form.description.data or "",
        groepen=form.groepen.data or [], lesson_count=form.lesson_count.data,
        minutes_per_lesson=form.minutes_per_lesson.data, materials=form.materials.data or "",
        keywords=form.keywords.data or "", authors=form.authors.data or "", licence=form.licence.data or "",
        links=form.links.data or "", network_id=network_id, alignments=chosen,
    )


def _render_form(form, chosen, package=None, goal_errors=(), status=200):
    chosen_goals = services.goals_by_id(db.session, [goal_id for goal_id, _ in chosen])
    found = services.find_goals(db.session, form.goal_query.data or "", exclude_ids=[g for g, _ in chosen])
    network_name = None
    if "network_id" not in form:
        network_id = package.network_id if package else current_user.network_id
        network_name = next((n.name for n in organisations.list_networks(db.session, include_archived=True)
                             if n.id == network_id), "")
    return render_template(
        "lessons/form.html", form=form, package=package, network_name=network_name,
        chosen=[(chosen_goals[g], relation) for g, relation in chosen if g in chosen_goals],
        found=found, searched=bool((form.goal_query.data or "").strip()), goal_errors=list(goal_errors),
        relation_labels=services.RELATION_LABELS,
    ), status


def _save(form, chosen, package=None):
    """Validate and save; a response to return, or None when the form must be shown again."""
    if request.form.get("action", "save") != "save":
        return None
    if not form.validate():
        return None
    data = _package_data(form, chosen, package)
    try:
        if package is None:
            package = services.create_package(db.session, data, current_user, form.note.data or "")
        else:
            services.update_package(db.session, package, data, current_user, form.version.data, form.note.data or "")
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_l("Someone else saved this package at the same moment. Your changes have not been saved: "
                          "open the package again and make your change again.")) from None
    flash(_l("The lesson package has been saved."), "success")
    return redirect(url_for("lessons.package", package_id=package.id))


def _form_page(package=None):
    form = _package_form(package)
    chosen = _chosen_goals(request.form, package)
    try:
        response = _save(form, chosen, package) if request.method == "POST" else None
    except ValidationError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        goal_errors = [error.message] if error.details.get("field") == "goals" else []
        return _render_form(form, chosen, package, goal_errors)
    except Conflict as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render_form(form, chosen, package, status=409)
    return response or _render_form(form, chosen, package)


@bp.route("/lespakketten/nieuw", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_package():
    if current_user.role == Role.NETWORK and current_user.network_id is None:
        raise NotFound(_l("Your account is not linked to a network."))
    return _form_page()


@bp.route("/lespakketten/<int:package_id>/bewerken", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_package(package_id: int):
    return _form_page(services.package_for_edit(db.session, package_id, current_user))


def _change_status(package_id: int, change, done_message, unchanged_message):
    package = services.package_for_edit(db.session, package_id, current_user)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            changed = change(db.session, package, current_user, form.note.data or "")
        except ValidationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(done_message if changed else unchanged_message, "success" if changed else "warning")
    return redirect(url_for("lessons.package", package_id=package_id))


@bp.route("/lespakketten/<int:package_id>/publiceren", methods=["POST"])
@roles_required(*AUTHORS)
def publish_package(package_id: int):
    return _change_status(package_id, services.publish_package, _l("The lesson package has been published."),
                          _l("The lesson package was already published."))


@bp.route("/lespakketten/<int:package_id>/intrekken", methods=["POST"])
@roles_required(*AUTHORS)
def withdraw_package(package_id: int):
    return _change_status(package_id, services.withdraw_package, _l("The lesson package has been withdrawn."),
                          _l("Only a published lesson package can be withdrawn."))


@bp.route("/lespakketten/<int:package_id>/geschiedenis")
@roles_required(*AUTHORS)
def history(package_id: int):
    package = services.package_for_edit(db.session, package_id, current_user)
    return render_template("lessons/history.html", package=package,
                           entries=services.package_history(db.session, package.id),
                           status_labels={k: str(v) for k, v in services.STATUS_LABELS.items()},
                           licence_labels={k: str(v) for k, v in services.LICENCE_LABELS.items()})


# --- Attachments ------------------------------------------------------------------------------
@bp.route("/lespakketten/<int:package_id>/bijlagen", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def attachments(package_id: int):
    package = services.package_for_edit(db.session, package_id, current_user)
    form = AttachmentForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if upload is None or not getattr(upload, "filename", ""):
                raise ValidationError(_l("Choose a file to upload."), field="file")
            services.add_attachment(db.session, package, upload.filename, files.read_limited(upload.stream),
                                    current_user, current_app.config["UPLOAD_FOLDER"])
        except ValidationError as error:
            db.session.rollback()
            apply_domain_error(form, error)
            status = 400
        else:
            db.session.commit()
            flash(_l("The file has been added."), "success")
            return redirect(url_for("lessons.attachments", package_id=package_id))
    detail = services.package_detail(db.session, package_id, current_user)
    return render_template("lessons/attachments.html", package=detail, form=form, delete_form=StatusForm(),
                           kinds=files.ALLOWED_EXTENSIONS_LABEL), status


@bp.route("/lespakketten/<int:package_id>/bijlagen/<int:attachment_id>/verwijderen", methods=["POST"])
@roles_required(*AUTHORS)
def delete_attachment(package_id: int, attachment_id: int):
    package = services.package_for_edit(db.session, package_id, current_user)
    if StatusForm().validate_on_submit():
        stored_name = services.delete_attachment(db.session, package, attachment_id, current_user)
        db.session.commit()
        files.stored_path(current_app.config["UPLOAD_FOLDER"], stored_name).unlink(missing_ok=True)
        flash(_l("The file has been removed."), "success")
    return redirect(url_for("lessons.attachments", package_id=package_id))


@bp.route("/lespakketten/<int:package_id>/bijlagen/<int:attachment_id>")
@public
def attachment(package_id: int, attachment_id: int):
    found = services.attachment_for_download(db.session, package_id, attachment_id, current_user)
    path = files.stored_path(current_app.config["UPLOAD_FOLDER"], found.stored_name)
    if not path.is_file():
        raise NotFound(_l("This attachment does not exist."))
    response = send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.filename,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
