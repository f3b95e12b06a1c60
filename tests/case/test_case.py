"""CASE 1.1 interchange: export validates, round trip, wild 1.0 import, cycles, REST binding, commands."""
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from wt_curriculum.case import services
from wt_curriculum.extensions import db

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
REST = "/ims/case/v1p1"
BASE = "https://wt.example.org"
TIMESTAMPS = {"lastChangeDateTime", "statusStartDate", "statusEndDate"}


def schema_errors(package: dict) -> list[str]:
    from jsonschema import Draft201909Validator

    schema = json.loads((DATA / "case-v1p1-cfpackage-schema.json").read_text(encoding="utf-8"))
    validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]


def without_timestamps(value):
    if isinstance(value, dict):
        return {k: without_timestamps(v) for k, v in value.items() if k not in TIMESTAMPS}
    if isinstance(value, list):
        return [without_timestamps(v) for v in value]
    return value


def export(app) -> dict:
    with app.app_context():
        return services.export_package(db.session, BASE)


def import_data(app, data):
    with app.app_context():
        try:
            report = services.import_package(db.session, data, None)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
        return report


def counts(app) -> dict:
    from wt_curriculum.core.models import AuditEvent, Revision
    from wt_curriculum.objectives.models import Domain, Goal, Strand

    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Domain, Strand, Goal, Revision, AuditEvent)}


def wipe_framework(app):
    """Empty the framework tables (the reference frameworks stay), as in a fresh installation."""
    from wt_curriculum.core.models import AuditEvent, Revision
    from wt_curriculum.objectives.models import Domain, FrameworkRelease, Goal, Strand
    from wt_curriculum.references.models import CrosswalkLink

    with app.app_context():
        db.session.execute(delete(CrosswalkLink))
        db.session.execute(update(Goal).values(replaced_by_id=None))
        for model in (Goal, Strand, Domain, FrameworkRelease, Revision, AuditEvent):
            db.session.execute(delete(model))
        db.session.commit()


@pytest.fixture
def changed_framework(app, framework):
    """The seed framework with one retired goal (and its replacement), one draft, and the seed crosswalk."""
    from wt_curriculum.objectives import services as objectives
    from wt_curriculum.references.seed import load_references, load_seed_crosswalk
    from wt_curriculum.seed import read_yaml

    with app.app_context():
        load_references(db.session, read_yaml(ROOT / "seeds" / "references.yaml"))
        load_seed_crosswalk(db.session, read_yaml(ROOT / "seeds" / "framework.yaml"))
        retired = objectives.goal_by_code(db.session, "MN.1.2")
        objectives.retire_goal(db.session, retired, None, "merged", replaced_by_code="MN.1.3")
        strand = objectives.strand_by_code(db.session, "MN.1")
        objectives.create_goal(db.session, objectives.GoalData(
            "MN.1.99", strand.domain_id, strand.id, "Nog niet vastgesteld", groepen=[5]), None)
        db.session.commit()


# --- Export ----------------------------------------------------------------------------------------------------


def test_export_validates_against_the_case_1p1_schema(app, changed_framework):
    package = export(app)
    assert schema_errors(package) == []
    items = {item["humanCodingScheme"]: item for item in package["CFItems"]}
    assert package["CFDocument"]["version"] == "2026.1"
    assert package["CFDocument"]["identifier"] == services.DOCUMENT_UUID
    assert "MN.1.99" not in items  # drafts stay inside
    assert sum(1 for i in package["CFItems"] if i["CFItemType"] == "Leerdoel") == 120
    assert {i["CFItemType"] for i in package["CFItems"]} == {"Domein", "Leerlijn", "Leerdoel"}
    goal = items["MN.1.1"]
    assert goal["educationLevel"] == ["groep-1", "groep-2"]
    assert goal["uri"] == f"{BASE}{REST}/CFItems/{goal['identifier']}"
    assert goal["conceptKeywords"] == ["verwondering", "vragen stellen", "ontdekken"]
    assert goal["extensions"]["wtStatus"] == "vastgesteld"
    assert items["MN.1.2"]["extensions"]["wtStatus"] == "vervallen"
    assert "statusEndDate" in items["MN.1.2"]


def test_export_links_tree_replacement_and_crosswalk(app, changed_framework):
    package = export(app)
    by_id = {i["identifier"]: i for i in package["CFItems"]}
    kinds = {}
    for a in package["CFAssociations"]:
        kinds.setdefault(a["associationType"], []).append(a)
        assert a["identifier"] == services.association_uuid(
            a["originNodeURI"]["identifier"], a["associationType"], a["destinationNodeURI"]["identifier"])
    # Every item hangs in the tree exactly once.
    assert sorted(a["originNodeURI"]["identifier"] for a in kinds["isChildOf"]) == sorted(by_id)
    (replaced,) = kinds["replacedBy"]
    assert by_id[replaced["originNodeURI"]["identifier"]]["humanCodingScheme"] == "MN.1.2"
    assert by_id[replaced["destinationNodeURI"]["identifier"]]["humanCodingScheme"] == "MN.1.3"
    crosswalk = [a for kind in ("exactMatchOf", "isPartOf", "isRelatedTo") for a in kinds.get(kind, [])]
    # Every crosswalk link of an exported goal travels, bouwstenen (our identifiers) as well as SLO's kerndoelen.
    from wt_curriculum.objectives.models import Goal, GoalStatus
    from wt_curriculum.references.models import CrosswalkLink

    with app.app_context():
        expected = db.session.scalar(select(func.count()).select_from(CrosswalkLink).join(
            Goal, Goal.id == CrosswalkLink.goal_id).where(Goal.status.in_((GoalStatus.PUBLISHED,
                                                                          GoalStatus.RETIRED))))
    assert len(crosswalk) == expected == 409
    slo = [a for a in crosswalk if a["destinationNodeURI"]["targetType"] == "ext:slo-opendata"]
    ours = [a for a in crosswalk if a["destinationNodeURI"]["targetType"] == "ext:wt-reference"]
    assert len(slo) + len(ours) == len(crosswalk) and len(ours) >= 119
    assert all(a["destinationNodeURI"]["uri"].startswith("https://opendata.slo.nl/curriculum/uuid/") for a in slo)
    assert all(a["destinationNodeURI"]["uri"] == f"{BASE}/referentiekaders/knoop/"
               f"{a['destinationNodeURI']['identifier']}" for a in ours)
    # SLO's deprecated ids of kerndoel 40 travel with the link, for systems that still use them (Edurep).
    kd40 = [a for a in slo if a["destinationNodeURI"]["identifier"] == "2de22d5b-8896-4338-a202-519119b58c56"]
    assert kd40 and all(a["extensions"] == {"wtAliasIdentifiers": ["d803cf62-cf7e-404c-b650-8c7543534b6d"]}
                        for a in kd40)
    # Deterministic: a second export is the same document.
    assert export(app) == package


def test_export_of_an_empty_framework_validates(app):
    package = export(app)
    assert package["CFItems"] == [] and schema_errors(package) == []


# --- Import ----------------------------------------------------------------------------------------------------


def test_round_trip_reproduces_the_framework(app, changed_framework):
    before = export(app)
    wipe_framework(app)
    assert counts(app)["Goal"] == 0
    report = import_data(app, before)
    assert report.case_version == "1.1"
    assert len([c for c in report.created if c[0] == "goal"]) == 120
    after = export(app)
    assert without_timestamps(after) == without_timestamps(before)
    assert schema_errors(after) == []


def test_reimporting_the_same_package_changes_nothing(app, changed_framework):
    package = export(app)
    before = counts(app)
    report = import_data(app, package)
    assert not report.changed_anything, report.lines()
    assert counts(app) == before
    assert export(app) == package


def test_import_updates_by_identifier_with_a_revision(app, framework):
    from wt_curriculum.core.services import revisions_for
    from wt_curriculum.objectives.models import Goal

    package = export(app)
    item = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "DG.1.1")
    item["fullStatement"] = "Een nieuwe titel"
    item["educationLevel"] = ["groep-7", "groep-8"]
    report = import_data(app, package)
    assert report.updated == [("goal", "DG.1.1")]
    with app.app_context():
        goal = db.session.scalar(select(Goal).where(Goal.uuid == item["identifier"]))
        assert (goal.title, goal.groepen) == ("Een nieuwe titel", [7, 8])
        assert revisions_for(db.session, "goal", goal.id)[0].action == "update"


def test_import_of_a_wild_case_1p0_package(app):
    from wt_curriculum.objectives.models import Domain, Goal, GoalStatus, Strand

    data = json.loads((DATA / "wild-case-1p0.json").read_text(encoding="utf-8"))
    report = import_data(app, data)
    notes = "\n".join(report.lines())
    assert report.case_version == "1.0"
    assert "ignored CFDocument field CFPackageURI" in notes
    assert "ignored item field CFDocumentURI" in notes
    assert "ignored association field CFDocumentURI" in notes
    assert "read misspelt educationalLevel as educationLevel" in notes
    assert "unknown item type 'Standard'" in notes and "unknown item type 'Cluster'" in notes
    assert "NT.1.2.a at depth 4 flattened into strand NT.1" in notes
    assert "could not place item 1a2b3c4d-0010-4000-8000-000000000010" in notes
    assert "ignored isPeerOf associations" in notes
    assert "ignored isChildOf associations to items not in the package" in notes
    assert "ignored educationLevel '12'" in notes
    assert "document version '1.0' is not recorded" in notes
    with app.app_context():
        goals = {g.code: g for g in db.session.scalars(select(Goal))}
        strands = {s.code: s for s in db.session.scalars(select(Strand))}
        domains = {d.code: d for d in db.session.scalars(select(Domain))}
        assert set(domains) == {"NT", "DIGI"}
        assert set(strands) == {"NT.1", "DIGI.1"}
        assert strands["NT.1"].description == "Vragen stellen, proefjes doen en meten."
        assert goals["NT.1.1"].groepen == [5, 6]  # CEDS grades 03 and 04
        assert goals["NT.1.2"].groepen == [5, 6]
        assert goals["NT.1.3"].groepen == [2]  # KG
        flattened = goals["NT.1.4"]  # NT.1.2.a does not fit our codes; NT.1.3 belongs to another item
        assert (flattened.uuid, flattened.groepen) == ("1a2b3c4d-0005-4000-8000-000000000005", [6])
        assert goals["DIGI.1.1"].groepen == list(range(1, 9))
        assert {g.status for g in goals.values()} == {GoalStatus.PUBLISHED}
    # The same file again: nothing changes.
    before = counts(app)
    assert not import_data(app, data).changed_anything
    assert counts(app) == before


def test_a_cycle_is_refused_and_nothing_is_written(app):
    data = json.loads((DATA / "cycle-case-1p0.json").read_text(encoding="utf-8"))
    with pytest.raises(services.CaseImportError, match="cycle"):
        import_data(app, data)
    assert counts(app) == {"Domain": 0, "Strand": 0, "Goal": 0, "Revision": 0, "AuditEvent": 0}


def test_a_problem_halfway_writes_nothing(app, framework):
    package = export(app)
    before = counts(app)
    # A published goal cannot move to another strand; the domains and strands before it are not kept either.
    package["CFItems"].insert(0, {"identifier": "5e6f7081-0001-4000-8000-000000000001", "uri": "x",
                                  "fullStatement": "Nieuw domein", "humanCodingScheme": "NW",
                                  "lastChangeDateTime": "2024-01-01T00:00:00Z"})
    package["CFAssociations"].append({
        "identifier": "5e6f7081-0002-4000-8000-000000000002", "associationType": "isChildOf", "uri": "x",
        "originNodeURI": {"title": "", "identifier": "5e6f7081-0001-4000-8000-000000000001", "uri": "x"},
        "destinationNodeURI": {"title": "", "identifier": services.DOCUMENT_UUID, "uri": "x"},
        "lastChangeDateTime": "2024-01-01T00:00:00Z"})
    goal = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "DG.1.1")
    strand = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "DG.2")
    link = next(a for a in package["CFAssociations"]
                if a["associationType"] == "isChildOf" and a["originNodeURI"]["identifier"] == goal["identifier"])
    link["destinationNodeURI"]["identifier"] = strand["identifier"]
    with pytest.raises(services.CaseImportError, match="DG.1.1"):
        import_data(app, package)
    assert counts(app) == before


@pytest.mark.parametrize("data", [[], {"CFItems": []}, {"CFDocument": {}, "CFItems": {}}])
def test_not_a_package_is_refused(app, data):
    with pytest.raises(services.CaseImportError, match="not a CASE CFPackage"):
        import_data(app, data)


def test_education_levels():
    assert services.groepen_from_levels(["groep-3", "Groep 5-6", "g8"]) == ([3, 5, 6, 8], [])
    assert services.groepen_from_levels("PK, KG, 01") == ([1, 2, 3], [])
    assert services.groepen_from_levels(["07", "HS"]) == ([], ["07", "HS"])


# --- REST binding ----------------------------------------------------------------------------------------------


def test_framework_endpoint_has_etag_and_answers_304(client, framework):
    response = client.get("/api/v1/case/framework")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Last-Modified"]
    etag = response.headers["ETag"]
    assert schema_errors(response.get_json()) == []
    again = client.get("/api/v1/case/framework", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_framework_endpoint_runs_a_few_queries(client, framework, count_queries):
    with count_queries() as counter:
        assert client.get("/api/v1/case/framework").status_code == 200
    assert counter.count <= 8


def test_rest_binding(client, app, changed_framework):
    package = export(app)
    document = client.get(f"{REST}/CFDocuments").get_json()["CFDocuments"][0]
    assert document["identifier"] == services.DOCUMENT_UUID
    assert document["CFPackageURI"]["uri"].endswith(f"/CFPackages/{services.DOCUMENT_UUID}")
    assert client.get(f"{REST}/CFDocuments/{services.DOCUMENT_UUID}").get_json()["title"] == \
        package["CFDocument"]["title"]
    whole = client.get(f"{REST}/CFPackages/{services.DOCUMENT_UUID}").get_json()
    assert len(whole["CFItems"]) == len(package["CFItems"])
    goal = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "MN.1.2")
    item = client.get(f"{REST}/CFItems/{goal['identifier'].upper()}").get_json()
    assert item["humanCodingScheme"] == "MN.1.2"
    assert item["CFDocumentURI"]["identifier"] == services.DOCUMENT_UUID
    related = client.get(f"{REST}/CFItemAssociations/{goal['identifier']}").get_json()
    assert related["CFItem"]["identifier"] == goal["identifier"]
    assert {a["associationType"] for a in related["CFAssociations"]} >= {"isChildOf", "replacedBy"}
    association = related["CFAssociations"][0]
    found = client.get(f"{REST}/CFAssociations/{association['identifier']}")
    assert found.status_code == 200 and found.headers["Access-Control-Allow-Origin"] == "*"
    assert found.get_json()["associationType"] == association["associationType"]


@pytest.mark.parametrize("path", ["CFDocuments", "CFPackages", "CFItems", "CFAssociations", "CFItemAssociations"])
def test_unknown_identifier_gets_the_case_error_shape(client, framework, path):
    response = client.get(f"{REST}/{path}/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert body["imsx_codeMajor"] == "failure"
    assert body["imsx_severity"] == "error"
    assert body["imsx_description"]
    assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "unknownobject"


def test_error_description_is_translated(client, framework):
    english = client.get(f"{REST}/CFItems/nope", headers={"Accept-Language": "en"}).get_json()
    dutch = client.get(f"{REST}/CFItems/nope", headers={"Accept-Language": "nl"}).get_json()
    assert english["imsx_description"] != dutch["imsx_description"]


# --- Commands --------------------------------------------------------------------------------------------------


def test_cli_export_then_import_into_an_empty_framework(app, runner, changed_framework, tmp_path):
    target = tmp_path / "framework.json"
    result = runner.invoke(args=["case", "export", str(target), "--base-url", BASE])
    assert result.exit_code == 0, result.output
    package = json.loads(target.read_text(encoding="utf-8"))
    assert schema_errors(package) == []
    wipe_framework(app)
    result = runner.invoke(args=["case", "import", str(target)])
    assert result.exit_code == 0, result.output
    assert "CASE 1.1 package:" in result.output and "created goal MN.1.1" in result.output
    assert without_timestamps(export(app)) == without_timestamps(package)


def test_cli_import_refuses_bad_files_and_writes_nothing(app, runner, tmp_path):
    not_json = tmp_path / "not.json"
    not_json.write_text("this is not json", encoding="utf-8")
    result = runner.invoke(args=["case", "import", str(not_json)])
    assert result.exit_code != 0 and "not valid JSON" in result.output
    not_case = tmp_path / "list.json"
    not_case.write_text("[1, 2]", encoding="utf-8")
    result = runner.invoke(args=["case", "import", str(not_case)])
    assert result.exit_code != 0 and "not a CASE CFPackage" in result.output
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(51 * 1024 * 1024)  # sparse: no need to write 51 MB
    result = runner.invoke(args=["case", "import", str(big)])
    assert result.exit_code != 0 and "at most 50 MB" in result.output
    result = runner.invoke(args=["case", "import", str(DATA / "cycle-case-1p0.json")])
    assert result.exit_code != 0 and "cycle" in result.output and "Nothing was imported" in result.output
    assert counts(app) == {"Domain": 0, "Strand": 0, "Goal": 0, "Revision": 0, "AuditEvent": 0}


def test_cli_import_refuses_nul_and_deep_nesting_with_a_message(app, runner, changed_framework, tmp_path):
    """Issue 15: `flask case import` stored NUL on SQLite, and gave a traceback on PostgreSQL and deep JSON."""
    from sqlalchemy import func, select

    from wt_curriculum.extensions import db
    from wt_curriculum.objectives.models import Goal

    target = tmp_path / "framework.json"
    assert runner.invoke(args=["case", "export", str(target), "--base-url", BASE]).exit_code == 0
    package = json.loads(target.read_text(encoding="utf-8"))
    package["CFItems"][0]["fullStatement"] = "Met een \x00 erin"
    with_nul = tmp_path / "nul.json"
    with_nul.write_text(json.dumps(package), encoding="utf-8")  # written as \u0000, valid JSON
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Goal))
    result = runner.invoke(args=["case", "import", str(with_nul)])
    assert result.exit_code == 1 and "NUL" in result.output and "Traceback" not in result.output
    for depth in (40, 100_000):
        deep = tmp_path / f"deep{depth}.json"
        deep.write_text('{"CFDocument": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
        result = runner.invoke(args=["case", "import", str(deep)])
        assert result.exit_code == 1 and "nested" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Goal)) == before
