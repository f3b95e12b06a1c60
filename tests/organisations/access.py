"""Who may open which page of the network and school administration: every route of the area, as every role."""
from tests.access import only

ADMIN, EDITOR = "beheerder", "redacteur"


def prepare(factory, values):
    """Spare schools and networks to archive and delete."""
    from tests.planning.builders import Builder
    from wt_curriculum.extensions import db

    with factory.app.app_context():
        b = Builder(db.session)
        spare = {
            "spare_school_id": b.school(), "spare_school2_id": b.school(),
            "spare_network_id": b.network("SPARE-1"), "spare_network2_id": b.network("SPARE-2"),
        }
        db.session.commit()
        return spare


RULES = [
    only("organisations.schools", "/scholen", (ADMIN, EDITOR)),
    only("organisations.new_network", "/beheer/netwerken/nieuw", (ADMIN,)),
    only("organisations.edit_network", "/beheer/netwerken/{network_id}", (ADMIN,)),
    only("organisations.archive_network", "/beheer/netwerken/{spare_network_id}/archiveren", (ADMIN,), ok=302,
         method="POST"),
    only("organisations.delete_network", "/beheer/netwerken/{spare_network2_id}/verwijderen", (ADMIN,), ok=302,
         method="POST"),
    only("organisations.new_school", "/beheer/scholen/nieuw", (ADMIN,)),
    only("organisations.edit_school", "/beheer/scholen/{school_id}", (ADMIN,)),
    only("organisations.archive_school", "/beheer/scholen/{spare_school_id}/archiveren", (ADMIN,), ok=302,
         method="POST"),
    only("organisations.delete_school", "/beheer/scholen/{spare_school2_id}/verwijderen", (ADMIN,), ok=302,
         method="POST"),
    only("organisations.import_csv", "/beheer/import/scholen", (ADMIN,)),
]
