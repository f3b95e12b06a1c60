"""The server fetches an OAI-PMH source only from the public internet (core/addresses.py): a source with a
loopback, private, link-local or IPv4-mapped address is refused when it is added (at the address field, in the
user's language), and every harvest request is checked again before it is sent, redirects included, so that a
public source cannot send the server on to 169.254.169.254 or its own network. Host names are resolved by the
fake_dns fixture and the HTTP transport answers from a table: no test here uses the network."""
import httpx2
import pytest
from sqlalchemy import select

from tests.oai.sources import IDENTIFY, envelope, record
from tests.oai.test_harvest import PLAIN
from wt_curriculum.extensions import db
from wt_curriculum.oai.harvest import REDIRECTS, harvest_source
from wt_curriculum.oai.models import ExternalMaterial, HarvestSource

PRIVATE = "lokaal of privéadres"


@pytest.fixture
def web(monkeypatch, fake_dns):
    """The transport under the OAI client: answers[host] is a function of the request giving (status, headers,
    body); `sent` lists every URL that reached the transport (after the address check)."""

    class Web:
        answers: dict = {}
        sent: list[str] = []

    def handle_request(self, request):
        Web.sent.append(str(request.url))
        status, headers, body = Web.answers[request.url.host](request)
        return httpx2.Response(status, headers=headers, content=body.encode(), request=request)

    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", handle_request)
    Web.answers, Web.sent = {}, []
    return Web


def oai_source(request):
    verb = request.url.params.get("verb")
    if verb == "Identify":
        return 200, {"Content-Type": "text/xml"}, IDENTIFY
    return 200, {"Content-Type": "text/xml"}, envelope(
        f"<ListRecords>{record('oai:bron:1', '2026-11-01T10:00:00Z', PLAIN)}</ListRecords>")


def redirect_to(target):
    def answer(request):
        query = f"?{request.url.query.decode()}" if request.url.query else ""
        return 302, {"Location": target + query}, ""
    return answer


def source_with(app, url) -> int:
    """A source stored as it is (as one added before the check, or while the setting was on)."""
    with app.app_context():
        source = HarvestSource(name="Bron", url=url)
        db.session.add(source)
        db.session.commit()
        return source.id


def harvest(app, source_id):
    with app.app_context():
        report = harvest_source(db.session, source_id)
        db.session.commit()
        source = db.session.get(HarvestSource, source_id)
        return report, source.status, source.last_error


def add(client, url):
    return client.post("/beheer/oai-bronnen", data={"name": "Techniek Lab", "url": url, "set_spec": ""})


# --- Adding a source -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/oai", "http://localhost/oai", "http://[::1]/oai", "http://10.0.0.8/oai",
    "http://192.168.1.20/oai", "http://inside.example/oai", "http://169.254.169.254/latest/meta-data/",
    "http://metadata.example/oai", "http://[::ffff:127.0.0.1]/oai", "http://mapped.example/oai",
])
def test_a_source_on_a_local_or_private_address_is_refused_at_its_field(app, client, login, fake_dns, url):
    login("beheerder")
    response = add(client, url)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    host = url.split("//")[1].split("/")[0].rsplit(":", 1)[0] if "[" not in url else url.split("[")[1].split("]")[0]
    assert (f'<p class="error" id="url-error">{host} is een lokaal of privéadres; de server haalt alleen adressen op '
            "het openbare internet op.</p>") in text  # at the address field
    assert f'value="{url}"' in text  # what was typed stays in the form
    with app.app_context():
        assert db.session.scalars(select(HarvestSource)).all() == []


def test_the_refusal_is_in_the_users_language(app, client, login, fake_dns):
    login("netwerkcoordinator")
    client.post("/taal", data={"lang": "en", "next": "/"})
    response = add(client, "http://10.0.0.8/oai")
    assert response.status_code == 400
    assert ('<p class="error" id="url-error">10.0.0.8 is a local or private address; the server only fetches '
            "addresses on the public internet.</p>") in response.get_data(as_text=True)


@pytest.mark.parametrize("url, message", [
    ("ftp://public.example/oai", "begint met https://"), ("file:///etc/passwd", "begint met https://"),
    ("http://user:geheim@public.example/oai", "Laat gebruikersnaam en wachtwoord uit het adres weg."),
])
def test_other_schemes_and_credentials_are_refused(app, client, login, fake_dns, url, message):
    login("beheerder")
    response = add(client, url)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(HarvestSource)).all() == []


def test_a_source_on_a_public_address_is_added(app, client, login, fake_dns):
    login("beheerder")
    response = add(client, "https://public.example/oai")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(HarvestSource.url)).all() == ["https://public.example/oai"]
    assert fake_dns == ["public.example"]


def test_with_the_setting_on_a_local_source_may_be_added(app, client, login, fake_dns):
    app.config["FETCH_PRIVATE_ADDRESSES"] = True
    login("beheerder")
    assert add(client, "http://127.0.0.1:8080/oai").status_code == 303
    assert add(client, "ftp://127.0.0.1/oai").status_code == 400


# --- Harvesting ------------------------------------------------------------------------------------------------
def test_a_public_source_is_harvested(app, web):
    web.answers["public.example"] = oai_source
    report, status, error = harvest(app, source_with(app, "https://public.example/oai"))
    assert report.ok and (status, error) == ("gelukt", "")
    assert [url.split("?")[0] for url in web.sent] == ["https://public.example/oai"] * 2
    with app.app_context():
        assert db.session.scalars(select(ExternalMaterial.title)).all() == ["Alleen een titel"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/oai", "http://169.254.169.254/oai", "http://inside.example/oai",
                                 "http://[::ffff:10.0.0.1]/oai"])
def test_a_stored_private_source_is_not_asked_anything(app, web, url):
    report, status, error = harvest(app, source_with(app, url))
    assert not report.ok and status == "mislukt" and PRIVATE in error
    assert web.sent == []


def test_a_redirect_to_a_private_address_is_not_followed(app, web):
    web.answers["public.example"] = redirect_to("http://inside.example/oai")
    web.answers["inside.example"] = oai_source
    report, status, error = harvest(app, source_with(app, "https://public.example/oai"))
    assert not report.ok and status == "mislukt"
    assert error.startswith("inside.example is een lokaal of privéadres")
    assert web.sent == ["https://public.example/oai?verb=Identify"]  # never inside.example
    with app.app_context():
        assert db.session.scalars(select(ExternalMaterial)).all() == []


def test_a_redirect_to_the_metadata_service_halfway_is_not_followed(app, web):
    """Identify answers; ListRecords is sent on to 169.254.169.254: refused before it is asked."""
    def answer(request):
        if request.url.params.get("verb") == "Identify":
            return oai_source(request)
        return 301, {"Location": "http://169.254.169.254/latest/meta-data/iam"}, ""

    web.answers["public.example"] = answer
    report, status, error = harvest(app, source_with(app, "https://public.example/oai"))
    assert not report.ok and status == "mislukt" and error.startswith("169.254.169.254 is een lokaal")
    assert [url.split("?")[0] for url in web.sent] == ["https://public.example/oai"] * 2
    assert not any("169.254" in url for url in web.sent)


def test_a_redirect_to_another_public_address_is_checked_and_followed(app, web, fake_dns):
    web.answers["public.example"] = redirect_to("https://public6.example/oai")
    web.answers["public6.example"] = oai_source
    report, status, _ = harvest(app, source_with(app, "http://public.example/oai"))
    assert report.ok and status == "gelukt"
    assert [url.split("?")[0] for url in web.sent] == ["http://public.example/oai", "https://public6.example/oai"] * 2
    assert {"public.example", "public6.example"} <= set(fake_dns)  # both were resolved for the check


def test_too_many_redirects_fail_the_harvest(app, web):
    web.answers["public.example"] = redirect_to("https://public.example/oai")
    report, status, error = harvest(app, source_with(app, "https://public.example/oai"))
    assert not report.ok and status == "mislukt" and error.startswith("TooManyRedirects")
    assert len(web.sent) == REDIRECTS + 1
