"""Coverage per kerndoel / doelzin as reports: HTML and PDF of one template, CSV and XLSX, for a school and a
network; 400 for a bad set or year, 404 for an unknown school or network, a sentence for a school without a
plan, and as many queries for a big network as for a small one. Data: tests/references/kerndoel_world."""
import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook

from tests.planning.kerndoel_world import build
from tests.reports.helpers import fix_date, get_pdf, pdf_text, use_language
from wt_curriculum.extensions import db

YEAR = "2026-2027"


@pytest.fixture
def world(app, monkeypatch):
    fix_date(monkeypatch)
    return build(app)



def read_csv(response, delimiter=";"):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(page)))


def _row(page: str, code: str) -> str:
    match = re.search(rf'<tr id="node-{re.escape(code)}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {code}"
    return text_of(match.group(1)).strip()


# --- One school --------------------------------------------------------------------------------
def test_school_pdf_per_doelzin_in_dutch(client, login, world):
    login("coordinator", school_id=world["alfa"])
    response = get_pdf(client, f"/rapporten/scholen/{world['alfa']}/kerndoelen.pdf?set=kd2025-po&year={YEAR}")
    assert "filename=kerndoelen-" in response.headers["Content-Disposition"]
    assert "kd2025-po-2026-2027.pdf" in response.headers["Content-Disposition"]
    pages, texts = pdf_text(response.data)
    text = "\n".join(texts)
    assert texts[0].startswith("Dekking per doelzin 2025, 2026-2027")  # running header: the title ...
    assert "Alfa" in texts[0].splitlines()[0]  # ... and the school
    assert "Dekking per doelzin 2025, 2026-2027: Alfa" in text
    assert "Afgedrukt op 25 november 2026" in text
    assert "2 van 3 doelzinnen gedekt (67%)" in text
    for code in ("KD2025-PO-29", "KD2025-PO-29A", "KD2025-PO-29B", "KD2025-PO-30A"):
        assert code in text
    assert "Plantenpakket (3-4)" in text and "Proefjespakket (7)" in text
    assert "vastgestelde leerdoelen" in text  # the rule, in words
    assert f"pagina {pages} van {pages}" in texts[-1]


def test_school_pdf_per_kerndoel_2006_in_english(client, login, world):
    login("beheerder")
    use_language(client, "en")
    path = f"/rapporten/scholen/{world['bravo']}/kerndoelen.pdf?set=kd2006-po&year={YEAR}"
    _, texts = pdf_text(get_pdf(client, path).data)
    text = "\n".join(texts)
    assert "Coverage per kerndoel 2006, 2026-2027: Bravo" in text
    assert "Printed on November 25, 2026" in text
    # Bravo plans Zaaipakket (K.S.A) in groep 5 and Buitenpakket in groep 8: K.S.F is meant for groep 1 only
    # and K.S.R is retired, so 42 stays uncovered and 40 is covered through K.S.A alone.
    assert "1 of 2 kerndoelen covered (50%)" in text
    assert "KD2006-PO-40" in text and "KD2006-PO-42" in text
    assert "Buitenpakket" not in text and "K.S.R" not in text and "K.S.F" not in text


def test_school_html_is_the_same_report_with_download_links(client, login, world):
    login("leraar", school_id=world["alfa"])
    page = client.get(f"/rapporten/scholen/{world['alfa']}/kerndoelen?set=kd2025-po&year={YEAR}").text
    assert "Dekking per doelzin 2025, 2026-2027: Alfa" in page
    for fmt in ("pdf", "csv", "xlsx"):
        assert f"/rapporten/scholen/{world['alfa']}/kerndoelen.{fmt}?set=kd2025-po&amp;year={YEAR}" in page
    assert _row(page, "KD2025-PO-29A") == "↳ KD2025-PO-29A Knoop KD2025-PO-29A ✔ ja 3-4 Plantenpakket (3-4) K.S.A"
    assert _row(page, "KD2025-PO-29") == ("KD2025-PO-29 Knoop KD2025-PO-29 2 van 2 doelzinnen 3-4, 7 "
                                          "Plantenpakket (3-4); Proefjespakket (7) K.S.A, K.S.B")
    assert _row(page, "KD2025-PO-30A") == "↳ KD2025-PO-30A Knoop KD2025-PO-30A ✘ nee — — —"
    assert 'href="/static/css/print.css"' in page and "<style" not in page
    assert '<svg role="img"' in page


def test_a_school_without_plan_says_so(client, login, world):
    login("beheerder")
    path = f"/rapporten/scholen/{world['charlie']}/kerndoelen"
    sentence = "Charlie heeft geen jaarplanning voor 2026-2027, dus er is nog geen kerndoel gedekt"
    assert sentence in text_of(client.get(f"{path}?set=kd2025-po&year={YEAR}").text)
    pages, texts = pdf_text(get_pdf(client, f"{path}.pdf?set=kd2025-po&year={YEAR}").data)
    assert pages == 1 and sentence in texts[0].replace("\n", " ")
    assert "KD2025-PO-29A" not in texts[0]
    # The spreadsheet still lists every node, none covered.
    rows = read_csv(client.get(f"{path}.csv?set=kd2025-po&year={YEAR}"))
    assert [r[4] for r in rows[1:]] == ["nee"] * 5


def test_school_csv_per_doelzin(client, login, world):
    login("coordinator", school_id=world["alfa"])
    rows = read_csv(client.get(f"/rapporten/scholen/{world['alfa']}/kerndoelen.csv?set=kd2025-po&year={YEAR}"))
    assert rows == [
        ["Kerndoel", "Code", "Soort", "Titel", "Gedekt", "Groepen", "Lespakketten (groepen)", "Onze leerdoelen"],
        ["KD2025-PO-29", "KD2025-PO-29", "kerndoel", "Knoop KD2025-PO-29", "ja", "3-4, 7",
         "Plantenpakket (3-4); Proefjespakket (7)", "K.S.A, K.S.B"],
        ["KD2025-PO-29", "KD2025-PO-29A", "doelzin", "Knoop KD2025-PO-29A", "ja", "3-4", "Plantenpakket (3-4)",
         "K.S.A"],
        ["KD2025-PO-29", "KD2025-PO-29B", "doelzin", "Knoop KD2025-PO-29B", "ja", "7", "Proefjespakket (7)", "K.S.B"],
        ["KD2025-PO-30", "KD2025-PO-30", "kerndoel", "Knoop KD2025-PO-30", "nee", "", "", ""],
        ["KD2025-PO-30", "KD2025-PO-30A", "doelzin", "Knoop KD2025-PO-30A", "nee", "", "", ""],
    ]


def test_school_xlsx_per_kerndoel_2006_in_english(client, login, world):
    login("beheerder")
    use_language(client, "en")
    response = client.get(f"/rapporten/scholen/{world['bravo']}/kerndoelen.xlsx?set=kd2006-po&year={YEAR}")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert response.headers["Content-Disposition"].endswith('kd2006-po-2026-2027.xlsx"')
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Kerndoelen 2026-2027"
    assert list(sheet.values) == [
        ("Kerndoel", "Code", "Type", "Title", "Covered", "Groepen", "Packages (groepen)", "Our goals"),
        ("KD2006-PO-40", "KD2006-PO-40", "kerndoel", "Knoop KD2006-PO-40", "yes", "5", "Zaaipakket (5)", "K.S.A"),
        ("KD2006-PO-42", "KD2006-PO-42", "kerndoel", "Knoop KD2006-PO-42", "no", None, None, None),
    ]


# --- One network -------------------------------------------------------------------------------
def test_network_pdf_per_doelzin(client, login, world):
    login("netwerkcoordinator", network_id=world["network"])
    response = get_pdf(client, f"/rapporten/netwerken/{world['network']}/kerndoelen.pdf?set=kd2025-po&year={YEAR}")
    _, texts = pdf_text(response.data)
    text = "\n".join(texts)
    flat = text.replace("-\n", "-").replace("\n", " ")
    assert "Netwerkdekking per doelzin 2025, 2026-2027: Netwerk NOORD" in flat
    assert "Afgedrukt op 25 november 2026" in text
    assert "2 van 3 scholen hebben een jaarplanning voor 2026-2027" in flat
    for code in ("KD2025-PO-29A", "KD2025-PO-29B", "KD2025-PO-30A"):
        assert code in text
    assert "Alfa" in text and "Bravo" in text
    assert "Scholen zonder jaarplanning voor 2026-2027" in flat and "Charlie" in text
    assert "Delta" not in text and "Echo" not in text  # archived; another network


def test_network_html_rows(client, login, world):
    login("redacteur")
    page = client.get(f"/rapporten/netwerken/{world['network']}/kerndoelen?set=kd2025-po&year={YEAR}").text
    assert _row(page, "KD2025-PO-29B").startswith("↳ KD2025-PO-29B Knoop KD2025-PO-29B 50% (1 van 2) ✔ gedekt –")
    assert "100% (2 van 2) ✔ gedekt ✔ gedekt" in _row(page, "KD2025-PO-29A")
    assert "0% (0 van 2)" in _row(page, "KD2025-PO-30A")  # Bravo's Buitenpakket covers nothing
    for fmt in ("pdf", "csv", "xlsx"):
        assert f"/rapporten/netwerken/{world['network']}/kerndoelen.{fmt}?set=kd2025-po&amp;year={YEAR}" in page


def test_network_csv_and_xlsx(client, login, world):
    login("beheerder")
    base = f"/rapporten/netwerken/{world['network']}/kerndoelen"
    rows = read_csv(client.get(f"{base}.csv?set=kd2006-po&year={YEAR}"))
    assert rows == [
        ["Kerndoel", "Code", "Soort", "Titel", "Scholen die het dekken", "Scholen met een planning", "Aandeel",
         "Alfa", "Bravo"],
        ["KD2006-PO-40", "KD2006-PO-40", "kerndoel", "Knoop KD2006-PO-40", "2", "2", "100", "ja", "ja"],
        ["KD2006-PO-42", "KD2006-PO-42", "kerndoel", "Knoop KD2006-PO-42", "1", "2", "50", "ja", "nee"],
    ]
    response = client.get(f"{base}.xlsx?set=kd2025-po&year={YEAR}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][4:] == ("Scholen die het dekken", "Scholen met een planning", "Aandeel", "Alfa", "Bravo")
    by_code = {r[1]: r for r in values[1:]}
    assert by_code["KD2025-PO-29B"][4:] == (1, 2, 0.5, "ja", "nee")
    assert by_code["KD2025-PO-30A"][4:] == (0, 2, 0, "nee", "nee")
    assert sheet.cell(row=values.index(by_code["KD2025-PO-29B"]) + 1, column=7).number_format == "0%"


def test_network_without_plans_says_so(client, login, world):
    login("beheerder")
    page = text_of(client.get(f"/rapporten/netwerken/{world['network']}/kerndoelen?set=kd2025-po&year=2030-2031").text)
    assert "Geen enkele school van dit netwerk heeft een jaarplanning voor 2030-2031, dus er is geen dekking" in page
    assert "Alfa" in page and "Charlie" in page  # listed as schools without a plan


# --- Bad requests, unknown schools and networks ------------------------------------------------
@pytest.mark.parametrize("query", ["set=kd2099-po&year=2026-2027", "set=KD2025-PO", "set=kd2025-po&year=2026",
                                   "set=kd2025-po&year=2026-2028", "year=twintig"])
@pytest.mark.parametrize("path", ["/rapporten/scholen/{school}/kerndoelen",
                                  "/rapporten/scholen/{school}/kerndoelen.pdf",
                                  "/rapporten/scholen/{school}/kerndoelen.csv",
                                  "/rapporten/netwerken/{network}/kerndoelen.xlsx",
                                  "/rapporten/netwerken/{network}/kerndoelen"])
def test_a_bad_set_or_year_is_a_friendly_400(client, login, world, path, query):
    login("beheerder")
    response = client.get(path.format(school=world["alfa"], network=world["network"]) + "?" + query)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    text = response.text
    assert "Kies een van de sets kerndoelen" in text or "Een schooljaar schrijf je als 2026-2027" in text


@pytest.mark.parametrize("path", ["/rapporten/scholen/999999/kerndoelen", "/rapporten/scholen/999999/kerndoelen.pdf",
                                  "/rapporten/scholen/999999/kerndoelen.csv", "/rapporten/netwerken/999999/kerndoelen",
                                  "/rapporten/netwerken/999999/kerndoelen.xlsx",
                                  "/rapporten/scholen/{school}/kerndoelen.doc"])
def test_unknown_school_or_network_is_404(client, login, world, path):
    login("beheerder")
    assert client.get(path.format(school=world["alfa"]) + f"?set=kd2025-po&year={YEAR}").status_code == 404


def test_reference_data_not_loaded_is_404(client, login, factory):
    school = factory.school()
    login("beheerder")
    assert client.get(f"/rapporten/scholen/{school}/kerndoelen.pdf?set=kd2006-po&year={YEAR}").status_code == 404


def test_other_schools_are_forbidden_before_the_request_is_checked(client, login, world):
    login("coordinator", school_id=world["alfa"])
    assert client.get(f"/rapporten/scholen/{world['bravo']}/kerndoelen.pdf?set=onzin").status_code == 403
    assert client.get(f"/rapporten/netwerken/{world['network']}/kerndoelen?set=kd2025-po").status_code == 403


# --- Links from the per-kerndoel pages ---------------------------------------------------------
def test_per_kerndoel_pages_link_to_their_print_report(client, login, world):
    login("beheerder")
    page = client.get(f"/scholen/{world['alfa']}/kerndoelen?set=kd2006-po&jaar={YEAR}").text
    assert (f'href="/rapporten/scholen/{world["alfa"]}/kerndoelen?set=kd2006-po&amp;year={YEAR}">'
            "Rapport afdrukken (PDF, spreadsheet)</a>") in page
    page = client.get(f"/netwerken/{world['network']}/kerndoelen?set=kd2025-po&jaar={YEAR}").text
    assert (f'href="/rapporten/netwerken/{world["network"]}/kerndoelen?set=kd2025-po&amp;year={YEAR}">'
            "Rapport afdrukken (PDF, spreadsheet)</a>") in page


# --- A fixed number of queries -----------------------------------------------------------------
def test_reports_run_a_fixed_number_of_queries(app, count_queries):
    from tests.planning.test_kerndoel_views import _second_network
    from wt_curriculum.reports.kerndoelen import network_kerndoel_report, school_kerndoel_report

    small = build(app, extra_schools=2)
    large = _second_network(app, 25)
    counts = []
    with app.test_request_context("/"):
        for network in (small["network"], large):
            db.session.remove()
            with count_queries() as counter:
                network_kerndoel_report(db.session, network, 2026, "kd2025-po")
            counts.append(counter.count)
        db.session.remove()
        with count_queries() as counter:
            school_kerndoel_report(db.session, small["alfa"], 2026, "kd2025-po")
    assert counts == [6, 6]
    assert counter.count == 6
