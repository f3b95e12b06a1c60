"""The route x role access table.

Every area lists its routes in `tests/<area>/access.py` as RULES, with what
each role must get (`anonymous` included). tests/test_access.py requests every
rule as every role, and fails when an app route has no rule at all.
"""
from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
ROLES = ("beheerder", "redacteur", "netwerkcoordinator", "coordinator", "leraar")
EVERYONE = (ANONYMOUS, *ROLES)


@dataclass
class Rule:
    endpoint: str
    method: str
    path: str  # may hold {placeholders} from the world (see tests/test_access.py)
    expect: dict[str, int]
    data: dict = field(default_factory=dict)
    login_redirect: bool = False  # anonymous visitors are sent to the login page

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def public(endpoint: str, path: str, status: int = 200, method: str = "GET", data=None) -> Rule:
    """Everyone, logged in or not, gets `status`."""
    return Rule(endpoint, method, path, {role: status for role in EVERYONE}, data or {})


def only(endpoint: str, path: str, roles, ok: int = 200, method: str = "GET", data=None,
         anonymous: int = 302, others: int = 403) -> Rule:
    """`roles` get `ok`; other roles 403; anonymous visitors are sent to the login page."""
    expect = {role: (ok if role in roles else others) for role in ROLES}
    expect[ANONYMOUS] = anonymous
    return Rule(endpoint, method, path, expect, data or {}, login_redirect=anonymous == 302)


def logged_in(endpoint: str, path: str, ok: int = 200, method: str = "GET", data=None) -> Rule:
    return only(endpoint, path, ROLES, ok=ok, method=method, data=data)
