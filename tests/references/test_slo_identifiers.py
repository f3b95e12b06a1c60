"""SLO's data as SLO publishes it: current kerndoel UUIDs, deprecated ones as aliases that still match, a whole
folder of open data (replaces / replacedBy / deprecated.json), absent nodes, and large imports on the queue."""
import json
import shutil

from sqlalchemy import delete, func, select

from tests.references.conftest import DATA
from wt_curriculum.extensions import db
from wt_curriculum.references import services
from wt_curriculum.references.models import CrosswalkLink, ReferenceFramework, ReferenceNode, ReferenceNodeAlias

FOLDER = DATA / "curriculum-kerndoelen"
KD40, KD40_OLD = "2de22d5b-8896-4338-a202-519119b58c56", "d803cf62-cf7e-404c-b650-8c7543534b6d"
KD43, KD43_OLD = "ae2a7b51-65e1-4186-b4ec-8355dba8cb80", "efc344e0-4651-4c07-ad61-0091cb7aa69f"


def _node(code):
    return db.session.scalar(select(ReferenceNode).where(ReferenceNode.code == code))


def test_seed_uses_slos_current_ids_and_keeps_the_deprecated_ones_as_aliases(app, references):
    with app.app_context():
        assert services.kerndoel_uuids(db.session, _node("KD2006-PO-40")) == (KD40, (KD40_OLD,))
        assert services.kerndoel_uuids(db.session, _node("KD2006-PO-43").id) == (KD43, (KD43_OLD,))
        assert services.kerndoel_uuids(db.session, _node("KD2006-PO-42")) == ("c3d8c8c0-0f94-4dec-8ce6-f52fab27158f",
                                                                             ())
        # Matching: both the current and the deprecated id find the kerndoel.
        assert services.find_node(db.session, "kd2006-po", KD40_OLD).code == "KD2006-PO-40"
        assert services.find_node(db.session, "kd2006-po", KD43.upper()).code == "KD2006-PO-43"
        assert services.resolve_uuids(db.session, [KD40, KD40_OLD, "00000000-0000-4000-8000-000000000000"]) == {
            KD40: _node("KD2006-PO-40").id, KD40_OLD: _node("KD2006-PO-40").id}


def test_every_reference_node_has_a_stable_identifier(app, references):
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(ReferenceNode.uuid.is_(None))) == 0
        mn = _node("MN01.1")
        assert mn.uuid == services.derived_uuid("cnu-2019", "MN01.1")
        assert services.is_derived_uuid("cnu-2019", "MN01.1", mn.uuid)
        assert not services.is_derived_uuid("kd2006-po", "KD2006-PO-40", KD40)


def test_node_address_resolves_current_and_deprecated_ids(app, client, login, references):
    login("leraar")
    for identifier in (KD40, KD40_OLD):
        response = client.get(f"/referentiekaders/knoop/{identifier}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/referentiekaders/kd2006-po#node-KD2006-PO-40")
    assert client.get("/referentiekaders/knoop/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/referentiekaders/knoop/geen-uuid").status_code == 404


def test_folder_on_a_current_seed_matches_and_follows_deprecated_json(app, runner, references):
    result = runner.invoke(args=["reference", "import", str(FOLDER)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2 files read, 1 skipped (no SLO items): package.json." in out
    # 7 + 2 deprecated entries; the deprecated ones are the aliases of 40 and 43: already followed.
    assert "9 items read: 6 match our reference nodes, 1 do not." in out
    assert "6 changed, 0 unchanged, 0 replaced, 3 absent." in out
    assert "changed: KD2006-PO-40: official text added" in out
    assert "deprecated:" not in out
    assert [line for line in out.splitlines() if "absent:" in line] == [
        "  absent: KD2006-PO-34", "  absent: KD2006-PO-39", "  absent: KD2006-PO-46"]
    with app.app_context():
        node = _node("KD2006-PO-40")
        assert (node.uuid, node.deprecated, node.official_text) == (
            KD40, False, "Testtekst: leerlingen leren planten en dieren in hun omgeving kennen.")


def test_folder_on_an_old_database_moves_the_ids_and_keeps_links(app, runner, references):
    with app.app_context():  # a database seeded before: the deprecated ids are the nodes' ids
        db.session.execute(delete(ReferenceNodeAlias))
        for code, old in (("KD2006-PO-40", KD40_OLD), ("KD2006-PO-43", KD43_OLD)):
            _node(code).uuid = old
        db.session.commit()
        node_id = _node("KD2006-PO-40").id
        links = set(db.session.scalars(select(CrosswalkLink.goal_id).where(CrosswalkLink.node_id == node_id)))
        assert links
    result = runner.invoke(args=["reference", "import", str(FOLDER)])
    assert result.exit_code == 0, result.output
    assert "6 changed, 0 unchanged, 2 replaced, 3 absent." in result.output
    assert (f"replaced: KD2006-PO-40: {KD40_OLD} → {KD40} (the old identifier is kept as an alias)"
            in result.output)
    assert "changed: KD2006-PO-43: new identifier, official text added" in result.output
    assert "deprecated:" not in result.output and "needs an editor" not in result.output
    with app.app_context():
        assert services.kerndoel_uuids(db.session, node_id) == (KD40, (KD40_OLD,))
        assert services.kerndoel_uuids(db.session, _node("KD2006-PO-43")) == (KD43, (KD43_OLD,))
        assert not _node("KD2006-PO-40").deprecated
        # The crosswalk keeps every link: it is the same kerndoel under a new identifier.
        assert set(db.session.scalars(select(CrosswalkLink.goal_id).where(CrosswalkLink.node_id == node_id))) == links
    again = runner.invoke(args=["reference", "import", str(FOLDER)])
    assert "0 changed, 6 unchanged, 0 replaced, 3 absent." in again.output


def test_old_files_that_use_the_deprecated_id_still_match(app, runner, references, tmp_path):
    path = tmp_path / "edurep.json"
    path.write_text(json.dumps([{"id": KD40_OLD, "title": "Testtekst: kerndoel 40 onder zijn oude id."}]))
    result = runner.invoke(args=["reference", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 items read: 1 match our reference nodes, 0 do not." in result.output
    assert "changed: KD2006-PO-40: official text added" in result.output
    with app.app_context():
        assert _node("KD2006-PO-40").uuid == KD40


def test_a_bad_file_in_the_folder_refuses_the_whole_folder(app, runner, references, tmp_path):
    folder = tmp_path / "repo"
    shutil.copytree(FOLDER, folder)
    (folder / "data" / "niveaus.json").write_text('[{"id": "kapot"}]')
    result = runner.invoke(args=["reference", "import", str(folder)])
    assert result.exit_code != 0
    assert "data/niveaus.json: Item 1 has no valid UUID in 'id'." in result.output
    assert "nothing was changed" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(ReferenceNode.official_text.is_not(None))) == 0


def test_an_empty_folder_is_refused(app, runner, references, tmp_path):
    result = runner.invoke(args=["reference", "import", str(tmp_path)])
    assert result.exit_code != 0
    assert "holds no JSON files" in result.output


def test_large_imports_are_applied_by_the_task_queue(app, runner, references):
    app.config["IMPORTS_BACKGROUND_ROWS"] = 3
    result = runner.invoke(args=["reference", "import", str(FOLDER)])
    assert result.exit_code == 0, result.output
    assert "9 items: the task queue applies them as job" in result.output
    assert "done." in result.output
    assert "6 changed, 0 unchanged, 0 replaced, 3 absent." in result.output  # the job's report
    job_id = int(result.output.split("as job ")[1].split(".")[0])
    with app.app_context():
        assert _node("KD2006-PO-42").official_text == "Testtekst: leerlingen doen proefjes met materialen."
        kd2006 = db.session.scalar(select(ReferenceFramework.id).where(ReferenceFramework.key == "kd2006-po"))
        assert kd2006 is not None
    shown = runner.invoke(args=["reference", "job", str(job_id)])
    assert f"Job {job_id}: done." in shown.output and "3 absent" in shown.output
    assert runner.invoke(args=["reference", "job", "999999"]).exit_code != 0


def test_a_case_package_that_names_the_deprecated_id_links_to_the_kerndoel(app, references):
    """Crosswalk links in a CASE package (another system's, or ours from before 2022) may carry the old id."""
    from wt_curriculum.case import services as case

    with app.app_context():
        package = case.export_package(db.session, "https://wt.example.org")
        kd40 = _node("KD2006-PO-40").id
        linked = [a for a in package["CFAssociations"] if a["destinationNodeURI"]["identifier"] == KD40]
        assert linked
        for association in linked:
            association["destinationNodeURI"]["identifier"] = KD40_OLD
        db.session.execute(delete(CrosswalkLink).where(CrosswalkLink.node_id == kd40))
        db.session.commit()
        report = case.import_package(db.session, package, None)
        db.session.commit()
        assert any(KD40_OLD in line for line in report.updated)
        assert db.session.scalar(select(func.count()).where(CrosswalkLink.node_id == kd40)) == len(linked)
