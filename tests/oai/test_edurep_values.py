# ruff: noqa: E501  (hand-made XML records keep their lines as a source would write them)
"""Our NL-LOM against what Edurep's own sheets (kennisnet/edurep-xslt) accept and add, and the harvester against
the values Edurep's records carry.

The accepted value lists below are those of the validation sheets named beside them (aggregationlevel.xsl,
learningresourcetype.xsl, intendedenduserrole.xsl, context.xsl, cost.xsl, typicallearningtime.xsl); a value
outside them is dropped by Edurep ("worden niet teruggeplaatst"). The classifications follow lomwriter.xsl
(IEEEclassification: purpose source classification_purpose_nllom_20180530) and the collection sheets that add
the educational level of primair onderwijs and its groepen (edurep_delen.xsl, Schooltv.xsl)."""
import re

import pytest
from lxml import etree

from tests.oai.conftest import NS, make_package
from tests.oai.sources import record
from tests.oai.test_metadata import get_record, text, vocabulary
from wt_curriculum.extensions import db
from wt_curriculum.oai.harvest import harvest_source, parse_lom
from wt_curriculum.oai.metadata import groepen_from_age_range
from wt_curriculum.oai.models import ExternalMaterial, HarvestSource

IEEE = "http://ltsc.ieee.org/xsd/LOM"
IMS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
PURPOSE = "http://purl.edustandaard.nl/classification_purpose_nllom_20180530"
BEGRIPPENKADER = "http://purl.edustandaard.nl/begrippenkader"
PO = "512e4729-03a4-43a2-95ba-758071d1b725"
GROEP = {3: "25a2f4f4-cf91-4b16-94bc-6d9e6fad88f4", 4: "5c072b3f-7f58-40ee-9799-27981f0a6b2b",
         5: "bc213214-b83d-4673-b9c1-8fdaa63d6d56", 6: "abfb190f-e814-46f5-a9cc-ebd53f04018e"}

ACCEPTED = {  # element: (the source we write, the values Edurep keeps for that source)
    "general/aggregationLevel": ("http://purl.edustandaard.nl/vdex_aggregationlevel_czp_20060628.xml",
                                 {"1", "2", "3", "4"}),
    "educational/learningResourceType": (
        "http://purl.edustandaard.nl/vdex_learningresourcetype_czp_20060628.xml",
        {"evaluatie- en toetsmateriaal", "gesloten opdracht", "open opdracht", "verkennings- en onderzoeksmateriaal",
         "handleiding", "informatiebron", "gereedschap", "professionaliseringsmateriaal"}),
    "educational/intendedEndUserRole": ("http://purl.edustandaard.nl/vdex_intendedenduserrole_lomv1p0_20060628.xml",
                                        {"author", "learner", "teacher", "manager"}),
    "educational/context": ("http://purl.edustandaard.nl/vdex_context_czp_20060628.xml",
                            {"higher education", "other", "school", "training", "SBaO", "SO", "VVE", "PO", "VO",
                             "BVE", "HBO", "WO", "bedrijfsopleiding"}),
    "rights/cost": ("LOMv1.0", {"yes", "no"}),
}
DURATION = re.compile(r"^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")  # typicallearningtime.xsl


def classifications(lom) -> dict[str, list]:
    found: dict[str, list] = {}
    for classification in lom.iterfind("lom:classification", NS):
        found.setdefault(text(classification, "lom:purpose/lom:value"), []).append(classification)
    return found


def taxa(classification) -> list[tuple[str, str, str]]:
    return [(text(t, "lom:id"), text(t, "lom:entry/lom:string"), t.find("lom:entry/lom:string", NS).get("language"))
            for t in classification.iterfind("lom:taxonPath/lom:taxon", NS)]


def test_every_vocabulary_value_is_one_edurep_keeps(client, oai_schema, world):
    lom = get_record(client, oai_schema, world, "Water zuiveren")
    for path, (source, values) in ACCEPTED.items():
        written_source, value = vocabulary(lom, "lom:" + path.replace("/", "/lom:"))
        assert written_source == source, path
        assert value in values, path
    assert DURATION.match(text(lom, "lom:educational/lom:typicalLearningTime/lom:duration"))
    assert [e.text for e in lom.iterfind("lom:metaMetadata/lom:metadataSchema", NS)] == ["LOMv1.0", "nl_lom_v1p0"]
    for contribute in lom.iterfind("lom:lifeCycle/lom:contribute", NS):
        assert text(contribute, "lom:role/lom:source") == (
            "http://purl.edustandaard.nl/vdex_lifecycle_contribute_role_lomv1p0_20060628.xml")
        assert text(contribute, "lom:role/lom:value") in {"author", "publisher"}


def test_educational_level_is_primair_onderwijs_and_the_groepen_of_the_package(client, oai_schema, world):
    lom = get_record(client, oai_schema, world, "Water zuiveren")  # groepen 5 and 6
    by_purpose = classifications(lom)
    assert set(by_purpose) == {"educational level", "educational objective", "access rights"}
    [level] = by_purpose["educational level"]
    assert vocabulary(level, "lom:purpose") == (PURPOSE, "educational level")
    [path] = level.findall("lom:taxonPath", NS)  # one path, as Edurep's sheets write it
    assert text(path, "lom:source/lom:string") == BEGRIPPENKADER
    assert path.find("lom:source/lom:string", NS).get("language") == "x-none"
    assert taxa(level) == [(PO, "Primair onderwijs", "nl"), (GROEP[5], "PO groep 5", "nl"),
                           (GROEP[6], "PO groep 6", "nl")]
    for purpose in ("educational objective", "access rights"):
        assert {text(c, "lom:purpose/lom:source") for c in by_purpose[purpose]} == {PURPOSE}
    # The educational level is not mixed into the kerndoelen.
    [objective] = by_purpose["educational objective"]
    assert {t[0] for t in taxa(objective)} == world.kerndoelen["Water zuiveren"]


def test_a_package_without_groepen_is_still_primair_onderwijs(app, client, oai_schema, world):
    title = "Zonder groepen"
    _, world.uuids[title] = make_package(app, world.network_ids[0], [], title, groepen_mask=0)
    lom = get_record(client, oai_schema, world, title)
    by_purpose = classifications(lom)
    assert taxa(by_purpose["educational level"][0]) == [(PO, "Primair onderwijs", "nl")]
    assert "educational objective" not in by_purpose
    assert lom.find("lom:educational/lom:typicalAgeRange", NS) is None


def test_access_rights_are_open_the_package_page_being_public(client, oai_schema, world):
    lom = get_record(client, oai_schema, world, "Bruggen bouwen")
    [access] = classifications(lom)["access rights"]
    assert vocabulary(access, "lom:purpose") == (PURPOSE, "access rights")
    assert text(access, "lom:taxonPath/lom:source/lom:string") == (
        "http://purl.edustandaard.nl/classification_accessrights_nllom_20180530")
    assert taxa(access) == [("OpenAccess", "open toegang", "nl")]
    page = client.get(text(lom, "lom:technical/lom:location").removeprefix("https://wt.example.nl"))
    assert page.status_code == 200  # anonymous: open indeed


def test_list_records_carries_the_same_classifications(client, oai_schema, world):
    from tests.oai.conftest import parse

    document = parse(client.get("/oai?verb=ListRecords&metadataPrefix=lom"), oai_schema)
    records = document.findall(".//o:record/o:metadata/lom:lom", NS)
    assert len(records) == 3
    for lom in records:
        assert [t[0] for t in taxa(classifications(lom)["educational level"][0])][:1] == [PO]


# The harvester: records shaped as Edurep's sheets leave them.

def edurep_lom(levels: str, age: str = "") -> str:
    """An IEEE record with Edurep's educational-level classification (lomwriter.xsl) and no age range."""
    age_range = f'<typicalAgeRange><string language="x-none">{age}</string></typicalAgeRange>' if age else ""
    return f"""<lom xmlns="{IEEE}"><general><title><string language="nl">Weerstation</string></title></general>
    <technical><location>https://bron.example/weer</location></technical>
    <educational><context><source>http://purl.edustandaard.nl/vdex_context_czp_20060628.xml</source><value>PO</value></context>{age_range}</educational>
    <classification><purpose><source>{PURPOSE}</source><value>educational level</value></purpose>
      <taxonPath><source><string language="x-none">{BEGRIPPENKADER}</string></source>
        <taxon><id>{PO}</id><entry><string language="nl">Primair onderwijs</string></entry></taxon>{levels}
      </taxonPath></classification>
    <classification><purpose><source>{PURPOSE}</source><value>access rights</value></purpose>
      <taxonPath><source><string language="x-none">http://purl.edustandaard.nl/classification_accessrights_nllom_20180530</string></source>
        <taxon><id>OpenAccess</id><entry><string language="nl">open toegang</string></entry></taxon></taxonPath></classification>
    </lom>"""


def level_taxon(groep: int) -> str:
    return f'<taxon><id>{GROEP[groep].upper()}</id><entry><string language="nl">PO groep {groep}</string></entry></taxon>'


SCHOOLTV_IMS = f"""<lom xmlns="{IMS}"><general><title><langstring xml:lang="nl">Klokhuis</langstring></title></general>
    <classification><purpose><source><langstring xml:lang="x-none">http://purl.edustandaard.nl/vdex_classification_purpose_czp_20060628.xml</langstring></source>
      <value><langstring xml:lang="x-none">educationallevel</langstring></value></purpose>
      <taxonpath><source><langstring xml:lang="x-none">http://purl.edustandaard.nl/vdex_classification_educationallevel_czp_20071115.xml</langstring></source>
        <taxon><id>PO</id></taxon><taxon><id>po_groep7</id></taxon><taxon><id>po_groep8</id></taxon></taxonpath></classification>
    </lom>"""


def test_groepen_are_read_from_edurep_educational_levels():
    parsed = parse_lom(etree.fromstring(edurep_lom(level_taxon(3) + level_taxon(4))))
    assert parsed.groepen == [3, 4]
    assert parsed.kerndoelen == []  # levels are not kerndoelen
    assert parse_lom(etree.fromstring(edurep_lom(""))).groepen == []  # primair onderwijs alone names no groep
    assert parse_lom(etree.fromstring(SCHOOLTV_IMS)).groepen == [7, 8]  # the older vocabulary's ids
    both = parse_lom(etree.fromstring(edurep_lom(level_taxon(3), age="10-12")))
    assert both.groepen == [3, 7, 8]


@pytest.mark.parametrize("age, groepen", [("7+", [4, 5, 6, 7, 8]), ("4-*", list(range(1, 9))), ("10*", [7, 8]),
                                          ("*", list(range(1, 9))), ("13+", []), ("0-4", [1])])
def test_open_age_ranges_as_edurep_reads_them(age, groepen):
    assert groepen_from_age_range(age) == groepen


def test_a_harvested_record_with_only_educational_levels_gets_its_groepen(app, scripted, local_sources):
    scripted.pages = [[record("oai:bron:weer", "2026-11-01T10:00:00Z", edurep_lom(level_taxon(5) + level_taxon(6))),
                       record("oai:bron:tv", "2026-11-02T10:00:00Z", SCHOOLTV_IMS)]]
    with app.app_context():
        source = HarvestSource(name="Bron", url=scripted.url)
        db.session.add(source)
        db.session.commit()
        report = harvest_source(db.session, source.id)
        db.session.commit()
        assert report.ok and report.added == 2
        found = {m.identifier: m for m in db.session.query(ExternalMaterial)}
        assert found["oai:bron:weer"].groepen_mask == 0b00110000  # groepen 5 and 6
        assert found["oai:bron:weer"].url == "https://bron.example/weer"
        assert found["oai:bron:weer"].kerndoel_uuids == ""
        assert found["oai:bron:tv"].groepen_mask == 0b11000000  # groepen 7 and 8
