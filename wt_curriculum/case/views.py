"""CASE 1.1 REST binding (read-only, public, open to other origins) and the `flask case` commands."""
import json
import sys
from functools import wraps
from pathlib import Path

import click
from flask import Blueprint, Response, redirect, request, url_for
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from ..auth.models import Role, User
from ..auth.permissions import public
from ..core.urls import base_url
from ..errors import TITLES, DomainError
from ..extensions import db
from . import approval, frameworks, openapi, rest, services  # noqa: F401  (openapi registers the binding in the API document)

bp = Blueprint("case", __name__)
case_cli = AppGroup("case", help="1EdTech CASE 1.1 export and import of the goal framework.")
bp.record_once(lambda state: state.app.cli.add_command(case_cli))

REST = services.API_ROOT
DOCUMENT_FIELDS = set(services.DOCUMENT_FIELDS) | {"CFPackageURI"}


@bp.after_request
def allow_other_origins(response: Response) -> Response:
    # Curriculum systems elsewhere read the published framework from their browsers.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def _base() -> str:
    """The public address (WT_BASE_URL), never the Host header a client chose."""
    return base_url().rstrip("/")


def _package() -> dict:
    return services.export_package(db.session, _base())


def _json(body: dict, package: dict | None = None, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False, indent=None), status=status,
                        mimetype="application/json", headers=headers)
    if package is not None and status == 200:
        response.set_etag(services.package_etag(body))
        response.last_modified = services.last_change_of(package)  # None for a foreign package it cannot read
        response.cache_control.public = True
        response.cache_control.no_cache = True  # may be stored, but ask again (cheap with the ETag)
        response.make_conditional(request)
    return response


def _status(status: int, minor: str, description) -> Response:
    """The CASE REST binding's error shape (imsx_StatusInfo)."""
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": str(description),
        "imsx_codeMinor": {"imsx_codeMinorField": [
            {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": minor},
        ]},
    }
    return _json(body, status=status)


MINOR = {401: "unauthorisedrequest", 403: "forbidden", 404: "unknownobject", 429: "server_busy",
         500: "internal_server_error"}


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Errors of the binding (a NUL byte in the query, an unknown method) in the binding's own shape."""
    if error.code and error.code < 400:
        return error
    code = error.code or 500
    return _status(code, MINOR.get(code, "invalid_selection_field"), TITLES.get(code, TITLES[500]))


def _not_found(kind: str, identifier: str) -> Response:
    return _status(404, "unknownobject", _("There is no %(kind)s with identifier %(identifier)s.", kind=kind,
                                           identifier=identifier[:60]))


def _wants_html() -> bool:
    """A browser (text/html before JSON in Accept) gets the page; every other client the CASE object."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]


def _page_of(package: dict, identifier: str | None) -> str:
    """The HTML page of an item (goal page; domains and strands on the framework page) or of the document."""
    item = next((i for i in package["CFItems"] if i["identifier"] == identifier), None) if identifier else None
    if item is None:
        return url_for("objectives.framework")
    code = item.get("humanCodingScheme", "")
    if item["CFItemType"] == services.TYPE_GOAL:
        return url_for("objectives.goal", code=code)
    anchor = "domain" if item["CFItemType"] == services.TYPE_DOMAIN else "strand"
    return url_for("objectives.framework", _anchor=f"{anchor}-{code}")


def case_view(view):
    """Every CASE answer: query parameters checked (400 with imsx_StatusInfo), browsers sent to the page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except rest.BadQuery as error:
            return _status(400, error.minor, error.message)

    return wrapper


def _one(kind: str, identifier: str, find, answer, page=None):
    """A single object by identifier: 400 for a parameter or a malformed identifier, 404 when unknown."""
    rest.no_parameters(request.args)
    if not services.UUID_TEXT.match(identifier.lower()):
        return _status(400, "invalid_uuid", _("%(identifier)s is not a UUID.", identifier=identifier[:60]))
    package = _package()
    found = find(package, identifier.lower())
    if found is None:  # a reference framework kept from another CASE system is served through the binding too
        stored = frameworks.package_containing(db.session, identifier)
        found = find(stored, identifier.lower()) if stored is not None else None
        if found is None:
            return _not_found(kind, identifier)
        if _wants_html():
            return redirect(url_for("references.node", identifier=identifier.lower())
                            if kind.startswith("CFItem") else url_for("references.frameworks"), 303)
        return _json(answer(stored, found), stored)
    if _wants_html():
        return redirect(page(package, found) if page else _page_of(package, None), 303)
    return _json(answer(package, found), package)


def _document_link(package: dict) -> dict:
    document = package["CFDocument"]
    return {"title": document.get("title", ""), "identifier": document.get("identifier", ""),
            "uri": document.get("uri", "")}


def _rest_document(package: dict) -> dict:
    """The CFDocument as the REST binding shows it: with the URI of its package."""
    document = package["CFDocument"]
    base = _base() + REST
    return {**document, "CFPackageURI": {"title": document["title"], "identifier": document["identifier"],
                                         "uri": f"{base}/CFPackages/{document['identifier']}"}}


def _document(package: dict, identifier: str):
    document = package.get("CFDocument") or {}
    return document if str(document.get("identifier", "")).lower() == identifier else None


def _find(entries, identifier: str) -> dict | None:
    return next((e for e in entries or [] if isinstance(e, dict) and str(e.get("identifier", "")).lower() ==
                 identifier), None)


@bp.get("/api/v1/case/framework")
@public
def framework():
    """The whole published framework as one CASE 1.1 CFPackage."""
    package = _package()
    return _json(package, package)


@bp.get(f"{REST}/CFDocuments")
@public
@case_view
def documents():
    """getAllCFDocuments, with limit, offset, sort, orderBy, filter and fields."""
    package = _package()
    records = [_rest_document(package)] + [_rest_document(p) for p in frameworks.reference_packages(db.session)]
    query = rest.parse_collection(request.args, DOCUMENT_FIELDS)
    page, total = rest.apply(records, query)
    if _wants_html():
        return redirect(url_for("objectives.framework"), 303)
    return _json({"CFDocuments": page}, package, headers={"X-Total-Count": str(total)})


@bp.get(f"{REST}/CFDocuments/<identifier>")
@public
@case_view
def document(identifier):
    return _one("CFDocument", identifier, _document, lambda package, _: _rest_document(package))


@bp.get(f"{REST}/CFPackages/<identifier>")
@public
@case_view
def package_view(identifier):
    """getCFPackage: the document with every item, association and definition (as the 1.1 package schema).
    A reference framework that came from another CASE system is served as it came."""
    stored = frameworks.reference_package(db.session, identifier) if not request.args else None
    if stored is not None:
        if _wants_html():
            return redirect(url_for("references.frameworks"), 303)
        response = _json(stored)
        response.set_etag(services.package_etag(stored))
        response.make_conditional(request)
        return response
    return _one("CFPackage", identifier, _document, lambda package, _: package)


@bp.get(f"{REST}/CFItems/<identifier>")
@public
@case_view
def item(identifier):
    return _one("CFItem", identifier, lambda package, i: _find(package["CFItems"], i),
                lambda package, found: {**found, "CFDocumentURI": _document_link(package)},
                lambda package, found: _page_of(package, found["identifier"]))


@bp.get(f"{REST}/CFAssociations/<identifier>")
@public
@case_view
def association(identifier):
    return _one("CFAssociation", identifier, lambda package, i: _find(package["CFAssociations"], i),
                lambda package, found: {**found, "CFDocumentURI": _document_link(package)},
                lambda package, found: _page_of(package, found["originNodeURI"]["identifier"]))


def _end(link) -> str:
    return str(link.get("identifier", "")) if isinstance(link, dict) else ""


def _item_associations(package: dict, found: dict) -> dict:
    link = _document_link(package)
    related = [
        {**a, "CFDocumentURI": link} for a in package["CFAssociations"]
        if isinstance(a, dict)
        and found["identifier"] in (_end(a.get("originNodeURI")), _end(a.get("destinationNodeURI")))
    ]
    return {"CFItem": {**found, "CFDocumentURI": link}, "CFAssociations": related}


@bp.get(f"{REST}/CFItemAssociations/<identifier>")
@public
@case_view
def item_associations(identifier):
    """One item with every association that starts or ends at it."""
    return _one("CFItem", identifier, lambda package, i: _find(package["CFItems"], i), _item_associations,
                lambda package, found: _page_of(package, found["identifier"]))


def _definition(kind: str):
    return lambda package, identifier: _find((package.get("CFDefinitions") or {}).get(kind), identifier)


@bp.get(f"{REST}/CFItemTypes/<identifier>")
@public
@case_view
def item_type(identifier):
    """getCFItemType: the CFItemTypeSet of that type (our types have no sub-types)."""
    return _one("CFItemType", identifier, _definition("CFItemTypes"), lambda _, found: {"CFItemTypes": [found]})


@bp.get(f"{REST}/CFSubjects/<identifier>")
@public
@case_view
def subject(identifier):
    """getCFSubject: the CFSubjectSet of that subject."""
    return _one("CFSubject", identifier, _definition("CFSubjects"), lambda _, found: {"CFSubjects": [found]})


@bp.get(f"{REST}/CFConcepts/<identifier>")
@public
@case_view
def concept(identifier):
    """getCFConcept: the CFConceptSet of that concept (a keyword of our goals)."""
    return _one("CFConcept", identifier, _definition("CFConcepts"), lambda _, found: {"CFConcepts": [found]})


@bp.get(f"{REST}/CFLicenses/<identifier>")
@public
@case_view
def license_view(identifier):
    return _one("CFLicense", identifier, _definition("CFLicenses"), lambda _, found: found)


@bp.get(f"{REST}/CFAssociationGroupings/<identifier>")
@public
@case_view
def association_grouping(identifier):
    return _one("CFAssociationGrouping", identifier, _definition("CFAssociationGroupings"), lambda _, found: found)


@bp.get(f"{REST}/CFRubrics/<identifier>")
@public
@case_view
def rubric(identifier):
    """getCFRubric: our framework has no rubrics, so every identifier is unknown."""
    return _one("CFRubric", identifier, lambda package, i: _find(package.get("CFRubrics", []), i), lambda _, f: f)


# --- Commands ------------------------------------------------------------------------------------------------------


@case_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--document", "document_id", default=None,
              help="The CFDocument identifier of a reference framework to write instead of ours.")
@click.option("--base-url", "address", default=None,
              help="The address this app is served at; the package's URIs point there (default: WT_BASE_URL).")
def export_command(path, document_id, address):
    """Write the published framework (or the reference framework with that CFDocument identifier) as a CASE
    CFPackage to PATH ('-' for standard output)."""
    if document_id and document_id.lower() != services.DOCUMENT_UUID:
        package = frameworks.reference_package(db.session, document_id)
        if package is None:
            raise click.ClickException(f"There is no framework with CFDocument identifier {document_id}.")
    else:
        package = services.export_package(db.session, address or _base())
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    if str(path) == "-":
        sys.stdout.write(text)
        return
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {len(package.get('CFItems') or [])} items and {len(package.get('CFAssociations') or [])} "
               f"associations to {path}.")


@case_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--editor", "editor_email", default=None,
              help="E-mail of the account the revisions are credited to; with four-eyes publishing, the editor who "
                   "proposes an import that changes published goals (a second editor approves it on the site).")
def import_command(path, editor_email):
    """Restore our framework from a CASE 1.0 or 1.1 CFPackage when it is ours (our document identifier, or an
    empty database); otherwise add or update a reference framework, kept whole. All or nothing."""
    editor = None
    if editor_email:
        editor = db.session.scalar(select(User).where(User.email == editor_email))
        if editor is None:
            raise click.ClickException(f"No account with e-mail {editor_email}.")
    waits = False
    try:
        data = services.read_package_file(path)
        if frameworks.is_ours(db.session, data):
            report, waits = approval.try_import(db.session, data, editor)
        else:
            report = frameworks.import_reference_package(db.session, data)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.message} Nothing was imported.") from None
    except Exception:
        db.session.rollback()
        raise
    if waits:  # four-eyes publishing: published goals change when a second editor approves, on the editor's page
        db.session.rollback()
        if editor is None or editor.role not in (Role.EDITOR, Role.ADMIN):
            raise click.ClickException("This import changes published goals and must be approved by a second "
                                       "editor: name the proposing editor with --editor EMAIL. Nothing was imported.")
        change = approval.propose(db.session, path.read_bytes(), report, path.name, editor)
        db.session.commit()
        click.echo(f"This import changes published goals: nothing was imported yet. It waits for a second editor's "
                   f"approval: {_base()}/doelen/redactie#change-{change.id}")
        for line in report.lines():
            click.echo(line)
        return
    db.session.commit()
    for line in report.lines():
        click.echo(line)


@case_cli.command("mirror")
@click.argument("url")
def mirror_command(url):
    """Follow another CASE server's framework: URL is its CFPackages/{identifier} address. The task queue then
    fetches it every hour and applies changes as new versions (see `case mirror-now`)."""
    try:
        report = frameworks.subscribe(db.session, url)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.message} Nothing was changed.") from None
    db.session.commit()
    click.echo(f"Mirroring {url}.")
    for line in report.lines():
        click.echo(line)


@case_cli.command("mirror-now")
def mirror_now_command():
    """Fetch every mirrored framework now (what the hourly task does) and print what changed."""
    results = frameworks.refresh_all(db.session)
    db.session.commit()
    for result in results:
        if result.error:
            click.echo(f"{result.key}: {result.error}")
        elif result.changed:
            click.echo(f"{result.key}: version {result.version}")
            for line in result.lines:
                click.echo(line)
        else:
            click.echo(f"{result.key}: unchanged")
