"""An export imports again as 'no changes', for every kind, in CSV and XLSX."""
import csv
import io

import openpyxl
import pytest

from tests.interchange.helpers import confirm, counts, errors_of, read, token_of, upload

FORMATS = [("csv", ";"), ("csv", ","), ("xlsx", ";")]


def exported(client, path: str, fmt: str, delimiter: str) -> tuple[bytes, str]:
    separator = "%3B" if delimiter == ";" else delimiter
    response = client.get(f"{path}{'&' if '?' in path else '?'}format={fmt}&delimiter={separator}")
    assert response.status_code == 200
    return response.data, f"export.{fmt}"


def assert_no_changes(app, client, kind, content, filename, expected_rows):
    client.set_cookie("lang", "en")
    before = counts(app)
    response = upload(client, kind, content, filename=filename)
    html = response.get_data(as_text=True)
    assert not errors_of(response), errors_of(response)[:5]
    assert f"0 to add, 0 to change, {expected_rows} left alone." in html
    assert token_of(response) is None
    assert counts(app) == before


@pytest.mark.parametrize(("fmt", "delimiter"), FORMATS)
def test_goals_round_trip(app, client, login, framework, fmt, delimiter):
    login("redacteur")
    content, name = exported(client, "/uitwisseling/leerdoelen/export", fmt, delimiter)
    assert_no_changes(app, client, "goals", content, name, 120)


@pytest.mark.parametrize(("fmt", "delimiter"), FORMATS)
def test_packages_round_trip(app, client, login, world, fmt, delimiter):
    login("redacteur")
    confirm(client, "packages", token_of(upload(client, "packages", read("packages_new.csv"))))
    content, name = exported(client, "/uitwisseling/lespakketten/export", fmt, delimiter)
    assert_no_changes(app, client, "packages", content, name, 3)


@pytest.mark.parametrize(("fmt", "delimiter"), FORMATS)
def test_plans_round_trip(app, client, login, world, fmt, delimiter):
    login("coordinator", school_id=world["school"])
    confirm(client, "plans", token_of(upload(client, "plans", read("plans_new.csv"))))
    content, name = exported(client, "/uitwisseling/jaarplanningen/export", fmt, delimiter)
    assert_no_changes(app, client, "plans", content, name, 2)


def test_csv_export_is_utf8_with_bom_and_semicolons_by_default(app, client, framework):
    response = client.get("/uitwisseling/leerdoelen/export")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["code", "strand", "title", "description", "groepen", "keywords", "status", "source_code"]
    assert len(rows) == 121 and all(r[6] == "vastgesteld" for r in rows[1:])


def test_anonymous_visitors_get_only_published_content(app, client, world, login):
    from wt_curriculum.extensions import db
    from wt_curriculum.lessons.models import LessonPackage

    with app.app_context():
        db.session.get(LessonPackage, world["p2"]).status = "concept"
        db.session.commit()
    text = client.get("/uitwisseling/lespakketten/export").data.decode("utf-8-sig")
    assert "Drijven en zinken" in text and "Robots programmeren" not in text
    login("netwerkcoordinator", network_id=world["alk"])
    text = client.get("/uitwisseling/lespakketten/export").data.decode("utf-8-sig")
    assert "Robots programmeren" in text


def test_xlsx_cells_are_text(app, client, world):
    response = client.get("/uitwisseling/lespakketten/export?format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("uuid", "title", "summary") and all(isinstance(v, str) for v in rows[1] if v)
    workbook.close()


FORMULAS = {"title": "=HYPERLINK(\"https://evil.example\",\"klik\")", "summary": "+cmd|' /C calc'!A0",
            "keywords": "@SUM(1+1)", "description": "'=al met apostrof"}


@pytest.mark.parametrize("delimiter", [";", ","])
def test_formula_looking_cells_are_exported_as_text_and_import_unchanged(app, client, login, world, delimiter):
    """Issue 15: a title starting with '=' is no live formula in the CSV, and survives export -> import."""
    from wt_curriculum.extensions import db
    from wt_curriculum.lessons.models import LessonPackage

    with app.app_context():
        package = db.session.get(LessonPackage, world["p1"])
        for name, value in FORMULAS.items():
            setattr(package, name, value)
        db.session.commit()
    login("redacteur")
    content, name = exported(client, "/uitwisseling/lespakketten/export", "csv", delimiter)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))
    header, row = rows[0], next(r for r in rows[1:] if "HYPERLINK" in delimiter.join(r))
    for column, value in FORMULAS.items():
        cell = row[header.index(column)]
        assert cell == "'" + value and cell[0] not in "=+-@", column
    assert_no_changes(app, client, "packages", content, name, 2)
    with app.app_context():
        package = db.session.get(LessonPackage, world["p1"])
        assert {name: getattr(package, name) for name in FORMULAS} == FORMULAS


def test_guarding_a_formula_is_undone_exactly():
    from wt_curriculum.tables import guard_formula, unguard_formula

    for value in ("=1+1", "+31 6", "-", "@x", "\tx", "'=x", "''=x", "'plain", "plain", "", "5-8", "'"):
        assert unguard_formula(guard_formula(value)) == value, value
        assert guard_formula(value)[:1] not in ("=", "+", "-", "@", "\t"), value
    assert unguard_formula("'tekst") == "'tekst"  # an apostrophe someone typed stays


def test_a_nul_anywhere_in_a_csv_is_reported_at_its_line(app, client, login, framework):
    from tests.interchange.helpers import errors_of, upload

    login("redacteur")
    header = "code;strand;title;description;groepen;keywords;status\n"
    filler = "".join(f"XX.1.{n};MN.1;Titel {n};{'x' * 200};5-8;;concept\n" for n in range(1, 400))
    content = (header + filler + "XX.9.9;MN.1;Met\x00NUL;;5-8;;concept\n").encode()
    assert len(content) > 65536
    before = counts(app)
    response = upload(client, "goals", content)
    assert response.status_code < 500
    assert any("NUL" in e and "401" in e for e in errors_of(response)), errors_of(response)[:3]
    assert counts(app) == before
