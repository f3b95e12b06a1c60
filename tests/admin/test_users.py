from sqlalchemy import select

from wt_curriculum.auth.models import User
from wt_curriculum.core.models import AuditEvent
from wt_curriculum.extensions import db


def user_form(**overrides):
    data = {"email": "nieuw@example.org", "name": "Nieuwe Leraar", "role": "leraar",
            "school_id": "", "network_id": "", "active": "y", "password": "een-sterk-wachtwoord"}
    data.update(overrides)
    return data


def test_admin_sees_all_accounts(client, login, factory):
    login("beheerder")
    other = factory.user("redacteur")
    body = client.get("/beheer/gebruikers").get_data(as_text=True)
    assert other.email in body and "Redacteur (SLO)" in body


def test_admin_creates_a_teacher_bound_to_a_school(client, app, login, factory):
    login("beheerder")
    school_id = factory.school()
    response = client.post("/beheer/gebruikers/nieuw", data=user_form(school_id=str(school_id)))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nieuw@example.org"))
        assert user.role == "leraar" and user.school_id == school_id and user.network_id is None
        assert user.check_password("een-sterk-wachtwoord")
        assert user.password_hash != "een-sterk-wachtwoord"
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == user.id)) == "user.create"


def test_bad_user_forms_are_refused_with_field_errors_and_keep_the_input(client, app, login, factory):
    login("beheerder")
    existing = factory.user("leraar")
    cases = [
        (user_form(), "Kies de school waar deze gebruiker bij hoort."),
        (user_form(role="netwerkcoordinator"), "Kies het netwerk dat deze gebruiker coördineert."),
        (user_form(role="redacteur", email=existing.email), "Er is al een account met dit e-mailadres."),
        (user_form(role="redacteur", password="wachtwoord123"), "Dit wachtwoord is te makkelijk te raden."),
        (user_form(role="redacteur", email="geen-adres"), "Ongeldig e-mailadres."),
    ]
    for data, message in cases:
        response = client.post("/beheer/gebruikers/nieuw", data=data)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert message in body, message
        assert data["name"] in body
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "nieuw@example.org")) is None


def test_admin_disables_an_account_but_not_their_own(client, app, login, factory):
    admin = login("beheerder")
    teacher = factory.user("leraar")
    response = client.post(f"/beheer/gebruikers/{teacher.id}", data=user_form(
        email=teacher.email, school_id=str(teacher.school_id), active=""))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, teacher.id).active is False
    response = client.post(f"/beheer/gebruikers/{admin.id}", data=user_form(
        email=admin.email, role="beheerder", active=""))
    assert "Je kunt je eigen account niet uitschakelen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin.id).active is True


def test_unknown_user_is_a_friendly_404(client, login):
    login("beheerder")
    response = client.get("/beheer/gebruikers/99999")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)
