"""Who may read the CASE interchange: everyone (it is the published framework)."""
from pathlib import Path

from tests.access import public

ROOT = Path(__file__).resolve().parents[2]
REST = "/ims/case/v1p1"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def prepare(factory, values):
    """The seed framework, and the identifiers of one goal and its isChildOf association."""
    from sqlalchemy import select

    from wt_curriculum.case.services import DOCUMENT_UUID, association_uuid
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
    return {
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
]
