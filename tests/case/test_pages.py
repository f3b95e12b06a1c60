"""The CASE pages: a package upload becomes a reference framework through a job (all or nothing, its report on
the job page); mirrors are listed, added (addresses checked: http(s) on the public internet only), fetched now
and removed; the server never fetches loopback or private addresses unless configured to."""
import io
import json
import socket
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from wt_curriculum.case import addresses, frameworks
from wt_curriculum.case.addresses import AddressRefused, check_address
from wt_curriculum.core.models import AuditEvent, Job
from wt_curriculum.extensions import db
from wt_curriculum.references.models import ReferenceFramework, ReferenceFrameworkVersion, ReferenceNode

DATA = Path(__file__).parent / "data"
DRAFT = DATA / "foreign-draft-deep-1p1.json"
REST = "/ims/case/v1p1"


def _upload(client, content: bytes, name="kader.json"):
    return client.post("/referentiekaders/case-import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _frameworks(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReferenceFramework))


def test_an_uploaded_package_becomes_a_reference_framework_with_its_report(app, client, login, framework):
    editor = login("redacteur")
    original = json.loads(DRAFT.read_text(encoding="utf-8"))
    response = _upload(client, DRAFT.read_bytes())
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    key = f"case-{original['CFDocument']['identifier'][:13]}"
    assert f"Referentiekader {key} (Voorbeeldkader ESS) toegevoegd: 19 items toegevoegd, 0 gewijzigd" in page
    assert "Toegevoegd: ESS.L1.1" in page and f'href="/referentiekaders/{key}"' in page
    with app.app_context():
        assert db.session.scalar(select(Job.state).where(Job.kind == "case.upload_import")) == "done"
        assert frameworks.reference_package(db.session, original["CFDocument"]["identifier"]) == original
        assert db.session.scalar(select(AuditEvent.user_id).where(AuditEvent.action == "case.reference_import")) \
            == editor.id
    # The same package again: updated, nothing changed.
    again = client.get(_upload(client, DRAFT.read_bytes()).headers["Location"]).get_data(as_text=True)
    assert "bijgewerkt: 0 items toegevoegd, 0 gewijzigd, 0 niet meer in het pakket, 19 ongewijzigd." in again


def test_a_refused_package_fails_its_job_and_writes_nothing(app, client, login, framework):
    login("beheerder")
    before = _frameworks(app)
    cycle = client.get(_upload(client, (DATA / "cycle-case-1p0.json").read_bytes(), "kring.json")
                       .headers["Location"]).get_data(as_text=True)
    assert "kring.json is niet geïmporteerd; er is niets veranderd." in cycle and "form a cycle" in cycle
    broken = client.get(_upload(client, b'{"CFDocument": {\n "x": }').headers["Location"]).get_data(as_text=True)
    assert "Het bestand is geen JSON" in broken and "regel 2, kolom" in broken
    not_text = client.get(_upload(client, b"\xff\xfe\x00x").headers["Location"]).get_data(as_text=True)
    assert "geen UTF-8-tekst" in not_text
    with app.app_context():
        assert set(db.session.scalars(select(Job.state).where(Job.kind == "case.upload_import"))) == {"failed"}
    assert _frameworks(app) == before
    empty = client.post("/referentiekaders/case-import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 200 and "Kies een bestand." in empty.get_data(as_text=True)


def test_our_own_package_is_not_restored_from_the_web(app, client, login, framework):
    from wt_curriculum.case.services import export_package

    with app.app_context():
        ours = export_package(db.session, "http://localhost")
        goals = db.session.scalar(select(func.count()).select_from(ReferenceNode))
    login("beheerder")
    page = client.get(_upload(client, json.dumps(ours).encode()).headers["Location"]).get_data(as_text=True)
    assert "Dit pakket is ons eigen leerdoelenkader" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReferenceNode)) == goals


# --- Addresses -------------------------------------------------------------------------------------------------
@pytest.fixture
def fake_dns(monkeypatch):
    """Host names resolved without a network: public.example is public, inside.example a private address."""
    table = {"public.example": "93.184.215.14", "inside.example": "10.1.2.3", "metadata.example": "169.254.169.254",
             "six.example": "::1", "localhost": "127.0.0.1"}

    def getaddrinfo(host, port, *args, **kwargs):
        address = table.get(host, host)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5000/ims/case/v1p1/CFPackages/x", "http://localhost/x", "http://[::1]/x",
    "http://10.0.0.8/x", "http://192.168.1.1/x", "http://inside.example/x", "http://metadata.example/latest",
    "http://six.example/x", "http://[::ffff:127.0.0.1]/x", "http://0.0.0.0/x",
])
def test_loopback_and_private_addresses_are_refused(app, fake_dns, url):
    with app.test_request_context(), pytest.raises(AddressRefused, match="lokaal of privéadres"):
        check_address(url)


@pytest.mark.parametrize("url, message", [
    ("file:///etc/passwd", "Alleen http://"), ("gopher://public.example/x", "Alleen http://"),
    ("http:///x", "geen hostnaam"), ("http://user:secret@public.example/x", "gebruikersnaam"),
    ("http://public.example:99999/x", "geen geldig webadres"),
])
def test_other_schemes_and_odd_addresses_are_refused(app, fake_dns, url, message):
    with app.test_request_context(), pytest.raises(AddressRefused, match=message):
        check_address(url)


def test_public_addresses_pass_and_the_setting_allows_private_ones(app, fake_dns):
    with app.test_request_context():
        assert check_address("https://public.example/ims/case/v1p1/CFPackages/x")
        app.config["CASE_MIRROR_PRIVATE_ADDRESSES"] = True
        assert check_address("http://127.0.0.1/x") == "http://127.0.0.1/x"
        with pytest.raises(AddressRefused):
            check_address("ftp://127.0.0.1/x")  # the scheme is checked all the same


def test_a_redirect_to_a_private_address_is_not_followed(app, fake_dns, monkeypatch):
    asked = []

    class Redirect:
        is_redirect, status_code, headers = True, 302, {"Location": "http://inside.example/secret"}

        def close(self):
            pass

    def get(url, **kwargs):
        asked.append((url, kwargs["allow_redirects"]))
        return Redirect()

    monkeypatch.setattr(requests, "get", get)
    with app.test_request_context(), pytest.raises(AddressRefused):
        frameworks.subscribe(db.session, "https://public.example/ims/case/v1p1/CFPackages/abc")
    assert asked == [("https://public.example/ims/case/v1p1/CFPackages/abc", False)]


# --- The mirrors page --------------------------------------------------------------------------------------------
def _publish(other_app, data):
    with other_app.app_context():
        frameworks.import_reference_package(db.session, data)
        db.session.commit()


def test_mirrors_page_adds_lists_fetches_and_removes(app, client, login, framework, other):
    other_app, address = other
    original = json.loads(DRAFT.read_text(encoding="utf-8"))
    identifier = original["CFDocument"]["identifier"]
    _publish(other_app, original)
    url = f"{address}{REST}/CFPackages/{identifier}"
    admin = login("beheerder")

    # A local address is refused at the form by default: no job, nothing fetched.
    refused = client.post("/beheer/spiegels", data={"url": url})
    assert refused.status_code == 200 and "127.0.0.1 is een lokaal of privéadres" in refused.get_data(as_text=True)
    bad = client.post("/beheer/spiegels", data={"url": "ftp://example.org/CFPackages/x"})
    assert "Geef het adres van een CASE-pakket" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0

    app.config["CASE_MIRROR_PRIVATE_ADDRESSES"] = True
    added = client.post("/beheer/spiegels", data={"url": url})
    assert added.status_code == 303
    job_page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "toegevoegd: 19 items toegevoegd" in job_page
    with app.app_context():
        kept = db.session.scalar(select(ReferenceFramework).where(ReferenceFramework.case_identifier == identifier))
        kept_id = kept.id
        assert kept.mirror_url == url
        assert db.session.scalar(select(AuditEvent.user_id).where(AuditEvent.action == "case.mirror_add")) == admin.id
    listing = client.get("/beheer/spiegels").get_data(as_text=True)
    assert "Voorbeeldkader ESS" in listing and url in listing and "werkt" in listing
    assert "Versie 1 van" in listing and "19 items toegevoegd" in listing

    # Fetch now: nothing changed; then the other server changes the package and a fetch makes version 2.
    unchanged = client.post(f"/beheer/spiegels/{kept_id}/ophalen")
    assert "Er is niets veranderd sinds de vorige keer ophalen." in client.get(
        unchanged.headers["Location"]).get_data(as_text=True)
    changed = json.loads(DRAFT.read_text(encoding="utf-8"))
    next(i for i in changed["CFItems"] if i["humanCodingScheme"] == "ESS.L1.5")["fullStatement"] = "Cluster 5, v2"
    _publish(other_app, changed)
    fetched = client.get(client.post(f"/beheer/spiegels/{kept_id}/ophalen").headers["Location"])
    assert "Versie 2 is gemaakt." in fetched.get_data(as_text=True)
    assert "Gewijzigd: ESS.L1.5" in fetched.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.max(ReferenceFrameworkVersion.number)).where(
            ReferenceFrameworkVersion.framework_id == kept_id)) == 2

    # An error is shown on the page (the job itself is done: the error belongs to the mirror).
    with app.app_context():
        db.session.get(ReferenceFramework, kept_id).mirror_url = f"{address}{REST}/CFPackages/{'0' * 8}-0000-4000-" \
                                                                   f"8000-{'0' * 12}"
        db.session.commit()
    client.post(f"/beheer/spiegels/{kept_id}/ophalen")
    listing = client.get("/beheer/spiegels").get_data(as_text=True)
    assert "fout" in listing and "answered 404" in listing

    # Stop mirroring: the framework and its nodes stay.
    removed = client.post(f"/beheer/spiegels/{kept_id}/verwijderen")
    assert removed.status_code == 303
    with app.app_context():
        kept = db.session.get(ReferenceFramework, kept_id)
        assert kept.mirror_url is None and kept.case_package
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "case.mirror_remove")) == 1
    assert "Er wordt nog geen kader gespiegeld." in client.get("/beheer/spiegels").get_data(as_text=True)
    assert client.post(f"/beheer/spiegels/{kept_id}/ophalen").status_code == 404
    assert client.post(f"/beheer/spiegels/{kept_id}/verwijderen").status_code == 404
