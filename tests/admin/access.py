from tests.access import only

RULES = [
    only("admin.users", "/beheer/gebruikers", ["beheerder"]),
    only("admin.new_user", "/beheer/gebruikers/nieuw", ["beheerder"]),
    only("admin.edit_user", "/beheer/gebruikers/{other_user_id}", ["beheerder"]),
    # Without mail settings the link is shown to the administrator to hand over.
    only("admin.reset_link", "/beheer/gebruikers/{other_user_id}/herstellink", ["beheerder"], method="POST"),
    only("admin.audit_log", "/beheer/logboek", ["beheerder"]),
    only("admin.backups", "/beheer/back-ups", ["beheerder"]),
    only("admin.backups", "/beheer/back-ups", ["beheerder"], ok=303, method="POST"),  # queued: the job page
]
