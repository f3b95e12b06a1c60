"""Who may see which job page: logged-in users their own (tests/jobs/test_pages.py); someone else's job
does not exist for them."""
from tests.access import ANONYMOUS, ROLES, Rule, logged_in


def prepare(factory, values):
    from tests.jobs.helpers import make_job

    return {"other_job_id": make_job(factory.app, values["other_user_id"], state="done", file=b"%PDF-1.7")}


def _not_theirs(endpoint, path, method="GET"):
    return Rule(endpoint, method, path, {ANONYMOUS: 302, **{role: 404 for role in ROLES}}, login_redirect=True)


RULES = [
    logged_in("jobs.my_jobs", "/taken"),
    _not_theirs("jobs.job", "/taken/{other_job_id}"),
    _not_theirs("jobs.job_file", "/taken/{other_job_id}/bestand"),
    _not_theirs("jobs.cancel", "/taken/{other_job_id}/annuleren", method="POST"),
    _not_theirs("jobs.job", "/taken/999999"),
]
