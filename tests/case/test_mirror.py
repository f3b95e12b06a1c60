"""Mirroring a reference framework from another CASE server: a second instance of this app, serving its own CASE
binding on a local port. The periodic task fetches with ETag / If-Modified-Since; a change becomes a new version
with a change report, and crosswalk links to replaced nodes are flagged for an editor."""
import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from wt_curriculum.case import frameworks
from wt_curriculum.case.tasks import mirror_frameworks
from wt_curriculum.extensions import db
from wt_curriculum.references import services as references
from wt_curriculum.references.models import ReferenceFramework, ReferenceFrameworkVersion, ReferenceNode

DRAFT = Path(__file__).parent / "data" / "foreign-draft-deep-1p1.json"
REST = "/ims/case/v1p1"


@pytest.fixture(autouse=True)
def local_addresses(app):
    """The other server runs on 127.0.0.1: allowed here (by default only public addresses are fetched)."""
    app.config["CASE_MIRROR_PRIVATE_ADDRESSES"] = True


def _publish(other_app, data):
    with other_app.app_context():
        frameworks.import_reference_package(db.session, data)
        db.session.commit()


def test_mirror_follows_the_other_server(app, runner, framework, other):
    other_app, address = other
    original = json.loads(DRAFT.read_text(encoding="utf-8"))
    identifier = original["CFDocument"]["identifier"]
    _publish(other_app, original)
    url = f"{address}{REST}/CFPackages/{identifier}"

    result = runner.invoke(args=["case", "mirror", url])
    assert result.exit_code == 0, result.output
    assert f"Mirroring {url}." in result.output and "19 items added" in result.output
    key = f"case-{identifier[:13]}"
    with app.app_context():
        kept = db.session.scalar(select(ReferenceFramework).where(ReferenceFramework.key == key))
        assert kept.mirror_url == url and kept.mirror_etag
        kept_id = kept.id
        assert frameworks.reference_package(db.session, identifier) == original
        from wt_curriculum.objectives.models import Goal

        goal = db.session.scalar(select(Goal).where(Goal.code == "MN.1.1"))
        references.add_link(db.session, goal, key, "ESS.L1.7", "isRelatedTo", None)
        goal_id = goal.id
        db.session.commit()

    # Nothing changed over there: the server answers 304 to the ETag, no new version.
    unchanged = runner.invoke(args=["case", "mirror-now"])
    assert unchanged.exit_code == 0 and f"{key}: unchanged" in unchanged.output

    # The other server changes its framework: L1.7 is replaced by a new item, L1.5 is rewritten.
    changed = copy.deepcopy(original)
    l17 = next(i for i in changed["CFItems"] if i["humanCodingScheme"] == "ESS.L1.7")
    new_id = "0a0a0a0a-0000-4000-8000-000000000017"
    new = {**copy.deepcopy(l17), "identifier": new_id, "humanCodingScheme": "ESS.L1.7b",
           "fullStatement": "Cluster 7, new version", "uri": f"{address}{REST}/CFItems/{new_id}"}
    changed["CFItems"].append(new)
    root = changed["CFItems"][0]
    link = {"title": "x", "identifier": root["identifier"], "uri": root["uri"]}
    changed["CFAssociations"] += [
        {"identifier": "0b0b0b0b-0000-4000-8000-000000000001", "associationType": "isChildOf",
         "uri": f"{address}{REST}/CFAssociations/0b0b0b0b-0000-4000-8000-000000000001",
         "originNodeURI": {"title": "x", "identifier": new["identifier"], "uri": new["uri"]},
         "destinationNodeURI": link, "lastChangeDateTime": "2025-01-01T00:00:00+00:00"},
        {"identifier": "0b0b0b0b-0000-4000-8000-000000000002", "associationType": "replacedBy",
         "uri": f"{address}{REST}/CFAssociations/0b0b0b0b-0000-4000-8000-000000000002",
         "originNodeURI": {"title": "x", "identifier": l17["identifier"], "uri": l17["uri"]},
         "destinationNodeURI": {"title": "x", "identifier": new["identifier"], "uri": new["uri"]},
         "lastChangeDateTime": "2025-01-01T00:00:00+00:00"},
    ]
    next(i for i in changed["CFItems"] if i["humanCodingScheme"] == "ESS.L1.5")["fullStatement"] = "Cluster 5, v2"
    _publish(other_app, changed)

    # The periodic task fetches it and applies it as version 2, with its change report.
    with app.app_context():
        results = mirror_frameworks.call_local()
        assert [(r.key, r.changed, r.version) for r in results] == [(key, True, 2)]
        versions = db.session.scalars(select(ReferenceFrameworkVersion).where(
            ReferenceFrameworkVersion.framework_id == kept_id).order_by(ReferenceFrameworkVersion.number)).all()
        assert [v.number for v in versions] == [1, 2]
        report = versions[1].report
        # Stored in the default language: the mirrors page shows it to every administrator.
        assert "1 item toegevoegd, 2 gewijzigd" in report
        assert "Toegevoegd: ESS.L1.7b" in report and "Gewijzigd: ESS.L1.5" in report
        assert f"Voor een redacteur: ESS.L1.7 is vervangen door {new['identifier']}" in report
        node = db.session.scalar(select(ReferenceNode).where(ReferenceNode.code == "ESS.L1.7"))
        assert (node.deprecated, node.replaced_by_uuid) == (True, new["identifier"])
        assert frameworks.reference_package(db.session, identifier) == changed
        # The crosswalk keeps the link; the goal's crosswalk proposes the replacement.
        entry = next(e for e in references.crosswalk_for_goal(db.session, goal_id) if e.framework_key == key)
        assert (entry.node_code, entry.proposes_replacement, entry.replacement_code) == ("ESS.L1.7", True,
                                                                                         "ESS.L1.7b")
    again = runner.invoke(args=["case", "mirror-now"])
    assert f"{key}: unchanged" in again.output


def test_mirror_errors_are_recorded_not_raised(app, runner, framework, other):
    other_app, address = other
    original = json.loads(DRAFT.read_text(encoding="utf-8"))
    identifier = original["CFDocument"]["identifier"]
    _publish(other_app, original)
    assert runner.invoke(args=["case", "mirror", f"{address}{REST}/CFPackages/{identifier}"]).exit_code == 0
    with app.app_context():
        kept = db.session.scalar(select(ReferenceFramework).where(ReferenceFramework.case_identifier == identifier))
        kept.mirror_url = f"{address}{REST}/CFPackages/00000000-0000-4000-8000-000000000000"
        kept.mirror_etag = ""
        db.session.commit()
    result = runner.invoke(args=["case", "mirror-now"])
    assert result.exit_code == 0 and "answered 404" in result.output
    with app.app_context():
        assert "answered 404" in db.session.scalar(select(ReferenceFramework.mirror_error).where(
            ReferenceFramework.case_identifier == identifier))


def test_subscribing_to_a_bad_address_or_our_own_framework_is_refused(app, runner, framework, other):
    other_app, address = other
    with other_app.app_context():
        from wt_curriculum.objectives.seed import load_framework
        from wt_curriculum.seed import read_yaml

        load_framework(db.session, read_yaml(Path(__file__).resolve().parents[2] / "seeds" / "framework.yaml"))
        db.session.commit()
    from wt_curriculum.case.services import DOCUMENT_UUID

    ours = runner.invoke(args=["case", "mirror", f"{address}{REST}/CFPackages/{DOCUMENT_UUID}"])
    assert ours.exit_code != 0 and "our own framework" in ours.output
    bad = runner.invoke(args=["case", "mirror", "ftp://example.org/x"])
    assert bad.exit_code != 0 and "Give the address of a CASE package" in bad.output
    with app.app_context():
        assert db.session.scalar(select(ReferenceFramework.id).where(
            ReferenceFramework.mirror_url.is_not(None))) is None
