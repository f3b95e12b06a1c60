"""Every report PDF, laid out by WeasyPrint with the demo data, fits its pages: nothing reaches past the page's
content area, no page but the last is less than a fifth full, and a report keeps one orientation (unless its
case says a wide table has a landscape section of its own).

The reports are those of `wt_curriculum.reports.pdfs.BUILDERS`, with their demo parameters in
tests/reports/pdf_cases.py. Each is rendered once per test process (the seeded database is made once too) and
its layout shared by the assertions.
"""
import shutil
from dataclasses import dataclass

import pytest
from weasyprint.formatting_structure import boxes

from tests.conftest import BASE_CONFIG, _fresh_database_url
from tests.reports.pdf_cases import CASES, PdfCase
from wt_curriculum import create_app
from wt_curriculum.extensions import db
from wt_curriculum.reports import pdfs
from wt_curriculum.reports.rendering import render_document

# The same on every database (WeasyPrint's layout of the same rows): the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.any_database

TOLERANCE = 1.0  # CSS px: rounding in the layout
LEAST_FILL = 0.2  # every page but the last is at least a fifth full


@dataclass
class PageLayout:
    number: int  # from 1
    landscape: bool
    fill: float  # the share of the content area's height that holds content
    overflows: list[str]  # boxes that reach past the content area, described
    headless: list[str]  # tables on this page that have a header row in the HTML but not here


@dataclass
class Layout:
    pages: list[PageLayout]
    text: str  # every page's text, for the assertions about legends


def _describe(box) -> str:
    element = getattr(box, "element_tag", "") or type(box).__name__
    text = box.text[:40] if isinstance(box, boxes.TextBox) else ""
    return f"{type(box).__name__} <{element}> {text!r}".strip()


def _has_thead(element) -> bool:
    return element is not None and any(str(child.tag).endswith("thead") for child in element)


def _content_boxes(page_box):
    """The boxes in the page's content area: everything but the margin boxes (running header and footer)."""
    stack = [child for child in reversed(page_box.children) if not isinstance(child, boxes.MarginBox)]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(reversed(getattr(box, "children", None) or []))  # in document order


def measure(document) -> Layout:
    pages, texts = [], []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        right, bottom = left + page_box.width, top + page_box.height
        lowest, overflows, words, headless = top, [], [], []
        for box in _content_boxes(page_box):
            width, height = box.border_width(), box.border_height()
            if width <= 0 and height <= 0:
                continue
            x, y = box.border_box_x(), box.border_box_y()
            if (x < left - TOLERANCE or y < top - TOLERANCE or x + width > right + TOLERANCE
                    or y + height > bottom + TOLERANCE):
                overflows.append(f"{_describe(box)} at x {x:.0f}-{x + width:.0f}, y {y:.0f}-{y + height:.0f} "
                                 f"(content area x {left:.0f}-{right:.0f}, y {top:.0f}-{bottom:.0f})")
            if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
                lowest = max(lowest, y + height)
            if isinstance(box, boxes.TextBox):
                words.append(box.text)
            if isinstance(box, boxes.TableBox) and _has_thead(box.element) and not any(
                    isinstance(c, boxes.TableRowGroupBox) and c.element_tag == "thead" for c in box.children):
                headless.append(_describe(box))
        pages.append(PageLayout(number, page.width > page.height, (lowest - top) / page_box.height, overflows,
                                headless))
        texts.append(" ".join(words))
    return Layout(pages, "\n".join(texts))


@pytest.fixture(scope="session")
def demo_app(database_template, tmp_path_factory):
    """One app on one seeded copy of the schema (`flask seed --demo`) per test process. Session-scoped, so that
    tests of other modules running in between (xdist) do not make it seed and render again."""
    from pathlib import Path

    from wt_curriculum.seed import seed_all

    tmp = tmp_path_factory.mktemp("pdf-layout")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": _fresh_database_url(database_template, tmp),
                      "FILE_STORE_FOLDER": str(tmp / "files"), "UPLOAD_FOLDER": str(tmp / "uploads")})
    with app.app_context():
        seed_all(db.session, Path(app.root_path).parent / "seeds", demo=True)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def layouts(demo_app, database_template):
    """Each case's layout, rendered once. On SQLite the demo has a database file of its own and a case is
    rendered when its test first asks (a -k run renders only its own); on PostgreSQL the schema is shared with
    the other tests, which empty it, so every case is rendered at once, while the demo data is there."""
    made: dict[str, Layout] = {}

    def render(case: PdfCase) -> None:
        with demo_app.test_request_context():
            built = pdfs.pdf_report(db.session, case.report, case.params(db.session))
            made[case.id] = measure(render_document(built.template, **built.context))
            db.session.commit()

    if database_template["kind"] != "sqlite":
        for case in CASES:
            render(case)

    def layout(case: PdfCase) -> Layout:
        if case.id not in made:
            render(case)
        return made[case.id]

    return layout


def test_every_report_has_a_case_with_demo_data():
    missing = set(pdfs.BUILDERS) - {case.report for case in CASES}
    assert not missing, f"add a PdfCase to tests/reports/pdf_cases.py for: {sorted(missing)}"
    assert len({case.id for case in CASES}) == len(CASES)


def problems(case: PdfCase, layout: Layout) -> list[str]:
    """Everything wrong with one report's layout, in words."""
    found = [f"page {p.number}: past the content area: {o}" for p in layout.pages for o in p.overflows][:20]
    found += [f"page {p.number} of {len(layout.pages)}: only {p.fill:.0%} full" for p in layout.pages[:-1]
              if p.fill < LEAST_FILL]
    found += [f"page {p.number}: a continued table without its header row: {t}" for p in layout.pages
              for t in p.headless]
    orientation = ["landscape" if p.landscape else "portrait" for p in layout.pages]
    changes = sum(1 for a, b in zip(orientation, orientation[1:], strict=False) if a != b)
    # With a landscape section: portrait, the wide table's landscape pages, portrait again (or the end).
    if (changes > 2 or orientation[0] != "portrait") if case.landscape_section else changes:
        found.append(f"orientations: {orientation}")
    text = " ".join(layout.text.split())
    found += [f"does not say {words!r}" for words in case.must_say if words not in text]
    return found


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_report_fits_its_pages(layouts, case):
    """Nothing past the content area, no page but the last under a fifth full, continued tables repeat their
    header, one orientation (or a landscape section), and the legends the case names."""
    found = problems(case, layouts(case))
    assert found == [], "\n".join(found)


def test_the_checks_find_what_is_wrong():
    """The checks themselves, on a document made wrong on purpose: a table wider than the page, a nearly
    empty page before a forced break, a continued table that does not repeat its header."""
    from weasyprint import HTML

    rows = "".join(f"<tr><td>row {i}</td></tr>" for i in range(80))
    html = (f"<style>@page {{ size: A5; margin: 20mm }} thead {{ display: table-row-group }}</style>"
            f"<p>Short.</p><div style='break-before: page; width: 200mm'>wide</div>"
            f"<table><thead><tr><th>Head</th></tr></thead><tbody>{rows}</tbody></table>")
    layout = measure(HTML(string=html).render())
    found = problems(PdfCase("x", dict, must_say=("Legend",)), layout)
    assert any(f.startswith("page 1 of") and "full" in f for f in found), found
    assert any("past the content area" in f and "<div>" in f for f in found), found
    assert any("without its header row" in f for f in found), found
    assert "does not say 'Legend'" in found
