"""/packages: lesson packages, found with the lessons area's search and read with its package page."""
from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.permissions import public
from ..extensions import db
from ..lessons import services as lessons
from ..lessons.search import SearchFilters, search_packages
from ..numbers import MAX_ID
from ..planning.experiences import package_ratings
from ..planning.use import package_use
from ..schoolyears import current_school_year
from . import schemas
from .blueprint import bp
from .responses import paged
from .services import package_facts
from .spec import GROEP, PAGING, Param, Q, operation, parse_query

GOAL = Param("goal", {"type": "string", "pattern": r"^[A-Z]{2,4}\.[1-9][0-9]{0,2}\.[1-9][0-9]{0,2}$"},
             _l("Only packages aligned to this goal (code)."), example="DG.2.1")
NETWORK = Param("network", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                _l("Only packages of this network (id)."), example=1)
PACKAGE_ID = Param("id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, _l("The package's id."),
                   where="path", example=1)


def _goal(g) -> dict:
    return {"code": g.code, "title": g.title, "relation": g.relation, "status": g.status}


@bp.route("/packages")
@public
@operation(summary=_l("Lesson packages"), params=(GOAL, GROEP, NETWORK, Q, *PAGING),
           response=schemas.ref("PackageSummary"), paged=True, tag="packages",
           description=_l("Published lesson packages, best match first when searching (q), else newest first. "
                          "`use`: the schools and networks that plan the package this school year, and how "
                          "often it was marked taught; `rating`: the mean of the approved experiences of "
                          "teachers (null without)."))
def packages():
    args = parse_query(packages.operation)
    filters = SearchFilters(goal=args["goal"] or "", groep=args["groep"], network=args["network"])
    result = search_packages(db.session, args["q"] or "", filters, args["page"], args["per_page"])
    hits = result.hits if result.page == args["page"] else []  # past the last page: nothing, not page 1 again
    facts = package_facts(db.session, [h.id for h in hits])
    use = package_use(db.session, [h.id for h in hits], current_school_year())
    ratings = package_ratings(db.session, [h.id for h in hits])
    items = []
    for hit in hits:
        fact = facts[hit.id]
        items.append({
            "id": hit.id, "title": hit.title, "summary": hit.summary, "groepen": fact.groepen,
            "lesson_count": hit.lesson_count, "minutes_per_lesson": hit.minutes_per_lesson,
            "total_minutes": hit.total_minutes, "licence": fact.licence,
            "network": {"id": fact.network_id, "code": fact.network_code, "name": hit.network_name},
            "goals": [_goal(g) for g in hit.goals], "use": use[hit.id].as_dict(),
            "rating": ratings[hit.id].as_dict() if ratings[hit.id] else None,
        })
    return paged(items, args["page"], args["per_page"], result.total)


@bp.route("/packages/<int:id>")
@public
@operation(summary=_l("One lesson package"), params=(PACKAGE_ID,), response=schemas.ref("Package"),
           not_found=True, tag="packages",
           description=_l("A package with its goals and attachments. Drafts and withdrawn packages exist only for "
                          "editors, administrators and the network that owns them (404 for others)."))
def package(id: int):  # noqa: A002  (the path parameter's name in the API)
    parse_query(package.operation)
    p = lessons.package_detail(db.session, id, current_user)
    return jsonify({
        "id": p.id, "title": p.title, "summary": p.summary, "description_html": str(p.description_html),
        "groepen": p.groepen, "lesson_count": p.lesson_count, "minutes_per_lesson": p.minutes_per_lesson,
        "total_minutes": p.total_minutes, "materials": p.materials, "keywords": p.keywords, "authors": p.authors,
        "licence": p.licence, "links": p.links, "network": {"id": p.network_id, "name": p.network_name},
        "status": p.status, "published_at": p.published_at.isoformat() if p.published_at else None,
        "updated_at": p.updated_at.isoformat(), "goals": [_goal(g) for g in p.goals],
        "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
                        for a in p.attachments],
        "use": package_use(db.session, [p.id], current_school_year())[p.id].as_dict(),
        "rating": rating.as_dict() if (rating := package_ratings(db.session, [p.id])[p.id]) else None,
    })
