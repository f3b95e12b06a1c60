"""Every route, requested as every role, answers as the access table (tests/<area>/access.py) says."""
import pytest

from tests.access import ANONYMOUS, EVERYONE
from tests.access_world import AREA_MODULES, RULES
from tests.conftest import login_as

GET_RULES = {area: [r for r in module.RULES if r.method == "GET"] for area, module in AREA_MODULES.items()}
OTHER_RULES = [r for r in RULES if r.method != "GET"]


def check(app, users, values, rule) -> list[str]:
    """What differs from the table for this rule, one line per role."""
    problems = []
    path = rule.path.format(**values)
    for role in EVERYONE:
        client = app.test_client()
        if role != ANONYMOUS:
            login_as(client, app, users[role])
        response = client.open(path, method=rule.method, data=rule.data)
        if response.status_code != rule.expect[role]:
            problems.append(f"{role} {rule.method} {path}: {response.status_code}, expected {rule.expect[role]}")
        elif role == ANONYMOUS and rule.login_redirect and "/inloggen" not in response.headers["Location"]:
            problems.append(f"{role} {rule.method} {path}: redirected to {response.headers['Location']}")
    return problems


@pytest.mark.parametrize("area", [a for a, rules in GET_RULES.items() if rules])
def test_pages_of_each_area_answer_each_role_as_the_table_says(access_world, area):
    # Reading does not change the world, so one copy of it serves all of an area's GET routes.
    app, users, values = access_world
    problems = [p for rule in GET_RULES[area] for p in check(app, users, values, rule)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rule", OTHER_RULES, ids=[r.id for r in OTHER_RULES])
def test_each_action_answers_each_role_as_the_table_says(access_world, rule):
    app, users, values = access_world
    problems = check(app, users, values, rule)
    assert not problems, "\n".join(problems)


def test_every_route_has_an_access_rule(app):
    covered = {rule.endpoint for rule in RULES}
    missing = sorted(ep for ep in app.view_functions if ep not in covered)
    assert not missing, f"routes without an entry in the access table: {missing}"


def test_every_view_carries_a_permission_decorator(app):
    undecorated = sorted(
        endpoint for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access")
    )
    assert not undecorated, f"views without @public or @roles_required: {undecorated}"
