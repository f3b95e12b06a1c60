"""Who may read the CASE interchange: everyone (it is the published framework)."""
from pathlib import Path

from tests.access import only, public

ROOT = Path(__file__).resolve().parents[2]
REST = "/ims/case/v1p1"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def prepare(factory, values):
    """The seed framework, and the identifiers of one goal and its isChildOf association."""
    from sqlalchemy import select

    from wt_curriculum.case.services import DOCUMENT_UUID, association_uuid, export_package
    from wt_curriculum.extensions import db
    from wt_curriculum.objectives.models import Goal, Strand
    from wt_curriculum.objectives.seed import load_framework
    from wt_curriculum.seed import read_yaml

    with factory.app.app_context():
        load_framework(db.session, read_yaml(ROOT / "seeds" / "framework.yaml"))
        db.session.commit()
        goal_uuid, strand_uuid = db.session.execute(
            select(Goal.uuid, Strand.uuid).join(Strand, Strand.id == Goal.strand_id).where(Goal.code == "MN.1.1")
        ).one()
    with factory.app.app_context():
        definitions = export_package(db.session, "http://localhost")["CFDefinitions"]
    return {
        "case_item_type_uuid": definitions["CFItemTypes"][0]["identifier"],
        "case_subject_uuid": definitions["CFSubjects"][0]["identifier"],
        "case_concept_uuid": definitions["CFConcepts"][0]["identifier"],
        "case_license_uuid": definitions["CFLicenses"][0]["identifier"],
        "case_document_uuid": DOCUMENT_UUID,
        "case_item_uuid": goal_uuid,
        "case_association_uuid": association_uuid(goal_uuid, "isChildOf", strand_uuid),
    }


RULES = [
    public("case.framework", "/api/v1/case/framework"),
    public("case.documents", f"{REST}/CFDocuments"),
    public("case.document", f"{REST}/CFDocuments/{{case_document_uuid}}"),
    public("case.document", f"{REST}/CFDocuments/{UNKNOWN}", 404),
    public("case.package_view", f"{REST}/CFPackages/{{case_document_uuid}}"),
    public("case.package_view", f"{REST}/CFPackages/{UNKNOWN}", 404),
    public("case.item", f"{REST}/CFItems/{{case_item_uuid}}"),
    public("case.item", f"{REST}/CFItems/{UNKNOWN}", 404),
    public("case.association", f"{REST}/CFAssociations/{{case_association_uuid}}"),
    public("case.association", f"{REST}/CFAssociations/{UNKNOWN}", 404),
    public("case.item_associations", f"{REST}/CFItemAssociations/{{case_item_uuid}}"),
    public("case.item_associations", f"{REST}/CFItemAssociations/{UNKNOWN}", 404),
    public("case.item_type", f"{REST}/CFItemTypes/{{case_item_type_uuid}}"),
    public("case.item_type", f"{REST}/CFItemTypes/{UNKNOWN}", 404),
    public("case.subject", f"{REST}/CFSubjects/{{case_subject_uuid}}"),
    public("case.subject", f"{REST}/CFSubjects/{UNKNOWN}", 404),
    public("case.concept", f"{REST}/CFConcepts/{{case_concept_uuid}}"),
    public("case.concept", f"{REST}/CFConcepts/{UNKNOWN}", 404),
    public("case.license_view", f"{REST}/CFLicenses/{{case_license_uuid}}"),
    public("case.license_view", f"{REST}/CFLicenses/{UNKNOWN}", 404),
    public("case.association_grouping", f"{REST}/CFAssociationGroupings/{UNKNOWN}", 404),
    public("case.rubric", f"{REST}/CFRubrics/{UNKNOWN}", 404),
    public("case.documents", f"{REST}/CFDocuments?limit=0", 400),
    # The pages: importing a package (editors and administrators), the mirrors (administrators).
    only("case_pages.case_import", "/referentiekaders/case-import", ("beheerder", "redacteur")),
    only("case_pages.case_import", "/referentiekaders/case-import", ("beheerder", "redacteur"), method="POST",
         data={}),
    only("case_pages.mirrors", "/beheer/spiegels", ("beheerder",)),
    only("case_pages.mirrors", "/beheer/spiegels", ("beheerder",), method="POST", data={"url": "ftp://x"}),
    only("case_pages.remove_mirror", "/beheer/spiegels/999999/verwijderen", ("beheerder",), ok=404, method="POST"),
    only("case_pages.fetch_mirror", "/beheer/spiegels/999999/ophalen", ("beheerder",), ok=404, method="POST"),
]
