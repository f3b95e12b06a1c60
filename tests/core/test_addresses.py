"""The address check below every fetch the server makes for a user (core/addresses.py): http(s) only, no user
name or password, and every address the host name resolves to public, unless FETCH_PRIVATE_ADDRESSES (or its
older name CASE_MIRROR_PRIVATE_ADDRESSES) is set. Host names are resolved by the fake_dns fixture, never the
network."""
import ipaddress
import socket

import httpx2
import pytest

from wt_curriculum.core.addresses import AddressRefused, check_address, check_request, is_public

PRIVATE = "lokaal of privéadres"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "gopher://public.example/x", "ftp://public.example/oai", "javascript:alert(1)",
    "data:text/xml,<x/>", "//public.example/oai", "public.example/oai",
])
def test_other_schemes_are_refused(app, fake_dns, url):
    with app.test_request_context(), pytest.raises(AddressRefused, match="Alleen http://- en https://-adressen"):
        check_address(url)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/oai", "http://127.8.9.10:8080/oai", "http://localhost:5000/oai", "http://[::1]/oai",
    "http://six.example/oai", "http://0.0.0.0/oai", "http://2130706433/oai",  # 127.0.0.1 as one number
])
def test_loopback_is_refused(app, fake_dns, url):
    with app.test_request_context(), pytest.raises(AddressRefused, match=PRIVATE):
        check_address(url)


@pytest.mark.parametrize("url", [
    "http://10.0.0.8/oai", "http://172.16.4.2/oai", "http://192.168.1.1/oai", "http://100.64.0.1/oai",
    "http://inside.example/oai", "http://[fd00::1]/oai", "https://[fc00::5]:8443/oai",
])
def test_private_networks_are_refused(app, fake_dns, url):
    with app.test_request_context(), pytest.raises(AddressRefused, match=PRIVATE):
        check_address(url)


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://metadata.example/latest", "http://[fe80::1]/oai",
    "http://169.254.1.1/oai",
])
def test_link_local_addresses_are_refused(app, fake_dns, url):
    with app.test_request_context(), pytest.raises(AddressRefused, match=PRIVATE):
        check_address(url)


@pytest.mark.parametrize("url", [
    "http://[::ffff:127.0.0.1]/oai", "http://[::ffff:10.0.0.1]/oai", "http://[::ffff:169.254.169.254]/oai",
    "http://[::ffff:7f00:1]/oai", "http://mapped.example/oai",
])
def test_ipv4_mapped_ipv6_addresses_are_judged_as_ipv4(app, fake_dns, url):
    with app.test_request_context(), pytest.raises(AddressRefused, match=PRIVATE):
        check_address(url)


def test_multicast_and_reserved_addresses_are_refused(app, fake_dns):
    with app.test_request_context():
        for url in ("http://224.0.0.1/oai", "http://[ff02::1]/oai", "http://240.0.0.1/oai",
                    "http://255.255.255.255/oai"):
            with pytest.raises(AddressRefused, match=PRIVATE):
                check_address(url)


def test_one_private_address_among_public_ones_is_enough_to_refuse(app, monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with app.test_request_context(), pytest.raises(AddressRefused, match="both.example is een lokaal"):
        check_address("https://both.example/oai")


@pytest.mark.parametrize("url, message", [
    ("http:///oai", "geen hostnaam"), ("http://user:secret@public.example/oai", "gebruikersnaam en wachtwoord"),
    ("http://public.example:99999/oai", "geen geldig webadres"), ("http://[::1/oai", "geen geldig webadres"),
])
def test_odd_addresses_are_refused(app, fake_dns, url, message):
    with app.test_request_context(), pytest.raises(AddressRefused, match=message):
        check_address(url)


def test_a_host_that_cannot_be_found_is_refused(app, monkeypatch):
    def getaddrinfo(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with app.test_request_context(), pytest.raises(AddressRefused, match="De hostnaam nergens.example is niet"):
        check_address("https://nergens.example/oai")


def test_public_addresses_pass(app, fake_dns):
    with app.test_request_context():
        for url in ("https://public.example/oai", "http://public.example:8080/oai?verb=Identify",
                    "https://public6.example/oai", "http://93.184.215.14/oai", "http://[2606:4700::6810:84e5]/oai"):
            assert check_address(url) == url
    assert fake_dns == ["public.example", "public.example", "public6.example", "93.184.215.14",
                        "2606:4700::6810:84e5"]
    assert is_public(ipaddress.ip_address("93.184.215.14")) and not is_public(ipaddress.ip_address("::ffff:127.0.0.1"))


def test_the_setting_and_its_older_name_allow_private_addresses_but_not_other_schemes(app, fake_dns):
    with app.test_request_context():
        with pytest.raises(AddressRefused):
            check_address("http://127.0.0.1/oai")
        app.config["FETCH_PRIVATE_ADDRESSES"] = True
        assert check_address("http://127.0.0.1/oai") == "http://127.0.0.1/oai"
        assert check_address("http://169.254.169.254/x") == "http://169.254.169.254/x"
        with pytest.raises(AddressRefused, match="Alleen http://"):
            check_address("file:///etc/passwd")
        app.config["FETCH_PRIVATE_ADDRESSES"] = False
        app.config["CASE_MIRROR_PRIVATE_ADDRESSES"] = True
        assert check_address("http://10.0.0.8/oai") == "http://10.0.0.8/oai"
    assert fake_dns == ["127.0.0.1"]  # only the first check, before the setting was on, resolved anything


def test_the_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    from tests.conftest import BASE_CONFIG
    from wt_curriculum import create_app

    monkeypatch.setenv("WT_FETCH_PRIVATE_ADDRESSES", "true")
    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert other.config["FETCH_PRIVATE_ADDRESSES"] is True
    with other.test_request_context():
        assert check_address("http://127.0.0.1/oai")


def test_the_message_belongs_to_a_field_when_one_is_named(app, fake_dns):
    with app.test_request_context():
        with pytest.raises(AddressRefused) as refused:
            check_address("http://10.0.0.8/oai", field="url")
        assert refused.value.details == {"field": "url"} and refused.value.status_code == 400
        with pytest.raises(AddressRefused) as refused:
            check_address("http://10.0.0.8/oai")
        assert refused.value.details == {}


def test_check_request_checks_the_address_of_an_http_request(app, fake_dns):
    with app.test_request_context():
        check_request(httpx2.Request("GET", "https://public.example/oai?verb=Identify"))
        with pytest.raises(AddressRefused, match=PRIVATE):
            check_request(httpx2.Request("GET", "http://metadata.example/latest/meta-data/"))
