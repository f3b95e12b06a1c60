from sqlalchemy import select

from wt_curriculum.auth.models import User
from wt_curriculum.extensions import db


def test_users_create_reads_the_password_twice_from_stdin(runner, app):
    result = runner.invoke(args=["users", "create", "admin@example.org", "--role", "beheerder"],
                           input="een-sterk-beheerwachtwoord\neen-sterk-beheerwachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "Created admin@example.org (beheerder)" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        assert user.role == "beheerder" and user.check_password("een-sterk-beheerwachtwoord")


def test_users_create_refuses_different_or_weak_passwords(runner, app):
    different = runner.invoke(args=["users", "create", "a@example.org", "--role", "beheerder"],
                              input="een-sterk-beheerwachtwoord\nander-wachtwoord-123\n")
    assert different.exit_code != 0 and "not the same" in different.output
    weak = runner.invoke(args=["users", "create", "a@example.org", "--role", "beheerder"], input="kort\nkort\n")
    assert weak.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None


def test_users_create_binds_school_roles_by_school_code(runner, app, factory):
    network_id = factory.network(code="WT-UTR")
    school_id = factory.school(network_id=network_id, brin="12AB", vestiging="01")
    result = runner.invoke(args=["users", "create", "juf@example.org", "--role", "leraar", "--school", "12ab01"],
                           input="een-sterk-wachtwoord\neen-sterk-wachtwoord\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "net@example.org", "--role", "netwerkcoordinator",
                                 "--network", "WT-UTR"], input="een-sterk-wachtwoord\neen-sterk-wachtwoord\n")
    assert result.exit_code == 0, result.output
    missing = runner.invoke(args=["users", "create", "x@example.org", "--role", "leraar"],
                            input="een-sterk-wachtwoord\neen-sterk-wachtwoord\n")
    assert missing.exit_code != 0
    unknown = runner.invoke(args=["users", "create", "y@example.org", "--role", "leraar", "--school", "99ZZ00"],
                            input="een-sterk-wachtwoord\neen-sterk-wachtwoord\n")
    assert unknown.exit_code != 0 and "No school" in unknown.output
    with app.app_context():
        juf = db.session.scalar(select(User).where(User.email == "juf@example.org"))
        net = db.session.scalar(select(User).where(User.email == "net@example.org"))
        assert juf.school_id == school_id and net.network_id == network_id


def test_users_create_refuses_an_address_that_is_not_one(runner, app):
    for address in ("not-an-email", "a@b", "juf@@school.nl", "juf @school.nl"):
        result = runner.invoke(args=["users", "create", address, "--role", "beheerder"],
                               input="een-sterk-beheerwachtwoord\neen-sterk-beheerwachtwoord\n")
        assert result.exit_code != 0, address
        assert "Dit is geen geldig e-mailadres." in result.output
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None


def test_users_list_shows_every_account_with_its_binding_and_state(runner, app, factory):
    network_id = factory.network(code="WT-ZWO")
    school_id = factory.school(network_id=network_id, brin="34CD", vestiging="02")
    factory.user("leraar", school_id=school_id, email="juf@example.org")
    factory.user("netwerkcoordinator", network_id=network_id, email="net@example.org")
    factory.user("redacteur", email="slo@example.org", active=False)
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "juf@example.org\tleraar\t34CD02\tactive\tlast login never" in lines
    assert "net@example.org\tnetwerkcoordinator\tWT-ZWO\tactive\tlast login never" in lines
    assert "slo@example.org\tredacteur\t-\tdisabled\tlast login never" in lines
    assert lines[-1] == "3 account(s)."
    only_teachers = runner.invoke(args=["users", "list", "--role", "leraar"]).output
    assert "juf@example.org" in only_teachers and "net@example.org" not in only_teachers


def test_users_set_password_gives_a_new_password_and_ends_the_sessions(runner, app, factory, client):
    from tests.conftest import PASSWORD, login_as

    user = login_as(client, app, factory.user("coordinator"))
    assert client.get("/account").status_code == 200
    weak = runner.invoke(args=["users", "set-password", user.email], input="kort\nkort\n")
    assert weak.exit_code != 0 and "Gebruik minstens 10 tekens." in weak.output
    different = runner.invoke(args=["users", "set-password", user.email],
                              input="nieuw-sterk-wachtwoord\nander-sterk-wachtwoord\n")
    assert different.exit_code != 0 and "not the same" in different.output
    unknown = runner.invoke(args=["users", "set-password", "nobody@example.org"], input="a\na\n")
    assert unknown.exit_code != 0 and "No account" in unknown.output
    with app.app_context():
        assert db.session.get(User, user.id).check_password(PASSWORD)
    result = runner.invoke(args=["users", "set-password", user.email.upper()],
                           input="nieuw-sterk-wachtwoord\nnieuw-sterk-wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "every session of the account has ended" in result.output
    with app.app_context():
        assert db.session.get(User, user.id).check_password("nieuw-sterk-wachtwoord")
    assert client.get("/account").status_code == 302
    login = app.test_client().post("/inloggen", data={"email": user.email, "password": "nieuw-sterk-wachtwoord"})
    assert login.status_code == 302


def test_users_disable_ends_sessions_and_revokes_tokens_for_good(runner, app, factory, client):
    from tests.api.helpers import bearer, make_token
    from tests.conftest import PASSWORD, login_as
    from wt_curriculum.api.models import ApiToken

    school_id = factory.school()
    user = login_as(client, app, factory.user("coordinator", school_id=school_id))
    secret = make_token(app, user.id)
    api = app.test_client()
    path = f"/api/v1/schools/{school_id}/coverage"
    assert api.get(path, headers=bearer(secret)).status_code == 200
    result = runner.invoke(args=["users", "disable", user.email])
    assert result.exit_code == 0, result.output
    assert f"Disabled {user.email}" in result.output
    assert "already disabled" in runner.invoke(args=["users", "disable", user.email]).output
    assert client.get("/account").status_code == 302
    assert api.get(path, headers=bearer(secret)).status_code == 401
    assert app.test_client().post("/inloggen", data={"email": user.email, "password": PASSWORD}).status_code == 200
    # Enabled again: the account logs in, the old token stays dead.
    assert runner.invoke(args=["users", "enable", user.email]).exit_code == 0
    assert app.test_client().post("/inloggen", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert api.get(path, headers=bearer(secret)).status_code == 401
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
        assert token.revoked_at is not None
