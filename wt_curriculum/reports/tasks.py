"""Report PDFs made by the task queue: one kind of job for every report (reports/pdfs.py names them).

A PDF that is already in the cache (same report, parameters, language, print date and content) is not made
again; a new one is stored there for the next request, and its page count kept as the next estimate.
"""
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from huey import crontab

from ..core.jobs import JobResult, job_task
from ..core.queue import huey
from ..extensions import db
from . import pdf_cache, pdfs
from .rendering import render_pdf_pages

FRAMEWORK_TITLE = _l("The goal framework (PDF)")

PDF = "application/pdf"


def make_pdf(session, report: str, params: dict, language: str, progress=None) -> tuple[str, int | None]:
    """Make the report's PDF unless the cache has it; return its cache key and its page count."""
    key = pdf_cache.pdf_key(report, params, language)  # before reading: a change meanwhile gives a new key
    if pdf_cache.cached_pdf(key) is not None:
        return key, pdf_cache.remembered_pages(report, params)
    built = pdfs.pdf_report(session, report, params)
    if progress is not None:
        progress(0, pdf_cache.remembered_pages(report, params) or built.estimated_pages, "pages")
    data, pages = render_pdf_pages(built.template, progress=progress, **built.context)
    pdf_cache.store_pdf(key, data)
    pdf_cache.remember_pages(report, params, pages)
    return key, pages


@job_task("reports.pdf")
def report_pdf(session, job, report: str, params: dict, filename: str, url: str = ""):
    key, pages = make_pdf(session, report, params, job.language, progress=job.progress)
    message = ngettext("The PDF has %(num)s page.", "The PDF has %(num)s pages.", pages) if pages else ""
    return JobResult(message=message, key=key, filename=filename, mimetype=PDF, url=url)


def submit_framework_pdf(session, language: str):
    """The shared job that makes the framework PDF in this language (the running one, if there is one)."""
    with force_locale(language):
        return report_pdf.submit(session, title=str(FRAMEWORK_TITLE), key=pdf_cache.pdf_key("framework", {}, language),
                                 report="framework", params={}, filename="leerdoelenkader.pdf")


@huey.periodic_task(crontab(minute="*/5"))
def prepare_framework_pdfs() -> None:
    """Every five minutes: when the framework changed (or a new day began), its PDF is made ahead in every
    language, so that visitors get it at once."""
    for language in current_app.config["LANGUAGES"]:
        if pdf_cache.cached_pdf(pdf_cache.pdf_key("framework", {}, language)) is None:
            submit_framework_pdf(db.session, language)
    db.session.commit()
