"""Addresses that changed when every user-facing path became Dutch: each old one answers with a permanent
redirect (308, so a POST stays a POST) to its new address, query string included, so that bookmarks, saved
links and printed reports keep working."""
import re

from flask import Flask, redirect, request

from ..auth.permissions import public

OLD_PATHS = (
    ("/login", "/inloggen"),
    ("/logout", "/uitloggen"),
    ("/account/password", "/account/wachtwoord"),
    ("/account/tokens", "/account/api-sleutels"),
    ("/account/tokens/<int:token_id>/revoke", "/account/api-sleutels/<token_id>/intrekken"),
    ("/admin/users", "/beheer/gebruikers"),
    ("/admin/users/new", "/beheer/gebruikers/nieuw"),
    ("/admin/users/<int:user_id>", "/beheer/gebruikers/<user_id>"),
    ("/admin/audit", "/beheer/logboek"),
    ("/language", "/taal"),
    ("/reports/framework", "/rapporten/leerdoelenkader"),
    ("/reports/framework.pdf", "/rapporten/leerdoelenkader.pdf"),
    ("/reports/schools/<int:school_id>/coverage", "/rapporten/scholen/<school_id>/dekking"),
    ("/reports/schools/<int:school_id>/coverage.<any(pdf, csv, xlsx):fmt>",
     "/rapporten/scholen/<school_id>/dekking.<fmt>"),
    ("/reports/schools/<int:school_id>/cohort", "/rapporten/scholen/<school_id>/cohort"),
    ("/reports/schools/<int:school_id>/cohort.pdf", "/rapporten/scholen/<school_id>/cohort.pdf"),
    ("/reports/schools/<int:school_id>/kerndoelen", "/rapporten/scholen/<school_id>/kerndoelen"),
    ("/reports/schools/<int:school_id>/kerndoelen.<any(pdf, csv, xlsx):fmt>",
     "/rapporten/scholen/<school_id>/kerndoelen.<fmt>"),
    ("/reports/networks/<int:network_id>/coverage", "/rapporten/netwerken/<network_id>/dekking"),
    ("/reports/networks/<int:network_id>/coverage.<any(pdf, csv, xlsx):fmt>",
     "/rapporten/netwerken/<network_id>/dekking.<fmt>"),
    ("/reports/networks/<int:network_id>/kerndoelen", "/rapporten/netwerken/<network_id>/kerndoelen"),
    ("/reports/networks/<int:network_id>/kerndoelen.<any(pdf, csv, xlsx):fmt>",
     "/rapporten/netwerken/<network_id>/kerndoelen.<fmt>"),
)


def _redirect_to(target: str):
    @public
    def old_path(**values):
        path = re.sub(r"<([^>]+)>", lambda m: str(values[m.group(1)]), target)
        query = request.query_string.decode("latin-1")
        return redirect(f"{path}?{query}" if query else path, code=308)

    return old_path


def add_old_paths(app: Flask) -> None:
    for number, (old, new) in enumerate(OLD_PATHS):
        app.add_url_rule(old, endpoint=f"site.old_path_{number}", view_func=_redirect_to(new),
                         methods=["GET", "POST"])
