"""Hostile requests, route-wide: no URL, id, query value or method a user or a bot can send ends in a 5xx.

Walks `app.url_map`: for every rule, every method and every path argument it sends hostile values (huge,
negative, zero, non-ASCII digits, NUL, CR/LF, invalid UTF-8 percent escapes, 5,000 characters, path
traversal) as a visitor and as each role, the other arguments filled with values that exist in the access
world; then hostile values for every query parameter the pages use (read from the views' code and from the
GET forms on the pages). One world, copied for each part of the walk, so parallel test processes share it.
"""
import ast
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from werkzeug.exceptions import HTTPException

from tests.access import ANONYMOUS, EVERYONE
from tests.access_world import RULES
from tests.conftest import login_as

PACKAGE = Path(__file__).resolve().parent.parent / "wt_curriculum"

# As they appear in a URL (already percent-encoded where a browser or a bot would encode them).
HOSTILE = [
    "0", "-1", "9999999999999999999999999", "2147483648", "1.5", quote("²⁰²⁶-²⁰²⁷"), quote("٣"), "MN.1.1%00",
    "%0D%0Ax", "%FF%FE", "x" * 5000, "..%2F..%2Fetc%2Fpasswd", "%2E%2E", quote("<script>"),
]
ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([A-Za-z_][A-Za-z0-9_]*)>")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# The walks over the path arguments and the query values are split in parts, so that parallel test processes share it.
PATH_SHARDS = 3
QUERY_SHARDS = 3


def _valid_arguments(app, values) -> dict[str, dict]:
    """endpoint -> path arguments that exist in the world (from the access table's paths)."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, dict] = {}
    for rule in RULES:
        path = rule.path.format(**values).split("?")[0]
        try:
            endpoint, arguments = adapter.match(path, method=rule.method)
        except HTTPException:  # a redirect, or a method the table tries on purpose
            endpoint, arguments = None, {}
        if endpoint:
            found.setdefault(endpoint, {k: quote(str(v), safe="") for k, v in arguments.items()})
    return found


def _fill(rule, arguments: dict[str, str]) -> str:
    return ARGUMENT.sub(lambda m: arguments[m.group(1)], rule.rule)


def _fallback(rule, name: str) -> str:
    converter = rule._converters[name]
    if hasattr(converter, "items"):  # <any(a, b):name>
        return next(iter(converter.items))
    return "1" if type(converter).__name__ == "WholeNumberConverter" else "x"


def _clients(app, users):
    clients = {ANONYMOUS: app.test_client()}
    for role in EVERYONE:
        if role != ANONYMOUS:
            clients[role] = app.test_client()
            login_as(clients[role], app, users[role])
    return clients


def _server_errors(client, method: str, url: str) -> str | None:
    response = client.open(url, method=method)
    if response.status_code >= 500:
        return f"{method} {url[:120]}: {response.status_code}"
    return None


def _hostile_path_arguments(app, users, values, clients, shard: int) -> list[str]:
    """Every rule, method and path argument of the url_map, with each hostile value: the rules of one shard."""
    valid = _valid_arguments(app, values)
    problems, sent, rules = [], 0, 0
    with_arguments = [rule for rule in app.url_map.iter_rules()
                      if rule.endpoint != "static" and ARGUMENT.search(rule.rule)]
    for rule in with_arguments[shard::PATH_SHARDS]:
        names = ARGUMENT.findall(rule.rule)
        rules += 1
        base = {name: _fallback(rule, name) for name in names} | valid.get(rule.endpoint, {})
        methods = [m for m in METHODS if m in rule.methods]
        for name in names:
            for number, value in enumerate(HOSTILE):
                url = _fill(rule, {**base, name: value})
                for method in methods + (["DELETE"] if number == 0 else []):  # and one it does not allow
                    # Every value as the administrator (who reaches furthest); the other roles and the visitor
                    # take turns.
                    for role in ("beheerder", EVERYONE[(number + len(method)) % len(EVERYONE)]):
                        sent += 1
                        if problem := _server_errors(clients[role], method, url):
                            problems.append(f"{role} {problem}")
    assert rules >= 75 // PATH_SHARDS and sent > 2500 // PATH_SHARDS
    return problems


class GetFormFields(HTMLParser):
    """Names of the fields of the GET forms on a page: the query parameters people send."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif self._in_get_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _query_parameters_by_module() -> dict[str, set[str]]:
    """module -> every `request.args.get("x")`/`getlist("x")`, `_year("x")` and `query_whole("x")` in it."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = "wt_curriculum." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        names = found.setdefault(module.removesuffix(".__init__"), set())
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            func = node.func
            reads_args = (isinstance(func, ast.Attribute) and func.attr in ("get", "getlist")
                          and isinstance(func.value, ast.Attribute) and func.value.attr == "args")
            if reads_args or (isinstance(func, ast.Name) and func.id in ("_year", "query_whole")):
                names.add(node.args[0].value)
    return found


QUERY_HOSTILE = ["-1", "9999999999999999999999999", quote("²⁰²⁶-²⁰²⁷"), "%00", "/%0D%0Ax", "%FF%FE", "x" * 5000,
                 "2026-2028"]


def _hostile_query_values(app, users, values, clients, shard: int) -> list[str]:
    """Every GET page of the access table, with hostile values for each query parameter its view's module
    reads and each field of the GET forms on it (plus `page`, `jaar` and `next` everywhere): one shard."""
    by_module = _query_parameters_by_module()
    problems, sent = [], 0
    pages, seen = [], set()  # the first GET rule of each endpoint
    for rule in RULES:
        if rule.method == "GET" and rule.endpoint not in seen:
            seen.add(rule.endpoint)
            pages.append(rule)
    for rule in pages[shard::QUERY_SHARDS]:
        path = rule.path.format(**values)
        roles = [r for r in EVERYONE if rule.expect[r] == 200] or [ANONYMOUS]
        page = clients[roles[0]].get(path)
        if page.status_code >= 500:
            problems.append(f"{roles[0]} GET {path}: {page.status_code}")
            continue
        parser = GetFormFields()
        if page.mimetype == "text/html":
            parser.feed(page.get_data(as_text=True))
        names = {"page", "jaar", "next"} | by_module.get(app.view_functions[rule.endpoint].__module__, set())
        separator = "&" if "?" in path else "?"
        for turn, name in enumerate(sorted(names | parser.names)):
            # Each parameter gets three of the hostile values, taking turns, so that every value meets every
            # page without multiplying the requests.
            for number in range(turn, turn + 3):
                value = QUERY_HOSTILE[number % len(QUERY_HOSTILE)]
                role = roles[(number + len(name)) % len(roles)]
                sent += 1
                if problem := _server_errors(clients[role], "GET", f"{path}{separator}{name}={value}"):
                    problems.append(f"{role} {problem}")
    assert sent > 600 // QUERY_SHARDS
    return problems


def _hostile_next_on_actions(app, users, values) -> list[str]:
    """Every POST of the access table, with a hostile `next` in the query and in the form (it changes the world:
    last)."""
    problems = []
    for rule in RULES:
        if rule.method == "GET":
            continue
        path = rule.path.format(**values)
        separator = "&" if "?" in path else "?"
        for role in (ANONYMOUS, next((r for r in EVERYONE if rule.expect[r] < 400), "beheerder")):
            for value in ("/%0D%0Ax", "%00", "//evil.example", quote("²")):
                client = app.test_client()
                if role != ANONYMOUS:
                    login_as(client, app, users[role])
                response = client.open(f"{path}{separator}next={value}", method=rule.method,
                                       data={**rule.data, "next": value.replace("%0D%0A", "\r\n")})
                if response.status_code >= 500:
                    problems.append(f"{role} {rule.method} {path} next={value}: {response.status_code}")
    return problems


def _assert_none(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} server errors:\n" + "\n".join(problems[:80])


@pytest.mark.parametrize("shard", range(PATH_SHARDS))
def test_no_hostile_path_argument_gives_a_server_error(access_world, shard):
    """Each a fresh copy of the access world (building it is the slow part, and done once)."""
    app, users, values = access_world
    _assert_none(_hostile_path_arguments(app, users, values, _clients(app, users), shard))


@pytest.mark.parametrize("shard", range(QUERY_SHARDS))
def test_no_hostile_query_value_gives_a_server_error(access_world, shard):
    app, users, values = access_world
    _assert_none(_hostile_query_values(app, users, values, _clients(app, users), shard))


def test_no_hostile_next_on_an_action_gives_a_server_error(access_world):
    app, users, values = access_world
    _assert_none(_hostile_next_on_actions(app, users, values))


# --- The examples of issue 15, each on its own ---------------------------------------------------------------

def test_whole_numbers_are_ascii_digits_inside_the_range():
    from wt_curriculum.numbers import MAX_ID, whole_or_none

    assert whole_or_none("42") == 42 and whole_or_none(" 7 ") == 7 and whole_or_none(str(MAX_ID)) == MAX_ID
    for bad in ("²", "٣", "²⁰²⁶", str(MAX_ID + 1), "9223372036854775808", "-1", "1.5", "1e3", "", "0x1", None, "\x00"):
        assert whole_or_none(bad) is None, bad
    assert whole_or_none("0", low=1) is None and whole_or_none("9", 1, 8) is None


def test_every_int_in_a_route_is_the_bounded_converter(app):
    from wt_curriculum.numbers import MAX_ID, WholeNumberConverter

    converters = [c for rule in app.url_map.iter_rules() for c in rule._converters.values()]
    assert not [c for c in converters if type(c).__name__ in ("IntegerConverter", "NumberConverter")]
    numbers = [c for c in converters if isinstance(c, WholeNumberConverter)]
    assert len(numbers) > 50 and {(c.min, c.max) for c in numbers} == {(1, MAX_ID)}


def test_ids_beyond_the_column_range_are_not_found(app, client, login, factory):
    assert client.get("/lespakketten/9999999999999999999999999").status_code == 404
    assert client.get(f"/lespakketten/{2**31}").status_code == 404
    api = client.get("/api/v1/packages/9223372036854775808")
    assert api.status_code == 404 and api.get_json()["error"]["status"] == 404
    assert client.get("/lespakketten/%C2%B2").status_code == 404  # '²'
    login("beheerder")
    assert client.get(f"/beheer/gebruikers/{10**20}").status_code == 404
    assert client.post(f"/plan/{10**20}/gegeven").status_code == 404


def test_the_api_schema_and_its_parser_agree_on_the_bounds(app, client):
    from wt_curriculum.numbers import MAX_ID

    document = client.get("/api/v1/openapi.json").get_json()
    integer_params = [p for op in document["paths"].values() for o in op.values() for p in o["parameters"]
                      if p["schema"].get("type") == "integer"
                      and p["name"] not in ("page", "per_page", "groep", "limit", "offset")]
    assert integer_params and {p["schema"]["maximum"] for p in integer_params} == {MAX_ID}
    # The largest documented value is accepted (once a 10-digit pattern refused it), one more is a clear 400.
    assert client.get(f"/api/v1/packages?network={MAX_ID}").status_code == 200
    too_big = client.get(f"/api/v1/packages?network={MAX_ID + 1}")
    assert too_big.status_code == 400 and too_big.get_json()["error"]["details"]["parameter"] == "network"
    assert client.get(f"/api/v1/packages/{MAX_ID}").status_code == 404


def test_non_ascii_digits_in_a_school_year_are_a_400_in_dutch(app, client, login, factory):
    user = login("coordinator")
    for path in (f"/scholen/{user.school_id}/dekking", f"/scholen/{user.school_id}/plan",
                 f"/scholen/{user.school_id}/cohort?x=", f"/rapporten/scholen/{user.school_id}/dekking",
                 "/uitwisseling/jaarplanningen/export"):
        name = "start" if "cohort" in path else "year" if path.startswith("/rapporten") else "jaar"
        response = client.get(f"{path.removesuffix('?x=')}?{name}=²⁰²⁶-²⁰²⁷")
        assert response.status_code == 400, path
        assert "2026-2027" in response.get_data(as_text=True), path


def test_a_page_number_that_is_not_one_is_a_400(app, client):
    assert client.get("/lespakketten?page=%C2%B2").status_code == 400
    assert client.get("/lespakketten?page=99999999999999999999").status_code == 400
    assert client.get("/lespakketten?page=2").status_code == 200


def test_nul_in_a_path_is_refused_before_the_database_sees_it(app, client):
    assert client.get("/doelen/MN.1.1%00").status_code == 400
    assert client.get("/api/v1/goals/MN%00").status_code == 400
    assert client.get("/doelen/MN.1.1%0D%0A").status_code == 400


def test_a_next_with_cr_lf_falls_back_to_the_default(app, client, factory):
    user = factory.user("leraar")
    response = client.post("/inloggen?next=/%0D%0Ax", data={"email": user.email, "password": user.password})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/inloggen?next=/%0D%0Ax").headers["Location"] == "/"
    language = client.post("/taal", data={"lang": "en", "next": "/\r\nset-cookie: x=1"})
    assert language.status_code == 302 and language.headers["Location"] == "/"
    assert client.post("/taal", data={"lang": "nl", "next": "/x\x00"}).status_code == 400
    for bad in ("//evil.example", "/\\evil.example", "https://evil.example/", "/x\x7f", "/" + "x" * 3000):
        assert client.post("/taal", data={"lang": "nl", "next": bad}).headers["Location"] == "/", bad
    assert client.post("/taal", data={"lang": "nl", "next": "/doelen?x=1"}).headers["Location"] == "/doelen?x=1"


def test_adding_to_a_plan_with_a_bad_next_commits_once_and_goes_to_a_safe_page(app, client, login):
    from sqlalchemy import func, select

    from tests.planning.builders import Builder, base_framework
    from wt_curriculum.extensions import db
    from wt_curriculum.planning.models import PlanEntry

    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        school = b.school(network_id)
        db.session.commit()
        package_id = next(iter(b.packages.values())).id
    login("coordinator", school_id=school)
    response = client.post("/plan/toevoegen", data={"package_id": str(package_id), "school_year": "2026-2027",
                                                    "groep": "1", "next": "/\r\nx"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlanEntry)) == 1
    huge = client.post("/plan/toevoegen", data={"package_id": "9" * 30, "school_year": "2026-2027", "groep": "1",
                                                "school_id": "²"})
    assert huge.status_code == 302


def test_the_package_form_ignores_goal_ids_that_are_not_numbers(app, client, login, factory):
    from tests.lessons.helpers import make_goals

    network_id = factory.network()
    goals = make_goals(app, prefix="HX", count=1)
    login("netwerkcoordinator", network_id=network_id)
    response = client.post("/lespakketten/nieuw", data={"title": "", "goal_id": ["²", "9" * 30, str(*goals.values())],
                                                         "add_goal": "٣", "remove_goal": "²"})
    assert response.status_code == 200


def test_a_405_says_which_methods_are_allowed(app, client):
    response = client.delete("/lespakketten")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    api = client.post("/api/v1/packages")
    assert api.status_code == 405 and "GET" in api.headers["Allow"] and api.get_json()["error"]["status"] == 405
