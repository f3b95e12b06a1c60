"""Forms report every problem at once; dates are read as 31-12-2026 as well as 2026-12-31."""
from datetime import date

import pytest

from wt_curriculum.dates import parse_date
from wt_curriculum.errors import Problems, ValidationError


@pytest.mark.parametrize("text, expected", [
    ("2026-12-31", date(2026, 12, 31)), ("31-12-2026", date(2026, 12, 31)), ("3-11-2025", date(2025, 11, 3)),
    ("03/11/2025", date(2025, 11, 3)), ("3.11.2025", date(2025, 11, 3)), (" 2026-1-5 ", date(2026, 1, 5)),
])
def test_dates_in_both_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "31-02-2026", "2026-13-01", "12-31-2026", "2026/12/31", "morgen", "31-12-26",
                                  "٣١-١٢-٢٠٢٦"])
def test_what_is_no_date(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_problems_are_raised_together():
    problems = Problems()
    problems.add("Geef een titel.", "title")

    def code_check():
        raise ValidationError("Een code is twee letters.", field="code")

    assert problems.check(code_check, default="?") == "?"
    problems.add("Algemeen probleem.")
    with pytest.raises(ValidationError) as raised:
        problems.raise_any()
    assert raised.value.problems == [("title", "Geef een titel."), ("code", "Een code is twee letters."),
                                     (None, "Algemeen probleem.")]
    assert raised.value.details == {"field": "title"}
    assert str(raised.value.message) == "Geef een titel. Een code is twee letters. Algemeen probleem."
    Problems().raise_any()  # nothing to say: no error


def test_the_user_form_shows_every_problem_at_once(app, client, login):
    login("beheerder")
    response = client.post("/beheer/gebruikers/nieuw", data={
        "email": "geen-adres", "name": "", "role": "leraar", "school_id": "", "network_id": "", "active": "y",
        "password": "kort"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # the form's own checks (e-mail, name) and the service's (school, password) in one answer
    assert "Kies de school waar deze gebruiker bij hoort." in html
    for field in ("email", "name", "school_id", "password"):
        assert f'id="{field}-error"' in html, field


def test_the_school_form_shows_every_problem_at_once(app, client, login):
    login("beheerder")
    response = client.post("/beheer/scholen/nieuw", data={"name": "", "brin": "1X", "vestiging": "ab",
                                                          "place": "", "network_id": ""})
    html = response.get_data(as_text=True)
    assert "Een BRIN-code bestaat uit twee cijfers en twee letters" in html
    assert "Een vestigingsnummer bestaat uit twee cijfers" in html
    for field in ("name", "brin", "vestiging"):
        assert f'id="{field}-error"' in html, field


def test_the_goal_form_shows_every_problem_at_once(app, client, login):
    from tests.lessons.helpers import make_goals

    make_goals(app, prefix="FM", count=1)
    login("redacteur")
    with app.app_context():
        from wt_curriculum.extensions import db
        from wt_curriculum.objectives.models import Strand

        strand = db.session.scalar(db.select(Strand).where(Strand.code == "FM.1"))
        domain_id, strand_id = strand.domain_id, strand.id
    response = client.post("/doelen/nieuw", data={"domain_id": domain_id, "strand_id": strand_id, "code": "XX.1",
                                                  "title": "", "description": "", "keywords": "", "note": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for field in ("code", "title", "groepen"):
        assert f'id="{field}-error"' in html, field


def test_the_package_form_shows_the_goals_problem_with_the_fields(app, client, login):
    from tests.lessons.helpers import make_goals

    make_goals(app, prefix="PF", count=1)
    network = login("netwerkcoordinator").network_id
    assert network is not None
    response = client.post("/lespakketten/nieuw", data={
        "title": "", "groepen": [], "lesson_count": "1", "minutes_per_lesson": "45", "licence": "CC-BY",
        "action": "save"})
    html = response.get_data(as_text=True)
    assert 'id="title-error"' in html and 'id="groepen-error"' in html
    assert 'id="goals-error"' in html  # not only after the title and groepen are put right


def test_dates_typed_the_dutch_way_are_accepted_in_forms(app, client, login, factory):
    from tests.consultations.helpers import make_goals as consultation_goals
    from wt_curriculum.consultations.models import ConsultationRound
    from wt_curriculum.extensions import db

    codes = consultation_goals(app, n=1, publish=(1,))
    login("redacteur")
    response = client.post("/consultaties/nieuw", data={
        "title": "Ronde met datums", "explanation": "Reageer.", "starts_on": "1-12-2026", "ends_on": "31-12-2026",
        "audiences": ["leraren"], "scope": "goals", "goal_codes": codes[0]})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        round_ = db.session.scalar(db.select(ConsultationRound).where(ConsultationRound.title == "Ronde met datums"))
        assert (round_.starts_on, round_.ends_on) == (date(2026, 12, 1), date(2026, 12, 31))
    refused = client.post("/consultaties/nieuw", data={
        "title": "Ronde met een kapotte datum", "explanation": "Reageer.", "starts_on": "31-02-2026",
        "ends_on": "31-12-2026", "audiences": ["leraren"], "scope": "goals", "goal_codes": codes[0]})
    assert "Vul een datum in zoals 31-12-2026 of 2026-12-31." in refused.get_data(as_text=True)
