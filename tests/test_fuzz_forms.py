"""Property-based: random and hostile values in every form never cause a server error.

Forms are found by loading every page of the access table as a role that may
see it and reading its POST forms; hypothesis then fills their fields.
"""
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import ANONYMOUS
from tests.access_world import RULES
from tests.conftest import login_as

HOSTILE = [
    "", " ", "0", "-1", "9", "99999999999999999999", "1e309", "NaN", "2026-2027", "2026-2028", "2026/2027",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "' OR 1=1 --",
    "%", "_", "\\", "*", "\"", "NEAR(a b)", "a AND OR NOT", "../../etc/passwd", "MN.1.1", "DG.3.1",
    "😀" * 50, "x" * 5000, "Ünïcødé – ‘quotes’", "\r\n\t", "null", "[]", "{}", "12AB00", "1970-01-01",
    "2026-02-30", "kern", "raakt", "vastgesteld", "gepubliceerd",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.integers(-5, 20).map(str))


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif (self._current is not None and tag in ("input", "select", "textarea") and attrs.get("name")
              and attrs.get("type") not in ("file", "submit")):
            self._current["fields"].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def discover_forms(app, users, values) -> list[tuple[str, str, dict]]:
    """(role, action path, default fields) for every POST form on every page in the access table."""
    found = {}
    for rule in RULES:
        if rule.method != "GET":
            continue
        role = next((r for r, status in rule.expect.items() if status == 200 and r != ANONYMOUS), None)
        if role is None:
            continue
        client = app.test_client()
        login_as(client, app, users[role])
        path = rule.path.format(**values)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = FormParser()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            action = urlsplit(form["action"]).path or urlsplit(path).path
            if action in ("/taal", "/uitloggen"):
                continue  # on every page; tested on their own
            found.setdefault((role, action), form["fields"])
    return [(role, action, fields) for (role, action), fields in sorted(found.items())]


def hostile_posts(client, action: str, names: list[str]):
    """A hypothesis test that posts random and hostile values for `names` to `action`."""

    @settings(max_examples=8, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.fixed_dictionaries({name: VALUES for name in names}))
    def post_hostile(data):
        response = client.post(action, data=data)
        assert response.status_code < 500, (action, data, response.status_code)

    return post_hostile


def test_no_form_answers_hostile_input_with_a_server_error(access_world):
    app, users, values = access_world
    forms = discover_forms(app, users, values)
    assert len(forms) >= 3, forms  # at least the account forms
    for role, action, defaults in forms:
        client = app.test_client()
        login_as(client, app, users[role])
        hostile_posts(client, action, [name for name in defaults if name != "csrf_token"])()
