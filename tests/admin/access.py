from tests.access import only

RULES = [
    only("admin.users", "/beheer/gebruikers", ["beheerder"]),
    only("admin.new_user", "/beheer/gebruikers/nieuw", ["beheerder"]),
    only("admin.edit_user", "/beheer/gebruikers/{other_user_id}", ["beheerder"]),
    only("admin.audit_log", "/beheer/logboek", ["beheerder"]),
    only("admin.backups", "/beheer/back-ups", ["beheerder"]),
    only("admin.backups", "/beheer/back-ups", ["beheerder"], ok=303, method="POST"),  # queued: the job page
]
