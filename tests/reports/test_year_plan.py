"""The year plan to print or take along: HTML, PDF, CSV and XLSX, for the whole school or one groep."""
import io

from openpyxl import load_workbook

from tests.reports.helpers import YEAR_LABEL, build_network, get_pdf, pdf_text, use_language


def test_year_plan_page_pdf_and_spreadsheets(app, client, login):
    world = build_network(app, 1)
    school = world.school_ids[0]
    login("leraar", school_id=school)
    base = f"/rapporten/scholen/{school}/jaarplanning"
    html = client.get(f"{base}?year={YEAR_LABEL}").get_data(as_text=True)
    assert "Jaarplanning 2026-2027: School A" in html and "Groep 8" in html
    assert "1 oktober 2026" in html and "nog niet" in html and "P1" in html and "P3" in html
    assert f'href="{base}.pdf?school_id' not in html and f"{base}.pdf?year=2026-2027" in html

    one = client.get(f"{base}?year={YEAR_LABEL}&groep=5").get_data(as_text=True)
    one = one[one.index("<main"):]  # the page's content: the CSRF token in the header may hold "P1" too
    assert "Groep 5" in one and "P3" in one and "P1" not in one and "Groep 8" not in one
    assert client.get(f"{base}?year={YEAR_LABEL}&groep=9").status_code == 400

    pages, texts = pdf_text(get_pdf(client, f"{base}.pdf?year={YEAR_LABEL}&groep=1").data)
    text = "\n".join(texts)
    assert pages == 1 and "Jaarplanning 2026-2027" in text and "P1" in text and "1 oktober 2026" in text

    csv_rows = client.get(f"{base}.csv?year={YEAR_LABEL}").data.decode("utf-8-sig").splitlines()
    assert csv_rows[0] == "Groep;Lespakket;Leerdoelen;Hoofddoelen;Periode;Gegeven op"
    assert any(r.startswith("1;P1;T.A.1, T.A.2;T.A.1;;2026-10-01") for r in csv_rows[1:]), csv_rows

    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx?year={YEAR_LABEL}&groep=5").data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Groep", "Lespakket"] and [r[1] for r in values[1:]] == ["P3"]

    use_language(client, "en")
    english = client.get(f"{base}?year={YEAR_LABEL}").get_data(as_text=True)
    assert "Year plan 2026-2027: School A" in english and "October 1, 2026" in english


def test_the_plan_pages_link_to_it(app, client, login):
    world = build_network(app, 1)
    school = world.school_ids[0]
    login("coordinator", school_id=school)
    page = client.get(f"/scholen/{school}/plan?jaar={YEAR_LABEL}").get_data(as_text=True)
    assert f"/rapporten/scholen/{school}/jaarplanning?year=2026-2027" in page
    groep = client.get(f"/scholen/{school}/plan/groep/5?jaar={YEAR_LABEL}").get_data(as_text=True)
    assert f"/rapporten/scholen/{school}/jaarplanning?year=2026-2027&amp;groep=5" in groep
