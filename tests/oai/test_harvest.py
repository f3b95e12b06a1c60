# ruff: noqa: E501  (hand-made XML records keep their lines as a source would write them)
"""Harvesting outside materials: hand-made NL-LOM records from a scripted source on a local port (deep, odd,
unknown vocabulary values, with and without kerndoelen), incremental harvests, deleted and changed records, a
source that fails halfway, an expired resumption token, and no source ever causing an error page."""
import pytest
from sqlalchemy import func, select

from tests.oai.conftest import kerndoel_goals
from tests.oai.sources import IDENTIFY, Served, record
from wt_curriculum.extensions import db
from wt_curriculum.oai.harvest import goals_for_kerndoelen, harvest_source, parse_lom
from wt_curriculum.oai.models import ExternalMaterial, HarvestSource, MaterialGoal

pytestmark = pytest.mark.usefixtures("local_sources")  # their sources run on 127.0.0.1

IEEE = "http://ltsc.ieee.org/xsd/LOM"
IMS = "http://www.imsglobal.org/xsd/imsmd_v1p2"


def deep_lom(kerndoel: str, doelzin: str, title="Brug van spaghetti") -> str:
    """An IEEE NL-LOM record as Edurep collections write them, with a kerndoel and a doelzin in one path."""
    return f"""<lom xmlns="{IEEE}"><general>
      <identifier><catalog>URI</catalog><entry>https://bron.example/m/1</entry></identifier>
      <title><string language="nl">{title}</string><string language="en">Spaghetti bridge</string></title>
      <language>nl</language>
      <description><string language="nl">Bouw een brug &amp; test hem.</string></description>
      <keyword><string language="nl">bruggen</string></keyword><keyword><string language="nl">constructie</string></keyword>
      <aggregationLevel><source>http://purl.edustandaard.nl/vdex_aggregationlevel_czp_20060628.xml</source><value>2</value></aggregationLevel>
    </general>
    <lifeCycle><contribute><role><source>LOMv1.0</source><value>publisher</value></role>
      <entity>BEGIN:VCARD VERSION:3.0 ORG:Techniek Lab FN:Techniek Lab END:VCARD</entity></contribute></lifeCycle>
    <technical><format>text/html</format><location>https://bron.example/materiaal/1</location></technical>
    <educational><learningResourceType><source>http://purl.edustandaard.nl/vdex_learningresourcetype_czp_20060628.xml</source>
      <value>open opdracht</value></learningResourceType>
      <typicalAgeRange><string language="x-none">8-10</string></typicalAgeRange></educational>
    <educational><typicalAgeRange><string language="x-none">10-12</string></typicalAgeRange></educational>
    <rights><cost><source>LOMv1.0</source><value>no</value></cost>
      <copyrightAndOtherRestrictions><source>https://purl.edustandaard.nl/copyrightsandotherrestrictions_nllom_20180530</source>
      <value>cc-by-40</value></copyrightAndOtherRestrictions></rights>
    <classification><purpose><source>LOMv1.0</source><value>discipline</value></purpose>
      <taxonPath><source><string language="x-none">http://purl.edustandaard.nl/begrippenkader</string></source>
      <taxon><id>2b363227-8633-4652-ad57-c61f1efc02c8</id><entry><string language="nl">Biologie</string></entry></taxon>
      </taxonPath></classification>
    <classification><purpose><source>LOMv1.0</source><value>educational objective</value></purpose>
      <taxonPath><source><string language="x-none">http://purl.edustandaard.nl/begrippenkader</string></source>
        <taxon><id>{kerndoel.upper()}</id><entry><string language="nl">Kerndoel</string></entry></taxon>
        <taxon><id>{doelzin}</id><entry><string language="nl">Doelzin</string></entry></taxon>
      </taxonPath></classification>
    </lom>"""


def odd_lom(kerndoel: str) -> str:
    """The IMS binding (langstrings), unknown vocabulary values, a bad link, an unreadable age, a foreign taxonomy."""
    return f"""<lom xmlns="{IMS}"><general><title><langstring xml:lang="nl"> </langstring>
      <langstring xml:lang="nl">Raar maar waar</langstring></title>
      <catalogentry><catalog>URI</catalog><entry><langstring>javascript:alert(1)</langstring></entry></catalogentry>
      <description><langstring xml:lang="nl">&lt;script&gt;alert(1)&lt;/script&gt; Proefjes</langstring></description></general>
    <lifecycle><contribute><role><source><langstring>LOMv1.0</langstring></source><value><langstring>publisher</langstring></value></role>
      <centity><vcard>BEGIN:VCARD
FN:Uitgeverij Raar
END:VCARD</vcard></centity></contribute></lifecycle>
    <technical><location>ftp://bron.example/x</location><location>javascript:alert(2)</location></technical>
    <educational><learningresourcetype><source><langstring>LOMv1.0</langstring></source><value><langstring>ruimteschip</langstring></value></learningresourcetype>
      <typicalagerange><langstring>volwassenen</langstring></typicalagerange></educational>
    <rights><copyrightandotherrestrictions><source><langstring>onbekend</langstring></source><value><langstring>misschien</langstring></value></copyrightandotherrestrictions></rights>
    <classification><purpose><source><langstring>LOMv1.0</langstring></source><value><langstring>Educational Objective</langstring></value></purpose>
      <taxonpath><source><langstring>http://purl.edustandaard.nl/begrippenkader</langstring></source>
        <taxon><id>KD-42</id></taxon><taxon><id>{kerndoel}</id></taxon><taxon><id>{kerndoel}</id></taxon></taxonpath>
      <taxonpath><source><langstring>https://example.org/eigen-taxonomie</langstring></source>
        <taxon><id>00000000-0000-4000-8000-000000000000</id></taxon></taxonpath>
      <unknownElement><deep><deeper>x</deeper></deep></unknownElement></classification>
    </lom>"""


PLAIN = f'<lom xmlns="{IEEE}"><general><title><string language="nl">Alleen een titel</string></title></general></lom>'
EMPTY = f'<lom xmlns="{IEEE}"/>'


@pytest.fixture
def crosswalk(app, references):
    """Three (goal id, domain id, {kerndoel uuids}) of the seed crosswalk."""
    return kerndoel_goals(app, 3)


def add_source(app, url, set_spec="") -> int:
    with app.app_context():
        source = HarvestSource(name="Bron", url=url, set_spec=set_spec)
        db.session.add(source)
        db.session.commit()
        return source.id


def run(app, source_id):
    with app.app_context():
        report = harvest_source(db.session, source_id)
        db.session.commit()
        return report


def materials(app) -> dict[str, ExternalMaterial]:
    with app.app_context():
        found = db.session.scalars(select(ExternalMaterial)).all()
        db.session.expunge_all()
        return {m.identifier: m for m in found}


def suggested(app, material_id) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(MaterialGoal.goal_id).where(MaterialGoal.material_id == material_id)))


def test_hand_made_records_become_materials_with_suggested_goals(app, scripted, crosswalk):
    (goal_a, _, kd_a), (goal_b, _, kd_b), _ = crosswalk
    kerndoel, doelzin = sorted(kd_a)[0], sorted(kd_b)[0]
    scripted.pages = [[record("oai:bron:1", "2026-11-01T10:00:00Z", deep_lom(kerndoel, doelzin)),
                       record("oai:bron:2", "2026-11-02T10:00:00Z", odd_lom(kerndoel))],
                      [record("oai:bron:3", "2026-11-03T10:00:00Z", PLAIN),
                       record("oai:bron:4", "2026-11-04T10:00:00Z", EMPTY)]]
    source_id = add_source(app, scripted.url)
    report = run(app, source_id)
    assert report.ok and report.added == 4
    found = materials(app)
    deep = found["oai:bron:1"]
    assert deep.title == "Brug van spaghetti"
    assert deep.description == "Bouw een brug & test hem."
    assert deep.url == "https://bron.example/materiaal/1"
    assert deep.licence == "cc-by-40"
    assert deep.publisher == "Techniek Lab"
    assert deep.keywords == "bruggen, constructie"
    assert deep.groepen_mask == 0b11110000  # 8-10 and 10-12: groepen 5 to 8
    assert deep.kerndoel_uuids.split("\n") == [kerndoel.lower(), doelzin]  # not the discipline taxon
    with app.app_context():
        expected = set(goals_for_kerndoelen(db.session, [kerndoel, doelzin]))
    assert {goal_a, goal_b} <= expected
    assert suggested(app, deep.id) == expected

    odd = found["oai:bron:2"]
    assert odd.title == "Raar maar waar"
    assert odd.url == ""  # neither ftp: nor javascript: links are kept
    assert odd.publisher == "Uitgeverij Raar"
    assert odd.licence == "misschien" and odd.groepen_mask == 0
    assert odd.description.startswith("<script>")  # stored as text; escaped on every page
    assert odd.kerndoel_uuids == kerndoel.lower()
    with app.app_context():
        assert suggested(app, odd.id) == set(goals_for_kerndoelen(db.session, [kerndoel]))

    assert found["oai:bron:3"].title == "Alleen een titel" and suggested(app, found["oai:bron:3"].id) == set()
    assert found["oai:bron:4"].title == "oai:bron:4"  # no title: the identifier stands in
    with app.app_context():
        source = db.session.get(HarvestSource, source_id)
        assert (source.status, source.harvested_from, source.last_count) == ("gelukt", "2026-11-04T10:00:00Z", 4)
    assert [q.get("resumptionToken") for q in scripted.requests if q["verb"] == "ListRecords"] == [None, "page-1"]


def test_incremental_harvest_asks_from_the_newest_datestamp_updates_and_deletes(app, scripted, crosswalk):
    kerndoel = sorted(crosswalk[0][2])[0]
    scripted.pages = [[record("oai:bron:1", "2026-11-01T10:00:00Z", deep_lom(kerndoel, kerndoel)),
                       record("oai:bron:2", "2026-11-02T10:00:00Z", PLAIN)]]
    source_id = add_source(app, scripted.url)
    assert run(app, source_id).ok
    first = materials(app)["oai:bron:1"]
    with app.app_context():  # someone confirmed one suggestion, rejected another
        links = db.session.scalars(select(MaterialGoal).where(MaterialGoal.material_id == first.id)).all()
        links[0].status = "bevestigd"
        db.session.commit()
        confirmed = links[0].goal_id
    scripted.pages = [[record("oai:bron:1", "2026-11-05T09:00:00Z", deep_lom("", "", title="Brug, herzien")),
                       record("oai:bron:2", "2026-11-05T09:30:00Z")]]
    report = run(app, source_id)
    assert (report.ok, report.updated, report.deleted) == (True, 1, 1)
    assert scripted.requests[-1].get("from") == "2026-11-02T10:00:00Z"
    found = materials(app)
    assert set(found) == {"oai:bron:1"}
    assert found["oai:bron:1"].title == "Brug, herzien" and found["oai:bron:1"].id == first.id
    assert suggested(app, first.id) == {confirmed}  # open suggestions it no longer reaches are gone


@pytest.mark.parametrize("failure", ["http500", "expired", "garbage"])
def test_a_source_failing_halfway_keeps_nothing_of_that_harvest_and_is_reported(app, scripted, crosswalk, failure):
    scripted.pages = [[record("oai:bron:1", "2026-11-01T10:00:00Z", PLAIN)],
                      [record("oai:bron:2", "2026-11-02T10:00:00Z", PLAIN)]]
    scripted.failure = {1: failure}
    source_id = add_source(app, scripted.url)
    report = run(app, source_id)
    assert not report.ok
    assert materials(app) == {}
    with app.app_context():
        source = db.session.get(HarvestSource, source_id)
        assert source.status == "mislukt" and source.harvested_from == ""
        expected = {"http500": "HTTP 500", "expired": "BadResumptionToken", "garbage": "NotOAIPMH"}[failure]
        assert expected in source.last_error
    scripted.failure = {}
    assert run(app, source_id).ok  # the next harvest starts where the last good one ended
    assert set(materials(app)) == {"oai:bron:1", "oai:bron:2"}


def test_no_answer_not_oai_and_a_bad_address_are_reported(app, scripted):

    def html(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<html><body>Geen OAI</body></html>"]

    web = Served(html)
    closed = Served(html)
    closed.close()
    try:
        for url in (closed.url + "/oai", web.url + "/", "http://[::1"):
            source_id = add_source(app, url)
            report = run(app, source_id)
            assert not report.ok and report.error
            with app.app_context():
                assert db.session.get(HarvestSource, source_id).status == "mislukt"
    finally:
        web.close()


def test_no_records_match_is_a_good_harvest(app, scripted):
    source_id = add_source(app, scripted.url)
    report = run(app, source_id)
    assert report.ok and report.added == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(ExternalMaterial.id))) == 0


def test_the_set_is_asked_for(app, scripted):
    scripted.pages = [[record("oai:bron:1", "2026-11-01T10:00:00Z", PLAIN)]]
    assert run(app, add_source(app, scripted.url, set_spec="po:wt")).ok
    assert scripted.requests[-1]["set"] == "po:wt" and scripted.requests[-1]["metadataPrefix"] == "lom"


def test_parse_lom_of_an_element_without_anything():
    from lxml import etree

    parsed = parse_lom(etree.fromstring(EMPTY))
    assert (parsed.title, parsed.url, parsed.kerndoelen, parsed.groepen) == ("", "", [], [])


def test_identify_used_by_the_scripted_source_is_valid_oai(oai_schema):
    from lxml import etree

    assert oai_schema.validate(etree.fromstring(IDENTIFY.encode()))


def test_a_kerndoel_named_by_slos_deprecated_id_finds_the_same_goals(app, references):
    """Edurep's mapping still classifies by the ids SLO deprecated in 2022 (kerndoel 40: d803cf62…): a
    harvested classification with the old id reaches the goals linked to the kerndoel's current id."""
    from wt_curriculum.references.models import CrosswalkLink, ReferenceNode

    with app.app_context():
        node = db.session.scalar(select(ReferenceNode).where(ReferenceNode.code == "KD2006-PO-40"))
        assert node.uuid == "2de22d5b-8896-4338-a202-519119b58c56"
        linked = set(db.session.scalars(select(CrosswalkLink.goal_id).where(CrosswalkLink.node_id == node.id)))
        assert linked, "the seed crosswalk links goals to kerndoel 40"
        old = set(goals_for_kerndoelen(db.session, ["D803CF62-CF7E-404C-B650-8C7543534B6D"]))
        new = set(goals_for_kerndoelen(db.session, ["2de22d5b-8896-4338-a202-519119b58c56"]))
    assert old == new and old
