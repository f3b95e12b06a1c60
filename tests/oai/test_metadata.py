"""The NL-LOM and oai_dc records of a lesson package: every field Edurep reads, with its vocabulary."""
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, update

from tests.oai.conftest import BASE, NS, make_package, parse
from wt_curriculum.extensions import db
from wt_curriculum.oai.metadata import age_range, groepen_from_age_range, iso_duration, vcard


def get_record(client, schema, world, title, prefix="lom"):
    identifier = f"oai:wt.example.nl:lespakket/{world.uuids[title]}"
    document = parse(client.get("/oai?" + urlencode({"verb": "GetRecord", "identifier": identifier,
                                                      "metadataPrefix": prefix})), schema)
    return document.find(".//o:metadata/*", NS)


def text(element, path):
    return element.findtext(path, namespaces=NS)


def vocabulary(element, path):
    found = element.find(path, NS)
    return text(found, "lom:source"), text(found, "lom:value")


def test_lom_record_has_every_nl_lom_field(client, oai_schema, world):
    lom = get_record(client, oai_schema, world, "Water zuiveren")
    location = f"{BASE}lespakketten/{world.packages['Water zuiveren']}"
    assert lom.tag == "{http://ltsc.ieee.org/xsd/LOM}lom"
    general = lom.find("lom:general", NS)
    assert text(general, "lom:identifier/lom:catalog") == "URI"
    assert text(general, "lom:identifier/lom:entry") == location
    assert text(general, "lom:title/lom:string") == "Water zuiveren"
    assert general.find("lom:title/lom:string", NS).get("language") == "nl"
    assert text(general, "lom:language") == "nl"
    descriptions = [e.text for e in general.iterfind("lom:description/lom:string", NS)]
    assert descriptions == ["Samenvatting Water zuiveren", "Leerlingen **onderzoeken** iets."]
    assert [e.text for e in general.iterfind("lom:keyword/lom:string", NS)] == ["bruggen", "water"]
    assert vocabulary(general, "lom:aggregationLevel") == (
        "http://purl.edustandaard.nl/vdex_aggregationlevel_czp_20060628.xml", "3")

    contributions = {text(c, "lom:role/lom:value"): c for c in lom.iterfind("lom:lifeCycle/lom:contribute", NS)}
    publisher = contributions["publisher"]
    assert text(publisher, "lom:role/lom:source") == (
        "http://purl.edustandaard.nl/vdex_lifecycle_contribute_role_lomv1p0_20060628.xml")
    card = text(publisher, "lom:entity")
    assert card.startswith("BEGIN:VCARD\nVERSION:3.0\n") and card.endswith("END:VCARD")
    assert "FN:Netwerk Noord\\; W&T\\, Groningen" in card and "ORG:Netwerk Noord\\; W&T\\, Groningen" in card
    assert text(publisher, "lom:date/lom:dateTime").endswith("Z")
    authors = [text(c, "lom:entity") for c in lom.iterfind("lom:lifeCycle/lom:contribute", NS)
               if text(c, "lom:role/lom:value") == "author"]
    assert [a.split("FN:")[1].split("\n")[0] for a in authors] == ["An de Vries", "Bo Jansen"]

    assert text(lom, "lom:technical/lom:format") == "text/html"
    assert text(lom, "lom:technical/lom:location") == location

    educational = lom.find("lom:educational", NS)
    assert vocabulary(educational, "lom:learningResourceType") == (
        "http://purl.edustandaard.nl/vdex_learningresourcetype_czp_20060628.xml", "verkennings- en onderzoeksmateriaal")
    assert vocabulary(educational, "lom:intendedEndUserRole") == (
        "http://purl.edustandaard.nl/vdex_intendedenduserrole_lomv1p0_20060628.xml", "teacher")
    assert vocabulary(educational, "lom:context") == ("http://purl.edustandaard.nl/vdex_context_czp_20060628.xml", "PO")
    assert text(educational, "lom:typicalAgeRange/lom:string") == "8-10"  # groepen 5 and 6
    assert text(educational, "lom:typicalLearningTime/lom:duration") == "PT4H"  # 4 lessons of 60 minutes

    assert vocabulary(lom, "lom:rights/lom:cost") == ("LOMv1.0", "no")
    assert vocabulary(lom, "lom:rights/lom:copyrightAndOtherRestrictions") == (
        "https://purl.edustandaard.nl/copyrightsandotherrestrictions_nllom_20180530", "cc-by-sa-40")


def test_classification_has_one_begrippenkader_taxon_per_kerndoel_reached_through_the_crosswalk(
        client, oai_schema, world):
    for title in ("Bruggen bouwen", "Water zuiveren", "Robots programmeren"):
        lom = get_record(client, oai_schema, world, title)
        classifications = [c for c in lom.findall("lom:classification", NS)
                           if text(c, "lom:purpose/lom:value") == "educational objective"]
        assert len(classifications) == 1
        classification = classifications[0]
        assert vocabulary(classification, "lom:purpose") == (
            "http://purl.edustandaard.nl/classification_purpose_nllom_20180530", "educational objective")
        paths = classification.findall("lom:taxonPath", NS)
        assert {text(p, "lom:source/lom:string") for p in paths} == {"http://purl.edustandaard.nl/begrippenkader"}
        taxa = [text(p, "lom:taxon/lom:id") for p in paths]
        assert len(taxa) == len(set(taxa))
        assert set(taxa) == world.kerndoelen[title]
        assert all(text(p, "lom:taxon/lom:entry/lom:string") for p in paths)


def test_a_deprecated_node_is_offered_under_its_current_slo_uuid(app, client, oai_schema, world):
    from wt_curriculum.references.models import ReferenceNode

    old = sorted(world.kerndoelen["Bruggen bouwen"])[0]
    with app.app_context():
        db.session.execute(update(ReferenceNode).where(ReferenceNode.uuid == old).values(
            deprecated=True, replaced_by_uuid="11111111-2222-4333-8444-555555555555"))
        db.session.commit()
    lom = get_record(client, oai_schema, world, "Bruggen bouwen")
    taxa = {e.text for e in lom.iterfind(".//lom:taxon/lom:id", NS)}
    assert "11111111-2222-4333-8444-555555555555" in taxa and old not in taxa


def test_a_package_without_kerndoelen_has_no_kerndoel_classification_and_licences_map_to_nl_lom(
        app, client, oai_schema, world):
    from tests.lessons.helpers import make_goals

    goals = make_goals(app, prefix="ZK", count=1)
    for licence, value in (("CC-BY", "cc-by-40"), ("CC-BY-NC-SA", "cc-by-nc-sa-40"), ("ARR", "yes")):
        title = f"Zonder kerndoel {licence}"
        package_id, package_uuid = make_package(app, world.network_ids[0], list(goals.values()), title,
                                                licence=licence, lesson_count=1, minutes=90, groepen_mask=0,
                                                keywords="", authors="")
        world.uuids[title] = package_uuid
        lom = get_record(client, oai_schema, world, title)
        purposes = [text(c, "lom:purpose/lom:value") for c in lom.iterfind("lom:classification", NS)]
        assert purposes == ["educational level", "access rights"]  # no educational objective
        assert vocabulary(lom, "lom:rights/lom:copyrightAndOtherRestrictions")[1] == value
        assert text(lom, "lom:educational/lom:typicalLearningTime/lom:duration") == "PT1H30M"
        assert lom.find("lom:educational/lom:typicalAgeRange", NS) is None
        assert vocabulary(lom, "lom:general/lom:aggregationLevel")[1] == "2"
        assert lom.find("lom:general/lom:keyword", NS) is None


def test_oai_dc_record(client, oai_schema, world):
    dc = get_record(client, oai_schema, world, "Bruggen bouwen", prefix="oai_dc")
    assert dc.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    assert text(dc, "dc:title") == "Bruggen bouwen"
    assert [e.text for e in dc.iterfind("dc:creator", NS)] == ["An de Vries", "Bo Jansen"]
    assert text(dc, "dc:publisher") == "Netwerk Noord; W&T, Groningen"
    assert text(dc, "dc:identifier") == f"{BASE}lespakketten/{world.packages['Bruggen bouwen']}"
    assert text(dc, "dc:language") == "nl"
    subjects = [e.text for e in dc.iterfind("dc:subject", NS)]
    assert subjects[:2] == ["bruggen", "water"] and len(subjects) == 2 + len(world.kerndoelen["Bruggen bouwen"])


def test_text_with_markup_and_control_characters_stays_well_formed(app, client, oai_schema, world):
    from wt_curriculum.lessons.models import LessonPackage

    with app.app_context():
        db.session.execute(update(LessonPackage).where(LessonPackage.id == world.packages["Bruggen bouwen"])
                           .values(title="<b>Bruggen</b> & \"dammen\"\x01", summary="a ]]> b\x0b",
                                   authors="A\x02, B"))
        db.session.commit()
        assert db.session.scalar(select(LessonPackage.title).where(
            LessonPackage.id == world.packages["Bruggen bouwen"])).startswith("<b>")
    lom = get_record(client, oai_schema, world, "Bruggen bouwen")
    assert text(lom, "lom:general/lom:title/lom:string") == "<b>Bruggen</b> & \"dammen\""


@pytest.mark.parametrize("minutes, expected", [(240, "PT4H"), (90, "PT1H30M"), (45, "PT45M"), (0, "PT0M")])
def test_iso_duration(minutes, expected):
    assert iso_duration(minutes) == expected


@pytest.mark.parametrize("groepen, expected", [([5, 6], "8-10"), ([1], "4-5"), ([1, 8], "4-12"), ([], None)])
def test_age_range_from_groepen(groepen, expected):
    assert age_range(groepen) == expected


@pytest.mark.parametrize("text_, expected", [
    ("8-10", [5, 6]), ("4-12", list(range(1, 9))), ("10-", [7, 8]), ("9", [6]), ("10-12", [7, 8]), ("12-16", []),
    ("16-18", []), ("2-3", []), ("", []), ("volwassenen", []), ("6 - 8 jaar", [3, 4]),
])
def test_groepen_from_an_age_range(text_, expected):
    assert groepen_from_age_range(text_) == expected


def test_vcard_escapes_separators():
    assert vcard("A, B; C") == "BEGIN:VCARD\nVERSION:3.0\nFN:A\\, B\\; C\nN:A\\, B\\; C\nEND:VCARD"
