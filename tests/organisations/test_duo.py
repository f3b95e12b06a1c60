"""`flask schools import-duo FILE`: DUO's file of school locations, both header generations and encodings."""
from sqlalchemy import func, select

from tests.references.conftest import DATA
from wt_curriculum.extensions import db
from wt_curriculum.organisations.models import School


def _schools(app):
    with app.app_context():
        return {s.code: (s.name, s.place) for s in db.session.scalars(select(School))}


def test_old_header_windows_1252(app, runner):
    result = runner.invoke(args=["schools", "import-duo", str(DATA / "duo_vestigingen_oud_cp1252.csv")])
    assert result.exit_code == 0, result.output
    assert "Read as Windows-1252: 4 added, 0 changed, 0 unchanged, 3 skipped." in result.output
    assert "skipped: line 5: '3CC' is not a BRIN code" in result.output
    assert "skipped: line 6: 44DD00 has no name" in result.output
    assert "skipped: line 7: 11AA00 appears again (first on line 2)" in result.output
    assert _schools(app) == {
        "11AA00": ("Basisschool De Linde", "UTRECHT"),
        "11AA01": ("Basisschool De Linde, dependance Oost", "UTRECHT"),
        "22BB00": ("Skoalle Ûle", "LJOUWERT"),
        "55EE00": ("Daltonschool Noordeën", "GRONINGEN"),
    }


def test_new_header_utf8_bom_updates_by_brin_and_vestiging(app, runner, factory):
    network_id = factory.network()
    factory.school(network_id=network_id, brin="11AA", vestiging="00", name="Oude naam", place="UTRECHT")
    runner.invoke(args=["schools", "import-duo", str(DATA / "duo_vestigingen_oud_cp1252.csv")])
    result = runner.invoke(args=["schools", "import-duo", str(DATA / "duo_vestigingen_nieuw_utf8bom.csv")])
    assert result.exit_code == 0, result.output
    assert "Read as UTF-8 (BOM): 1 added, 1 changed, 1 unchanged, 1 skipped." in result.output
    assert "changed: 11AA00: name 'Basisschool De Linde' -> 'Basisschool De Linde-Boom'" in result.output
    assert "skipped: line 5: vestiging 77GG01 does not belong to BRIN 66FF" in result.output
    schools = _schools(app)
    assert schools["11AA00"] == ("Basisschool De Linde-Boom", "UTRECHT")
    assert schools["66FF00"] == ("Kindcentrum Één", "AMSTERDAM")
    with app.app_context():  # the existing school kept its network
        school = db.session.scalar(select(School).where(School.brin == "11AA", School.vestiging == "00"))
        assert school.network_id == network_id


def test_utf8_without_bom(app, runner, tmp_path):
    path = tmp_path / "duo.csv"
    path.write_bytes("INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;PLAATSNAAM\n12AB;12AB00;Sint-Jozefschool;ÖSS\n"
                     .encode())
    result = runner.invoke(args=["schools", "import-duo", str(path)])
    assert "Read as UTF-8: 1 added" in result.output
    assert _schools(app) == {"12AB00": ("Sint-Jozefschool", "ÖSS")}


def _refused(app, runner, path, expected):
    result = runner.invoke(args=["schools", "import-duo", str(path)])
    assert result.exit_code != 0
    assert expected in result.output
    assert "nothing was changed" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(School)) == 0


def test_missing_columns_refuse_the_file(app, runner, tmp_path):
    path = tmp_path / "duo.csv"
    path.write_text("NAAM,PLAATS\nDe Linde,Utrecht\n", encoding="utf-8")
    _refused(app, runner, path, "the header lacks the column(s) INSTELLINGSCODE or BRIN NUMMER")


def test_ragged_rows_refuse_the_whole_file(app, runner, tmp_path):
    path = tmp_path / "duo.csv"
    path.write_text("BRIN NUMMER;VESTIGINGSNUMMER;VESTIGINGSNAAM;PLAATSNAAM\n"
                    "11AA;00;Goede school;UTRECHT\n11AA;01;Kapot;UTRECHT;extra;velden\n", encoding="utf-8")
    _refused(app, runner, path, "Line 3: 6 fields where the header has 4.")


def test_binary_or_empty_file_is_refused(app, runner, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    _refused(app, runner, empty, "The file is empty.")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x81\x8d\x00PK")
    _refused(app, runner, binary, "neither UTF-8 nor Windows-1252")


def _provinces(app):
    with app.app_context():
        return {s.code: s.province for s in db.session.scalars(select(School))}


def test_province_from_duo_names_old_and_new(app, runner):
    """PROVINCIE is read into the school's province code: 'Friesland' (older files) and 'Fryslân' alike."""
    runner.invoke(args=["schools", "import-duo", str(DATA / "duo_vestigingen_oud_cp1252.csv")])
    assert _provinces(app) == {"11AA00": "UT", "11AA01": "UT", "22BB00": "FR", "55EE00": "GR"}


def test_province_unknown_is_skipped_and_a_file_without_the_column_keeps_it(app, runner, tmp_path):
    path = tmp_path / "duo.csv"
    path.write_text("PROVINCIE;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;PLAATSNAAM\n"
                    "Fryslân;12AB;12AB00;De Terp;Ljouwert\nVlaanderen;12AC;12AC00;Elders;Gent\n"
                    "noord-brabant;12AD;12AD00;De Kempen;Eersel\n", encoding="utf-8")
    result = runner.invoke(args=["schools", "import-duo", str(path)])
    assert "2 added" in result.output
    assert "skipped: line 3: 12AC00: 'Vlaanderen' is not one of the twelve provinces" in result.output
    assert _provinces(app) == {"12AB00": "FR", "12AD00": "NB"}
    path.write_text("INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;PLAATSNAAM\n12AB;12AB00;De Terp;Ljouwert\n",
                    encoding="utf-8")
    result = runner.invoke(args=["schools", "import-duo", str(path)])
    assert "0 added, 0 changed, 1 unchanged" in result.output
    assert _provinces(app)["12AB00"] == "FR"
