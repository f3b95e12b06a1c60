"""Year plans and coverage pages (per goal and per kerndoel / doelzin): parse the request, call a service,
commit once, render."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import (
    can_change_plan_entry,
    can_copy_school_plan,
    can_edit_school_plan,
    can_remove_plan_entry,
    can_see_network,
    can_see_school,
    login_required,
    roles_required,
)
from ..core import fragments
from ..core.hooks import Section, start_page_sections
from ..core.services import use_submission
from ..dates import parse_date
from ..errors import Conflict, DomainError, Forbidden, ValidationError
from ..extensions import db
from ..forms import apply_domain_error
from ..groepen import ALL_GROEPEN
from ..groepen import label as groepen_label
from ..lessons import services as lessons
from ..numbers import parse_whole
from ..objectives.services import goal_retire_sections
from ..organisations import services as organisations
from ..redirects import safe_next
from ..references import services as references
from ..schoolyears import current_school_year, format_school_year, parse_school_year, school_year_choices
from . import coverage, experiences, heatmap, kerndoelen, services, use  # noqa: F401  (use registers the package-use hooks)
from .forms import AddPlanForm, CopyPlanForm, ExperienceForm, ModerateForm, PlanEntryForm

bp = Blueprint("planning", __name__)

SCHOOL_USERS = (Role.COORDINATOR, Role.TEACHER)
PLAN_EDITORS = (Role.ADMIN, Role.COORDINATOR, Role.TEACHER)
ALL = tuple(Role)


@bp.context_processor
def helpers():
    return {
        "format_percent": lambda share: format_percent(share, format="#,##0%"),
        "format_decimal": format_decimal,
        "groepen_label": groepen_label,
        "school_year": format_school_year,
        "ALL_GROEPEN": ALL_GROEPEN,
        "year_choices": school_year_choices,
        "coverage_sets": kerndoelen.COVERAGE_SETS,
        "may_change_entry": lambda row: can_change_plan_entry(current_user, row),
        "may_remove_entry": lambda row: can_remove_plan_entry(current_user, row),
        "may_copy_plan": lambda school: can_copy_school_plan(current_user, school),
        **heatmap.template_globals(),
    }


@start_page_sections.register(order=10)
def _school_start(session, user):
    """Teachers and coordinators: this year's plan, what is next, and (coordinators) coverage and warnings."""
    if user.role not in SCHOOL_USERS or user.school_id is None:
        return None
    school = organisations.get_school(session, user.school_id)
    year = current_school_year()
    plan = services.year_plan(session, school, year)
    context = {"school": school, "plan": plan, "upcoming": [r for r in plan.rows if not r.taught_on][:5],
               "coordinator": user.role == Role.COORDINATOR}
    if user.role == Role.COORDINATOR:
        data = coverage.school_coverage(session, school.id, year)
        context.update(coverage=data, retired=[g for g in data.goals if g.retired],
                       gaps=[g for g in data.goals if not g.retired and not g.covered])
    return Section("planning/_start_school.html", context)


@start_page_sections.register(order=10)
def _network_start(session, user):
    """Network coordinators: the network at a glance, how its packages are used this year and the packages
    that need attention (a retired main aim, still a draft, planned by no school)."""
    if user.role != Role.NETWORK or user.network_id is None:
        return None
    year = current_school_year()
    data = coverage.network_coverage(session, user.network_id, year, most_missed=5)
    packages = use.network_package_use(session, user.network_id, year)
    published = [p for p in packages if p.status == lessons.PackageStatus.PUBLISHED]
    retired_aims = lessons.packages_with_retired_main_aims(session, user.network_id)
    flagged = {p.id for p in retired_aims}
    unused = [p for p in published if not p.use.schools]
    return Section("planning/_start_network.html", {
        "data": data, "used": [p for p in published if p.use.schools][:5], "published": len(published),
        "unused": unused, "unused_unflagged": [p for p in unused if p.id not in flagged],
        "drafts": [p for p in packages if p.status == lessons.PackageStatus.DRAFT and p.id not in flagged],
        "retired_aims": retired_aims})


@start_page_sections.register(order=25)
def _impact_start(session, user):
    """Editors: the impact queue, packages whose main aim was retired, with the schools that still plan them."""
    if user.role != Role.EDITOR:
        return None
    affected = lessons.packages_with_retired_main_aims(session)
    counts = use.package_use(session, [p.id for p in affected], current_school_year())
    return Section("planning/_start_impact.html", {"affected": [(p, counts[p.id]) for p in affected[:8]],
                                                   "total": len(affected)}, order=25)


@goal_retire_sections.register
def _impact_section(session, goal, viewer):
    """The retire page shows which packages and schools retiring the goal affects."""
    return Section("planning/_goal_impact.html", {"impact": coverage.impact_of_goal(session, goal.id)})


def _year(arg: str = "jaar") -> int:
    """The school year from the query string (current year when absent); a bad year is a 400."""
    text = request.args.get(arg)
    if text is None or text == "":
        return current_school_year()
    return parse_school_year(text)


def _school_for(check, school_id: int):
    school = organisations.get_school(db.session, school_id)
    if not check(current_user, school):
        raise Forbidden(_l("You may not see or change the plans of this school."))
    return school


def _own_school_id() -> int:
    if current_user.school_id is None:
        raise ValidationError(_l("Your account is not linked to a school. Ask your administrator."))
    return current_user.school_id


# --- Entry points from the menu ---------------------------------------------------------------
@bp.route("/mijn-plan")
@roles_required(*SCHOOL_USERS)
def my_plan():
    return redirect(url_for(".plan", school_id=_own_school_id()))


@bp.route("/mijn-dekking")
@roles_required(*SCHOOL_USERS)
def my_coverage():
    return redirect(url_for(".coverage_school", school_id=_own_school_id()))


@bp.route("/mijn-netwerk")
@roles_required(Role.NETWORK)
def my_network():
    if current_user.network_id is None:
        raise ValidationError(_l("Your account is not linked to a network. Ask your administrator."))
    return redirect(url_for(".network_coverage", network_id=current_user.network_id))


# --- Year plans --------------------------------------------------------------------------------
@bp.route("/scholen/<int:school_id>/plan")
@roles_required(*ALL)
def plan(school_id: int):
    school = _school_for(can_see_school, school_id)
    year = _year()
    can_edit = can_edit_school_plan(current_user, school)
    return render_template("planning/plan.html", school=school, plan=services.year_plan(db.session, school, year),
                           can_edit=can_edit,
                           removed=services.removed_entries(db.session, school.id) if can_edit else [])


@bp.route("/scholen/<int:school_id>/plan/groep/<int:groep>")
@roles_required(*ALL)
def plan_groep(school_id: int, groep: int):
    school = _school_for(can_see_school, school_id)
    if groep not in ALL_GROEPEN:
        abort(404)
    year = _year()
    form = AddPlanForm(groep=str(groep))
    form.package_id.choices = [(None, "—")] + [
        (p.id, f"{p.title} (groep {groepen_label(p.groepen)})") for p in services.plannable_packages(db.session)]
    return render_template("planning/plan_groep.html", school=school, groep=groep, form=form,
                           plan=services.year_plan(db.session, school, year, groep),
                           gaps=coverage.gap_suggestions(db.session, school.id, year, groep),
                           can_edit=can_edit_school_plan(current_user, school))


@bp.route("/plan/toevoegen", methods=["POST"])
@roles_required(*PLAN_EDITORS)
def add_plan_entry():
    """Add a package to a groep of the user's own school (admins name the school)."""
    back = safe_next(request.form.get("next"))
    try:
        school_id = (parse_whole(request.form["school_id"], 1, field="school_id") if request.form.get("school_id")
                     else _own_school_id())
        school = _school_for(can_edit_school_plan, school_id)
        year = parse_school_year(request.form.get("school_year", ""))
        groep = services.parse_groep(request.form.get("groep"))
        use_submission(db.session, request.form.get("submission"))  # a double submit adds once (409)
        result = services.add_plan_entry(db.session, school, request.form.get("package_id"), year, groep,
                                         request.form.get("period", ""), current_user)
    except (Forbidden, Conflict):
        db.session.rollback()
        raise
    except (DomainError, ValueError) as error:
        db.session.rollback()
        flash(getattr(error, "message", _l("The school is not known.")), "error")
        return redirect(back)
    db.session.commit()
    flash(_l("%(title)s has been added to the plan of groep %(groep)s (%(year)s).", title=result.package_title,
             groep=groep, year=format_school_year(year)), "success")
    if result.warning:
        flash(result.warning, "warning")
    return redirect(back)


def _entry_for_edit(entry_id: int, check=can_change_plan_entry):
    """The entry and its school, when the user may change it (a teacher: own groepen or own entries)."""
    entry = services.get_plan_entry(db.session, entry_id)
    school = _school_for(can_edit_school_plan, entry.school_id)
    if not check(current_user, entry):
        raise Forbidden(_l("Only the school's coordinator may change this entry."))
    return entry, school


def _back_to_groep(entry) -> str:
    return url_for(".plan_groep", school_id=entry.school_id, groep=entry.groep,
                   jaar=format_school_year(entry.school_year))


@bp.route("/plan/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*PLAN_EDITORS)
def edit_plan_entry(entry_id: int):
    entry, school = _entry_for_edit(entry_id)
    form = PlanEntryForm(obj=entry)
    if request.method == "GET":
        form.version.data = entry.version
    if form.validate_on_submit():
        try:
            services.update_plan_entry(db.session, entry, form.version.data, form.period.data or "",
                                       form.taught_on.data, current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_l("The plan entry has been saved."), "success")
            return redirect(_back_to_groep(entry))
    rows = services.year_plan(db.session, school, entry.school_year, entry.groep).rows
    row = next(r for r in rows if r.id == entry.id)
    return render_template("planning/plan_entry.html", school=school, entry=entry, row=row, form=form)


def _quick_change(entry_id: int, change, check=can_change_plan_entry):
    """Taught / not taught / remove from the plan pages; the form's version is checked when it is sent."""
    entry, school = _entry_for_edit(entry_id, check)
    version = request.form.get("version") or entry.version
    back = safe_next(request.form.get("next"), _back_to_groep(entry))
    try:
        message = change(entry, version)
    except (ValidationError, Conflict) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(message, "success")
    return redirect(back)


@bp.route("/plan/<int:entry_id>/gegeven", methods=["POST"])
@roles_required(*PLAN_EDITORS)
def mark_taught(entry_id: int):
    def change(entry, version):
        try:
            taught_on = parse_date(request.form["taught_on"]) if request.form.get("taught_on", "").strip() else None
        except ValueError:
            raise ValidationError(_l("Give the date as dd-mm-yyyy or yyyy-mm-dd.")) from None
        services.set_taught(db.session, entry, version, taught_on or date.today(), current_user)
        return _l("Marked as taught.")

    return _quick_change(entry_id, change)


@bp.route("/plan/<int:entry_id>/niet-gegeven", methods=["POST"])
@roles_required(*PLAN_EDITORS)
def mark_untaught(entry_id: int):
    def change(entry, version):
        services.set_taught(db.session, entry, version, None, current_user)
        return _l("Marked as not taught.")

    return _quick_change(entry_id, change)


@bp.route("/plan/<int:entry_id>/verwijderen", methods=["GET", "POST"])
@roles_required(*PLAN_EDITORS)
def remove_plan_entry(entry_id: int):
    """GET: a page that asks to confirm (no JavaScript needed); POST: remove (it can be put back later)."""
    if request.method == "GET":
        entry, school = _entry_for_edit(entry_id, check=can_remove_plan_entry)
        row = next(r for r in services.year_plan(db.session, school, entry.school_year, entry.groep).rows
                   if r.id == entry.id)
        back = safe_next(request.args.get("next")) if request.args.get("next") else _back_to_groep(entry)
        return render_template("planning/remove_confirm.html", school=school, entry=entry, row=row, back=back)

    def change(entry, version):
        services.remove_plan_entry(db.session, entry, version, current_user)
        return _l("The entry has been removed from the plan.")

    return _quick_change(entry_id, change, check=can_remove_plan_entry)


@bp.route("/scholen/<int:school_id>/plan/terugzetten/<int:number>", methods=["POST"])
@roles_required(*PLAN_EDITORS)
def restore_plan_entry(school_id: int, number: int):
    """Put an entry removed from the school's plan back (the undo of removing)."""
    school = _school_for(can_edit_school_plan, school_id)
    back = safe_next(request.form.get("next")) if request.form.get("next") else url_for(".plan", school_id=school.id)
    try:
        entry = services.restore_plan_entry(db.session, school, number, current_user)
    except (ValidationError, Conflict) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(_l("The entry is back in the plan of groep %(groep)s.", groep=entry.groep), "success")
    return redirect(back)


@bp.route("/scholen/<int:school_id>/plan/kopieren", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
def copy_plan(school_id: int):
    school = _school_for(can_copy_school_plan, school_id)
    current = current_school_year()
    form = CopyPlanForm(from_year=format_school_year(current),
                        to_year=format_school_year(current + 1))
    form.from_year.choices = form.to_year.choices = [
        (format_school_year(y), format_school_year(y)) for y in range(current - 3, current + 3)]
    if form.validate_on_submit():
        try:
            to_year = parse_school_year(form.to_year.data)
            result = services.copy_year_plan(db.session, school, parse_school_year(form.from_year.data),
                                             to_year, current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_nl("%(n)s entry copied into %(year)s (%(m)s were already there).",
                      "%(n)s entries copied into %(year)s (%(m)s were already there).", result.copied, n=result.copied,
                      m=result.already_there, year=format_school_year(to_year)), "success")
            if result.skipped_titles:
                flash(_l("Not copied, because they are no longer published: %(titles)s.",
                         titles=", ".join(result.skipped_titles)), "warning")
            return redirect(url_for(".plan", school_id=school.id, jaar=format_school_year(to_year)))
    return render_template("planning/copy.html", school=school, form=form)


# --- Coverage ----------------------------------------------------------------------------------
@bp.route("/scholen/<int:school_id>/dekking")
@roles_required(*ALL)
def coverage_school(school_id: int):
    school = _school_for(can_see_school, school_id)
    year = _year()
    # The matrix is the same for everyone who may see the school: cached per (school, year, language,
    # content and plan generation), the menu around it rendered per request.
    blocks = fragments.cached_blocks("school-coverage", (school.id, year), lambda: render_template(
        "planning/coverage.html", school=school, data=coverage.school_coverage(db.session, school.id, year)),
        plans=True)
    return render_template("core/cached_page.html", blocks=blocks)


@bp.route("/netwerken/<int:network_id>/dekking")
@roles_required(*ALL)
def network_coverage(network_id: int):
    network = organisations.get_network(db.session, network_id)
    if not can_see_network(current_user, network):
        raise Forbidden(_l("You may not see the coverage of this network."))
    year = _year()
    show_all_missed = request.args.get("gemist") == "alle"
    blocks = fragments.cached_blocks("network-coverage", (network.id, year, show_all_missed), lambda: render_template(
        "planning/network.html", network=network, data=coverage.network_coverage(db.session, network.id, year),
        show_all_missed=show_all_missed,
        retired_aims=lessons.packages_with_retired_main_aims(db.session, network.id)),
        plans=True)
    return render_template("core/cached_page.html", blocks=blocks)


@bp.route("/dekking/landelijk")
@roles_required(Role.ADMIN, Role.EDITOR)
def national():
    """Every network at a glance: schools, how many plan, median coverage."""
    return render_template("planning/national.html", data=coverage.national_summary(db.session, _year()))


@bp.route("/scholen/<int:school_id>/cohort")
@roles_required(*ALL)
def cohort(school_id: int):
    school = _school_for(can_see_school, school_id)
    start = _year("start") if request.args.get("start") else current_school_year() - 7
    data = coverage.cohort_coverage(db.session, school.id, start)
    return render_template("planning/cohort.html", school=school, data=data,
                           start_choices=[format_school_year(y) for y in range(start - 4, start + 5)])


@bp.route("/scholen/<int:school_id>/hiaten")
@roles_required(*ALL)
def gaps(school_id: int):
    school = _school_for(can_see_school, school_id)
    year = _year()
    text = request.args.get("groep", "")
    groep = None if text in ("", "alle") else services.parse_groep(text)
    data = coverage.gap_suggestions(db.session, school.id, year, groep)
    return render_template("planning/gaps.html", school=school, data=data,
                           can_edit=can_edit_school_plan(current_user, school))


@bp.route("/dekking/leerdoel/<int:goal_id>")
@roles_required(Role.ADMIN, Role.EDITOR)
def goal_impact(goal_id: int):
    return render_template("planning/impact.html", data=coverage.impact_of_goal(db.session, goal_id))


# --- Coverage per kerndoel / doelzin ------------------------------------------------------------
@bp.get("/scholen/<int:school_id>/kerndoelen")
@login_required
def school_kerndoelen(school_id: int):
    school = _school_for(can_see_school, school_id)
    key, year = kerndoelen.coverage_set(request.args.get("set")), _year()
    data = kerndoelen.school_kerndoel_coverage(db.session, school.id, year, key)
    return render_template("planning/school_kerndoelen.html", school=school, data=data)


@bp.get("/netwerken/<int:network_id>/kerndoelen")
@login_required
def network_kerndoelen(network_id: int):
    network = organisations.get_network(db.session, network_id)
    if not can_see_network(current_user, network):
        raise Forbidden(_l("You may not see the coverage of this network."))
    key, year = kerndoelen.coverage_set(request.args.get("set")), _year()
    data = kerndoelen.network_kerndoel_coverage(db.session, network.id, year, key)
    return render_template("planning/network_kerndoelen.html", network=network, data=data)


@bp.get("/scholen/<int:school_id>/overgang")
@login_required
def transition(school_id: int):
    school = _school_for(can_see_school, school_id)
    year = _year()
    data = kerndoelen.transition_view(db.session, school.id, year)
    # For each doelzin 2025 still missing: the published goals that serve it, so the school knows what to plan.
    tree = references.framework_tree(db.session, references.KD2025, published_only=True)
    serving = {n.id: n.goals for n in tree.nodes}
    return render_template("planning/transition.html", school=school, data=data, serving=serving)


# --- Experiences with packages -----------------------------------------------------------------
@bp.route("/lespakketten/<int:package_id>/ervaring", methods=["POST"])
@roles_required(*SCHOOL_USERS)
def add_experience(package_id: int):
    """A teacher whose school taught the package shares an experience; the package's network moderates it."""
    back = url_for("lessons.package", package_id=package_id)
    form = ExperienceForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors) or _l("Please try again."), "error")
        return redirect(back)
    try:
        use_submission(db.session, form.submission.data)  # a double submit shares it once (409)
        experiences.add_experience(db.session, current_user, package_id, form.groep.data, form.rating.data,
                                   form.text.data or "")
    except (ValidationError, Forbidden) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(_l("Thank you. Your experience is shown once the package's network has approved it."), "success")
    return redirect(back)


@bp.route("/netwerken/<int:network_id>/ervaringen")
@roles_required(Role.ADMIN, Role.NETWORK)
def experiences_to_moderate(network_id: int):
    network = organisations.get_network(db.session, network_id)
    if not (current_user.role == Role.ADMIN or current_user.network_id == network.id):
        raise Forbidden(_l("Only the network itself moderates the experiences with its packages."))
    return render_template("planning/experiences.html", network=network, form=ModerateForm(),
                           items=experiences.experiences_to_moderate(db.session, network.id))


def _moderate(experience_id: int, approve: bool):
    form = ModerateForm()
    if not form.validate_on_submit():
        abort(400)
    _, network_id = experiences.moderate(db.session, current_user, experience_id, approve)
    db.session.commit()
    flash(_l("The experience has been approved.") if approve else _l("The experience has been rejected."), "success")
    return redirect(url_for(".experiences_to_moderate", network_id=network_id))


@bp.route("/ervaringen/<int:experience_id>/goedkeuren", methods=["POST"])
@roles_required(Role.ADMIN, Role.NETWORK)
def approve_experience(experience_id: int):
    return _moderate(experience_id, True)


@bp.route("/ervaringen/<int:experience_id>/afwijzen", methods=["POST"])
@roles_required(Role.ADMIN, Role.NETWORK)
def reject_experience(experience_id: int):
    return _moderate(experience_id, False)
