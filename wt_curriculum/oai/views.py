"""The OAI-PMH endpoint (public XML; the protocol lives in protocol.py) and the pages of outside materials:
sources (administrators, network coordinators), a material's page (everyone) and confirming its goals."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import public, roles_required
from ..core.services import use_submission
from ..core.urls import public_url
from ..errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from ..extensions import csrf, db
from ..forms import NOT_SAVED, save_or_show_errors
from ..groepen import ALL_GROEPEN
from ..planning.services import parse_groep
from ..schoolyears import current_school_year, format_school_year, parse_school_year, school_year_choices
from . import protocol, services
from .forms import ButtonForm, SourceForm
from .tasks import harvest_one

bp = Blueprint("oai", __name__)
MANAGERS = (Role.ADMIN, Role.NETWORK)
DECIDERS = (Role.ADMIN, Role.EDITOR, Role.NETWORK)


@bp.route("/oai", methods=["GET", "POST"])
@public
def endpoint():
    pairs = list(request.args.items(multi=True))
    if request.method == "POST":
        pairs += list(request.form.items(multi=True))
    body = protocol.respond(db.session, pairs)
    db.session.rollback()
    return Response(body, mimetype="text/xml", headers={"Access-Control-Allow-Origin": "*"})


csrf.exempt(endpoint)  # a read-only protocol for machines, not a form


@bp.route("/beheer/oai-bronnen", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def sources():
    form = SourceForm()
    if form.validate_on_submit():
        data = services.SourceData(form.name.data, form.url.data, form.set_spec.data or "")
        source = save_or_show_errors(form, lambda: (
            use_submission(db.session, form.submission.data),  # a double submit adds one source (409)
            services.add_source(db.session, data, current_user))[1])
        if source is not NOT_SAVED:
            flash(_l("The source has been added. It is harvested within a few hours, or now with the button."),
                  "success")
            return redirect(url_for("oai.source", source_id=source.id), 303)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("oai/sources.html", form=form, sources=services.sources_for(db.session, current_user),
                           endpoint_url=public_url("oai.endpoint")), status


@bp.route("/beheer/oai-bronnen/<int:source_id>")
@roles_required(*MANAGERS)
def source(source_id: int):
    found = services.source_for(db.session, source_id, current_user)
    return render_template("oai/source.html", source=services.source_row(db.session, found), form=ButtonForm(),
                           materials=services.materials_of_source(db.session, found.id))


@bp.route("/beheer/oai-bronnen/<int:source_id>/oogsten", methods=["POST"])
@roles_required(*MANAGERS)
def harvest_now(source_id: int):
    found = services.source_for(db.session, source_id, current_user)
    if ButtonForm().validate_on_submit():
        db.session.rollback()
        harvest_one(found.id)
        flash(_l("The harvest has been started; this page shows how it went."), "success")
    return redirect(url_for("oai.source", source_id=source_id), 303)


@bp.route("/beheer/oai-bronnen/<int:source_id>/verwijderen", methods=["POST"])
@roles_required(*MANAGERS)
def delete_source(source_id: int):
    found = services.source_for(db.session, source_id, current_user)
    if ButtonForm().validate_on_submit():
        name = services.delete_source(db.session, found, current_user)
        db.session.commit()
        flash(_l("%(name)s and its materials have been removed.", name=name), "success")
        return redirect(url_for("oai.sources"), 303)
    return redirect(url_for("oai.source", source_id=source_id), 303)


@bp.route("/materialen/<int:material_id>")
@public
def material(material_id: int):
    view = services.material_view(db.session, material_id, current_user)
    return render_template("oai/material.html", material=view, form=ButtonForm(), groepen=ALL_GROEPEN,
                           school_years=school_year_choices(), current_year=format_school_year(current_school_year()))


@bp.route("/materialen/<int:material_id>/plannen", methods=["POST"])
@roles_required(*services.PLANNERS)
def plan(material_id: int):
    """Plan an outside material in a groep of the user's own school, like a package (services.plan_material)."""
    back = url_for("oai.material", material_id=material_id)
    try:
        school = services.school_to_plan(db.session, current_user)
        year = parse_school_year(request.form.get("school_year", ""))
        groep = parse_groep(request.form.get("groep"))
        use_submission(db.session, request.form.get("submission"))  # a double submit plans once (409)
        result = services.plan_material(db.session, material_id, school, year, groep,
                                        request.form.get("period", ""), current_user)
    except (Forbidden, Conflict, NotFound):
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back, 303)
    db.session.commit()
    flash(_l("%(title)s has been added to the plan of groep %(groep)s (%(year)s).", title=result.package_title,
             groep=groep, year=format_school_year(year)), "success")
    if result.warning:
        flash(result.warning, "warning")
    return redirect(url_for("planning.plan", school_id=school.id, jaar=format_school_year(year)), 303)


@bp.route("/materialen/<int:material_id>/leerdoelen/<int:goal_id>", methods=["POST"])
@roles_required(*DECIDERS)
def decide(material_id: int, goal_id: int):
    if ButtonForm().validate_on_submit():
        confirm = request.form.get("besluit") == "bevestigen"
        code = services.decide(db.session, material_id, goal_id, confirm, current_user)
        db.session.commit()
        flash(_l("%(code)s is confirmed for this material.", code=code) if confirm
              else _l("%(code)s is no longer suggested for this material.", code=code), "success")
    return redirect(url_for("oai.material", material_id=material_id), 303)


@bp.route("/materialen/<int:material_id>/opnemen", methods=["POST"])
@roles_required(*DECIDERS)
def adopt(material_id: int):
    if ButtonForm().validate_on_submit():
        try:
            package = services.adopt_material(db.session, material_id, current_user)
        except (ValidationError, Conflict) as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_l("A draft lesson package has been made from this material. Complete it and publish it; then "
                     "schools can plan it."), "success")
            return redirect(url_for("lessons.edit_package", package_id=package.id), 303)
    return redirect(url_for("oai.material", material_id=material_id), 303)
