from tests.access import ANONYMOUS, Rule, only, public

AUTHORS = ("beheerder", "redacteur", "netwerkcoordinator")
EDITORS = ("beheerder", "redacteur")
# Drafts: the owning network's coordinator, editors and admins see them; for everyone else they do not exist.
DRAFT_VISIBILITY = {ANONYMOUS: 404, "beheerder": 200, "redacteur": 200, "netwerkcoordinator": 200,
                    "coordinator": 404, "leraar": 404}


def prepare(factory, values):
    from tests.lessons.helpers import make_attachment, make_goals, make_package

    goals = make_goals(factory.app, prefix="LA", count=2)
    goal_ids = list(goals.values())
    other_network = factory.network(code="NET-LESSONS-B")
    package_id = make_package(factory.app, values["network_id"], goal_ids)
    draft_id = make_package(factory.app, values["network_id"], goal_ids, title="Concept", status="concept")
    other_id = make_package(factory.app, other_network, goal_ids, title="Ander netwerk")
    # A copy in the world network of the other network's package (adopted), for the newer-version page.
    copy_id = make_package(factory.app, values["network_id"], goal_ids, title="Overgenomen kopie", status="concept")
    from wt_curriculum.extensions import db
    from wt_curriculum.lessons.models import PackageAdoption

    with factory.app.app_context():
        db.session.add(PackageAdoption(package_id=copy_id, source_id=other_id, source_snapshot='{"title": "Oud"}'))
        db.session.commit()
    return {
        "adopted_copy_id": copy_id,
        "package_id": package_id,
        "draft_package_id": draft_id,
        "other_package_id": other_id,
        "attachment_id": make_attachment(factory.app, package_id),
        "draft_attachment_id": make_attachment(factory.app, draft_id),
    }


RULES = [
    # A network coordinator adopts into their own network; admins and editors without naming a network get the
    # message back on the package page: a redirect either way.
    only("lessons.adopt", "/lespakketten/{other_package_id}/overnemen", AUTHORS, ok=302, method="POST"),
    only("lessons.newer_version", "/lespakketten/{adopted_copy_id}/nieuwe-versie", AUTHORS),
    public("lessons.search", "/lespakketten"),
    public("lessons.search", "/lespakketten?q=%22brug%22+OR+*&groep=5"),
    public("lessons.package", "/lespakketten/{package_id}"),
    Rule("lessons.package", "GET", "/lespakketten/{draft_package_id}", DRAFT_VISIBILITY),
    public("lessons.package", "/lespakketten/987654", status=404),
    only("lessons.manage", "/lespakketten/beheer", AUTHORS),
    only("lessons.new_package", "/lespakketten/nieuw", AUTHORS),
    only("lessons.edit_package", "/lespakketten/{package_id}/bewerken", AUTHORS),
    # Another network's package: only editors and admins.
    only("lessons.edit_package", "/lespakketten/{other_package_id}/bewerken", EDITORS),
    only("lessons.history", "/lespakketten/{package_id}/geschiedenis", AUTHORS),
    only("lessons.history", "/lespakketten/{other_package_id}/geschiedenis", EDITORS),
    only("lessons.attachments", "/lespakketten/{package_id}/bijlagen", AUTHORS),
    only("lessons.attachments", "/lespakketten/{other_package_id}/bijlagen", EDITORS),
    # Publishing and withdrawing twice is harmless: every allowed role is sent back to the package page.
    only("lessons.publish_package", "/lespakketten/{draft_package_id}/publiceren", AUTHORS, ok=302, method="POST"),
    only("lessons.publish_package", "/lespakketten/{other_package_id}/publiceren", EDITORS, ok=302, method="POST"),
    only("lessons.withdraw_package", "/lespakketten/{package_id}/intrekken", AUTHORS, ok=302, method="POST"),
    only("lessons.delete_attachment", "/lespakketten/{package_id}/bijlagen/987654/verwijderen", AUTHORS,
         ok=404, method="POST"),
    public("lessons.attachment", "/lespakketten/{package_id}/bijlagen/{attachment_id}"),
    Rule("lessons.attachment", "GET", "/lespakketten/{draft_package_id}/bijlagen/{draft_attachment_id}",
         DRAFT_VISIBILITY),
]
