import ast
import json
from pathlib import Path

from wt_curriculum.admin.audit_labels import ACTIONS

PACKAGE = Path(__file__).resolve().parents[2] / "wt_curriculum"


def test_admin_sees_who_changed_what(client, login, factory):
    login("beheerder")
    factory.user("leraar", email="juf.anna@example.org")
    body = client.get("/beheer/logboek").get_data(as_text=True)
    assert "Account aangemaakt" in body and "juf.anna@example.org (leraar)" in body
    assert "user.create" not in body  # the code is stored, the words are shown
    filtered = client.get("/beheer/logboek?kind=goal").get_data(as_text=True)
    assert "juf.anna@example.org" not in filtered


def test_audit_details_with_values_are_shown_in_the_readers_language(client, app, login):
    from wt_curriculum.core.services import record_audit
    from wt_curriculum.extensions import db

    login("beheerder")
    with app.app_context():
        record_audit(db.session, None, "plan.update", "plan_entry", 1,
                     json.dumps({"period": "okt", "taught_on": "2026-10-01"}))
        record_audit(db.session, None, "goal.restore", "goal", 1, "MN.1.1")
        record_audit(db.session, None, "something.new", "x", 1, "{not json")
        db.session.commit()
    dutch = client.get("/beheer/logboek").get_data(as_text=True)
    assert "Regel van een jaarplanning gewijzigd" in dutch and "periode: okt · gegeven op: 1 oktober 2026" in dutch
    assert "Eerdere versie van een leerdoel teruggezet" in dutch and "goal.restore" not in dutch
    assert "something.new" in dutch and "{not json" in dutch  # unknown codes and plain text as stored
    client.set_cookie("lang", "en")
    english = client.get("/beheer/logboek").get_data(as_text=True)
    assert "Year plan row changed" in english and "period: okt · taught on: October 1, 2026" in english
    assert "Earlier revision of a goal restored" in english


def _audit_actions() -> set[str]:
    """Every action code the code can write: the third argument of record_audit (f-strings expanded)."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record_audit" and len(node.args) > 2:
                arg = node.args[2]
                if isinstance(arg, ast.Constant):
                    found.add(arg.value)
                elif isinstance(arg, ast.IfExp):
                    found.update(a.value for a in (arg.body, arg.orelse) if isinstance(a, ast.Constant))
                elif isinstance(arg, ast.JoinedStr):
                    prefix = "".join(p.value for p in arg.values if isinstance(p, ast.Constant))
                    found.add(prefix + "*")
    return found


def test_every_audit_action_has_words():
    actions = _audit_actions()
    assert len(actions) > 25
    for action in actions:
        if action.endswith("*"):
            assert any(code.startswith(action[:-1]) for code in ACTIONS), action
        else:
            assert action in ACTIONS, f"{action} has no label in admin/audit_labels.py"
    for code in ("goal.create", "goal.update", "goal.publish", "goal.retire", "goal.restore",
                 "import.scholen", "import.netwerken", "import.goals", "import.packages", "import.plans"):
        assert code in ACTIONS


def test_audit_log_pages(client, app, login):
    from wt_curriculum.core.services import audit_log, record_audit
    from wt_curriculum.extensions import db

    login("beheerder")
    with app.app_context():
        for n in range(120):
            record_audit(db.session, None, "import.scholen", "school", n, f"regel {n}")
        db.session.commit()
        page = audit_log(db.session, page=3, per_page=50)
        assert (page.page, page.pages, page.total) == (3, 3, 121)
        assert len(page.rows) == 21
    body = client.get("/beheer/logboek?page=2&kind=import").get_data(as_text=True)
    assert "regel 69" in body and "regel 119" not in body and "Scholen geïmporteerd" in body
    assert client.get("/beheer/logboek?page=abc").status_code == 400  # a page number is digits (numbers.py)
    assert client.get("/beheer/logboek?page=-5").status_code == 400
