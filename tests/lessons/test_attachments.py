"""Attachments: allowed kinds only, content must match the name, 10 MB at most, served safely."""
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.lessons.helpers import PDF_BYTES, PNG_BYTES, make_attachment, make_goals, make_package
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import Attachment


def office_zip(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = office_zip(("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>"))
XLSX = office_zip(("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"))
ODT = office_zip(("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office/>"))


@pytest.fixture
def package(app, factory):
    network = factory.network(code="NET-FILES")
    goals = make_goals(app, prefix="LF", count=1)
    return network, make_package(app, network, list(goals.values()))


def upload(client, package_id, name, data):
    return client.post(f"/lespakketten/{package_id}/bijlagen", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def stored(app) -> tuple[int, list[Path]]:
    with app.app_context():
        count = db.session.scalar(select(func.count(Attachment.id)))
    folder = Path(app.config["UPLOAD_FOLDER"])
    return count, sorted(folder.iterdir()) if folder.exists() else []


def test_a_pdf_is_stored_under_a_random_name_and_downloaded_with_safe_headers(app, client, login, package):
    network, package_id = package
    login("netwerkcoordinator", network_id=network)
    response = upload(client, package_id, "../../Wérkblad <les 1>.pdf", PDF_BYTES)
    assert response.status_code == 302
    count, paths = stored(app)
    assert count == 1 and len(paths) == 1
    with app.app_context():
        attachment = db.session.scalar(select(Attachment))
        assert attachment.filename == "Wérkblad les 1.pdf"
        assert attachment.content_type == "application/pdf" and attachment.size == len(PDF_BYTES)
        assert paths[0].name == attachment.stored_name and len(attachment.stored_name) == 64
        attachment_id = attachment.id
    assert paths[0].read_bytes() == PDF_BYTES
    # Not under the static folder: the web server never serves it directly.
    assert "static" not in str(paths[0])

    anonymous = app.test_client()
    download = anonymous.get(f"/lespakketten/{package_id}/bijlagen/{attachment_id}")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''W%C3%A9rkblad%20les%201.pdf" in disposition
    assert "/" not in disposition.split("filename", 1)[1].replace("UTF-8''", "")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.data == PDF_BYTES
    download.close()


@pytest.mark.parametrize(("name", "data"), [
    ("lesplan.docx", DOCX), ("cijfers.xlsx", XLSX), ("tekst.odt", ODT), ("foto.png", PNG_BYTES),
    ("foto.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
])
def test_the_allowed_kinds_are_accepted(app, client, login, package, name, data):
    login("redacteur")
    assert upload(client, package[1], name, data).status_code == 302
    assert stored(app)[0] == 1


@pytest.mark.parametrize(("name", "data", "message"), [
    ("virus.exe", b"MZ\x90\x00", "Dit soort bestand is niet toegestaan"),
    ("pagina.html", b"<script>alert(1)</script>", "Dit soort bestand is niet toegestaan"),
    ("tekening.svg", b"<svg onload=alert(1)>", "Dit soort bestand is niet toegestaan"),
    ("zonder-extensie", PDF_BYTES, "Dit soort bestand is niet toegestaan"),
    ("nep.pdf", PNG_BYTES, "geen PDF-bestand"),
    ("nep.png", PDF_BYTES, "geen PNG-bestand"),
    ("nep.jpg", b"GIF89a....", "geen JPG-bestand"),
    ("nep.docx", b"gewone tekst", "geen DOCX-bestand"),
    ("nep.docx", XLSX, "geen DOCX-bestand"),  # a zip, but not a Word document
    ("nep.xlsx", b"PK\x03\x04 kapotte zip", "geen XLSX-bestand"),
    ("nep.odt", office_zip(("mimetype", b"application/zip")), "geen ODT-bestand"),
    ("leeg.pdf", b"", "Het bestand is leeg"),
])
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_stored(app, client, login, package, name,
                                                                         data, message):
    login("redacteur")
    response = upload(client, package[1], name, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored(app) == (0, [])


def test_a_file_over_10_mb_is_refused(app, client, login, package):
    login("redacteur")
    response = upload(client, package[1], "groot.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 400
    assert "groter dan 10 MB" in response.get_data(as_text=True)
    assert stored(app) == (0, [])


def test_a_request_over_max_content_length_gets_a_friendly_413_page(app, client, login, package):
    login("redacteur")
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = upload(client, package[1], "enorm.pdf", b"%PDF" + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<main" in html and "te groot" in html
    assert stored(app) == (0, [])


def test_a_missing_file_gives_a_message(client, login, package):
    login("redacteur")
    response = client.post(f"/lespakketten/{package[1]}/bijlagen", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Kies een bestand" in response.get_data(as_text=True)


def test_removing_an_attachment_deletes_the_file(app, client, login, package):
    network, package_id = package
    attachment_id = make_attachment(app, package_id)
    assert len(stored(app)[1]) == 1
    login("netwerkcoordinator", network_id=network)
    response = client.post(f"/lespakketten/{package_id}/bijlagen/{attachment_id}/verwijderen")
    assert response.status_code == 302
    assert stored(app) == (0, [])


def test_attachments_of_drafts_are_hidden_and_other_networks_cannot_upload(app, client, login, factory):
    network = factory.network(code="NET-DRAFT")
    goals = make_goals(app, prefix="LG", count=1)
    draft = make_package(app, network, list(goals.values()), status="concept")
    attachment_id = make_attachment(app, draft)
    assert client.get(f"/lespakketten/{draft}/bijlagen/{attachment_id}").status_code == 404
    login("netwerkcoordinator")  # bound to a network of its own
    assert client.get(f"/lespakketten/{draft}/bijlagen/{attachment_id}").status_code == 404
    assert upload(client, draft, "werkblad.pdf", PDF_BYTES).status_code == 403
    assert stored(app)[0] == 1
    # An attachment id under another package's URL does not exist.
    other = make_package(app, network, list(goals.values()), title="Openbaar")
    assert client.get(f"/lespakketten/{other}/bijlagen/{attachment_id}").status_code == 404
