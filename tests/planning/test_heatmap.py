"""The coverage heat maps (planning/heatmap.py): colour, pattern and text in every cell, names on hover, two
layouts; on the school and network coverage pages (collapsible strands, legends, a table for screen readers)
and the very same pictures in the PDFs."""
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from tests.planning.builders import Builder, base_framework
from tests.reports.helpers import get_pdf, pdf_text
from wt_curriculum.extensions import db
from wt_curriculum.planning import coverage, heatmap

SVG = "{http://www.w3.org/2000/svg}"
YEAR = 2026


@pytest.fixture
def world(app):
    """School S: P1 taught in groep 1 (T.A.1 kern, T.A.2 raakt), P3 planned in groep 5 (T.A.3 kern). School T:
    P1 planned in groep 2. School Z: no plan."""
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        s, t, z = b.school(network_id, "School S"), b.school(network_id, "School T"), b.school(network_id, "School Z")
        b.plan(s, YEAR, 1, "P1", taught_on=date(2026, 10, 1))
        b.plan(s, YEAR, 5, "P3")
        b.plan(t, YEAR, 2, "P1")
        db.session.commit()
        return {"network": network_id, "S": s, "T": t, "Z": z}


def _parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 (our own markup, not outside data)


def _kinds(svg: ET.Element) -> dict[str, ET.Element]:
    """The picture's kinds of cell: <g id> groups in its <defs>, each drawn once."""
    return {g.get("id"): g for defs in svg.iter(f"{SVG}defs") for g in defs.findall(f"{SVG}g")}


def _cells(svg: ET.Element) -> dict[str, str]:
    """Each cell's tooltip -> its text, from the picture's <g><title/><use href="#kind"/></g> groups: the kind
    of cell is drawn (rects and text) in the picture's <defs>."""
    kinds = _kinds(svg)
    out = {}
    for g in svg.iter(f"{SVG}g"):
        title, use = g.find(f"{SVG}title"), g.find(f"{SVG}use")
        if title is not None and use is not None:
            kind = kinds[use.get("href").removeprefix("#")]
            assert kind.findall(f"{SVG}rect"), "a cell is drawn as rectangles"
            texts = kind.findall(f"{SVG}text")
            out[title.text] = texts[-1].text if texts else ""
    return out


def _fills(svg: ET.Element) -> set[str]:
    return {r.get("fill") for r in svg.iter(f"{SVG}rect")}


def test_school_strand_map_gives_every_cell_colour_pattern_and_text(app, world):
    with app.test_request_context():
        strand = coverage.school_coverage(db.session, world["S"], YEAR).strands[0]  # T.A
        wide = _parse(heatmap.school_strand_heatmap(strand, "t", "wide"))
        narrow = _parse(heatmap.school_strand_heatmap(strand, "t", "narrow"))
    assert wide.get("role") == "img" and wide.get("aria-labelledby") == "t-title t-desc"
    assert wide.find(f"{SVG}title").text == "T.A Lijn T.A: leerdoelen per groep"
    assert wide.find(f"{SVG}desc").text.startswith("2 van 4 leerdoelen gedekt (50%).")
    cells = _cells(wide)
    assert cells["T.A.1, groep 1: gegeven (hoofddoel), bedoeld voor deze groep"] == "●K"
    assert cells["T.A.2, groep 1: gegeven (raakt eraan)"] == "●R"
    assert cells["T.A.3, groep 5: gepland (hoofddoel), bedoeld voor deze groep"] == "○K"
    assert cells["T.A.2, groep 3: niet gepland, bedoeld voor deze groep"] == "–"  # a gap
    assert cells["T.A.1, groep 3: niet gepland"] == ""
    # Colours and patterns, with ids of this picture only: solid green taught, hatched planned, dotted gaps.
    fills = _fills(wide)
    assert {"#1e6b34", "url(#t-hatch)", "url(#t-dots)"} <= fills
    assert {p.get("id") for p in wide.iter(f"{SVG}pattern")} == {"t-hatch", "t-dots", "t-cross"}
    # The goal's full name on hover; the verdict column in words.
    titles = [t.text for t in wide.iter(f"{SVG}title")]
    assert "T.A.2 Doel T.A.2" in titles
    assert "✔ ja" in [t.text for t in wide.iter(f"{SVG}text")] and "✘ nee" in [t.text for t in wide.iter(f"{SVG}text")]
    # Each kind of cell is drawn once and placed where it occurs: 4 goals x 8 groepen, of 5 kinds here (●K, ●R,
    # ○K, a gap, nothing), with ids of this picture only.
    uses = list(wide.iter(f"{SVG}use"))
    assert len(uses) == 32 and len(cells) == 32
    assert set(_kinds(wide)) == {u.get("href").removeprefix("#") for u in uses} == {f"t-k{i}" for i in range(5)}
    # The narrow layout puts the label above the cells: it fits a 375 px phone without shrinking its text.
    assert float(narrow.get("width")) <= 320 < float(wide.get("width"))
    assert _cells(narrow) == cells


def test_network_map_shows_shares_as_text_in_bands_with_strand_names(app, world):
    with app.test_request_context():
        data = coverage.network_coverage(db.session, world["network"], YEAR)
        svg = _parse(heatmap.network_heatmap(data, "n", "wide"))
        narrow = _parse(heatmap.network_heatmap(data, "n", "narrow"))
    cells = _cells(svg)
    # School S covers T.A.1 and T.A.3 of the four T.A goals: 50%, cross-hatched band; School T 25%, hatched.
    assert cells["School S, T.A Lijn T.A: 50%"] == "50%"
    assert cells["School T, T.A Lijn T.A: 25%"] == "25%"
    assert cells["School T, U.B Lijn U.B: 0%"] == "0%"
    assert {"url(#n-cross)", "url(#n-hatch)", "url(#n-dots)"} <= _fills(svg)
    # Column headings are the codes, with the strand's name on hover.
    assert "T.A Lijn T.A" in [t.text for t in svg.iter(f"{SVG}title")]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Totaal" in texts and "t.o.v. mediaan" in texts and "geen jaarplanning voor 2026-2027" in texts
    assert float(narrow.get("width")) <= 330 and _cells(narrow) == cells


def test_bands_and_legends(app):
    assert heatmap.band(1.0).pattern is None and heatmap.band(0.75).pattern is None
    assert heatmap.band(0.74).pattern == "cross" and heatmap.band(0.25).pattern == "hatch"
    assert heatmap.band(0.0).pattern == "dots"
    with app.test_request_context():
        labels = [text for _swatch, text in heatmap.network_legend_items("x")]
        school = [text for _swatch, text in heatmap.school_legend_items("y")]
    assert labels == ["75% of meer (effen)", "50% tot 74% (kruislings gearceerd)", "25% tot 49% (gearceerd)",
                      "minder dan 25% (gestippeld)"]
    assert "gepland, nog niet gegeven (gearceerd)" in school


def test_school_page_folds_each_strand_and_has_a_table_for_screen_readers(client, login, world):
    login("coordinator", school_id=world["S"])
    page = client.get(f"/scholen/{world['S']}/dekking?jaar=2026-2027").get_data(as_text=True)
    assert page.count('<details class="heat-strand"') == 2  # T.A and U.B, closed: the page fits a screen
    assert re.search(r"<summary><span class=\"code\">T\.A</span> Lijn T\.A\s*<span class=\"heat-share\">2 van 4 "
                     r"leerdoelen \(50%\)</span>", page)
    assert page.count('class="heatmap heatmap-wide"') == 2 and page.count('class="heatmap heatmap-narrow"') == 2
    assert 'id="strand-1-w-hatch"' in page and 'id="strand-1-n-hatch"' in page  # ids unique on the page
    # The screen-reader table: every cell in words.
    assert "<td>gegeven (hoofddoel), bedoeld voor deze groep</td>" in page
    assert "gepland, nog niet gegeven (gearceerd)" in page  # the legend
    assert "<script" not in page.split("<main")[1]  # folding needs no JavaScript


def test_network_page_has_the_map_and_names_its_strand_codes(client, login, world):
    login("beheerder")
    page = client.get(f"/netwerken/{world['network']}/dekking?jaar=2026-2027").get_data(as_text=True)
    assert 'class="heatmap heatmap-wide"' in page and 'class="heatmap heatmap-narrow"' in page
    assert '<dt class="code">T.A</dt><dd>Lijn T.A</dd>' in page and '<dt class="code">U.B</dt><dd>Lijn U.B</dd>' in page
    assert "75% of meer (effen)" in page
    assert f'href="/scholen/{world["S"]}/dekking?jaar=2026-2027">Dekking van School S</a>' in page


def test_cached_pages_follow_the_plans_and_the_language(app, client, login, world):
    """The coverage pages come from the fragment cache: a new plan row and another language each give a new
    picture (the key holds the plans' generation and the language)."""
    login("beheerder")
    path = f"/scholen/{world['T']}/dekking?jaar=2026-2027"
    assert "T.A.1, groep 2: gepland (hoofddoel), bedoeld voor deze groep" in client.get(path).text
    assert "T.A.3, groep 5: gepland" not in client.get(path).text
    with app.app_context():
        b = Builder(db.session)
        from tests.reports.helpers import existing_packages

        existing_packages(b)
        b.plan(world["T"], YEAR, 5, "P3")
        db.session.commit()
    assert "T.A.3, groep 5: gepland (hoofddoel), bedoeld voor deze groep" in client.get(path).text
    client.set_cookie("lang", "en")
    english = client.get(path).text
    assert "T.A.3, groep 5: planned (main aim), meant for this groep" in english
    assert "T.A Lijn T.A: goals by groep" in english
    network = client.get(f"/netwerken/{world['network']}/dekking?jaar=2026-2027").text
    assert "School T, T.A Lijn T.A: 50%" in network and "75% or more (solid)" in network


def test_the_pdfs_draw_the_same_maps(client, login, world):
    login("beheerder")
    with client.application.test_request_context():
        strand = coverage.school_coverage(db.session, world["S"], YEAR).strands[0]
        picture = str(heatmap.school_strand_heatmap(strand, "strand-1-w", "wide"))
    html = client.get(f"/rapporten/scholen/{world['S']}/dekking?year=2026-2027").text
    assert picture in html  # the report page (and so its PDF) has the very picture of the coverage page
    _pages, texts = pdf_text(get_pdf(client, f"/rapporten/scholen/{world['S']}/dekking.pdf?year=2026-2027").data)
    text = " ".join(" ".join(texts).split())  # the legend's words wrap; the maps' own text is drawn, not text
    assert "gepland, nog niet gegeven (gearceerd)" in text and "T.A Lijn T.A 2 van 4 leerdoelen (50%)" in text
    _pages, texts = pdf_text(get_pdf(client, f"/rapporten/netwerken/{world['network']}/dekking.pdf?year=2026-2027")
                             .data)
    text = " ".join(" ".join(texts).split())
    assert "Leerlijnen" in text and "Lijn U.B" in text and "75% of meer (effen)" in text and "50%" in text


def test_texts_translated_once_per_language_are_those_babel_and_gettext_give(app):
    """Cells' texts and percentages are made once per language and value (thousands per page): the same as
    formatting each, in each language."""
    from flask_babel import force_locale, format_percent

    from wt_curriculum.planning.coverage import Cell

    shares = [0, 0.005, 0.125, 0.135, 1 / 3, 0.5, 0.995, 1.0, 1.0 / 7 * 3]
    cell = Cell(state="planned", relation="kern", intended=True)
    with app.test_request_context():
        for language, words in (("nl", "gepland (hoofddoel), bedoeld voor deze groep"),
                                ("en", "planned (main aim), meant for this groep"), ("nl", None)):
            with force_locale(language):
                percent = heatmap.percent_texts()
                for _ in range(2):  # the second time from what was kept
                    assert [percent(s) for s in shares] == [format_percent(s, format="#,##0%") for s in shares]
                    assert heatmap.cell_texts()(cell) == (words or "gepland (hoofddoel), bedoeld voor deze groep")
                assert heatmap.difference_text(0.25, percent) == "+25%"


def test_the_printed_network_map_comes_in_parts_that_fit_their_pages(app):
    """A picture cannot break across pages: on paper the network map comes in parts that fit a page, each with
    its column headings, every school in one of them, and nothing past a page's content area (200 schools in
    one picture ran off the bottom of the first page)."""
    from flask import render_template

    from tests.reports.pdf_cases import PdfCase
    from tests.reports.test_pdf_layout import measure, problems
    from wt_curriculum.reports import pdfs
    from wt_curriculum.reports.rendering import helpers, render_document

    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        schools = [b.school(network_id, f"Basisschool {i:02d} met een naam over twee regels") for i in range(37)]
        for school in schools[::2]:
            b.plan(school, YEAR, 1, "P1")
        db.session.commit()
    with app.test_request_context():
        built = pdfs.pdf_report(db.session, "network", {"network_id": network_id, "year": YEAR})
        html = render_template(built.template, **helpers(True), **built.context)
        layout = measure(render_document(built.template, **built.context))
    parts = re.findall(r'<svg [^>]*class="heatmap heatmap-wide".*?</svg>', html, re.S)
    assert 'class="heatmap heatmap-narrow"' not in html
    names = [re.findall(r"<title>(Basisschool \d\d) met een naam over twee regels</title>", part) for part in parts]
    assert [len(n) for n in names] == [12, 12, 12, 1]  # two lines each: 24 + 12 x 40 px, within 540
    assert sum(names, []) == [f"Basisschool {i:02d}" for i in range(37)]  # all, in order, once
    assert all(">Totaal</text>" in part for part in parts)  # each part has its headings
    found = problems(PdfCase("network", dict, landscape_section=True), layout)
    assert not [f for f in found if "past the content area" in f], found
