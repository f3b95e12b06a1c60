from tests.access import only

RULES = [
    only("admin.users", "/beheer/gebruikers", ["beheerder"]),
    only("admin.new_user", "/beheer/gebruikers/nieuw", ["beheerder"]),
    only("admin.edit_user", "/beheer/gebruikers/{other_user_id}", ["beheerder"]),
    only("admin.audit_log", "/beheer/logboek", ["beheerder"]),
]
