"""Every route, requested as every role, answers as the access table says."""
import importlib
import pkgutil
from pathlib import Path

import pytest

from tests.access import ANONYMOUS, EVERYONE
from tests.conftest import login_as

AREA_MODULES = [
    importlib.import_module(f"tests.{info.name}.access")
    for info in pkgutil.iter_modules([str(Path(__file__).parent)])
    if info.ispkg and (Path(__file__).parent / info.name / "access.py").exists()
]
RULES = [rule for module in AREA_MODULES for rule in module.RULES]


@pytest.fixture
def world(factory):
    """One network with one school, a user for every role bound to them, and an extra account."""
    network_id = factory.network(code="NET-A")
    school_id = factory.school(network_id=network_id, brin="11AA")
    users = {
        role: factory.user(role, school_id=school_id if role in ("coordinator", "leraar") else None,
                           network_id=network_id if role == "netwerkcoordinator" else None)
        for role in EVERYONE if role != ANONYMOUS
    }
    values = {"network_id": network_id, "school_id": school_id, "other_user_id": factory.user("leraar").id}
    for module in AREA_MODULES:
        prepare = getattr(module, "prepare", None)
        if prepare:
            values.update(prepare(factory, values))
    return users, values


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_route_answers_each_role_as_the_table_says(app, world, rule):
    users, values = world
    path = rule.path.format(**values)
    for role in EVERYONE:
        client = app.test_client()
        if role != ANONYMOUS:
            login_as(client, app, users[role])
        response = client.open(path, method=rule.method, data=rule.data)
        assert response.status_code == rule.expect[role], f"{role} {rule.method} {path}"
        if role == ANONYMOUS and rule.login_redirect:
            assert "/login" in response.headers["Location"]


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
