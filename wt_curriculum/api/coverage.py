"""Coverage of one school or one network in a school year: for those allowed to see them only.

Logged in by the session cookie or by a personal token (`Authorization: Bearer`):
401 without either, 403 when the user may not see that school or network.
"""
from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.permissions import can_see_network, can_see_school, login_required
from ..errors import Forbidden
from ..extensions import db
from ..numbers import MAX_ID
from ..organisations import services as organisations
from ..planning.coverage import network_coverage, school_coverage
from ..schoolyears import current_school_year, parse_school_year
from . import schemas
from .blueprint import bp
from .spec import Param, operation, parse_query

YEAR = Param("year", {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{4}$"},
             _l("The school year, e.g. 2026-2027 (default: the current one)."), example="2026-2027")
SCHOOL_ID = Param("school_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, _l("The school's id."),
                  where="path", example=1)
NETWORK_ID = Param("network_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                   _l("The network's id."), where="path", example=1)


def _year(args) -> int:
    if args["year"] is None:
        return current_school_year()
    return parse_school_year(args["year"])


def _share(x) -> dict:
    return {"covered": x.covered, "total": x.total, "share": round(x.share, 4)}


@bp.route("/schools/<int:school_id>/coverage")
@login_required
@operation(summary=_l("Coverage of one school"), params=(SCHOOL_ID, YEAR), response=schemas.ref("SchoolCoverage"),
           auth=True, not_found=True, forbidden=True, tag="coverage",
           description=_l("Goals by domain and strand, with a cell per groep (none, planned, taught), for one "
                          "school year. Percentages count published goals. For the school's own users, its "
                          "network coordinator, editors and administrators."))
def school(school_id: int):
    args = parse_query(school.operation)
    year = _year(args)
    target = organisations.get_school(db.session, school_id)
    if not can_see_school(current_user, target):
        raise Forbidden(_l("You cannot see the coverage of this school."))
    c = school_coverage(db.session, school_id, year)
    return jsonify({
        "school": {"id": c.school_id, "code": c.school_code, "name": c.school_name},
        "year": c.year_label, "has_plan": c.has_plan, **_share(c),
        "domains": [{
            "code": d.code, "title": d.title, **_share(d),
            "strands": [{
                "code": s.code, "title": s.title, **_share(s),
                "goals": [{
                    "code": g.code, "title": g.title, "status": g.status, "groepen": g.groepen,
                    "covered": g.covered,
                    "cells": {str(n): {"state": cell.state, "relation": cell.relation, "intended": cell.intended}
                              for n, cell in g.cells.items()},
                } for g in s.goals],
            } for s in d.strands],
        } for d in c.domains],
    })


@bp.route("/networks/<int:network_id>/coverage")
@login_required
@operation(summary=_l("Coverage of one network"), params=(NETWORK_ID, YEAR), response=schemas.ref("NetworkCoverage"),
           auth=True, not_found=True, forbidden=True, tag="coverage",
           description=_l("Each school of the network with its share of goals covered per strand, the network's "
                          "median and the goals most schools miss. For the network's coordinators, editors and "
                          "administrators."))
def network(network_id: int):
    args = parse_query(network.operation)
    year = _year(args)
    target = organisations.get_network(db.session, network_id)
    if not can_see_network(current_user, target):
        raise Forbidden(_l("You cannot see the coverage of this network."))
    c = network_coverage(db.session, network_id, year)
    strand_codes = {s.id: s.code for s in c.strands}
    return jsonify({
        "network": {"id": c.network_id, "name": c.network_name}, "year": c.year_label,
        "median": round(c.median, 4) if c.median is not None else None,
        "strands": [{"code": s.code, "title": s.title, "domain": s.domain_code, "total": s.total}
                    for s in c.strands],
        "schools": [{
            "id": s.id, "code": s.code, "name": s.name, "has_plan": s.has_plan, **_share(s),
            "difference": round(s.difference, 4) if s.difference is not None else None,
            "strands": {strand_codes[sid]: _share(x) for sid, x in s.strands.items()},
        } for s in c.schools],
        "most_missed": [{"code": m.code, "title": m.title, "strand": m.strand_code, "missing": m.missing,
                         "of": m.of} for m in c.most_missed],
    })
