"""Languages: Dutch by default, English complete; the user's choice is kept in a cookie.

Messages are written in English in the code and translated to Dutch. Every
area keeps its own catalog (wt_curriculum/<area>/translations) so that areas
can change their texts independently; Flask-Babel merges them.
"""
from pathlib import Path

from flask import Flask, has_request_context, request
from flask_babel import format_date, format_time, get_locale
from flask_login import current_user

from .extensions import babel

LANGUAGE_COOKIE = "lang"
PACKAGE = Path(__file__).resolve().parent
AREAS = ("core", "auth", "notifications", "organisations", "objectives", "references", "lessons", "planning",
         "consultations", "reports", "interchange", "case", "api", "admin", "jobs", "site", "oai")


def translation_dirs() -> list[Path]:
    return [PACKAGE / area / "translations" for area in AREAS]


def select_locale() -> str:
    """The language switch's cookie, else the language the logged-in user chose (User.language: on another
    browser too), else the browser's Accept-Language, else the default (Dutch)."""
    languages = babel_languages()
    if not has_request_context():  # commands and background work: the default language
        return languages[0]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    preference = getattr(current_user, "language", None) if request.endpoint != "static" else None
    if preference in languages:
        return preference
    return request.accept_languages.best_match(languages) or languages[0]


def babel_languages() -> tuple[str, ...]:
    from flask import current_app

    return current_app.config["LANGUAGES"]


def current_language() -> str:
    return str(get_locale() or "nl")


def compile_catalogs() -> None:
    """Compile every area's .po files to .mo (part of set-up, and of the test session)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for directory in translation_dirs():
        for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as f:
                catalog = read_po(f)
            with mo_path.open("wb") as f:
                write_mo(f, catalog, use_fuzzy=False)


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in translation_dirs())
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["current_language"] = current_language
    # One format per kind, whatever a template asks for: a day as "1 september 2026", a moment with its time.
    app.jinja_env.filters["dateformat"] = format_day
    app.jinja_env.filters["datetimeformat"] = format_moment


def format_day(value, format=None) -> str:  # noqa: A002 - the filter's signature
    """A date (or the day of a datetime, in the user's time zone) the one way days are written: 1 september 2026."""
    return format_date(value, "long") if value else ""


def format_moment(value, format=None) -> str:  # noqa: A002 - the filter's signature
    """A point in time: its day as format_day writes it, then the time of day (1 september 2026, 14:05)."""
    return f"{format_date(value, 'long')}, {format_time(value, 'short')}" if value else ""
