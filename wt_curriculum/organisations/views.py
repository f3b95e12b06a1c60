"""Networks and schools: the overview and the administrator's pages (create, edit, archive, delete, CSV import)."""
import base64
import binascii

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..core.services import use_submission
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..forms import NOT_SAVED, save_or_show_errors, validate_all
from ..numbers import whole_or_none
from ..schoolyears import current_school_year, format_school_year
from . import imports, services, tasks
from .forms import ImportForm, NetworkForm, SchoolForm

bp = Blueprint("organisations", __name__)


@bp.context_processor
def helpers():
    return {"school_year": format_school_year}


@bp.route("/scholen")
@roles_required(Role.ADMIN, Role.EDITOR)
def schools():
    networks, school_rows = services.school_overview(db.session)
    return render_template("organisations/schools.html", networks=networks, schools=school_rows,
                           year=current_school_year())


# --- Administration: networks and schools -----------------------------------------------------
def _network_data(form) -> services.NetworkData:
    return services.NetworkData(form.code.data or "", form.name.data or "", form.region.data or "")


def _school_form(school=None, **kwargs) -> SchoolForm:
    form = SchoolForm(obj=school, **kwargs)
    form.network_id.choices = [(None, "—")] + [(n.id, n.name) for n in services.list_networks(db.session)]
    return form


def _school_data(form) -> services.SchoolData:
    return services.SchoolData(form.name.data or "", form.brin.data or "", form.vestiging.data or "",
                               form.place.data or "", form.network_id.data, form.province.data or "")


@bp.route("/beheer/netwerken/nieuw", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_network():
    form = NetworkForm()
    if validate_all(form, lambda: services.clean_network_data(_network_data(form))):
        network = save_or_show_errors(form, lambda: (
            use_submission(db.session, form.submission.data),  # a double submit makes one network (409)
            services.create_network(db.session, _network_data(form), current_user))[1])
        if network is not NOT_SAVED:
            flash(_l("Network %(name)s has been created.", name=network.name), "success")
            return redirect(url_for(".schools"))
    return render_template("organisations/network_form.html", form=form, network=None)


@bp.route("/beheer/netwerken/<int:network_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_network(network_id: int):
    network = services.get_network(db.session, network_id)
    form = NetworkForm(obj=network)
    if request.method == "GET":
        form.remember_opened()
    try:
        if form.validate_on_submit() and save_or_show_errors(
                form, lambda: services.update_network(db.session, network, _network_data(form), current_user,
                                                      whole_or_none(form.version.data))
        ) is not NOT_SAVED:
            flash(_l("Network %(name)s has been saved.", name=network.name), "success")
            return redirect(url_for(".schools"))
    except Conflict as error:
        return _conflict(form, error, "organisations/network_form.html",
                         lambda stored: NetworkForm(formdata=None, obj=stored),
                         network=lambda: services.get_network(db.session, network_id))
    return render_template("organisations/network_form.html", form=form, network=network)


def _conflict(form, error, template: str, stored_form, **record):
    """Someone else saved first: the form keeps what was typed, says so, shows field by field what the other
    person changed (what was opened, what is stored now, what was sent), and answers 409. Saving again is then
    a deliberate choice: the form carries the stored version."""
    db.session.rollback()
    [(name, load)] = record.items()
    stored = load()
    form.form_errors.append(error.message)
    changes = form.conflict(stored_form(stored), stored.version)
    return render_template(template, form=form, conflict=changes, **{name: stored}), 409


@bp.route("/beheer/netwerken/<int:network_id>/archiveren", methods=["POST"])
@roles_required(Role.ADMIN)
def archive_network(network_id: int):
    network = services.get_network(db.session, network_id)
    archive = request.form.get("archived", "1") == "1"
    services.set_network_archived(db.session, network, archive, current_user)
    db.session.commit()
    flash(_l("%(name)s has been archived.", name=network.name) if archive
          else _l("%(name)s is active again.", name=network.name), "success")
    return redirect(url_for(".schools"))


@bp.route("/beheer/netwerken/<int:network_id>/verwijderen", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_network(network_id: int):
    network = services.get_network(db.session, network_id)
    name = network.name
    try:
        services.delete_network(db.session, network, current_user)
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".edit_network", network_id=network_id))
    db.session.commit()
    flash(_l("%(name)s has been deleted.", name=name), "success")
    return redirect(url_for(".schools"))


@bp.route("/beheer/scholen/nieuw", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_school():
    form = _school_form()
    if validate_all(form, lambda: services.clean_school_data(_school_data(form))):
        school = save_or_show_errors(form, lambda: (
            use_submission(db.session, form.submission.data),  # a double submit makes one school (409)
            services.create_school(db.session, _school_data(form), current_user))[1])
        if school is not NOT_SAVED:
            flash(_l("School %(name)s has been created.", name=school.name), "success")
            return redirect(url_for(".schools"))
    return render_template("organisations/school_form.html", form=form, school=None)


@bp.route("/beheer/scholen/<int:school_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_school(school_id: int):
    school = services.get_school(db.session, school_id)
    form = _school_form(school)
    if request.method == "GET":
        form.remember_opened()
    try:
        if validate_all(form, lambda: services.clean_school_data(_school_data(form))) and save_or_show_errors(
                form, lambda: services.update_school(db.session, school, _school_data(form), current_user,
                                                     whole_or_none(form.version.data))
        ) is not NOT_SAVED:
            flash(_l("School %(name)s has been saved.", name=school.name), "success")
            return redirect(url_for(".schools"))
    except Conflict as error:
        return _conflict(form, error, "organisations/school_form.html",
                         lambda stored: _school_form(stored, formdata=None),
                         school=lambda: services.get_school(db.session, school_id))
    return render_template("organisations/school_form.html", form=form, school=school)


@bp.route("/beheer/scholen/<int:school_id>/archiveren", methods=["POST"])
@roles_required(Role.ADMIN)
def archive_school(school_id: int):
    school = services.get_school(db.session, school_id)
    archive = request.form.get("archived", "1") == "1"
    services.set_school_archived(db.session, school, archive, current_user)
    db.session.commit()
    flash(_l("%(name)s has been archived.", name=school.name) if archive
          else _l("%(name)s is active again.", name=school.name), "success")
    return redirect(url_for(".schools"))


@bp.route("/beheer/scholen/<int:school_id>/verwijderen", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_school(school_id: int):
    school = services.get_school(db.session, school_id)
    name = school.name
    try:
        services.delete_school(db.session, school, current_user)
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".edit_school", school_id=school_id))
    db.session.commit()
    flash(_l("%(name)s has been deleted.", name=name), "success")
    return redirect(url_for(".schools"))


@bp.route("/beheer/import/<any(netwerken, scholen):kind>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_csv(kind: str):
    """Step 1: upload and preview; step 2 (the preview's button): apply the same file, all or nothing."""
    form = ImportForm()
    preview = None
    if form.validate_on_submit():
        if request.form.get("apply") and form.content.data:
            try:
                raw = base64.b64decode(form.content.data, validate=True)
            except (binascii.Error, ValueError):
                raise ValidationError(_l("The previewed file could not be read back. Upload it again.")) from None
            rows, _errors = imports.read_rows(raw, kind)
            if len(rows) > int(current_app.config["IMPORTS_BACKGROUND_ROWS"]):  # the task queue applies it
                job = tasks.submit_import(db.session, kind, raw, len(rows), current_user.id)
                db.session.commit()
                return redirect(url_for("jobs.job", job_id=job.id), code=303)
            try:
                result = imports.apply_import(db.session, kind, raw, current_user)
            except ValidationError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
                preview = imports.preview_import(db.session, kind, raw)
            else:
                db.session.commit()
                flash(_l("Import done: %(a)s added, %(c)s changed, %(s)s left alone.", a=result.count("add"),
                         c=result.count("change"), s=result.count("same")), "success")
                return redirect(url_for(".schools"))
        elif form.file.data:
            raw = form.file.data.read()
            preview = imports.preview_import(db.session, kind, raw)
            form.content.data = base64.b64encode(raw).decode("ascii")
        else:
            form.file.errors = [_l("Choose a CSV or Excel (.xlsx) file.")]
    return render_template("organisations/import.html", form=form, kind=kind, preview=preview,
                           columns=imports.column_names(kind))
