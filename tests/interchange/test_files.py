"""Files that are broken, hostile or odd: always a clear report, never a 500, nothing written."""
import io
import zipfile

import openpyxl
import pytest

from tests.interchange.helpers import confirm, counts, error_lines, errors_of, read, token_of, upload
from wt_curriculum import tables as readers
from wt_curriculum.interchange.base import RowError, parse_groepen


@pytest.mark.parametrize(("name", "line", "words"), [
    ("empty.csv", 1, "empty"),
    ("header_only.csv", 2, "no rows"),
    ("no_header.csv", 1, "header"),
    ("binary.csv", 1, "binary"),
    ("goals_bad_encoding.csv", 1, "UTF-8"),
    ("goals_pipe.csv", 1, "header"),
    ("goals_missing_columns.csv", 1, "groepen"),
    ("not_excel.xlsx", 1, "Excel"),
    ("zip_as_csv.csv", 1, "Excel"),
])
def test_a_broken_file_gets_a_report_and_nothing_is_written(app, client, login, framework, name, line, words):
    login("redacteur")
    client.set_cookie("lang", "en")
    before = counts(app)
    response = upload(client, "goals", read(name), filename=name)
    assert response.status_code == 200
    assert error_lines(response) == [line], errors_of(response)
    assert words in errors_of(response)[0]
    assert token_of(response) is None
    assert counts(app) == before


def test_windows_1252_is_read_and_named(app, client, login, framework):
    login("redacteur")
    client.set_cookie("lang", "en")
    response = upload(client, "goals", read("goals_cp1252.csv"))
    html = response.get_data(as_text=True)
    assert not errors_of(response) and "Windows-1252" in html and "café-suikerklontjes" in html
    assert confirm(client, "goals", token_of(response)).status_code == 302


def test_tabs_and_a_bom_are_read(app, client, login, framework):
    login("redacteur")
    client.set_cookie("lang", "en")
    response = upload(client, "goals", read("goals_tab_bom.csv"))
    html = response.get_data(as_text=True)
    assert not errors_of(response) and "UTF-8 with BOM" in html and "separated by tab" in html


def test_a_file_over_5_mb_is_refused_on_its_size(app, client, login, framework):
    login("redacteur")
    before = counts(app)
    big = b"code;strand;title;groepen\n" + b"MN.3.11;MN.3;x;5\n" * (6 * 1024 * 1024 // 17)
    response = upload(client, "goals", big)
    assert response.status_code == 200 and error_lines(response) == [1] and "5 MB" in errors_of(response)[0]
    assert counts(app) == before


def test_the_stream_is_cut_off_past_the_limit():
    class Endless:
        read_calls = 0

        def read(self, n):
            self.read_calls += 1
            return b"x" * n

    stream = Endless()
    with pytest.raises(readers.ReadError):
        readers.copy_limited(stream, io.BytesIO(), limit=1024 * 1024)
    assert stream.read_calls <= 1024 * 1024 // (64 * 1024) + 1


def test_the_app_wide_limit_answers_413_for_a_huge_upload(app, client, login):
    login("redacteur")
    response = upload(client, "goals", b"x" * (21 * 1024 * 1024))
    assert response.status_code == 413


def test_more_than_10000_rows_are_refused(app, client, login, framework):
    login("redacteur")
    rows = "".join(f"MN.3.{n};MN.3;Doel {n};5\n" for n in range(11, 10_013))
    response = upload(client, "goals", ("code;strand;title;groepen\n" + rows).encode())
    assert error_lines(response) == [10_002]


def test_cells_beyond_the_header_and_doubled_columns(app, client, login, framework):
    login("redacteur")
    response = upload(client, "goals", b"code;strand;title;groepen\nMN.3.11;MN.3;Te veel;5;extra\n")
    assert error_lines(response) == [2]
    response = upload(client, "goals", b"code;titel;title;strand;groepen\nMN.3.11;a;b;MN.3;5\n")
    assert error_lines(response) == [1] and "title" in errors_of(response)[0]


def test_unknown_columns_are_named_and_ignored(app, client, login, framework):
    login("redacteur")
    client.set_cookie("lang", "en")
    response = upload(client, "goals", b"code;strand;title;groepen;kleur\nMN.3.11;MN.3;Nieuw;5;rood\n")
    assert not errors_of(response) and "kleur" in response.get_data(as_text=True)


@pytest.mark.parametrize("content", [
    b"\xef\xbb\xbf", b"\n\n\n", b"code;strand\r\n\"unterminated", b";;;\n;;;\n", b"=cmd|' /C calc'!A0\n",
    b"code,strand,title,groepen\n" + b"\"" + b"a" * 200_000 + b"\",x,y,5\n", "ü".encode() * 1000,
    b"<html><script>alert(1)</script></html>", b"code;strand;title;groepen\n<b>MN</b>;MN.3;<script>;5\n",
])
def test_hostile_files_never_cause_an_error_page(app, client, login, framework, content):
    login("beheerder")
    before = counts(app)
    for kind in ("goals", "packages", "plans"):
        response = upload(client, kind, content)
        assert response.status_code == 200
        assert "<script>" not in response.get_data(as_text=True)
    assert counts(app) == before


def test_hostile_workbooks(app, client, login, framework):
    login("redacteur")
    # A zip bomb: tiny compressed, huge unpacked.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (70 * 1024 * 1024))
    response = upload(client, "goals", bomb.getvalue(), filename="bom.xlsx")
    assert error_lines(response) == [1]
    # A workbook whose first sheet is empty, and one with a header but no rows.
    for header in ([], ["code", "strand", "title", "groepen"]):
        workbook = openpyxl.Workbook()
        if header:
            workbook.active.append(header)
        out = io.BytesIO()
        workbook.save(out)
        response = upload(client, "goals", out.getvalue(), filename="leeg.xlsx")
        assert response.status_code == 200 and errors_of(response)


def test_a_workbook_is_read_with_numbers_and_dates_as_text(app, client, login, world):
    login("coordinator", school_id=world["school"])
    from datetime import date

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["school", "schooljaar", "groep", "lespakket", "periode", "gegeven op"])
    sheet.append(["12AB00", "2025-2026", 5, "Drijven en zinken", None, date(2025, 10, 6)])
    sheet.append([])
    sheet.append(["12AB00", "2025-2026", 6.0, "Drijven en zinken", "week 3", "bad date"])
    out = io.BytesIO()
    workbook.save(out)
    response = upload(client, "plans", out.getvalue(), filename="plan.xlsx")
    assert error_lines(response) == [4]


@pytest.mark.parametrize(("text", "groepen"), [
    ("5-8", [5, 6, 7, 8]), ("5,6,7,8", [5, 6, 7, 8]), ("1-2, 5", [1, 2, 5]), ("5 - 6", [5, 6]),
    ("3–4", [3, 4]), ("7", [7]), ("1;8", [1, 8]),
])
def test_groepen_are_read_in_the_usual_ways(text, groepen):
    assert parse_groepen(text) == groepen


@pytest.mark.parametrize("text", ["", "0", "9", "5-4", "groep 5", "5-", "1-9", "a,b"])
def test_bad_groepen_are_refused(text):
    with pytest.raises(RowError):
        parse_groepen(text)


def test_the_delimiter_follows_the_header():
    known = {"code", "strand", "title", "groepen"}.__contains__
    assert readers.choose_delimiter("code,strand,title,groepen\nMN.3.1,MN.3,\"a; b; c\",5\n", known) == ","
    assert readers.choose_delimiter("code;strand;title;groepen\nMN.3.1;MN.3;a, b, c;5\n", known) == ";"
