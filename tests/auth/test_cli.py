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
