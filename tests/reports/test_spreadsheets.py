"""CSV (UTF-8 with BOM, ';' by default) and XLSX of the school matrix and the network table."""
import csv
import io

import pytest
from openpyxl import load_workbook

from tests.reports.helpers import YEAR_LABEL, build_network, use_language


@pytest.fixture
def world(app, client, login):
    w = build_network(app, 2)
    login("netwerkcoordinator", network_id=w.network_id)
    return w


def read_csv(response, delimiter=";"):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))


def test_school_csv_in_dutch_with_semicolons(client, world):
    rows = read_csv(client.get(f"/rapporten/scholen/{world.school_ids[0]}/dekking.csv?year={YEAR_LABEL}"))
    assert rows[0][:4] == ["Domein", "Leerlijn", "Leerdoelcode", "Leerdoel"]
    assert rows[0][6:15] == [f"Groep {g}" for g in range(1, 9)] + ["Gedekt"]
    by_code = {r[2]: r for r in rows[1:]}
    assert by_code["T.A.1"][6] == "gegeven (kern)" and by_code["T.A.1"][-1] == "ja"
    assert by_code["T.A.2"][6] == "gegeven (raakt)"
    assert by_code["T.A.2"][-1] == "nee"  # T.A.2 is meant for groep 3-4, planned only in groep 1
    assert by_code["U.B.9"][5] == "vervallen" and by_code["U.B.9"][-1] == "—"
    assert "U.B.5" not in by_code  # a draft


def test_school_csv_with_commas_and_in_english(client, world):
    use_language(client, "en")
    response = client.get(f"/rapporten/scholen/{world.school_ids[0]}/dekking.csv?year={YEAR_LABEL}&delimiter=,")
    rows = read_csv(response, ",")
    assert rows[0][:3] == ["Domain", "Strand", "Goal code"]
    assert {r[2]: r for r in rows[1:]}["T.A.1"][6] == "taught (kern)"
    assert 'filename="dekking-' in response.headers["Content-Disposition"]


def test_an_unknown_delimiter_is_a_400(client, world):
    assert client.get(f"/rapporten/scholen/{world.school_ids[0]}/dekking.csv?delimiter=|").status_code == 400


def test_network_csv_has_a_row_per_school(client, world):
    rows = read_csv(client.get(f"/rapporten/netwerken/{world.network_id}/dekking.csv?year={YEAR_LABEL}"))
    assert rows[0][:5] == ["School", "Code", "Jaarplanning", "T.A", "U.B"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["School A"][2:5] == ["ja", "50", "0"]  # shares in percent, Dutch decimal comma when needed
    assert by_name["School A"][5:7] == ["2", "5"]
    assert by_name["Zonder Plan"][2] == "nee" and by_name["Zonder Plan"][3] == ""


def test_school_and_network_xlsx(client, world):
    response = client.get(f"/rapporten/scholen/{world.school_ids[0]}/dekking.xlsx?year={YEAR_LABEL}")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[0][2] == "Leerdoelcode"
    assert {r[2]: r for r in rows[1:]}["T.A.1"][6] == "gegeven (kern)"

    response = client.get(f"/rapporten/netwerken/{world.network_id}/dekking.xlsx?year={YEAR_LABEL}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("School", "Code", "Jaarplanning", "T.A")
    school_a = next(r for r in rows if r[0] == "School A")
    assert school_a[3] == 0.5 and school_a[5:8] == (2, 5, 0.4)
    assert sheet.cell(row=rows.index(school_a) + 1, column=4).number_format == "0%"


def test_text_that_looks_like_a_formula_stays_text(app, client, world):
    from wt_curriculum.extensions import db
    from wt_curriculum.organisations.models import School

    with app.app_context():
        db.session.get(School, world.school_ids[1]).name = "=HYPERLINK(\"http://x\")"
        db.session.commit()
    rows = read_csv(client.get(f"/rapporten/netwerken/{world.network_id}/dekking.csv?year={YEAR_LABEL}"))
    assert "'=HYPERLINK(\"http://x\")" in [r[0] for r in rows]
    response = client.get(f"/rapporten/netwerken/{world.network_id}/dekking.xlsx?year={YEAR_LABEL}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [c.value for c in sheet["A"]]
    assert "'=HYPERLINK(\"http://x\")" in names
