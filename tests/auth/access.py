from tests.access import ANONYMOUS, ROLES, Rule, logged_in, only, public

RULES = [
    # A logged-in user who opens the login page is sent on to the home page.
    Rule("auth.login", "GET", "/inloggen", {ANONYMOUS: 200, **{role: 302 for role in ROLES}}),
    only("auth.logout", "/uitloggen", ROLES, ok=302, method="POST"),
    logged_in("auth.change_password", "/account/wachtwoord"),
    logged_in("auth.account", "/account"),
    logged_in("auth.two_factor_page", "/account/tweestapsverificatie"),
    only("auth.two_factor_off", "/account/tweestapsverificatie/uit", ROLES, ok=303, method="POST",
         data={"code": "000000"}),
    # Without a password step first, the code page sends everyone back to the login page.
    Rule("auth.login_code", "GET", "/inloggen/code", {ANONYMOUS: 302, **{role: 302 for role in ROLES}}),
    public("auth.forgot_password", "/wachtwoord-vergeten"),
    # Federated sign-in is off without WT_OIDC_* settings (tests/auth/test_oidc.py runs it against a provider).
    public("auth.oidc_start", "/inloggen/federatie", status=404),
    public("auth.oidc_callback", "/inloggen/federatie/terug?code=x&state=y", status=404),
    public("auth.forgot_password", "/wachtwoord-vergeten", method="POST", data={"email": "x@example.org"}),
    public("auth.reset_password", "/wachtwoord-herstellen/not-a-real-link", status=404),
    only("auth.logout_everywhere", "/account/overal-uitloggen", ROLES, ok=302, method="POST"),
]
