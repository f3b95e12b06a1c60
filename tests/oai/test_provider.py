"""The OAI-PMH 2.0 provider at /oai: the six verbs, selective harvesting, sets, resumption tokens, deleted
records and every error code; every response is checked against the OAI-PMH 2.0 schema."""
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import update

from tests.oai.conftest import BASE, NS, error_code, make_package, parse
from wt_curriculum import create_app
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import LessonPackage


def oai(client, schema, **arguments):
    return parse(client.get("/oai?" + urlencode(arguments)), schema)


def identifiers(document) -> list[str]:
    return [e.text for e in document.iterfind(".//o:header/o:identifier", NS)]


def ident(world, title) -> str:
    return f"oai:wt.example.nl:lespakket/{world.uuids[title]}"


def set_datestamps(app, stamps: dict[int, datetime]):
    with app.app_context():
        for package_id, stamp in stamps.items():
            db.session.execute(update(LessonPackage).where(LessonPackage.id == package_id)
                               .values(updated_at=stamp).execution_options(synchronize_session=False))
        db.session.commit()


def test_identify_declares_granularity_deleted_records_and_the_public_base_url(client, oai_schema, world):
    document = oai(client, oai_schema, verb="Identify")
    identify = document.find("o:Identify", NS)
    assert identify.findtext("o:baseURL", namespaces=NS) == BASE + "oai"
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert "@" in identify.findtext("o:adminEmail", namespaces=NS)
    assert document.find("o:request", NS).text == BASE + "oai"
    assert document.find("o:request", NS).get("verb") == "Identify"


def test_the_host_header_does_not_change_the_addresses(client, oai_schema, world):
    response = client.get("/oai?verb=Identify", headers={"Host": "evil.example.com"})
    assert b"evil.example.com" not in response.data
    assert parse(response, oai_schema).findtext(".//o:baseURL", namespaces=NS) == BASE + "oai"


def test_list_metadata_formats_offers_oai_dc_and_lom(client, oai_schema, world):
    document = oai(client, oai_schema, verb="ListMetadataFormats")
    formats = {f.findtext("o:metadataPrefix", namespaces=NS): f.findtext("o:metadataNamespace", namespaces=NS)
               for f in document.iterfind(".//o:metadataFormat", NS)}
    assert formats == {"oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/", "lom": "http://ltsc.ieee.org/xsd/LOM"}
    one = oai(client, oai_schema, verb="ListMetadataFormats", identifier=ident(world, "Bruggen bouwen"))
    assert len(one.findall(".//o:metadataFormat", NS)) == 2
    unknown = oai(client, oai_schema, verb="ListMetadataFormats", identifier="oai:wt.example.nl:lespakket/nope")
    assert error_code(unknown) == "idDoesNotExist"
    draft = oai(client, oai_schema, verb="ListMetadataFormats", identifier=ident(world, "Nog een concept"))
    assert error_code(draft) == "idDoesNotExist"


def test_list_sets_has_a_set_per_network_and_per_domain(client, oai_schema, world):
    document = oai(client, oai_schema, verb="ListSets")
    specs = {s.findtext("o:setSpec", namespaces=NS): s.findtext("o:setName", namespaces=NS)
             for s in document.iterfind(".//o:set", NS)}
    assert specs["netwerk"] == "Netwerken" and specs["domein"] == "Domeinen"
    assert specs[f"netwerk:{world.network_ids[0]}"] == "Netwerk Noord; W&T, Groningen"
    assert specs[f"netwerk:{world.network_ids[1]}"] == "Netwerk Zuid"
    for domains in world.domain_ids.values():
        assert all(f"domein:{d}" in specs for d in domains)


def test_list_records_has_every_published_package_and_the_withdrawn_one_as_deleted(client, oai_schema, world):
    document = oai(client, oai_schema, verb="ListRecords", metadataPrefix="lom")
    records = document.findall(".//o:record", NS)
    by_id = {r.findtext("o:header/o:identifier", namespaces=NS): r for r in records}
    published = ["Bruggen bouwen", "Water zuiveren", "Robots programmeren"]
    assert set(by_id) == {ident(world, t) for t in published + ["Ingetrokken pakket"]}
    for title in published:
        record = by_id[ident(world, title)]
        assert record.find("o:header", NS).get("status") is None
        assert record.findtext("o:metadata/lom:lom/lom:general/lom:title/lom:string", namespaces=NS) == title
        specs = {e.text for e in record.iterfind("o:header/o:setSpec", NS)}
        assert f"netwerk:{world.network_ids[0 if title != 'Robots programmeren' else 1]}" in specs
        assert {f"domein:{d}" for d in world.domain_ids[title]} <= specs
    deleted = by_id[ident(world, "Ingetrokken pakket")]
    assert deleted.find("o:header", NS).get("status") == "deleted"
    assert deleted.find("o:metadata", NS) is None
    assert document.find(".//o:resumptionToken", NS) is None  # one page: no token


def test_a_package_withdrawn_later_becomes_a_deleted_header_with_a_new_datestamp(app, client, oai_schema, world):
    from wt_curriculum.auth.models import User
    from wt_curriculum.lessons import services

    before = oai(client, oai_schema, verb="GetRecord", identifier=ident(world, "Bruggen bouwen"),
                 metadataPrefix="oai_dc")
    old_stamp = before.findtext(".//o:header/o:datestamp", namespaces=NS)
    time.sleep(1.1)
    with app.app_context():
        editor = db.session.get(User, _editor(app).id)
        package = services.package_for_edit(db.session, world.packages["Bruggen bouwen"], editor)
        assert services.withdraw_package(db.session, package, editor)
        db.session.commit()
    after = oai(client, oai_schema, verb="GetRecord", identifier=ident(world, "Bruggen bouwen"),
                metadataPrefix="oai_dc")
    header = after.find(".//o:header", NS)
    assert header.get("status") == "deleted"
    assert header.findtext("o:datestamp", namespaces=NS) > old_stamp
    listed = oai(client, oai_schema, verb="ListIdentifiers", metadataPrefix="lom",
                 **{"from": header.findtext("o:datestamp", namespaces=NS)})
    assert identifiers(listed) == [ident(world, "Bruggen bouwen")]
    assert listed.find(".//o:header", NS).get("status") == "deleted"


_editor_cache = {}


def _editor(app):
    from tests.conftest import Factory

    if app not in _editor_cache:
        _editor_cache[app] = Factory(app).user("redacteur")
    return _editor_cache[app]


def test_from_and_until_select_by_datestamp_inclusively_at_both_granularities(app, client, oai_schema, world):
    p = world.packages
    set_datestamps(app, {
        p["Bruggen bouwen"]: datetime(2026, 3, 1, 10, 0, 0, 500, tzinfo=UTC),
        p["Water zuiveren"]: datetime(2026, 3, 2, 23, 59, 59, 900000, tzinfo=UTC),
        p["Robots programmeren"]: datetime(2026, 3, 3, 0, 0, 0, tzinfo=UTC),
        p["Ingetrokken pakket"]: datetime(2026, 3, 5, 12, 0, 0, tzinfo=UTC),
    })

    def listed(**window):
        document = oai(client, oai_schema, verb="ListIdentifiers", metadataPrefix="oai_dc", **window)
        return error_code(document) or [i.rsplit("/", 1)[1] for i in identifiers(document)]

    u = world.uuids
    assert listed(**{"from": "2026-03-02"}) == [u["Water zuiveren"], u["Robots programmeren"], u["Ingetrokken pakket"]]
    assert listed(until="2026-03-02") == [u["Bruggen bouwen"], u["Water zuiveren"]]
    assert listed(**{"from": "2026-03-01T10:00:00Z", "until": "2026-03-01T10:00:00Z"}) == [u["Bruggen bouwen"]]
    assert listed(**{"from": "2026-03-02T23:59:59Z", "until": "2026-03-03T00:00:00Z"}) == [
        u["Water zuiveren"], u["Robots programmeren"]]
    assert listed(**{"from": "2026-03-06"}) == "noRecordsMatch"
    document = oai(client, oai_schema, verb="Identify")
    assert document.findtext(".//o:earliestDatestamp", namespaces=NS) == "2026-03-01T10:00:00Z"


def test_sets_select_a_network_or_a_domain(client, oai_schema, world):
    def listed(spec):
        document = oai(client, oai_schema, verb="ListIdentifiers", metadataPrefix="lom", set=spec)
        return error_code(document) or set(identifiers(document))

    first, second = world.network_ids
    assert listed(f"netwerk:{first}") == {ident(world, "Bruggen bouwen"), ident(world, "Water zuiveren")}
    assert listed(f"netwerk:{second}") == {ident(world, "Robots programmeren"), ident(world, "Ingetrokken pakket")}
    assert len(listed("netwerk")) == 4
    for title, domains in world.domain_ids.items():
        if title == "Nog een concept":
            continue
        for domain_id in domains:
            assert ident(world, title) in listed(f"domein:{domain_id}")
    assert listed("netwerk:999999") == "noRecordsMatch"
    assert listed("kleur:rood") == "noRecordsMatch"


@pytest.fixture
def many(app, world):
    """Twelve more published packages, so that lists take several pages of 5."""
    app.config["OAI_PAGE_SIZE"] = 5
    goal_id = _any_goal(app, world)
    for n in range(12):
        title = f"Pakket {n:02d}"
        package_id, package_uuid = make_package(app, world.network_ids[0], [goal_id], title)
        world.packages[title] = package_id
        world.uuids[title] = package_uuid
    return world


def _any_goal(app, world):
    from sqlalchemy import select

    from wt_curriculum.lessons.models import Alignment

    with app.app_context():
        return db.session.scalar(select(Alignment.goal_id).where(
            Alignment.package_id == world.packages["Bruggen bouwen"]))


def harvest(client, schema, verb="ListIdentifiers", between_pages=None, **arguments):
    """Follow resumption tokens to the end; returns (identifiers in order, the token elements)."""
    document = oai(client, schema, verb=verb, **arguments)
    found, tokens = identifiers(document), []
    token = document.find(f"o:{verb}/o:resumptionToken", NS)
    while token is not None:
        tokens.append(token)
        if not token.text:
            break
        if between_pages:
            between_pages(len(tokens))
        document = oai(client, schema, verb=verb, resumptionToken=token.text)
        assert error_code(document) is None, etree_text(document)
        found += identifiers(document)
        token = document.find(f"o:{verb}/o:resumptionToken", NS)
    return found, tokens


def etree_text(document):
    from lxml import etree

    return etree.tostring(document).decode()


def test_resumption_tokens_page_through_everything_with_cursor_and_size(client, oai_schema, many):
    found, tokens = harvest(client, oai_schema, verb="ListRecords", metadataPrefix="lom")
    assert len(found) == len(set(found)) == 16  # 15 published + 1 withdrawn
    assert [t.get("cursor") for t in tokens] == ["0", "5", "10", "15"]
    assert {t.get("completeListSize") for t in tokens} == {"16"}
    assert all(t.text for t in tokens[:-1]) and not tokens[-1].text  # the last page has an empty token
    expiry = datetime.strptime(tokens[0].get("expirationDate"), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(hours=23) < expiry - datetime.now(UTC) <= timedelta(hours=24)


def test_a_token_stays_valid_while_records_change_and_none_is_skipped(app, client, oai_schema, many):
    from wt_curriculum.lessons.models import PackageStatus

    changed = []

    def change(page):
        if page == 1:  # records of the first page (already sent) and of later pages change
            with app.app_context():
                packages = db.session.query(LessonPackage).order_by(LessonPackage.updated_at,
                                                                    LessonPackage.id).all()
                for package in (packages[0], packages[7]):
                    package.title = package.title + " (herzien)"
                    changed.append(package.uuid)
                new = LessonPackage(uuid="0f0f0f0f-0000-4000-8000-000000000001", title="Nieuw",
                                    network_id=many.network_ids[1], status=PackageStatus.PUBLISHED,
                                    published_at=datetime.now(UTC))
                db.session.add(new)
                db.session.commit()

    found, _ = harvest(client, oai_schema, between_pages=change, metadataPrefix="lom")
    uuids = [i.rsplit("/", 1)[1] for i in found]
    everyone = set(many.uuids[t] for t in many.uuids if t != "Nog een concept")
    assert everyone <= set(uuids)  # nothing skipped
    assert "0f0f0f0f-0000-4000-8000-000000000001" in uuids  # a record added during the harvest arrives too
    assert uuids[-3:] and set(changed) <= set(uuids[-3:])  # changed ones come again, at the end


def test_a_token_survives_a_restart(app, client, oai_schema, many, database_template):
    document = oai(client, oai_schema, verb="ListIdentifiers", metadataPrefix="lom")
    token = document.findtext(".//o:resumptionToken", namespaces=NS)
    restarted = create_app({k: v for k, v in app.config.items()
                            if k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "QUEUE_IMMEDIATE",
                                     "BASE_URL", "OAI_PAGE_SIZE")})
    second = oai(restarted.test_client(), oai_schema, verb="ListIdentifiers", resumptionToken=token)
    assert error_code(second) is None
    assert len(identifiers(second)) == 5
    assert not set(identifiers(second)) & set(identifiers(document))
    with restarted.app_context():
        db.engine.dispose()


def test_expired_forged_and_misused_tokens_are_bad_resumption_tokens(app, client, oai_schema, many):
    token = oai(client, oai_schema, verb="ListIdentifiers", metadataPrefix="lom").findtext(
        ".//o:resumptionToken", namespaces=NS)
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    for bad, verb in ((forged, "ListIdentifiers"), ("nonsense", "ListIdentifiers"), (token, "ListRecords"),
                      ("x", "ListSets")):
        document = oai(client, oai_schema, verb=verb, resumptionToken=bad)
        assert error_code(document) == "badResumptionToken"
    app.config["OAI_TOKEN_SECONDS"] = 1
    time.sleep(2.1)
    expired = oai(client, oai_schema, verb="ListIdentifiers", resumptionToken=token)
    assert error_code(expired) == "badResumptionToken"
    assert "expired" in expired.findtext("o:error", namespaces=NS)


@pytest.mark.parametrize("arguments, code", [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["lom", "oai_dc"]}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lom", "from": "1 maart"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lom", "from": "2026-02-30"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lom", "from": "2026-03-01T10:00:00+01:00"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lom", "from": "2026-03-02", "until": "2026-03-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lom", "from": "2026-03-01", "until": "2026-03-02T00:00:00Z"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lom", "set": "a b"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "lom", "resumptionToken": "x"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "<x>"}, "badArgument"),
    ({"verb": "GetRecord", "identifier": "oai:wt.example.nl:lespakket/x"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": "oai:elders.nl:lespakket/x", "metadataPrefix": "lom"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "identifier": "", "metadataPrefix": "lom"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "lom", "until": "2000-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "resumptionToken": "x"}, "badResumptionToken"),
])
def test_every_error_code_in_a_valid_response(client, oai_schema, world, arguments, code):
    document = parse(client.get("/oai?" + urlencode(arguments, doseq=True)), oai_schema)
    assert error_code(document) == code
    request = document.find("o:request", NS)
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}  # only the base URL, as the protocol says
    else:
        assert request.get("verb") == arguments["verb"]


def test_cannot_disseminate_an_unknown_format_of_a_known_record(client, oai_schema, world):
    document = oai(client, oai_schema, verb="GetRecord", identifier=ident(world, "Bruggen bouwen"),
                   metadataPrefix="mods")
    assert error_code(document) == "cannotDisseminateFormat"


def test_no_set_hierarchy_without_networks_or_domains(client, oai_schema, app):
    assert error_code(oai(client, oai_schema, verb="ListSets")) == "noSetHierarchy"
    document = oai(client, oai_schema, verb="ListIdentifiers", metadataPrefix="lom", set="netwerk:1")
    assert error_code(document) == "noSetHierarchy"
    assert error_code(oai(client, oai_schema, verb="ListRecords", metadataPrefix="lom")) == "noRecordsMatch"
    assert oai(client, oai_schema, verb="Identify").findtext(".//o:earliestDatestamp", namespaces=NS)


def test_post_requests_are_answered_like_get(client, oai_schema, world):
    response = client.post("/oai", data={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    document = parse(response, oai_schema)
    assert len(identifiers(document)) == 4


def test_list_records_runs_a_fixed_number_of_queries(client, count_queries, many):
    with count_queries() as small:
        client.get(f"/oai?verb=ListRecords&metadataPrefix=lom&set=netwerk:{many.network_ids[1]}")
    with count_queries() as large:
        client.get("/oai?verb=ListRecords&metadataPrefix=lom")
    assert large.count <= small.count + 1  # the count for completeListSize


def test_control_characters_in_arguments_give_a_valid_error(client, oai_schema, world):
    document = parse(client.get("/oai?verb=GetRecord&metadataPrefix=lom&identifier=oai%3Ax%01y"), oai_schema)
    assert error_code(document) == "idDoesNotExist"
    document = parse(client.get("/oai?verb=ListRecords&resumptionToken=%01%02"), oai_schema)
    assert error_code(document) == "badResumptionToken"
