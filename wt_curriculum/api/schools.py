"""/networks and /schools: the regional networks and their school locations (public facts)."""
from flask_babel import lazy_gettext as _l

from ..auth.permissions import public
from ..extensions import db
from ..numbers import MAX_ID
from ..organisations import services as organisations
from . import schemas
from .blueprint import bp
from .responses import page_of, paged
from .services import schools_page
from .spec import PAGING, Param, operation, parse_query

NETWORK = Param("network", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                _l("Only schools of this network (id)."), example=1)


@bp.route("/networks")
@public
@operation(summary=_l("Regional networks"), params=PAGING, response=schemas.ref("Network"), paged=True,
           tag="schools", description=_l("The networks that are not archived, by name."))
def networks():
    args = parse_query(networks.operation)
    items = [{"id": n.id, "code": n.code, "name": n.name, "region": n.region}
             for n in organisations.list_networks(db.session)]
    return page_of(items, args["page"], args["per_page"])


@bp.route("/schools")
@public
@operation(summary=_l("Schools"), params=(NETWORK, *PAGING), response=schemas.ref("School"), paged=True,
           tag="schools",
           description=_l("School locations that are not archived, by name; code is BRIN plus vestiging."))
def school_list():
    args = parse_query(school_list.operation)
    rows, total = schools_page(db.session, args["network"], args["page"], args["per_page"])
    items = [{"id": s.id, "code": s.code, "name": s.name, "place": s.place,
              "network": {"id": s.network_id, "code": s.network_code, "name": s.network_name}
              if s.network_id is not None else None} for s in rows]
    return paged(items, args["page"], args["per_page"], total)
