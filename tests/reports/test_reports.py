"""The reports as PDF and HTML: titles, codes, names, dates in both languages, running header and footer."""
import io

import pytest
from pypdf import PdfReader

from tests.reports.helpers import YEAR_LABEL, build_network, fix_date, get_pdf, pdf_text, use_language


@pytest.fixture
def world(app, monkeypatch):
    fix_date(monkeypatch)
    return build_network(app, 2)



def test_framework_pdf_in_dutch_has_contents_header_footer_and_three_pages(client, world):
    pages, texts = pdf_text(get_pdf(client, "/rapporten/leerdoelenkader.pdf").data)
    assert pages == 3  # contents; domain T; domain U (each domain starts a page)
    first = texts[0]
    assert "Leerdoelen wetenschap & technologie" in first
    assert "Inhoud" in first
    assert "Afgedrukt op 25 november 2026" in first
    assert "pagina 1 van 3" in first
    # The contents give each strand's page number (target-counter).
    assert "T.A Lijn T.A" in first and "U.B Lijn U.B" in first
    assert " 2\n" in first.replace(".", "") or first.rstrip().endswith("3")
    assert "T.A.1" in texts[1] and "Doel T.A.2" in texts[1] and "1-2" in texts[1]
    assert "pagina 3 van 3" in texts[2] and "U.B.1" in texts[2]
    # Only published goals: no draft, no retired goal.
    assert "U.B.5" not in "".join(texts) and "U.B.9" not in "".join(texts)


def test_framework_pdf_in_english(client, world):
    use_language(client, "en")
    _, texts = pdf_text(get_pdf(client, "/rapporten/leerdoelenkader.pdf").data)
    assert "Learning goals for science & technology" in texts[0]
    assert "Printed on November 25, 2026" in texts[0]
    assert "page 1 of 3" in texts[0]


def test_school_pdf_has_summary_matrix_and_gaps_with_suggestions(client, login, world):
    login("beheerder")
    school = world.school_ids[0]
    response = get_pdf(client, f"/rapporten/scholen/{school}/dekking.pdf?year={YEAR_LABEL}")
    assert "dekking-" in response.headers["Content-Disposition"]
    pages, texts = pdf_text(response.data)
    text = "\n".join(texts)
    assert texts[0].startswith("Dekking 2026-2027")  # running header: the report title ...
    assert "School A" in texts[0].splitlines()[0]  # ... and the school
    assert "Dekking 2026-2027: School A" in text
    assert "2 van 5 leerdoelen gedekt (40%)" in text
    assert "Leerdoelen per groep" in text and "T.A.1" in text and "U.B.9" in text  # retired, but planned
    assert "Hiaten en suggesties per groep" in text
    assert "Groep 7: 1 hiaat" in text and "P4" in text  # P4 closes U.B.1 in groep 7
    assert f"pagina {pages} van {pages}" in texts[-1]
    assert "Afgedrukt op 25 november 2026" in texts[-1]


def test_school_html_is_the_same_report_with_download_links(client, login, world):
    login("beheerder")
    school = world.school_ids[0]
    html = client.get(f"/rapporten/scholen/{school}/dekking?year={YEAR_LABEL}").text
    assert "Dekking 2026-2027: School A" in html
    assert f"/rapporten/scholen/{school}/dekking.pdf?year={YEAR_LABEL}" in html
    assert f"/rapporten/scholen/{school}/dekking.csv?year={YEAR_LABEL}" in html
    assert '<svg role="img"' in html and "<title id=\"strands-title\">" in html  # the chart, with its text
    assert 'href="/static/css/print.css"' in html
    assert "<style" not in html  # the CSP forbids inline styles


def test_a_school_without_plans_says_so(client, login, world):
    login("beheerder")
    path = f"/rapporten/scholen/{world.empty_school_id}/dekking"
    assert "Zonder Plan heeft geen jaarplanning voor 2026-2027" in client.get(f"{path}?year={YEAR_LABEL}").text
    pages, texts = pdf_text(get_pdf(client, f"{path}.pdf?year={YEAR_LABEL}").data)
    assert pages == 1
    assert "Zonder Plan heeft geen jaarplanning voor 2026-2027" in texts[0]
    assert "Leerdoelen per groep" not in texts[0]


def test_network_pdf_has_summary_table_gaps_and_a_page_per_school(client, login, world):
    login("netwerkcoordinator", network_id=world.network_id)
    response = get_pdf(client, f"/rapporten/netwerken/{world.network_id}/dekking.pdf?year={YEAR_LABEL}")
    reader = PdfReader(io.BytesIO(response.data))
    texts = [p.extract_text() for p in reader.pages]
    text = "\n".join(texts)
    assert "Netwerkdekking 2026-2027: Netwerk Utrecht-Oost" in texts[0].replace("-\n", "-")
    assert "2 van 3 scholen hebben een jaarplanning" in texts[0]
    assert "Gemiddeld aandeel gedekte leerdoelen per leerlijn" in texts[0]
    assert "Leerdoelen die de meeste scholen missen" in text and "U.B.1" in text
    # The schools x strands table is on a landscape page.
    landscape = [i for i, p in enumerate(reader.pages) if p.mediabox.width > p.mediabox.height]
    assert landscape and "Scholen per leerlijn" in texts[landscape[0]]
    # Then one page per school, its name in the running header.
    for name in ("School A", "School B", "Zonder Plan"):
        page = next(t for t in texts if f"Netwerk Utrecht-Oost · {name}" in t)
        assert f"{name} (" in page
    assert "Zonder Plan heeft geen jaarplanning" in texts[-1]
    assert len(texts) == landscape[-1] + 1 + 3


def test_cohort_pdf(client, login, world):
    login("beheerder")
    response = get_pdf(client, f"/rapporten/scholen/{world.school_ids[0]}/cohort.pdf?start=2026-2027")
    _, texts = pdf_text(response.data)
    text = "\n".join(texts)
    assert "Cohort dat begint in 2026-2027: School A" in text
    assert "In welk schooljaar elke groep valt" in text and "2033-2034" in text
    assert "T.A.1" in text and "gehaald" in text and "onbekend" in text


def test_cohort_without_any_plan_says_so(client, login, world):
    login("beheerder")
    html = client.get(f"/rapporten/scholen/{world.school_ids[0]}/cohort?start=2010-2011").text
    assert "heeft in geen van de schooljaren van dit cohort een jaarplanning" in html


@pytest.mark.parametrize("path", [
    "/rapporten/scholen/9999/dekking?year=2026-2027", "/rapporten/scholen/9999/dekking.pdf?year=2026-2027",
    "/rapporten/scholen/9999/cohort.pdf?start=2026-2027", "/rapporten/netwerken/9999/dekking.pdf?year=2026-2027",
    "/rapporten/netwerken/9999/dekking.csv?year=2026-2027", "/rapporten/scholen/1/dekking.doc?year=2026-2027",
])
def test_unknown_school_or_network_is_404(client, login, world, path):
    login("beheerder")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["year=2026", "year=2026-2028", "year=volgend+jaar", "start=26-27"])
def test_a_malformed_year_is_a_friendly_400_in_the_users_language(client, login, world, query):
    login("beheerder")
    kind = "cohort" if query.startswith("start") else "dekking"
    path = f"/rapporten/scholen/{world.school_ids[0]}/{kind}.pdf?{query}"
    response = client.get(path)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "2026-2027" in response.text  # the message shows the right form
    use_language(client, "en")
    assert "A school year is written as 2026-2027." in client.get(path).text


def test_the_url_fetcher_serves_only_our_static_files(app):
    from wt_curriculum.reports.rendering import BASE_URL, RefusedFetch, StaticOnlyFetcher

    with app.app_context():
        fetcher = StaticOnlyFetcher.make(app.static_folder)
        response = fetcher.fetch(BASE_URL + "static/css/print.css")
        assert b"@page" in response.read() and response.content_type == "text/css"
        for url in ("file:///etc/passwd", "http://example.org/static/css/print.css", BASE_URL + "static/../app.py",
                    BASE_URL + "static/%2e%2e/app.py", BASE_URL + "templates/base.html", "data:text/css,body{}",
                    BASE_URL + "static/css/missing.css", "https://report.invalid/static/css/print.css"):
            with pytest.raises(RefusedFetch):
                fetcher.fetch(url)


def test_a_report_cannot_read_local_files(app):
    """A file:// image or stylesheet in a report is simply left out of the PDF."""
    from weasyprint import HTML

    from wt_curriculum.reports.rendering import BASE_URL, StaticOnlyFetcher

    html = ('<link rel="stylesheet" href="file:///etc/passwd"><img src="file:///etc/hostname">'
            '<img src="http://127.0.0.1:1/x.png"><p>ok</p>')
    with app.app_context():
        pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher.make(app.static_folder)).write_pdf()
    _, texts = pdf_text(pdf)
    assert texts[0].strip() == "ok"
