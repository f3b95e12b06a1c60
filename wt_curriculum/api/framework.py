"""/domains and /goals: the goal framework, read through the objectives area's services."""
from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.permissions import is_editor, public
from ..errors import Forbidden
from ..extensions import db
from ..lessons import services as lessons
from ..objectives import services as objectives
from ..objectives.models import GoalStatus
from . import schemas
from .blueprint import bp
from .responses import conditional, page_of
from .services import framework_last_modified
from .spec import GROEP, PAGING, Param, Q, operation, parse_query

DOMAIN = Param("domain", {"type": "string", "pattern": r"^[A-Z]{2,4}$"}, _l("Only goals of this domain (code)."),
               example="DG")
STRAND = Param("strand", {"type": "string", "pattern": r"^[A-Z]{2,4}\.[1-9][0-9]{0,2}$"},
               _l("Only goals of this strand (code)."), example="DG.2")
STATUS = Param("status", {"type": "string", "enum": [s.value for s in GoalStatus]},
               _l("Only goals with this status. Anything but vastgesteld (published) is for editors only: "
                  "others get 403."), example="vastgesteld")
CODE = Param("code", {"type": "string", "maxLength": 30}, _l("The goal's code."), where="path", example="MN.1.1")


def _strand(strand) -> dict:
    return {"id": strand.id, "uuid": strand.uuid, "code": strand.code, "title": strand.title,
            "description": strand.description, "source_code": strand.source_code}


@bp.route("/domains")
@public
@operation(summary=_l("Domains with their strands"), params=PAGING, response=schemas.ref("Domain"), paged=True,
           conditional=True, tag="framework",
           description=_l("The two domains of the framework (Mens & Natuur, Digitale geletterdheid), each with its "
                          "strands in framework order."))
def domains():
    args = parse_query(domains.operation)
    strands_by_domain: dict[int, list] = {}
    for strand in objectives.list_strands(db.session):
        strands_by_domain.setdefault(strand.domain_id, []).append(_strand(strand))
    items = [{"id": d.id, "uuid": d.uuid, "code": d.code, "title": d.title, "description": d.description,
              "strands": strands_by_domain.get(d.id, [])} for d in objectives.list_domains(db.session)]
    return conditional(page_of(items, args["page"], args["per_page"]), framework_last_modified(db.session))


@bp.route("/goals")
@public
@operation(summary=_l("Learning goals"), params=(DOMAIN, STRAND, GROEP, STATUS, Q, *PAGING),
           response=schemas.ref("GoalSummary"), paged=True, conditional=True, forbidden=True, tag="framework",
           description=_l("Goals in framework order. Everyone sees published goals; editors and administrators "
                          "also see drafts and retired goals."))
def goals():
    args = parse_query(goals.operation)
    if args["status"] not in (None, GoalStatus.PUBLISHED) and not is_editor(current_user):
        raise Forbidden(_l("Only editors can see goals that are not published."))
    filters = objectives.FrameworkFilters(domain=args["domain"], groep=args["groep"], status=args["status"],
                                          q=args["q"] or "")
    tree = objectives.framework_tree(db.session, filters, current_user)
    items = [
        {"code": g.code, "title": g.title, "description": g.description, "groepen": g.groepen,
         "keywords": g.keywords, "status": g.status, "domain": domain.code, "strand": strand.code,
         "replaced_by": g.replaced_by_code}
        for domain in tree.domains for strand in domain.strands if args["strand"] in (None, strand.code)
        for g in strand.goals
    ]
    return conditional(page_of(items, args["page"], args["per_page"]), framework_last_modified(db.session))


@bp.route("/goals/<code>")
@public
@operation(summary=_l("One learning goal"), params=(CODE,), response=schemas.ref("Goal"), conditional=True,
           not_found=True, tag="framework",
           description=_l("A goal with its strand, domain and the published lesson packages aligned to it. "
                          "Drafts exist for editors only (404 for others). Answers carry an ETag (no "
                          "Last-Modified)."))
def goal(code: str):
    parse_query(goal.operation)
    page = objectives.goal_page(db.session, code, current_user)
    g = page.goal
    body = {
        "code": g.code, "uuid": g.uuid, "title": g.title, "description": g.description, "groepen": g.groepen,
        "keywords": g.keyword_list, "source_code": g.source_code, "status": g.status,
        "domain": {"code": page.domain.code, "title": page.domain.title},
        "strand": {"code": page.strand.code, "title": page.strand.title},
        "replaced_by": page.replaced_by.code if page.replaced_by else None,
        "published_at": _iso(g.published_at), "retired_at": _iso(g.retired_at), "updated_at": _iso(g.updated_at),
        "packages": [{"id": p.id, "title": p.title, "summary": p.summary, "groepen": p.groepen,
                      "relation": p.relation} for p in lessons.packages_for_goal(db.session, g.id)],
    }
    # ETag only: the aligned packages can change while the goal itself does not.
    return conditional(jsonify(body), None)


def _iso(value):
    return value.isoformat() if value else None
