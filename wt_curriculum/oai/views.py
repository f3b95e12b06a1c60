"""The OAI-PMH endpoint: GET or POST (form-encoded), public, XML. Thin: the protocol lives in protocol.py."""
from flask import Blueprint, Response, request

from ..auth.permissions import public
from ..extensions import csrf, db
from . import protocol

bp = Blueprint("oai", __name__)


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
