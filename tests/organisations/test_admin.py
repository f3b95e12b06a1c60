"""Administration of networks and schools, and their CSV import (preview, all-or-nothing, idempotent)."""
import base64
import io

import pytest
from sqlalchemy import select

from tests.core.test_concurrency import form_with
from wt_curriculum.extensions import db
from wt_curriculum.organisations.models import Network, School
from wt_curriculum.planning.models import PlanEntry


def snapshot(app):
    with app.app_context():
        networks = sorted((n.code, n.name, n.region) for n in db.session.scalars(select(Network)))
        schools = sorted((s.code, s.name, s.place, s.network_id) for s in db.session.scalars(select(School)))
        return networks, schools


def upload(client, kind, raw: bytes):
    return client.post(f"/beheer/import/{kind}", data={"file": (io.BytesIO(raw), "import.csv")},
                       content_type="multipart/form-data")


def apply(client, kind, raw: bytes):
    return client.post(f"/beheer/import/{kind}", data={"apply": "1", "content": base64.b64encode(raw).decode()})


NETWORKS = "code;naam;regio\nWT-UTR;W&T Utrecht;Utrecht\nWT-GRO;Techniek Groningen;Groningen\n"
SCHOOLS = "brin,vestiging,name,place,network\n12AB,00,OBS De Regenboog,Houten,WT-UTR\n27KL,1,CBS Één,Bunnik,WT-GRO\n"


def test_import_networks_then_schools_preview_apply_and_reimport_changes_nothing(app, client, login):
    login("beheerder")
    preview = upload(client, "netwerken", NETWORKS.encode("utf-8"))
    assert preview.status_code == 200
    assert "2 toe te voegen, 0 te wijzigen, 0 ongewijzigd" in preview.get_data(as_text=True)
    assert snapshot(app) == ([], [])  # the preview writes nothing
    assert apply(client, "netwerken", NETWORKS.encode("utf-8")).status_code == 302
    raw = SCHOOLS.encode("utf-8-sig")  # with a BOM
    assert "2 toe te voegen" in upload(client, "scholen", raw).get_data(as_text=True)
    apply(client, "scholen", raw)
    networks, schools = snapshot(app)
    assert [n[0] for n in networks] == ["WT-GRO", "WT-UTR"]
    assert [(s[0], s[1]) for s in schools] == [("12AB00", "OBS De Regenboog"), ("27KL01", "CBS Één")]
    before = snapshot(app)
    again = upload(client, "scholen", raw).get_data(as_text=True)
    assert "0 toe te voegen, 0 te wijzigen, 2 ongewijzigd" in again
    apply(client, "scholen", raw)
    apply(client, "netwerken", NETWORKS.encode("utf-8"))
    assert snapshot(app) == before


def test_windows_1252_file_and_a_change_shown_in_the_preview(app, client, login, factory):
    login("beheerder")
    factory.network(code="WT-UTR")
    factory.school(brin="12AB", name="OBS Oud")
    raw = "brin;naam;plaats;netwerk\n12AB;Basisschool Café Ünal;Utrecht;WT-UTR\n".encode("cp1252")
    page = upload(client, "scholen", raw).get_data(as_text=True)
    assert "1 te wijzigen" in page and "OBS Oud → Basisschool Café Ünal" in page
    apply(client, "scholen", raw)
    assert snapshot(app)[1][0][1] == "Basisschool Café Ünal"


@pytest.mark.parametrize("raw, expected", [
    (b"", ["Regel 1: Het bestand is leeg."]),
    (b"naam;plaats\nX;Y\n", ["Regel 1: De kopregel moet de kolommen"]),
    (b"brin;naam\n", ["Regel 2: Het bestand heeft een kopregel maar geen regels.", "Het bestand bevat 1 fout;"]),
    (b"brin;naam;netwerk\n12AB;Goed;\n1X;Fout\n34CD;;\n45EF;Zonder netwerk;NOPE\n12AB;Dubbel;\n",
     ["Regel 3: Een BRIN-code", "Regel 4: Geef de school een naam", "Regel 5: Er is geen netwerk met code NOPE",
      "Regel 6: 12AB00 staat al op regel 2", "Het bestand bevat 4 fouten;"]),
    (b"brin;naam\n12AB;Een;twee;drie\n", ["Regel 2: Deze regel heeft 4 velden, de kopregel 2."]),
    (b"brin;naam\n12AB;\x00\x81\x8d\n", ["Regel 1:"]),
])
def test_broken_school_files_are_reported_by_line_and_nothing_is_written(app, client, login, raw, expected):
    login("beheerder")
    page = upload(client, "scholen", raw).get_data(as_text=True)
    for text in expected:
        assert text in page
    assert "er wordt niets geïmporteerd" in page
    if raw:
        response = apply(client, "scholen", raw)
        assert response.status_code == 200 and "er is niets geïmporteerd" in response.get_data(as_text=True)
    assert snapshot(app) == ([], [])


def test_network_crud_archive_and_delete_refused_when_it_has_plans(app, client, login, factory):
    login("beheerder")
    created = client.post("/beheer/netwerken/nieuw", data={"code": "wt-x", "name": "Netwerk X", "region": ""})
    assert created.status_code == 302
    bad = client.post("/beheer/netwerken/nieuw", data={"code": "WT-X", "name": "Dubbel", "region": ""})
    assert bad.status_code == 200 and "Er is al een netwerk met code WT-X" in bad.get_data(as_text=True)
    with app.app_context():
        network_id = db.session.scalar(select(Network.id).where(Network.code == "WT-X"))
    school_id = factory.school(network_id=network_id, brin="55PP")
    with app.app_context():
        from tests.planning.builders import Builder

        b = Builder(db.session)
        b.domain("Z")
        b.strand("Z.S", "Z")
        b.goal("Z.S.1", "Z.S", [1])
        b.package("Pakket", [1], {"Z.S.1": "kern"}, network_id)
        b.plan(school_id, 2026, 1, "Pakket")
        db.session.commit()
    refused = client.post(f"/beheer/netwerken/{network_id}/verwijderen", follow_redirects=True)
    assert "archiveer het netwerk" in refused.get_data(as_text=True)
    refused = client.post(f"/beheer/scholen/{school_id}/verwijderen", follow_redirects=True)
    assert "heeft jaarplanningen" in refused.get_data(as_text=True)
    client.post(f"/beheer/scholen/{school_id}/archiveren", data={"archived": "1"})
    client.post(f"/beheer/netwerken/{network_id}/archiveren", data={"archived": "1"})
    with app.app_context():
        assert db.session.get(School, school_id).archived and db.session.get(Network, network_id).archived
        assert db.session.scalar(select(PlanEntry.id)) is not None
    client.post(f"/beheer/scholen/{school_id}/archiveren", data={"archived": "0"})
    with app.app_context():
        assert not db.session.get(School, school_id).archived


def test_school_create_edit_and_delete(app, client, login, factory):
    login("beheerder")
    network_id = factory.network(code="NET-Q")
    bad = client.post("/beheer/scholen/nieuw", data={"name": "X", "brin": "ABCD", "vestiging": "00", "place": ""})
    assert "Een BRIN-code" in bad.get_data(as_text=True)
    client.post("/beheer/scholen/nieuw", data={"name": "De Linde", "brin": "77ll", "vestiging": "", "place": "Ede",
                                               "network_id": str(network_id)})
    with app.app_context():
        school = db.session.scalar(select(School).where(School.brin == "77LL"))
        assert (school.vestiging, school.network_id) == ("00", network_id)
        school_id = school.id
    client.post(f"/beheer/scholen/{school_id}", data={"name": "De Linde 2", "brin": "77LL", "vestiging": "01",
                                                      "place": "Ede", "network_id": ""})
    with app.app_context():
        school = db.session.get(School, school_id)
        assert (school.name, school.code, school.network_id) == ("De Linde 2", "77LL01", None)
    client.post(f"/beheer/scholen/{school_id}/verwijderen")
    with app.app_context():
        assert db.session.get(School, school_id) is None


def test_schools_overview_lists_networks_and_schools_for_editors(app, client, login, factory):
    network_id = factory.network(code="NET-L", name="Netwerk Lijst")
    factory.school(network_id=network_id, name="School Lijst")
    login("redacteur")
    page = client.get("/scholen").get_data(as_text=True)
    assert "Netwerk Lijst" in page and "School Lijst" in page and "/beheer/" not in page


def test_a_large_network_and_school_import_is_applied_by_the_queue(app, client, login):
    from tests.queue_fixtures import job_row

    app.config["IMPORTS_BACKGROUND_ROWS"] = 1
    admin = login("beheerder")
    response = apply(client, "netwerken", NETWORKS.encode("utf-8"))
    assert response.status_code == 303 and response.headers["Location"] == "/taken/1"
    job = job_row(app, 1)
    assert (job.kind, job.user_id, job.state, job.title) == ("organisations.import", admin.id, "done",
                                                             "Import van netwerken")
    assert job.message == "Import klaar: 2 toegevoegd, 0 gewijzigd, 0 ongewijzigd." and job.progress_done == 2
    bad = b"brin;naam;netwerk\n12AB;Goed;WT-UTR\n34CD;Ook goed;NOPE\n"
    apply(client, "scholen", bad)  # checked again by the job: all or nothing
    failed = job_row(app, 2)
    assert failed.state == "failed" and failed.message == "Het bestand bevat fouten; er is niets geïmporteerd."
    assert [s[0] for s in snapshot(app)[1]] == []


def test_two_administrators_editing_one_school_do_not_revert_each_other(app, client, login, factory):
    """Issue 15: schools had no version check; the second save silently reverted the first."""
    network_id = factory.network(code="NET-V")
    school_id = factory.school(network_id=network_id, name="De Linde", brin="77LL")
    login("beheerder")
    page = client.get(f"/beheer/scholen/{school_id}").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    data = {"brin": "77LL", "vestiging": "00", "place": "Utrecht", "network_id": str(network_id), "version": "1"}
    first = client.post(f"/beheer/scholen/{school_id}", data={**data, "name": "De Linde (eerste)"})
    assert first.status_code == 302
    second = client.post(f"/beheer/scholen/{school_id}", data={**data, "name": "De Linde (tweede)"})
    html = second.get_data(as_text=True)
    assert second.status_code == 409 and "Iemand anders heeft deze school opgeslagen" in html
    assert 'value="De Linde (tweede)"' in html  # what was typed stays
    with app.app_context():
        school = db.session.get(School, school_id)
        assert (school.name, school.version) == ("De Linde (eerste)", 2)


def test_two_administrators_editing_one_network_do_not_revert_each_other(app, client, login, factory):
    network_id = factory.network(code="NET-W", name="Oud")
    login("beheerder")
    data = {"code": "NET-W", "region": "Utrecht", "version": "1"}
    assert client.post(f"/beheer/netwerken/{network_id}", data={**data, "name": "Eerste"}).status_code == 302
    second = client.post(f"/beheer/netwerken/{network_id}", data={**data, "name": "Tweede"})
    assert second.status_code == 409 and "Iemand anders heeft dit netwerk opgeslagen" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Network, network_id).name == "Eerste"


def test_a_new_school_form_sent_twice_makes_one_school(app, client, login, factory):
    """Issue 15: the create form carries a one-time token; sending it again answers 409 and makes nothing."""
    network_id = factory.network(code="NET-T")
    login("beheerder")
    page = client.get("/beheer/scholen/nieuw").get_data(as_text=True)
    token = page.split('name="submission" type="hidden" value="', 1)[1].split('"', 1)[0]
    assert len(token) > 20
    data = {"name": "De Tweeling", "brin": "55TT", "vestiging": "00", "place": "Zeist",
            "network_id": str(network_id), "submission": token}
    assert client.post("/beheer/scholen/nieuw", data=data).status_code == 302
    again = client.post("/beheer/scholen/nieuw", data={**data, "brin": "56TT"})
    assert again.status_code == 409 and "Dit formulier is al verstuurd" in again.get_data(as_text=True)
    with app.app_context():
        assert [s.name for s in db.session.scalars(select(School).where(School.name == "De Tweeling"))] == [
            "De Tweeling"]


def test_a_school_has_a_province_chosen_from_the_twelve(app, client, login):
    login("beheerder")
    client.post("/beheer/scholen/nieuw", data={"name": "De Terp", "brin": "78MM", "vestiging": "00",
                                               "place": "Ljouwert", "province": "FR"})
    with app.app_context():
        school = db.session.scalar(select(School).where(School.brin == "78MM"))
        assert school.province == "FR"
        school_id = school.id
    page = client.get(f"/beheer/scholen/{school_id}").get_data(as_text=True)
    assert '<option selected value="FR">Fryslân</option>' in page or '<option value="FR" selected>' in page
    bad = client.post(f"/beheer/scholen/{school_id}", data={"name": "De Terp", "brin": "78MM", "vestiging": "00",
                                                            "place": "Ljouwert", "province": "XX"})
    assert bad.status_code == 200 and "Provincie: Ongeldige keuze." in bad.get_data(as_text=True)
    client.post(f"/beheer/scholen/{school_id}", data={"name": "De Terp", "brin": "78MM", "vestiging": "00",
                                                      "place": "Ljouwert", "province": ""})
    with app.app_context():
        assert db.session.get(School, school_id).province == ""


# --- Issue 15: the conflict page says what the other administrator changed ----------------------------------


def _opened_form(client, path: str) -> dict:
    return dict(form_with(client.get(path).get_data(as_text=True), "version"))


def _conflict_rows(page: str) -> dict[str, list[str]]:
    """The conflict table: {field label: [opened, stored now, sent]} (the cells' text)."""
    import re
    from html import unescape

    table = page.split('class="diff conflict-fields"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr id=\"conflict-[^\"]+\">(.*?)</tr>", table, re.S):
        cells = [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_school_conflict_page_shows_field_by_field_what_the_other_changed(app, client, login, factory):
    network_a = factory.network(code="NET-A", name="Netwerk Amstel")
    network_b = factory.network(code="NET-B", name="Netwerk Berkel")
    school_id = factory.school(network_id=network_a, name="De Oude Naam", place="Utrecht")
    login("beheerder")
    path = f"/beheer/scholen/{school_id}"
    mine, theirs = _opened_form(client, path), _opened_form(client, path)
    # The other administrator renames the school and moves it to another network.
    assert client.post(path, data={**theirs, "name": "Hun <Naam>", "network_id": str(network_b)}).status_code == 302
    # Mine changes the place only, from the form opened before.
    answer = client.post(path, data={**mine, "place": "Zeist"})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Wat de ander veranderde" in page and "Iemand anders heeft deze school opgeslagen" in page
    rows = _conflict_rows(page)
    assert rows == {
        "Naam door iemand anders gewijzigd": ["De Oude Naam", "Hun <Naam>", "De Oude Naam"],
        "Plaats": ["Utrecht", "Utrecht", "Zeist"],
        "Netwerk door iemand anders gewijzigd": ["Netwerk Amstel", "Netwerk Berkel", "Netwerk Amstel"],
    }
    assert "Hun &lt;Naam&gt;" in page  # escaped
    with app.app_context():
        school = db.session.get(School, school_id)
        assert (school.name, school.place, school.network_id) == ("Hun <Naam>", "Utrecht", network_b)
    # The form now carries the stored version: saving again is a deliberate choice, and it wins.
    again = dict(form_with(page, "version"))
    assert again["place"] == "Zeist" and again["version"] == "2"
    assert client.post(path, data=again).status_code == 302
    with app.app_context():
        assert db.session.get(School, school_id).place == "Zeist"


def test_the_network_conflict_page_shows_field_by_field_what_the_other_changed(app, client, login, factory):
    network_id = factory.network(code="NET-C", name="Oude naam", region="Utrecht")
    login("beheerder")
    path = f"/beheer/netwerken/{network_id}"
    mine, theirs = _opened_form(client, path), _opened_form(client, path)
    assert client.post(path, data={**theirs, "region": "Gelderland"}).status_code == 302
    answer = client.post(path, data={**mine, "name": "Mijn naam"})
    assert answer.status_code == 409
    assert _conflict_rows(answer.get_data(as_text=True)) == {
        "Naam": ["Oude naam", "Oude naam", "Mijn naam"],
        "Regio door iemand anders gewijzigd": ["Utrecht", "Gelderland", "Utrecht"],
    }
    with app.app_context():
        assert (db.session.get(Network, network_id).name, db.session.get(Network, network_id).region) == (
            "Oude naam", "Gelderland")


def test_a_conflict_with_a_forged_or_missing_opened_state_still_answers_409(app, client, login, factory):
    """What the form was opened with is signed: a changed or missing value shows "not known", never a 500."""
    network_id = factory.network(code="NET-D", name="Naam", region="Utrecht")
    login("beheerder")
    path = f"/beheer/netwerken/{network_id}"
    mine, theirs = _opened_form(client, path), _opened_form(client, path)
    assert client.post(path, data={**theirs, "region": "Drenthe"}).status_code == 302
    for opened in ("vervalst", "", "\u00e9" * 5000):
        answer = client.post(path, data={**mine, "opened": opened})
        assert answer.status_code == 409
        assert _conflict_rows(answer.get_data(as_text=True))["Regio"] == ["(niet bekend)", "Drenthe", "Utrecht"]


def test_archiving_while_the_form_is_open_is_a_conflict_that_says_no_field_changed(app, client, login, factory):
    school_id = factory.school(name="Archiefschool")
    login("beheerder")
    path = f"/beheer/scholen/{school_id}"
    mine = _opened_form(client, path)
    assert client.post(f"{path}/archiveren", data={"archived": "1"}).status_code == 302
    answer = client.post(path, data=mine)
    assert answer.status_code == 409
    assert "De andere wijziging raakte de velden van dit formulier niet" in answer.get_data(as_text=True)


def test_schools_import_from_an_excel_file(app, client, login, factory):
    from wt_curriculum.tables import write_xlsx

    login("beheerder")
    factory.network(code="WT-UTR")
    raw = write_xlsx(["brin", "vestiging", "naam", "plaats", "netwerk"],
                     [["12AB", "00", "OBS De Regenboog", "Houten", "WT-UTR"], ["27KL", "1", "CBS Één", "Bunnik", ""]],
                     "Scholen")
    page = client.post("/beheer/import/scholen", data={"file": (io.BytesIO(raw), "scholen.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "2 toe te voegen" in page and "er wordt niets geïmporteerd" not in page
    apply(client, "scholen", raw)
    assert [(code, name) for code, name, *_ in snapshot(app)[1]] == [("12AB00", "OBS De Regenboog"),
                                                                      ("27KL01", "CBS Één")]
    broken = client.post("/beheer/import/scholen", data={"file": (io.BytesIO(b"PK\x03\x04kapot"), "s.xlsx")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "Regel 1:" in broken and "Excel" in broken and "er wordt niets geïmporteerd" in broken


def test_the_import_help_names_the_columns_in_the_users_language(client, login):
    """The file may use English or Dutch column names; the help names them in the page's language."""
    login("beheerder")
    dutch = client.get("/beheer/import/scholen").get_data(as_text=True)
    assert "Verplichte kolommen: naam, brin; optioneel: vestiging, plaats, netwerk." in dutch
    assert "name, brin" not in dutch
    client.set_cookie("lang", "en")
    english = client.get("/beheer/import/scholen").get_data(as_text=True)
    assert "Required columns: name, brin; optional: vestiging, place, network." in english
    networks = client.get("/beheer/import/netwerken").get_data(as_text=True)
    assert "Required columns: code, name; optional: region." in networks
