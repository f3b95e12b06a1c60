"""CASE 1.1 REST binding (read-only, public, open to other origins) and the `flask case` commands."""
import json
import sys
from pathlib import Path

import click
from flask import Blueprint, Response, request
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..auth.permissions import public
from ..core.urls import base_url
from ..errors import DomainError
from ..extensions import db
from . import services

bp = Blueprint("case", __name__)
case_cli = AppGroup("case", help="1EdTech CASE 1.1 export and import of the goal framework.")
bp.record_once(lambda state: state.app.cli.add_command(case_cli))

REST = services.API_ROOT


@bp.after_request
def allow_other_origins(response: Response) -> Response:
    # Curriculum systems elsewhere read the published framework from their browsers.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def _package() -> dict:
    return services.export_package(db.session, base_url().rstrip("/"))  # WT_BASE_URL, never the Host header


def _json(body: dict, package: dict | None = None, status: int = 200) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False, indent=None), status=status,
                        mimetype="application/json")
    if package is not None and status == 200:
        response.set_etag(services.package_etag(body))
        response.last_modified = services.last_change_of(package)
        response.cache_control.public = True
        response.cache_control.no_cache = True  # may be stored, but ask again (cheap with the ETag)
        response.make_conditional(request)
    return response


def _not_found(kind: str, identifier: str) -> Response:
    """The CASE REST binding's error shape (imsx_StatusInfo) for an unknown identifier."""
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": _("There is no %(kind)s with identifier %(identifier)s.", kind=kind,
                              identifier=identifier),
        "imsx_codeMinor": {"imsx_codeMinorField": [
            {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": "unknownobject"},
        ]},
    }
    return _json(body, status=404)


def _document_link(package: dict) -> dict:
    document = package["CFDocument"]
    return {"title": document["title"], "identifier": document["identifier"], "uri": document["uri"]}


def _rest_document(package: dict) -> dict:
    """The CFDocument as the REST binding shows it: with the URI of its package."""
    document = package["CFDocument"]
    base = base_url().rstrip("/") + REST
    return {**document, "CFPackageURI": {"title": document["title"], "identifier": document["identifier"],
                                         "uri": f"{base}/CFPackages/{document['identifier']}"}}


@bp.get("/api/v1/case/framework")
@public
def framework():
    """The whole published framework as one CASE 1.1 CFPackage."""
    package = _package()
    return _json(package, package)


@bp.get(f"{REST}/CFDocuments")
@public
def documents():
    package = _package()
    return _json({"CFDocuments": [_rest_document(package)]}, package)


@bp.get(f"{REST}/CFDocuments/<identifier>")
@public
def document(identifier):
    package = _package()
    if identifier.lower() != package["CFDocument"]["identifier"]:
        return _not_found("CFDocument", identifier)
    return _json(_rest_document(package), package)


@bp.get(f"{REST}/CFPackages/<identifier>")
@public
def package_view(identifier):
    package = _package()
    if identifier.lower() != package["CFDocument"]["identifier"]:
        return _not_found("CFPackage", identifier)
    return _json({**package, "CFDocument": _rest_document(package)}, package)


def _find(entries: list[dict], identifier: str) -> dict | None:
    identifier = identifier.lower()
    return next((e for e in entries if e["identifier"] == identifier), None)


@bp.get(f"{REST}/CFItems/<identifier>")
@public
def item(identifier):
    package = _package()
    found = _find(package["CFItems"], identifier)
    if found is None:
        return _not_found("CFItem", identifier)
    return _json({**found, "CFDocumentURI": _document_link(package)}, package)


@bp.get(f"{REST}/CFAssociations/<identifier>")
@public
def association(identifier):
    package = _package()
    found = _find(package["CFAssociations"], identifier)
    if found is None:
        return _not_found("CFAssociation", identifier)
    return _json({**found, "CFDocumentURI": _document_link(package)}, package)


@bp.get(f"{REST}/CFItemAssociations/<identifier>")
@public
def item_associations(identifier):
    """One item with every association that starts or ends at it."""
    package = _package()
    found = _find(package["CFItems"], identifier)
    if found is None:
        return _not_found("CFItem", identifier)
    link = _document_link(package)
    related = [
        {**a, "CFDocumentURI": link} for a in package["CFAssociations"]
        if found["identifier"] in (a["originNodeURI"]["identifier"], a["destinationNodeURI"]["identifier"])
    ]
    return _json({"CFItem": {**found, "CFDocumentURI": link}, "CFAssociations": related}, package)


# --- Commands ------------------------------------------------------------------------------------------------------


@case_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--base-url", default="http://localhost:5000", show_default=True,
              help="The address this app is served at; the package's URIs point there.")
def export_command(path, base_url):
    """Write the published framework as a CASE 1.1 CFPackage to PATH ('-' for standard output)."""
    package = services.export_package(db.session, base_url)
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    if str(path) == "-":
        sys.stdout.write(text)
        return
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {len(package['CFItems'])} items and {len(package['CFAssociations'])} associations "
               f"to {path}.")


@case_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--editor", "editor_email", default=None, help="E-mail of the account the revisions are credited to.")
def import_command(path, editor_email):
    """Create or update the framework from a CASE 1.0 or 1.1 CFPackage; all or nothing."""
    editor = None
    if editor_email:
        editor = db.session.scalar(select(User).where(User.email == editor_email))
        if editor is None:
            raise click.ClickException(f"No account with e-mail {editor_email}.")
    try:
        data = services.read_package_file(path)
        report = services.import_package(db.session, data, editor)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.message} Nothing was imported.") from None
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    for line in report.lines():
        click.echo(line)
