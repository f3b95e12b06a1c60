"""Who may open which report: every route of the area (HTML, PDF, CSV, XLSX), as every role."""
from tests.access import ANONYMOUS, Rule, logged_in, only, public

ADMIN, EDITOR, NETWORK, COORD, TEACHER = "beheerder", "redacteur", "netwerkcoordinator", "coordinator", "leraar"
NETWORK_VIEWERS = (ADMIN, EDITOR, NETWORK)


def prepare(factory, values):
    """Plans for the world school (in the world network), and a second network with a school of its own; the
    kerndoelen sets kd2006-po and kd2025-po (unless another area's prepare made them already)."""
    from sqlalchemy import select

    from tests.planning.builders import Builder
    from tests.references.helpers import make_reference
    from wt_curriculum.extensions import db
    from wt_curriculum.references.models import ReferenceFramework

    with factory.app.app_context():
        b = Builder(db.session)
        b.domain("RP")
        b.strand("RP.S", "RP")
        b.goal("RP.S.1", "RP.S", [5, 6])
        b.goal("RP.S.2", "RP.S", [7, 8])
        b.package("Rapportpakket", [5, 6], {"RP.S.1": "kern"}, values["network_id"])
        b.plan(values["school_id"], 2026, 5, "Rapportpakket")
        other_network = b.network("REP-OTHER")
        other_school = b.school(other_network, name="Andere school")
        existing = set(db.session.scalars(select(ReferenceFramework.key)))
        if "kd2006-po" not in existing:
            make_reference(db.session, "kd2006-po", ["KD2006-PO-42"])
        if "kd2025-po" not in existing:
            make_reference(db.session, "kd2025-po", ["KD2025-PO-30"], children={"KD2025-PO-30": ["KD2025-PO-30A"]})
        db.session.commit()
        return {"report_other_network_id": other_network, "report_other_school_id": other_school}


def _school_rules(path: str, endpoint: str, ok: int = 200) -> list[Rule]:
    """Every logged-in user sees the world school; only admins and editors see a school outside the network."""
    other = path.replace("{school_id}", "{report_other_school_id}")
    return [
        logged_in(endpoint, path, ok=ok),
        Rule(endpoint, "GET", other, {ANONYMOUS: 302, ADMIN: ok, EDITOR: ok, NETWORK: 403, COORD: 403, TEACHER: 403},
             login_redirect=True),
    ]


def _network_rules(path: str, endpoint: str = "reports.network_coverage", ok: int = 200) -> list[Rule]:
    other = path.replace("{network_id}", "{report_other_network_id}")
    return [
        only(endpoint, path, NETWORK_VIEWERS, ok=ok),
        only(endpoint, other, (ADMIN, EDITOR), ok=ok),
    ]


# A PDF is made by the task queue: the request answers with the job's page (303); the access world only
# queues (tests/access_world.py). The framework PDF's visitors wait on a page that refreshes itself (202).
JOB = 303


KERNDOELEN = "set=kd2025-po&year=2026-2027"


RULES = [
    public("reports.framework", "/rapporten/leerdoelenkader"),
    public("reports.framework", "/rapporten/leerdoelenkader.pdf", status=202),
    *_school_rules("/rapporten/scholen/{school_id}/dekking?year=2026-2027", "reports.school_coverage"),
    *_school_rules("/rapporten/scholen/{school_id}/dekking.pdf?year=2026-2027", "reports.school_coverage", JOB),
    *_school_rules("/rapporten/scholen/{school_id}/dekking.csv?year=2026-2027", "reports.school_coverage"),
    *_school_rules("/rapporten/scholen/{school_id}/dekking.xlsx?year=2026-2027", "reports.school_coverage"),
    *_school_rules("/rapporten/scholen/{school_id}/jaarplanning?year=2026-2027", "reports.year_plan"),
    *_school_rules("/rapporten/scholen/{school_id}/jaarplanning?year=2026-2027&groep=5", "reports.year_plan"),
    *_school_rules("/rapporten/scholen/{school_id}/jaarplanning.pdf?year=2026-2027&groep=5", "reports.year_plan", JOB),
    *_school_rules("/rapporten/scholen/{school_id}/jaarplanning.csv?year=2026-2027", "reports.year_plan"),
    *_school_rules("/rapporten/scholen/{school_id}/jaarplanning.xlsx?year=2026-2027", "reports.year_plan"),
    *_school_rules("/rapporten/scholen/{school_id}/cohort?start=2023-2024", "reports.cohort"),
    *_school_rules("/rapporten/scholen/{school_id}/cohort.pdf?start=2023-2024", "reports.cohort", JOB),
    *_network_rules("/rapporten/netwerken/{network_id}/dekking?year=2026-2027"),
    *_network_rules("/rapporten/netwerken/{network_id}/dekking.pdf?year=2026-2027", ok=JOB),
    *_network_rules("/rapporten/netwerken/{network_id}/dekking.csv?year=2026-2027"),
    *_network_rules("/rapporten/netwerken/{network_id}/dekking.xlsx?year=2026-2027"),
    *_network_rules("/rapporten/netwerken/{network_id}/gemist.csv?year=2026-2027", "reports.network_missed"),
    *_network_rules("/rapporten/netwerken/{network_id}/gemist.xlsx?year=2026-2027", "reports.network_missed"),
    # Coverage per kerndoel / doelzin: as the coverage reports; a bad set is a 400 for those who may look.
    *[rule for fmt in ("", ".pdf", ".csv", ".xlsx") for rule in _school_rules(
        f"/rapporten/scholen/{{school_id}}/kerndoelen{fmt}?{KERNDOELEN}", "reports.school_kerndoelen",
        JOB if fmt == ".pdf" else 200)],
    *_school_rules("/rapporten/scholen/{school_id}/kerndoelen.pdf?set=kd2006-po&year=2026-2027",
                   "reports.school_kerndoelen", JOB),
    logged_in("reports.school_kerndoelen", "/rapporten/scholen/{school_id}/kerndoelen?set=onzin", ok=400),
    *[rule for fmt in ("", ".pdf", ".csv", ".xlsx") for rule in _network_rules(
        f"/rapporten/netwerken/{{network_id}}/kerndoelen{fmt}?{KERNDOELEN}", "reports.network_kerndoelen",
        JOB if fmt == ".pdf" else 200)],
    only("reports.network_kerndoelen", "/rapporten/netwerken/{network_id}/kerndoelen.csv?set=kd2025-po&year=2026",
         NETWORK_VIEWERS, ok=400),
    # The benchmark: who may see the network's coverage; the national picture: SLO's editors and admins.
    *_network_rules("/rapporten/netwerken/{network_id}/vergelijking?year=2026-2027", "reports.network_benchmark"),
    *_network_rules("/rapporten/netwerken/{network_id}/vergelijking.pdf?year=2026-2027", "reports.network_benchmark",
                    ok=JOB),
    only("reports.network_benchmark", "/rapporten/netwerken/{network_id}/vergelijking?year=2026", NETWORK_VIEWERS,
         ok=400),
    only("reports.national_picture", "/rapporten/landelijk?year=2026-2027", (ADMIN, EDITOR)),
    only("reports.national_picture", "/rapporten/landelijk.pdf?year=2026-2027", (ADMIN, EDITOR), ok=JOB),
    only("reports.national_picture", "/rapporten/landelijk?year=x", (ADMIN, EDITOR), ok=400),
]
