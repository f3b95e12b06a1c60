"""Experiences with packages (issue 21): only a teacher whose school taught the package in that groep may share
one; the owning network approves or rejects; the rating (mean of approved ones) shows on the package page, in
search (sort=waardering) and in the API."""
from datetime import date

import pytest
from sqlalchemy import select

from tests.planning.builders import Builder
from wt_curriculum.extensions import db
from wt_curriculum.planning.experiences import Rating, package_ratings
from wt_curriculum.planning.models import Experience


@pytest.fixture
def world(app, factory):
    with app.app_context():
        b = Builder(db.session)
        own, other = b.network("EOWN"), b.network("EOTH")
        b.domain("E")
        b.strand("E.S", "E")
        b.goal("E.S.1", "E.S", [3, 4, 5])
        hoog = b.package("Hoog gewaardeerd", [3, 4], {"E.S.1": "kern"}, own).id
        laag = b.package("Laag gewaardeerd", [3, 4], {"E.S.1": "kern"}, own).id
        b.package("Zonder ervaring", [3, 4], {"E.S.1": "kern"}, own)
        school, elsewhere = b.school(own, "Ervaringsschool"), b.school(other, "Andere school")
        b.plan(school, 2025, 3, "Hoog gewaardeerd", taught_on=date(2026, 2, 1))
        b.plan(school, 2026, 4, "Hoog gewaardeerd")  # planned, not taught, in groep 4
        b.plan(school, 2025, 3, "Laag gewaardeerd", taught_on=date(2026, 2, 1))
        db.session.commit()
    return {"own": own, "other": other, "school": school, "elsewhere": elsewhere, "hoog": hoog, "laag": laag,
            "teacher": factory.user("leraar", school_id=school),
            "outsider": factory.user("leraar", school_id=elsewhere),
            "moderator": factory.user("netwerkcoordinator", network_id=own),
            "other_moderator": factory.user("netwerkcoordinator", network_id=other)}


def share(client, package_id, groep="3", rating="5", text="Leerlingen waren enthousiast"):
    return client.post(f"/lespakketten/{package_id}/ervaring", data={"groep": groep, "rating": rating, "text": text})


def experiences(app):
    with app.app_context():
        return [(e.package_id, e.groep, e.rating, e.status) for e in db.session.scalars(
            select(Experience).order_by(Experience.id))]


def test_only_a_school_that_taught_it_in_that_groep_may_share(app, client, world):
    from tests.conftest import login_as

    login_as(client, app, world["outsider"])
    assert share(client, world["hoog"]).status_code == 302
    assert "Je school heeft dit lespakket niet als gegeven gemarkeerd in groep 3." in client.get(
        f"/lespakketten/{world['hoog']}").text
    login_as(client, app, world["teacher"])
    share(client, world["hoog"], groep="4")  # planned in groep 4, never taught there
    share(client, world["hoog"], rating="9")
    assert experiences(app) == []
    page = client.get(f"/lespakketten/{world['hoog']}").text
    assert "Deel je ervaring" in page and '<option value="3">groep 3</option>' in page
    assert '<option value="4">' not in page.split("exp-groep")[1].split("</select>")[0]
    response = share(client, world["hoog"])
    assert response.status_code == 302
    assert experiences(app) == [(world["hoog"], 3, 5, "pending")]
    # Not shown until the network approves it.
    assert "Nog geen ervaringen gedeeld." in client.get(f"/lespakketten/{world['hoog']}").text


def test_the_owning_network_moderates_and_the_rating_shows_everywhere(app, client, world):
    from tests.api.helpers import bearer, make_token  # noqa: F401
    from tests.conftest import login_as

    login_as(client, app, world["teacher"])
    share(client, world["hoog"], rating="5", text="Top")
    share(client, world["hoog"], rating="4", text="Goed")
    share(client, world["laag"], rating="2", text="Te moeilijk")
    share(client, world["laag"], rating="1", text="Niet doen")
    with app.app_context():
        ids = list(db.session.scalars(select(Experience.id).order_by(Experience.id)))

    login_as(client, app, world["other_moderator"])
    assert client.get(f"/netwerken/{world['own']}/ervaringen").status_code == 403
    assert client.post(f"/ervaringen/{ids[0]}/goedkeuren").status_code == 403

    login_as(client, app, world["moderator"])
    page = client.get(f"/netwerken/{world['own']}/ervaringen").text
    assert "4 ervaringen wachten op jou" in page and "Te moeilijk" in page
    for i in (0, 1, 2):
        assert client.post(f"/ervaringen/{ids[i]}/goedkeuren").status_code == 302
    assert client.post(f"/ervaringen/{ids[3]}/afwijzen").status_code == 302
    assert [s for *_, s in experiences(app)] == ["approved", "approved", "approved", "rejected"]
    assert "Er wachten geen ervaringen op beoordeling." in client.get(f"/netwerken/{world['own']}/ervaringen").text

    with app.app_context():
        ratings = package_ratings(db.session, [world["hoog"], world["laag"]])
    assert ratings == {world["hoog"]: Rating(4.5, 2), world["laag"]: Rating(2.0, 1)}

    client.post("/uitloggen")
    page = client.get(f"/lespakketten/{world['hoog']}").text  # anonymous: the cache renews on approval
    assert "Gewaardeerd met 4,5 van 5 door 2 leraren" in page and "Top" in page and "Ervaringsschool" in page
    low = client.get(f"/lespakketten/{world['laag']}").text
    assert "Gewaardeerd met 2,0 van 5 door 1 leraar" in low and "Niet doen" not in low

    html = client.get("/lespakketten?sort=waardering").text
    assert html.index("Hoog gewaardeerd") < html.index("Laag gewaardeerd") < html.index("Zonder ervaring")
    assert "gewaardeerd met 4,5 van 5" in html

    items = {i["title"]: i["rating"] for i in client.get("/api/v1/packages").json["items"]}
    assert items == {"Hoog gewaardeerd": {"average": 4.5, "count": 2}, "Laag gewaardeerd": {"average": 2.0, "count": 1},
                     "Zonder ervaring": None}
    assert client.get(f"/api/v1/packages/{world['hoog']}").json["rating"] == {"average": 4.5, "count": 2}


def test_moderating_an_unknown_experience_is_a_404(app, client, world):
    from tests.conftest import login_as

    login_as(client, app, world["moderator"])
    assert client.post("/ervaringen/987654/goedkeuren").status_code == 404


def test_the_use_and_experiences_are_rendered_once_for_everyone_and_the_form_goes_inside(app, client, world,
                                                                                         count_queries):
    """The package page's shared sections (use in schools, rating) are one cached fragment for every viewer,
    rendered again when year plans or experiences change; the form of a school that taught it sits inside."""
    from tests.conftest import login_as

    page = app.test_client().get(f"/lespakketten/{world['hoog']}").text  # anonymous: renders the sections
    assert "Nog geen ervaringen gedeeld." in page and "Deel je ervaring" not in page
    login_as(client, app, world["teacher"])
    with count_queries() as teacher:
        page = client.get(f"/lespakketten/{world['hoog']}").text
    experiences_section = page.split('id="experiences-title"')[1].split("</section>")[0]
    assert "Deel je ervaring" in experiences_section and 'id="exp-groep"' in experiences_section
    # From the cache: neither the rating nor the use per school year is read again (only the taught groepen).
    assert not any("package_experience" in s for s in teacher.statements)
    assert not any("GROUP BY plan_entry.school_year" in s for s in teacher.statements)
    assert "fragment_slot" not in page and "\x1e" not in page
    outsider = app.test_client()
    login_as(outsider, app, world["outsider"])
    assert "Deel je ervaring" not in outsider.get(f"/lespakketten/{world['hoog']}").text

    # A new plan of another school changes the use shown to everyone at the next request.
    assert "2026-2027: gepland door 1 school" in page
    with app.app_context():
        from wt_curriculum.planning.models import PlanEntry

        db.session.add(PlanEntry(school_id=world["elsewhere"], school_year=2026, groep=3, package_id=world["hoog"]))
        db.session.commit()
    assert "2026-2027: gepland door 2 scholen" in outsider.get(f"/lespakketten/{world['hoog']}").text
    assert "2026-2027: gepland door 2 scholen" in client.get(f"/lespakketten/{world['hoog']}").text
