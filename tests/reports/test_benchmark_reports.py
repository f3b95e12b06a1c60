"""The benchmark and the national picture as reports: the HTML page (charts with their text, the numbers in
tables), the PDF's text, who may see them, and bad input. Data: tests/planning/benchmark_world.py."""
import html
import re

import pytest

from tests.planning.benchmark_world import build
from tests.reports.helpers import fix_date, get_pdf, pdf_text, use_language


@pytest.fixture
def world(app, monkeypatch):
    fix_date(monkeypatch)
    return build(app)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(page)))


def test_benchmark_page_has_charts_and_tables(client, login, world):
    login("netwerkcoordinator", network_id=world["n1"])
    response = client.get(f"/rapporten/netwerken/{world['n1']}/vergelijking?year=2026-2027")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # A chart for all goals, one per strand and one per kerndoel, and the key: each an image with its text.
    assert page.count('role="img"') == 1 + 1 + 2 + 2
    assert '<title id="strand-2-title">T.B Lijn T.B: Netwerk N1 tegenover het land</title>' in page
    assert "2026-2027: Netwerk N1 33%; landelijke mediaan 33%, middelste helft 0% tot 67%." in page
    text = text_of(page)
    assert "Vergelijking 2026-2027: Netwerk N1" in text
    assert "Schooljaren 2024-2025 tot en met 2026-2027" in text
    # The numbers: strand T.B in 2026-2027 (N1 1/3 of 2 schools; the country 1/3 of 5, Q1 0, Q3 2/3).
    assert "T.B Lijn T.B 2024-2025 geen planningen geen planningen" in text
    assert "2026-2027 33% (2 scholen) 33% (5 scholen) 0% – 67% ±0%" in text
    assert "Alle leerdoelen 2024-2025" in text and "2026-2027 40% (2 scholen) 20% (5 scholen) 20% – 60% +20%" in text
    assert "K2 Knoop K2" in text and "2026-2027 0% (2 scholen) 0% (5 scholen) 0% – 100% ±0%" in text
    assert f"/rapporten/netwerken/{world['n1']}/vergelijking.pdf?year=2026-2027" in page


def test_benchmark_for_another_network_and_bad_input(client, login, world):
    login("netwerkcoordinator", network_id=world["n1"])
    assert client.get(f"/rapporten/netwerken/{world['n2']}/vergelijking").status_code == 403
    assert client.get(f"/rapporten/netwerken/{world['n1']}/vergelijking?year=2026").status_code == 400
    assert client.get("/rapporten/netwerken/999999/vergelijking").status_code == 404
    login("coordinator", school_id=world["a"])
    assert client.get(f"/rapporten/netwerken/{world['n1']}/vergelijking").status_code == 403
    login("redacteur")
    page = client.get(f"/rapporten/netwerken/{world['n2']}/vergelijking?year=2026-2027").get_data(as_text=True)
    assert "Vergelijking 2026-2027: Netwerk N2" in text_of(page)


def test_benchmark_pdf_text(client, login, world):
    login("netwerkcoordinator", network_id=world["n1"])
    response = get_pdf(client, f"/rapporten/netwerken/{world['n1']}/vergelijking.pdf?year=2026-2027")
    assert 'filename=vergelijking-N1-2026-2027.pdf' in response.headers["Content-Disposition"]
    pages, texts = pdf_text(response.data)
    text = re.sub(r"\s+", " ", "\n".join(texts))
    assert "Vergelijking 2026-2027: Netwerk N1" in text
    assert "Afgedrukt op 25 november 2026" in text
    assert "Per leerlijn" in text and "Per kerndoel: Kader kd2025-po" in text
    assert "T.B Lijn T.B" in text and "Landelijke mediaan" in text and "Middelste helft (K1–K3)" in text
    assert "33% (5 scholen)" in text
    assert "Download PDF" not in text  # no links to files in the file itself
    assert f"pagina {pages} van {pages}" in texts[-1]


def test_national_picture_page(client, login, world):
    login("redacteur")
    response = client.get("/rapporten/landelijk?year=2026-2027")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert "Het landelijke beeld 2022-2023 tot en met 2026-2027: Nederland" in text
    assert page.count('role="img"') == 3  # two bar charts and the map
    assert "Tegelkaart: elke provincie is één tegel" in text
    # The map names every province with its number written in; the description says it in words.
    for name in ("Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
                 "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg"):
        assert f">{name}</text>" in page
    assert "Utrecht: 100% (2 van 2 scholen), klasse 80 tot 100%." in page
    assert "Groningen: 0% (0 van 1 school), klasse 0 tot 19%." in page
    # The tables: the country, the provinces (and schools with no province), the networks (and no network).
    assert ("Nederland 0 van 6 (0%) 0 van 6 (0%) 0 van 6 (0%) 1 van 6 (17%) mediaan 20% 5 van 6 (83%) mediaan 20%"
            in text)
    assert "Utrecht 0 van 2 (0%) 0 van 2 (0%) 0 van 2 (0%) 1 van 2 (50%) mediaan 20% 2 van 2 (100%) mediaan 40%" in text
    assert "Fryslân – – – – – Drenthe" in text  # no schools there
    assert "Provincie onbekend" in text and "Geen netwerk" in text
    assert "Netwerk N2 0 van 2 (0%) 0 van 2 (0%) 0 van 2 (0%) 0 van 2 (0%) 2 van 2 (100%) mediaan 60%" in text
    assert f"/rapporten/netwerken/{world['n1']}/vergelijking?year=2026-2027" in page


def test_national_picture_roles_and_bad_year(client, login, world):
    for role, kwargs in (("netwerkcoordinator", {"network_id": world["n1"]}),
                         ("coordinator", {"school_id": world["a"]})):
        login(role, **kwargs)
        assert client.get("/rapporten/landelijk").status_code == 403
    login("beheerder")
    assert client.get("/rapporten/landelijk?year=2026-2028").status_code == 400
    assert client.get("/rapporten/landelijk").status_code == 200


def test_national_picture_pdf_text_in_english(client, login, world):
    login("beheerder")
    use_language(client, "en")
    response = get_pdf(client, "/rapporten/landelijk.pdf?year=2026-2027")
    assert 'filename=landelijk-beeld-2026-2027.pdf' in response.headers["Content-Disposition"]
    _, texts = pdf_text(response.data)
    text = re.sub(r"\s+", " ", "\n".join(texts))
    assert "The national picture 2022-2023 to 2026-2027: The Netherlands" in text
    assert "Tile map: every province is one tile" in text
    assert "Utrecht" in text and "Fryslân" in text and "Limburg" in text
    assert "5 of 6 (83%)" in text and "median 40%" in text
    assert "Schools with a year plan per network" in text and "Netwerk N2" in text


def test_benchmark_page_is_cached_until_a_plan_changes(app, client, login, world, count_queries):
    from tests.planning.builders import Builder
    from tests.reports.helpers import existing_packages
    from wt_curriculum.extensions import db

    login("netwerkcoordinator", network_id=world["n1"])
    path = f"/rapporten/netwerken/{world['n1']}/vergelijking?year=2026-2027"
    with count_queries() as first:
        client.get(path)
    with count_queries() as second:
        page = client.get(path).get_data(as_text=True)
    assert second.count < first.count - 5
    assert "2026-2027 40% (2 scholen) 20% (5 scholen) 20% – 60% +20%" in text_of(page)
    with app.app_context():  # school c (N1) starts to plan: the page counts it at once
        b = Builder(db.session)
        existing_packages(b)
        b.plan(world["c"], 2026, 7, "PB")
        db.session.commit()
    assert "2026-2027 40% (3 scholen) 30% (6 scholen)" in text_of(client.get(path).get_data(as_text=True))
