"""Property-based: random and hostile files never cause a server error in any import, and an import
that is refused writes nothing."""
import base64
import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import login_as
from wt_curriculum.extensions import db

COLUMNS = {
    "/uitwisseling/leerdoelen/import": ["code", "strand", "title", "description", "groepen", "keywords", "status"],
    "/uitwisseling/lespakketten/import": ["uuid", "title", "summary", "groepen", "lessons", "minutes", "network",
                                         "licence", "status", "goals"],
    "/uitwisseling/jaarplanningen/import": ["school", "school_year", "groep", "package", "period", "taught_on"],
    "/beheer/import/netwerken": ["code", "name", "region"],
    "/beheer/import/scholen": ["name", "brin", "vestiging", "place", "network"],
}
CELLS = st.one_of(
    st.sampled_from(["", "MN.1.1", "MN.1", "DG.3.1:kern", "5-8", "0", "9", "vastgesteld", "concept", "vervallen",
                     "2026-2027", "2026", "12AB", "00", "NET-A", "CC-BY", "=1+1", "\"", ";", ",", "\n",
                     "<script>x</script>", "x" * 300, "2026-02-30", "Ünïcødé", "MN.1.1:kern; DG.1.1:raakt"]),
    st.text(max_size=20),
)


@st.composite
def csv_files(draw, columns):
    header = draw(st.lists(st.sampled_from(columns + ["junk", ""]), min_size=0, max_size=len(columns) + 1))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 1), max_size=6))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    text = "\n".join(delimiter.join(line) for line in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "raw"]))
    if encoding == "raw":
        return draw(st.binary(max_size=300))
    return text.encode(encoding, errors="replace")


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        return {t.name: db.session.scalar(select(func.count()).select_from(t))
                for t in db.metadata.sorted_tables if t.name not in ("audit_event", "login_failure")}


def hostile_uploads(app, client, path: str, columns: list[str]):
    """A hypothesis test: upload a random file to `path`, then confirm whatever the preview offers."""

    @settings(max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(csv_files(columns))
    def upload(content):
        before = table_counts(app)
        response = client.post(path, data={"file": (io.BytesIO(content), "bestand.csv")},
                               content_type="multipart/form-data")
        assert response.status_code < 500, (path, content)
        assert table_counts(app) == before, "a preview wrote to the database"
        body = response.get_data(as_text=True)
        token = re.search(r'name="token" value="([^"]+)"', body)
        if token:
            answer = client.post(path, data={"token": token.group(1)})
        else:
            answer = client.post(path, data={"apply": "1", "content": base64.b64encode(content).decode()})
        assert answer.status_code < 500, (path, content)
        if answer.status_code != 302:  # refused: nothing may have been written
            assert table_counts(app) == before, (path, content)

    return upload


def test_no_import_answers_a_hostile_file_with_a_server_error_or_a_partial_write(access_world):
    app, users, _ = access_world
    client = app.test_client()
    login_as(client, app, users["beheerder"])
    for path, columns in COLUMNS.items():
        hostile_uploads(app, client, path, columns)()
