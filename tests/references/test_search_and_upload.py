"""Search inside reference frameworks (codes, Dutch word stems) and the SLO upload page (a job, all or nothing)."""
import io
import json
import re

from sqlalchemy import func, select

from tests.references.conftest import DATA
from wt_curriculum.core.models import AuditEvent, Job
from wt_curriculum.extensions import db
from wt_curriculum.references import services
from wt_curriculum.references.models import ReferenceNode


def _codes(html: str) -> list[str]:
    """The codes of the results, in their order."""
    block = html.split('class="search-results"', 1)[1].split("</ol>", 1)[0] if "search-results" in html else ""
    return re.findall(r'<span class="code">([^<]+)</span>', block)


def test_search_finds_codes_case_insensitively_exact_first(app, client, login, references):
    login("leraar")
    response = client.get("/referentiekaders/zoeken?q=kd2006-po-4")
    assert response.status_code == 200
    codes = _codes(response.get_data(as_text=True))
    assert codes[:7] == [f"KD2006-PO-{n}" for n in range(40, 47)]
    # The exact code comes first, before codes that only contain it.
    exact = _codes(client.get("/referentiekaders/zoeken?q=KD2025-po-29").get_data(as_text=True))
    assert exact[0] == "KD2025-PO-29" and len(exact) > 1 and all(c.startswith("KD2025-PO-29") for c in exact)


def test_search_matches_dutch_stems_and_the_start_of_the_last_word(app, references):
    with app.app_context():
        node = db.session.scalar(select(ReferenceNode).where(ReferenceNode.code == "KD2006-PO-42"))
        node.official_text = "Leerlingen leren onderzoek doen aan materialen en natuurkundige verschijnselen."
        db.session.commit()
        # "verschijnsel" and "verschijnselen" share a stem, as "onderzoeken" and "onderzoek"; "natuurk" is the
        # start of a word; stop words ("van", "de") are left out.
        for query in ("materialen", "Verschijnsel", "onderzoeken van de materialen", "natuurkundig leerling",
                      "natuurk"):
            found = services.search_nodes(db.session, query, "kd2006-po")
            assert "KD2006-PO-42" in [h.code for h in found.hits], query
            assert all(not h.by_code for h in found.hits)
        assert services.search_nodes(db.session, "materialen fietsbel", "kd2006-po").hits == []
        # Restricted to one framework, or across all of them.
        assert {h.framework_key for h in services.search_nodes(db.session, "KD").hits} == {"kd2006-po", "kd2025-po"}
        assert services.search_nodes(db.session, "   ").total == 0


def test_search_page_links_to_the_node_page_and_escapes_the_query(app, client, login, references):
    login("leraar")
    response = client.get("/referentiekaders/zoeken?kader=kd2006-po&q=KD2006-PO-40")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 knoop gevonden" in body
    with app.app_context():
        uuid = db.session.scalar(select(ReferenceNode.uuid).where(ReferenceNode.code == "KD2006-PO-40"))
    assert f'href="/referentiekaders/knoop/{uuid}"' in body
    assert client.get(f"/referentiekaders/knoop/{uuid}").headers["Location"].endswith("#node-KD2006-PO-40")
    hostile = client.get("/referentiekaders/zoeken?q=%3Cscript%3Ex%3C/script%3E")
    assert hostile.status_code == 200 and "<script>x" not in hostile.get_data(as_text=True)
    assert "Geen knoop heeft deze code" in hostile.get_data(as_text=True)
    assert client.get("/referentiekaders/zoeken?kader=bestaat-niet&q=x").status_code == 404
    assert client.get("/referentiekaders/zoeken?q=" + "a" * 5000).status_code == 200
    # The framework page carries the search form for that framework.
    page = client.get("/referentiekaders/kd2006-po").get_data(as_text=True)
    assert 'action="/referentiekaders/zoeken"' in page and 'name="kader" value="kd2006-po"' in page


def test_search_runs_a_fixed_number_of_queries(app, client, login, references, count_queries):
    login("leraar")
    with count_queries() as few:
        client.get("/referentiekaders/zoeken?q=KD2006")
    with count_queries() as many:
        client.get("/referentiekaders/zoeken?q=leerlingen")
    assert few.count == many.count


def _upload(client, content: bytes, name="kerndoelen.json"):
    return client.post("/referentiekaders/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_upload_of_slo_data_runs_as_a_job_with_its_report(app, client, login, references):
    editor = login("redacteur")
    response = _upload(client, (DATA / "slo_kerndoelen.json").read_bytes())
    assert response.status_code == 303 and "/taken/" in response.headers["Location"]
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "references.upload"))
        assert (job.state, job.user_id) == ("done", editor.id)
        assert db.session.scalar(select(ReferenceNode.official_text).where(ReferenceNode.code == "KD2006-PO-42")) \
            == "Testtekst: leerlingen doen proefjes met materialen."
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "reference.import")) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 items gelezen: 2 passen bij onze referentieknopen, 1 niet." in page
    assert "Gewijzigd: KD2006-PO-42 (officiële tekst toegevoegd)" in page
    assert "Ontbreekt in de gegevens: KD2006-PO-40" in page


def test_a_bad_file_fails_the_job_with_numbered_problems_and_changes_nothing(app, client, login, references):
    login("beheerder")
    items = [{"id": "c3d8c8c0-0f94-4dec-8ce6-f52fab27158f", "title": "Nieuw"}, {"title": "zonder id"}, "tekst"]
    response = _upload(client, json.dumps(items).encode())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "kerndoelen.json is niet geïmporteerd; er is niets veranderd." in page
    assert "Item 2 heeft geen geldige UUID in &#39;id&#39;." in page and "Item 3 is geen object." in page
    with app.app_context():
        assert db.session.scalar(select(Job.state).where(Job.kind == "references.upload")) == "failed"
        assert db.session.scalar(select(ReferenceNode.official_text).where(
            ReferenceNode.code == "KD2006-PO-42")) is None
    broken = client.get(_upload(client, b'[{"id": 1,}]').headers["Location"]).get_data(as_text=True)
    assert "Het bestand is geen JSON" in broken and "regel 1, kolom" in broken
    # Without a file the form says so, and no job is made.
    empty = client.post("/referentiekaders/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 200 and "Kies een bestand." in empty.get_data(as_text=True)


def test_the_command_line_still_speaks_english(app, runner, references, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"title": "zonder id"}]))
    result = runner.invoke(args=["reference", "import", str(bad)])
    assert result.exit_code != 0 and "Item 1 has no valid UUID in 'id'." in result.output
