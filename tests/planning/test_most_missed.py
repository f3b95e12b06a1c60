"""'Goals most schools miss' is complete (issue 21): every missed goal with a count, the page shows ten of
them with a link to the rest, framework order within equal counts (DG.3.2 before DG.3.10), the same list in
the HTML page, the PDF report, the CSV and the API."""
import csv
import io
import re

import pytest

from tests.api.helpers import bearer, make_token
from tests.planning.builders import Builder
from tests.reports.helpers import get_pdf, pdf_text
from wt_curriculum.extensions import db
from wt_curriculum.planning import coverage as cov


@pytest.fixture
def missed_case(app):
    """Strand DG.3 with goals DG.3.1 .. DG.3.12, all at position 0 (only the code orders them), groep 5.
    School A plans a package for DG.3.1-DG.3.4, school B one for DG.3.1-DG.3.2; school C has no plan.
    So DG.3.5-DG.3.12 are missed by 2 of 2, DG.3.3-DG.3.4 by 1 of 2; DG.3.1-2 by none."""
    with app.app_context():
        b = Builder(db.session)
        n = b.network("MM")
        b.domain("DG")
        b.strand("DG.3", "DG")
        for i in (10, 2, 12, 1, 11, 3, 4, 5, 6, 7, 8, 9):  # made out of order on purpose
            b.goal(f"DG.3.{i}", "DG.3", [5])
        b.package("Vier", [5], {f"DG.3.{i}": "kern" for i in range(1, 5)}, n)
        b.package("Twee", [5], {"DG.3.1": "kern", "DG.3.2": "raakt"}, n)
        a, s_b = b.school(n, "A"), b.school(n, "B")
        b.school(n, "C")
        b.plan(a, 2026, 5, "Vier")
        b.plan(s_b, 2026, 5, "Twee")
        db.session.commit()
        return n


def missed_codes(html: str) -> list[str]:
    section = html[html.index('id="missed"'):]
    section = section[:section.index("</table>")]
    return re.findall(r'<th scope="row"><span class="code">([^<]+)</span>', section)


EXPECTED = [(f"DG.3.{i}", 2) for i in range(5, 13)] + [("DG.3.3", 1), ("DG.3.4", 1)]


def test_the_list_is_complete_and_in_natural_order_within_equal_counts(app, missed_case):
    with app.app_context():
        data = cov.network_coverage(db.session, missed_case, 2026)
    assert [(m.code, m.missing) for m in data.most_missed] == EXPECTED
    assert {m.of for m in data.most_missed} == {2}
    assert [m.code for m in data.most_missed_top(10)] == [c for c, _ in EXPECTED[:10]]
    assert cov.natural_key("DG.3.2") < cov.natural_key("DG.3.10") < cov.natural_key("DG.4.1")


def test_the_page_shows_ten_of_all_with_a_link_to_the_rest(client, login, missed_case):
    login("beheerder")
    html = client.get(f"/netwerken/{missed_case}/dekking?jaar=2026-2027").text
    assert "10 gepubliceerde leerdoelen worden gemist door minstens één school met een jaarplanning." in html
    assert "Getoond: 10 van 10." not in html  # all ten fit: no link
    assert missed_codes(html) == [c for c, _ in EXPECTED]


def test_more_than_ten_gives_ten_of_n_and_a_link(app, client, login, missed_case):
    with app.app_context():
        b = Builder(db.session)
        b.strands = {"DG.3": db.session.scalar(db.select(cov.Strand).where(cov.Strand.code == "DG.3"))}
        for i in (13, 14):
            b.goal(f"DG.3.{i}", "DG.3", [5])
        db.session.commit()
    login("beheerder")
    html = client.get(f"/netwerken/{missed_case}/dekking?jaar=2026-2027").text
    assert "Getoond: 10 van 12." in html and "(10 van 12)" in html
    assert f"/netwerken/{missed_case}/dekking?jaar=2026-2027&amp;gemist=alle#missed" in html
    # Missed by both: DG.3.5 .. DG.3.14 (the ten shown); by one: DG.3.3, DG.3.4 (behind the link).
    assert missed_codes(html) == [f"DG.3.{i}" for i in range(5, 15)]
    full = client.get(f"/netwerken/{missed_case}/dekking?jaar=2026-2027&gemist=alle").text
    assert "(12 van 12)" in full and "Getoond:" not in full
    assert missed_codes(full) == [f"DG.3.{i}" for i in range(5, 15)] + ["DG.3.3", "DG.3.4"]


def test_pdf_csv_and_api_carry_the_whole_list(app, client, login, factory, missed_case):
    user = login("beheerder")
    _, texts = pdf_text(get_pdf(client, f"/rapporten/netwerken/{missed_case}/dekking.pdf?year=2026-2027").data)
    text = "\n".join(texts)
    assert "10 gepubliceerde leerdoelen worden gemist" in text and "(10 van 10)" in text
    positions = [text.index(f"{code} Doel {code}") for code, _ in EXPECTED]
    assert positions == sorted(positions)

    response = client.get(f"/rapporten/netwerken/{missed_case}/gemist.csv?year=2026-2027")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Leerdoelcode", "Leerdoel", "Leerlijn", "Scholen die het missen", "Scholen met een jaarplanning"]
    assert [(r[0], int(r[3]), int(r[4])) for r in rows[1:]] == [(c, n, 2) for c, n in EXPECTED]
    assert client.get(f"/rapporten/netwerken/{missed_case}/gemist.xlsx?year=2026-2027").status_code == 200

    secret = make_token(app, user.id)
    body = client.get(f"/api/v1/networks/{missed_case}/coverage?year=2026-2027", headers=bearer(secret)).json
    assert [(m["code"], m["missing"]) for m in body["most_missed"]] == EXPECTED
