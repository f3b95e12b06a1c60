"""Report PDFs go through the task queue and the PDF cache: the request only hands the work over (or serves
a PDF made before, while nothing it shows has changed); the framework PDF is never made in a request."""
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import login_as
from tests.queue_fixtures import job_row
from tests.reports.helpers import YEAR, YEAR_LABEL, build_network, fix_date, get_pdf, pdf_text, use_language
from wt_curriculum.core.models import ContentGeneration, Job
from wt_curriculum.extensions import db


@pytest.fixture
def world(app, monkeypatch):
    fix_date(monkeypatch)
    return build_network(app, 2)  # two planning schools and one without a plan


def job_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Job))


def network_pdf_path(world) -> str:
    return f"/rapporten/netwerken/{world.network_id}/dekking.pdf?year={YEAR_LABEL}"


def test_a_network_pdf_is_made_by_a_job_of_its_user(app, client, factory, world):
    owner = login_as(client, app, factory.user("netwerkcoordinator", network_id=world.network_id))
    response = client.get(network_pdf_path(world))
    assert response.status_code == 303 and response.headers["Location"] == "/taken/1"
    job = job_row(app, 1)
    assert job.user_id == owner.id and job.kind == "reports.pdf" and job.state == "done"
    assert job.title == "Netwerkdekking 2026-2027 · Netwerk Utrecht-Oost"
    assert job.progress_unit == "pages" and job.progress_done == job.progress_total > 0
    page = client.get("/taken/1")
    assert f"Het PDF-bestand heeft {job.progress_total} pagina" in page.text
    assert f'href="/rapporten/netwerken/{world.network_id}/dekking?year={YEAR_LABEL}"' in page.text  # the HTML report
    download = client.get("/taken/1/bestand")
    assert "filename=dekking-UO2-2026-2027.pdf" in download.headers["Content-Disposition"]
    pages, texts = pdf_text(download.data)
    assert pages == job.progress_total and "Netwerk Utrecht-Oost · Zonder Plan" in "\n".join(texts)

    colleague = app.test_client()  # someone else of the network: the job is not theirs ...
    login_as(colleague, app, factory.user("netwerkcoordinator", network_id=world.network_id))
    assert colleague.get("/taken/1").status_code == 404
    again = colleague.get(network_pdf_path(world))  # ... but the PDF, unchanged, comes from the cache at once
    assert again.status_code == 200 and again.data == download.data and job_count(app) == 1


def test_a_change_to_what_the_report_shows_makes_a_new_pdf(app, client, login, world):
    from tests.planning.builders import Builder
    from tests.reports.helpers import existing_packages
    from wt_curriculum.objectives.models import Goal

    login("beheerder")
    first = get_pdf(client, network_pdf_path(world)).data
    assert get_pdf(client, network_pdf_path(world)).data == first and job_count(app) == 1
    with app.app_context():  # a school plans one more package
        b = Builder(db.session)
        existing_packages(b)
        b.plan(world.school_ids[1], YEAR, 5, "P3")
        db.session.commit()
    second = get_pdf(client, network_pdf_path(world)).data
    assert job_count(app) == 2 and second != first
    with app.app_context():  # an editor renames a goal
        db.session.scalars(select(Goal)).first().title = "Een nieuwe titel"
        db.session.commit()
    get_pdf(client, network_pdf_path(world))
    assert job_count(app) == 3


def test_every_language_and_every_print_date_has_its_own_pdf(app, client, login, world, monkeypatch):
    login("beheerder")
    dutch = get_pdf(client, network_pdf_path(world)).data
    use_language(client, "en")
    english = get_pdf(client, network_pdf_path(world)).data
    assert "Printed on November 25, 2026" in "\n".join(pdf_text(english)[1]) and english != dutch
    fix_date(monkeypatch, date(2026, 11, 26))  # the next day: the date printed on the PDF changes
    next_day = get_pdf(client, network_pdf_path(world)).data
    assert "Printed on November 26, 2026" in "\n".join(pdf_text(next_day)[1]) and job_count(app) == 3


def test_every_pdf_report_goes_through_the_queue(app, client, login, world):
    login("beheerder")
    school = world.school_ids[0]
    for path in (f"/rapporten/scholen/{school}/dekking.pdf?year={YEAR_LABEL}",
                 f"/rapporten/scholen/{school}/cohort.pdf?start=2023-2024"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"].startswith("/taken/"), path
    assert [job_row(app, i).state for i in (1, 2)] == ["done", "done"]
    assert "cohort-" in job_row(app, 2).result_name


def test_a_small_network_is_made_in_the_request_when_the_setting_says_so(app, client, login, world):
    login("beheerder")
    app.config["REPORTS_BACKGROUND_SCHOOLS"] = 3  # the world network has 3 schools
    response = client.get(network_pdf_path(world))
    assert response.status_code == 200 and response.data.startswith(b"%PDF") and job_count(app) == 0
    app.config["REPORTS_BACKGROUND_SCHOOLS"] = 2
    use_language(client, "en")  # not in the cache yet
    assert client.get(network_pdf_path(world)).status_code == 303 and job_count(app) == 1


def test_the_framework_pdf_is_made_once_by_the_queue_and_then_served_from_the_cache(app, world):
    anonymous = app.test_client()
    first = anonymous.get("/rapporten/leerdoelenkader.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert app.test_client().get("/rapporten/leerdoelenkader.pdf").data == first.data
    assert job_count(app) == 1
    job = job_row(app, 1)
    assert job.user_id is None and job.state == "done" and job.kind == "reports.pdf"


def test_framework_pdf_visitors_wait_on_one_shared_job_without_any_rendering_in_the_request(
        app, world, queue, monkeypatch):
    def no_rendering_here(*args, **kwargs):
        raise AssertionError("a PDF was made in the web request")

    monkeypatch.setattr("wt_curriculum.reports.tasks.render_pdf_pages", no_rendering_here)
    for _visitor in range(4):
        response = app.test_client().get("/rapporten/leerdoelenkader.pdf")
        assert response.status_code == 202 and response.headers["Refresh"] == "5"
        assert "Het PDF-bestand wordt gemaakt." in response.text and "<script" not in response.text
    assert job_count(app) == 1 and job_row(app, 1).state == "queued"


def test_a_user_may_have_three_pdfs_in_preparation(app, client, login, world, queue):
    login("beheerder")
    school = world.school_ids[0]
    paths = [f"/rapporten/scholen/{school}/dekking.pdf?year={year}" for year in ("2024-2025", "2025-2026")]
    paths.append(network_pdf_path(world))
    for path in paths:
        assert client.get(path).status_code == 303
    assert client.get(paths[0]).headers["Location"] == "/taken/1"  # asking again finds the job it made
    refused = client.get(f"/rapporten/scholen/{school}/cohort.pdf?start=2023-2024")
    assert refused.status_code == 429
    assert "Je hebt al 3 taken in voorbereiding." in refused.text
    assert job_count(app) == 3


def test_a_pdf_job_reports_each_page_and_stops_when_it_is_cancelled(app, world):
    from wt_curriculum.core.jobs import JobCancelled
    from wt_curriculum.reports import tasks

    seen = []

    def progress(done, total=None, unit=None):
        seen.append(done)
        if done == 2:
            raise JobCancelled  # as job.progress does once the user has cancelled

    with app.test_request_context(), pytest.raises(JobCancelled):
        tasks.make_pdf(db.session, "network", {"network_id": world.network_id, "year": YEAR}, "nl", progress)
    assert seen == [0, 1, 2]  # the estimate's start, then page by page until the stop


def test_plan_changes_raise_the_plans_counter_and_content_changes_the_public_one(app, world):
    from tests.planning.builders import Builder
    from tests.reports.helpers import existing_packages
    from wt_curriculum.objectives.models import Goal

    def counters():
        with app.app_context():
            row = db.session.execute(select(ContentGeneration.value, ContentGeneration.plans)).one()
            return row.value, row.plans

    value, plans = counters()
    with app.app_context():
        b = Builder(db.session)
        existing_packages(b)
        b.plan(world.school_ids[1], YEAR, 6, "P3")
        db.session.commit()
    assert counters() == (value, plans + 1)  # public pages show no plans: their cache stays
    with app.app_context():
        db.session.scalars(select(Goal)).first().title = "Anders"
        db.session.commit()
    assert counters() == (value + 1, plans + 1)


def test_the_framework_pdfs_are_made_ahead_when_the_framework_changed(app, world, queue):
    from wt_curriculum.core.queue import huey
    from wt_curriculum.reports import tasks

    with app.app_context():
        huey.execute(tasks.prepare_framework_pdfs.s())  # as the consumer's scheduler runs it
    assert job_count(app) == 2 and {job_row(app, i).language for i in (1, 2)} == {"nl", "en"}
    with app.app_context():
        huey.execute(tasks.prepare_framework_pdfs.s())
    assert job_count(app) == 2  # still being made: no second pair
