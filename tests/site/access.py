from tests.access import public
from wt_curriculum.site.old_paths import OLD_PATHS

EXAMPLE = {"<int:school_id>": "1", "<int:network_id>": "1", "<int:user_id>": "1", "<int:token_id>": "1",
           "<token>": "t", "<any(pdf, csv, xlsx):fmt>": "pdf"}


def _example(rule: str) -> str:
    for placeholder, value in EXAMPLE.items():
        rule = rule.replace(placeholder, value)
    return rule


RULES = [
    public("site.home", "/"),
    public("site.set_language", "/taal", status=302, method="POST", data={"lang": "en", "next": "/"}),
    public("site.healthz", "/healthz"),
    public("site.accessibility", "/toegankelijkheid"),
    public("site.favicon", "/favicon.ico"),
    public("static", "/static/css/app.css"),
    # Every old address redirects everyone, logged in or not (tests/site/test_old_paths.py checks where to).
    *[public(f"site.old_path_{number}", _example(old), status=308) for number, (old, _) in enumerate(OLD_PATHS)],
]
