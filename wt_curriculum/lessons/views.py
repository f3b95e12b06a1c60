"""Lesson package pages: search, package page, authoring, history, attachments."""
from types import SimpleNamespace

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..auth.models import Role
from ..auth.permissions import public, roles_required
from ..core import fragments
from ..core.hooks import sections
from ..core.page_cache import cached_for_anonymous
from ..core.services import use_submission
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..forms import apply_domain_error
from ..groepen import ALL_GROEPEN
from ..numbers import MAX_PAGE, query_whole, whole_or_none
from ..organisations import services as organisations
from ..schoolyears import current_school_year, format_school_year, school_year_choices
from . import adoption, retired_aims, services  # noqa: F401  (retired_aims registers its goal_changed hooks)
from . import attachments as files
from .forms import AttachmentForm, PackageForm, StatusForm
from .models import PackageStatus, Relation
from .search import DURATIONS, SORTS, filter_options, parse_filters, parse_sort, search_packages

bp = Blueprint("lessons", __name__)
AUTHORS = (Role.ADMIN, Role.EDITOR, Role.NETWORK)
PLANNERS = (Role.COORDINATOR, Role.TEACHER)


@bp.route("/lespakketten")
@public
@cached_for_anonymous(plans=True)
def search():
    def render() -> str:
        query = request.args.get("q", "")[:200]
        filters = parse_filters(request.args)
        result = search_packages(db.session, query, filters, query_whole("page", 1, high=MAX_PAGE),
                                 current_app.config["ITEMS_PER_PAGE"], sort=parse_sort(request.args))
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return render_template("lessons/search.html", query=query, filters=filters, result=result, args=args,
                               options=filter_options(db.session), groepen=ALL_GROEPEN, durations=DURATIONS,
                               sorts=SORTS, sort=parse_sort(request.args), format_decimal=format_decimal,
                               sections=sections(services.search_sections, db.session, query, filters))

    # The results are the same for everyone; only authors see two more links: cached per query and that.
    # (Search sections, e.g. outside materials, must not depend on the viewer either.)
    author = current_user.is_authenticated and current_user.role in AUTHORS
    # plans=True: the hits show use counts, which follow the plans.
    blocks = fragments.cached_blocks("search", (sorted(request.args.items(multi=True)), author), render,
                                     plans=True)
    return render_template("core/cached_page.html", blocks=blocks)


@bp.route("/lespakketten/<int:package_id>")
@public
@cached_for_anonymous(plans=True)
def package(package_id: int):
    def render() -> fragments.Fragment:
        detail = services.package_detail(db.session, package_id, current_user)
        html = render_template("lessons/_package_body.html", package=detail,
                               relation_labels=services.RELATION_LABELS)
        return fragments.Fragment(html, {"id": detail.id, "title": detail.title, "status": detail.status,
                                         "network_id": detail.network_id, "groepen": detail.groepen,
                                         "licence": detail.licence, "external": detail.external,
                                         "adopted_from": adoption.adopted_from(db.session, detail.id),
                                         "copies": adoption.copies_of(db.session, detail.id)})

    # The body is the same for everyone who may see the package: cached and shared by anonymous and
    # logged-in visitors, with where it was adopted from and its copies; the edit buttons, the plan form and
    # the copies this viewer may see are put in per request. (The name changes with what the fragment holds,
    # so that a shared cache never hands an older shape to newer code.)
    fragment = fragments.cached("package.2", (package_id,), render)
    package = {key: fragment.data[key] for key in ("id", "title", "status", "network_id", "groepen", "licence",
                                                   "external")}
    package["can_edit"] = (services.can_edit_network_packages(current_user, package["network_id"])
                           and not package["external"])
    if package["status"] != PackageStatus.PUBLISHED and not package["can_edit"]:
        raise NotFound(_l("This lesson package does not exist."))  # a draft cached for someone who may see it
    can_plan = (current_user.is_authenticated and current_user.role in PLANNERS
                and package["status"] == PackageStatus.PUBLISHED)
    package_view = SimpleNamespace(**package)  # what the per-viewer parts read: id, status, network, licence
    adopt_networks = _adopt_networks(package_view)
    # The sections of higher areas that are the same for everyone (use in schools, rating): cached as well, until
    # content or year plans change; the viewer's sections go after them or into their slots.
    shared = fragments.cached("package-sections", (package_id,), lambda: fragments.Fragment(render_template(
        "lessons/_package_sections.html", format_decimal=format_decimal,
        sections=sections(services.package_page_shared_sections, db.session, package_view))), plans=True)
    viewer_sections = sections(services.package_page_sections, db.session, package_view, current_user)
    shared_sections = shared.fill(**{section.slot: render_template(section.template, section=section,
                                                                   format_decimal=format_decimal)
                                     for section in viewer_sections if section.slot})
    return render_template(
        "lessons/package.html", fragment=fragment, package=package, can_plan=can_plan, groepen=ALL_GROEPEN,
        school_years=school_year_choices(), current_year=format_school_year(current_school_year()),
        # The form's CSRF token only where a button needs it: editing or adopting.
        status_form=StatusForm() if package["can_edit"] or adopt_networks is not None else None,
        format_decimal=format_decimal, adopted_from=fragment.data["adopted_from"],
        adopters=adoption.visible_copies(fragment.data["copies"], current_user), adopt_networks=adopt_networks,
        shared_sections=shared_sections, sections=[section for section in viewer_sections if not section.slot],
    )


def _adopt_networks(detail) -> list[tuple[int, str]] | None:
    """The networks the user may adopt a published package into (None: no adopting for this user)."""
    if (not current_user.is_authenticated or current_user.role not in AUTHORS or detail.status != "gepubliceerd"
            or getattr(detail, "external", False)):  # an outside material: adopt it from its own page
        return None
    if current_user.role == Role.NETWORK:
        return [] if current_user.network_id and current_user.network_id != detail.network_id else None
    return [(n.id, n.name) for n in organisations.list_networks(db.session) if n.id != detail.network_id]


@bp.route("/lespakketten/<int:package_id>/overnemen", methods=["POST"])
@roles_required(*AUTHORS)
def adopt(package_id: int):
    """Copy another network's published package into the user's network, attributed to it."""
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_l("Please try again."), "error")
        return redirect(url_for("lessons.package", package_id=package_id))
    try:
        network_id = adoption.adoption_network(current_user, request.form.get("network_id"))
        use_submission(db.session, request.form.get("submission"))  # a double submit makes one copy (409)
        copy = adoption.adopt_package(db.session, package_id, current_user, network_id)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("lessons.package", package_id=package_id))
    db.session.commit()
    flash(_l("The package has been adopted as a draft of your network. Check it, then publish it."), "success")
    return redirect(url_for("lessons.package", package_id=copy.id))


@bp.route("/lespakketten/<int:package_id>/nieuwe-versie", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def newer_version(package_id: int):
    """What changed at the source of an adopted package; POST takes it over."""
    package = services.package_for_edit(db.session, package_id, current_user)
    source = adoption.adopted_from(db.session, package.id)
    if source is None:
        raise NotFound(_l("This package was not adopted from another network."))
    form = StatusForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            adoption.take_over(db.session, package.id, current_user)
        except ValidationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_l("The newer version of the source has been taken over."), "success")
        return redirect(url_for("lessons.package", package_id=package.id))
    return render_template("lessons/newer_version.html", package=package, source=source, form=form)


@bp.route("/lespakketten/beheer")
@roles_required(*AUTHORS)
def manage():
    listing = services.packages_for_author(db.session, current_user, query_whole("page", 1, high=MAX_PAGE),
                                           current_app.config["ITEMS_PER_PAGE"])
    network_id = current_user.network_id if current_user.role == Role.NETWORK else None
    return render_template("lessons/manage.html", listing=listing,
                           retired_aims=services.packages_with_retired_main_aims(db.session, network_id))


# --- The package form with its goal picker ---------------------------------------------------
def _chosen_goals(form_data, package=None) -> list[tuple[int, str]]:
    """The goals chosen so far: from the package on first view, else from the submitted picker fields."""
    if request.method == "GET":
        return [(a.goal_id, a.relation) for a in package.alignments] if package else []
    chosen: dict[int, str] = {}
    removed = {whole_or_none(v, 1) for v in form_data.getlist("remove_goal")}
    for value in form_data.getlist("goal_id"):
        goal_id = whole_or_none(value, 1)
        if goal_id is not None and goal_id not in removed:
            relation = form_data.get(f"relation-{value}", Relation.TOUCHES)
            chosen[goal_id] = relation if relation in set(Relation) else Relation.TOUCHES
    for value in form_data.getlist("add_goal"):
        goal_id = whole_or_none(value, 1)
        if goal_id is not None and goal_id not in chosen:
            has_core = Relation.CORE in chosen.values()
            chosen[goal_id] = Relation.TOUCHES if has_core else Relation.CORE
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
        groepen_reason=form.groepen_reason.data or "",
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
        # Also the service's own checks (the goals, the groepen's reason), so that every problem shows at once.
        data = _package_data(form, chosen, package)
        existing = {a.goal_id for a in package.alignments} if package is not None else frozenset()
        try:
            services.validate_package(db.session, data, current_user, existing, require_reason=True)
        except ValidationError as error:
            unmarked = [(name, message) for name, message in error.problems
                        if not (name and name in form and form[name].errors)]
            if unmarked:
                raise ValidationError(unmarked[0][1], problems=unmarked) from None
        return None
    data = _package_data(form, chosen, package)
    try:
        if package is None:
            use_submission(db.session, form.submission.data)  # a double submit makes one package (409)
            package = services.create_package(db.session, data, current_user, form.note.data or "",
                                              require_reason=True)
        else:
            adoption.check_change_allowed(db.session, package, data.licence)
            services.update_package(db.session, package, data, current_user, form.version.data, form.note.data or "",
                                    require_reason=True)
        mismatches = services.main_aim_mismatches(db.session, data.groepen, data.alignments)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_l("Someone else saved this package at the same moment. Your changes have not been saved: "
                          "open the package again and make your change again.")) from None
    flash(_l("The lesson package has been saved."), "success")
    if mismatches:
        flash(_l("%(problem)s Your reason: %(reason)s", problem=services.mismatch_message(data.groepen, mismatches),
                 reason=data.groepen_reason.strip()), "warning")
    return redirect(url_for("lessons.package", package_id=package.id))


def _form_page(package=None):
    form = _package_form(package)
    chosen = _chosen_goals(request.form, package)
    try:
        response = _save(form, chosen, package) if request.method == "POST" else None
    except ValidationError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        goal_errors = [message for name, message in error.problems if name == "goals"]
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
            use_submission(db.session, form.submission.data)  # a double submit adds the file once (409)
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
