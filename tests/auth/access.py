from tests.access import ANONYMOUS, ROLES, Rule, logged_in, only

RULES = [
    # A logged-in user who opens the login page is sent on to the home page.
    Rule("auth.login", "GET", "/login", {ANONYMOUS: 200, **{role: 302 for role in ROLES}}),
    only("auth.logout", "/logout", ROLES, ok=302, method="POST"),
    logged_in("auth.change_password", "/account/password"),
    only("auth.users", "/admin/users", ["beheerder"]),
    only("auth.new_user", "/admin/users/new", ["beheerder"]),
    only("auth.edit_user", "/admin/users/{other_user_id}", ["beheerder"]),
]
