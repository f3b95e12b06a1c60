from sqlalchemy import select
from werkzeug.datastructures import MultiDict

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


# --- Issue 15: accounts have a version; two administrators never silently revert each other --------------------


def _opened(client, path):
    from tests.core.test_concurrency import form_with

    return form_with(client.get(path).get_data(as_text=True), "version")


def test_two_administrators_editing_one_account_do_not_revert_each_other(app, client, login, factory):
    from tests.core.test_concurrency import fill, form_with
    from tests.organisations.test_admin import _conflict_rows

    login("beheerder")
    school_id = factory.school(name="Accountschool")
    teacher = factory.user("leraar", school_id=school_id)
    with app.app_context():
        name = db.session.get(User, teacher.id).name
    path = f"/beheer/gebruikers/{teacher.id}"
    mine, theirs = _opened(client, path), _opened(client, path)
    assert dict(mine)["version"] == "1"
    assert client.post(path, data=MultiDict(fill(theirs, name="Hun naam", groepen=["3", "4"]))).status_code == 302
    answer = client.post(path, data=MultiDict(fill(mine, active=[])))  # mine: disable the account
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Iemand anders heeft dit account opgeslagen nadat je het opende" in page
    assert _conflict_rows(page) == {
        "Naam door iemand anders gewijzigd": [name, "Hun naam", name],
        "Eigen groepen (voor leraren) door iemand anders gewijzigd": ["(leeg)", "3, 4", "(leeg)"],
        "Kan inloggen": ["ja", "ja", "nee"],
    }
    with app.app_context():
        user = db.session.get(User, teacher.id)
        assert (user.name, user.groepen_mask, user.active, user.version) == ("Hun naam", 0b1100, True, 2)
    # Saved again from the conflict page (it carries version 2): a deliberate choice, and it wins.
    again = form_with(page, "version")
    assert dict(again)["version"] == "2"
    assert client.post(path, data=MultiDict(again)).status_code == 302
    with app.app_context():
        user = db.session.get(User, teacher.id)
        assert (user.name, user.active, user.version) == (name, False, 3)


def test_signing_in_does_not_count_as_an_edit_of_the_account(app, client, login, factory):
    """The version is not SQLAlchemy's version counter: a login (last_login_at) while the form is open is fine."""
    from tests.conftest import PASSWORD
    from tests.core.test_concurrency import fill

    login("beheerder")
    teacher = factory.user("leraar", school_id=factory.school())
    path = f"/beheer/gebruikers/{teacher.id}"
    mine = _opened(client, path)
    other = app.test_client()
    assert other.post("/inloggen", data={"email": teacher.email, "password": PASSWORD}).status_code == 302
    with app.app_context():
        assert db.session.get(User, teacher.id).last_login_at is not None
    assert client.post(path, data=MultiDict(fill(mine, name="Nieuwe naam"))).status_code == 302
    with app.app_context():
        assert (db.session.get(User, teacher.id).name, db.session.get(User, teacher.id).version) == ("Nieuwe naam", 2)


def test_disabling_an_account_moves_its_version_on(app, client, login, factory):
    """`flask user disable` while the form is open: saving the old form (still "can log in") is a conflict."""
    from tests.core.test_concurrency import fill

    login("beheerder")
    teacher = factory.user("leraar", school_id=factory.school())
    with app.app_context():
        name = db.session.get(User, teacher.id).name
    path = f"/beheer/gebruikers/{teacher.id}"
    mine = _opened(client, path)
    result = app.test_cli_runner().invoke(args=["users", "disable", teacher.email])
    assert result.exit_code == 0, result.output
    assert client.post(path, data=MultiDict(fill(mine, name="Nog actief?"))).status_code == 409
    with app.app_context():
        user = db.session.get(User, teacher.id)
        assert (user.active, user.name, user.version) == (False, name, 2)
