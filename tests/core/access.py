from tests.access import only, public

RULES = [
    public("core.home", "/"),
    public("core.set_language", "/language", status=302, method="POST", data={"lang": "en", "next": "/"}),
    public("core.healthz", "/healthz"),
    public("core.accessibility", "/toegankelijkheid"),
    public("static", "/static/css/app.css"),
    only("core.audit_log", "/admin/audit", ["beheerder"]),
]
