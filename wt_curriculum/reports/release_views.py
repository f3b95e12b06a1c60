"""Release notes between two framework versions (a page and a PDF), and what they change for one school's plan
or one network's packages. The comparing is done by consultations.release_notes; this area lays it out.

Addresses: `/versies` (choose two), `/versies/2026.1...2026.2` (the page), `... .pdf` (the PDF), and
`/versies/2026.1...concept` for the draft (editors only). A version label may hold dots, so the span is one
path segment that the view splits on "...".
"""
from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.permissions import can_see_network, can_see_school, is_editor, login_required, public
from ..consultations import release_notes
from ..errors import Forbidden
from ..extensions import db
from ..organisations import services as organisations
from . import pdfs
from .rendering import render_html, render_pdf
from .views import PDF, _download

bp = Blueprint("release_notes", __name__, url_prefix="/versies")


def _span(span: str) -> tuple[str, str, bool]:
    """'2026.1...2026.2.pdf' → ('2026.1', '2026.2', True)."""
    pdf = span.endswith(".pdf")
    if pdf:
        span = span[:-4]
    old, sep, new = span.partition("...")
    if not sep or not old or not new or len(span) > 100:
        abort(404)
    if release_notes.DRAFT in (old, new) and not is_editor(current_user):
        abort(404)  # the draft is for editors only
    return old, new, pdf


@bp.route("")
@public
def choose():
    choices = release_notes.release_choices(db.session)
    if not is_editor(current_user):
        choices = [c for c in choices if c != release_notes.DRAFT]
    old, new = request.args.get("van", ""), request.args.get("naar", "")
    if old in choices and new in choices and old != new:
        return redirect(url_for("release_notes.notes", span=f"{old}...{new}"), 303)
    return render_html("consultations/release_choose.html", choices=choices,
                       error=bool(old or new), old=old, new=new)


@bp.route("/<string:span>")
@public
def notes(span: str):
    old, new, pdf = _span(span)
    if pdf:
        built = pdfs.pdf_report(db.session, "release_notes", {"old": old, "new": new})
        data = built.context["notes"]
        return _download(render_pdf(built.template, **built.context),
                         PDF, f"release-notes-{data.old_label}-{data.new_label}.pdf")
    return render_html("consultations/release_notes.html", notes=release_notes.compare(db.session, old, new))


@bp.route("/<string:span>/school/<int:school_id>")
@login_required
def school(span: str, school_id: int):
    old, new, _pdf = _span(span)
    school = organisations.get_school(db.session, school_id)
    if not can_see_school(current_user, school):
        raise Forbidden(_l("You may not see the plans of this school."))
    data = release_notes.compare(db.session, old, new)
    return render_html("consultations/release_impact.html", impact=release_notes.school_impact(
        db.session, data, school.id), subject=school.name, span=span)


@bp.route("/<string:span>/netwerk/<int:network_id>")
@login_required
def network(span: str, network_id: int):
    old, new, _pdf = _span(span)
    network = organisations.get_network(db.session, network_id)
    if not can_see_network(current_user, network):
        raise Forbidden(_l("You may not see the packages of this network."))
    data = release_notes.compare(db.session, old, new)
    return render_html("consultations/release_impact.html", impact=release_notes.network_impact(
        db.session, data, network.id), subject=network.name, span=span)
