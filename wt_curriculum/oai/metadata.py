"""The two metadata formats: oai_dc (required by the protocol) and lom (NL-LOM, in the IEEE LOM namespace).

Vocabularies and their sources are the ones Edurep accepts (kennisnet/edurep-xslt: context.xsl,
learningresourcetype.xsl, intendedenduserrole.xsl, cost.xsl, copyrightandotherrestrictions.xsl; NL-LOM 2018
copyright vocabulary). Three classifications, each with the purpose source Edurep writes itself (lomwriter.xsl,
IEEEclassification: NL-LOM's classification_purpose_nllom_20180530):
- "educational level": the begrippenkader (OBK) taxa of primair onderwijs and of the package's groepen, in one
  taxonPath, as Edurep's collection sheets add them from context PO and the age range (Schooltv.xsl,
  edurep_delen.xsl);
- "educational objective": one taxonPath per SLO kerndoel or doelzin, source
  http://purl.edustandaard.nl/begrippenkader, SLO's UUID as taxon id;
- "access rights": OpenAccess, the package page being public (validate.xsl, ensureAccessrights).
"""
import re

from lxml import etree

from ..lessons.models import Licence
from .records import Record

LOM_NS = "http://ltsc.ieee.org/xsd/LOM"
LOM_SCHEMA = "http://ltsc.ieee.org/xsd/lomv1.0/lomLoose.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

FORMATS = {
    "oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS),
    "lom": (LOM_SCHEMA, LOM_NS),
}

BEGRIPPENKADER = "http://purl.edustandaard.nl/begrippenkader"
LOM_VOCABULARY = "LOMv1.0"
CLASSIFICATION_PURPOSE = "http://purl.edustandaard.nl/classification_purpose_nllom_20180530"
ACCESS_RIGHTS = "http://purl.edustandaard.nl/classification_accessrights_nllom_20180530"
OPEN_ACCESS = ("OpenAccess", "open toegang")
# The begrippenkader (OBK) educational levels of primair onderwijs and its groepen, with Edurep's labels
# (edurep_delen.xsl for PO; Schooltv.xsl, which derives them from age ranges, for the groepen).
PRIMAIR_ONDERWIJS = ("512e4729-03a4-43a2-95ba-758071d1b725", "Primair onderwijs")
GROEP_LEVELS = {
    1: "82ca4442-246c-44b3-a562-7b101793feb4",
    2: "c007e4dd-a3d4-4f33-902d-778e3bbeeddb",
    3: "25a2f4f4-cf91-4b16-94bc-6d9e6fad88f4",
    4: "5c072b3f-7f58-40ee-9799-27981f0a6b2b",
    5: "bc213214-b83d-4673-b9c1-8fdaa63d6d56",
    6: "abfb190f-e814-46f5-a9cc-ebd53f04018e",
    7: "a4813bb6-cf63-4594-af56-6afb321723d8",
    8: "95138558-9f65-4888-8ea3-8acce5eea273",
}
VDEX_AGGREGATION = "http://purl.edustandaard.nl/vdex_aggregationlevel_czp_20060628.xml"
VDEX_CONTRIBUTE_ROLE = "http://purl.edustandaard.nl/vdex_lifecycle_contribute_role_lomv1p0_20060628.xml"
VDEX_LEARNING_RESOURCE_TYPE = "http://purl.edustandaard.nl/vdex_learningresourcetype_czp_20060628.xml"
VDEX_END_USER_ROLE = "http://purl.edustandaard.nl/vdex_intendedenduserrole_lomv1p0_20060628.xml"
VDEX_CONTEXT = "http://purl.edustandaard.nl/vdex_context_czp_20060628.xml"
COPYRIGHT_VOCABULARY = "https://purl.edustandaard.nl/copyrightsandotherrestrictions_nllom_20180530"
# Our licences in NL-LOM's copyright vocabulary; "yes" = copyright applies, no open licence.
COPYRIGHT_VALUES = {
    Licence.CC_BY: "cc-by-40",
    Licence.CC_BY_SA: "cc-by-sa-40",
    Licence.CC_BY_NC_SA: "cc-by-nc-sa-40",
    Licence.ALL_RIGHTS_RESERVED: "yes",
}
LICENCE_NAMES = {
    Licence.CC_BY: "Creative Commons Naamsvermelding 4.0 (CC BY 4.0)",
    Licence.CC_BY_SA: "Creative Commons Naamsvermelding-GelijkDelen 4.0 (CC BY-SA 4.0)",
    Licence.CC_BY_NC_SA: "Creative Commons Naamsvermelding-NietCommercieel-GelijkDelen 4.0 (CC BY-NC-SA 4.0)",
    Licence.ALL_RIGHTS_RESERVED: "Alle rechten voorbehouden",
}
# Groep n is, roughly, the year in which a child turns n + 4 (groep 1: 4 years, groep 8: 11-12 years).
FIRST_AGE_OFFSET, LAST_AGE_OFFSET = 3, 4


def age_range(groepen: list[int]) -> str | None:
    """"8-12" for groepen 5 to 8; None without groepen."""
    if not groepen:
        return None
    return f"{min(groepen) + FIRST_AGE_OFFSET}-{max(groepen) + LAST_AGE_OFFSET}"


def groepen_from_age_range(text: str) -> list[int]:
    """The groepen an age range speaks of ("8-12" → 5..8, "10-" → 7..8); [] when unreadable or outside po.

    Open ranges come in the forms Edurep's sheets read (Schooltv.xsl): "10-", "10+", "10-*", "10*", and "*" for
    every age.
    """
    text = (text or "").strip()
    if text == "*":
        return list(range(1, 9))
    numbers = [int(n) for n in re.findall(r"\d+", text)][:2]
    if not numbers:
        return []
    low, high = min(numbers), max(numbers)
    if len(numbers) == 1 and text.endswith(("-", "+", "*")):
        high = 12
    first, last = max(1, low - FIRST_AGE_OFFSET), min(8, high - LAST_AGE_OFFSET)
    if first > 8 or high < 4:
        return []
    return list(range(first, max(first, last) + 1))


def iso_duration(minutes: int) -> str:
    """ISO 8601 duration: 240 minutes → PT4H, 90 → PT1H30M."""
    hours, rest = divmod(max(minutes, 0), 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")
    return text


def _vcard_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", " ")


def vcard(name: str, organisation: bool = False) -> str:
    name = _vcard_text(name)
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", f"N:{name}"]
    if organisation:
        lines.append(f"ORG:{name}")
    lines.append("END:VCARD")
    return "\n".join(lines)


def iso_datetime(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (a control character typed into a form)."""
    return NOT_XML.sub("", text)


def _sub(parent, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, f"{{{LOM_NS}}}{tag}", **attributes)
    if text is not None:
        element.text = xml_text(text)
    return element


def _langstring(parent, tag: str, text: str, language: str = "nl"):
    element = _sub(parent, tag)
    _sub(element, "string", text, language=language)
    return element


def _vocabulary(parent, tag: str, source: str, value: str):
    element = _sub(parent, tag)
    _sub(element, "source", source)
    _sub(element, "value", value)
    return element


def _contribute(parent, role: str, entity: str, date=None):
    contribute = _sub(parent, "contribute")
    _vocabulary(contribute, "role", VDEX_CONTRIBUTE_ROLE, role)
    _sub(contribute, "entity", entity)
    if date is not None:
        _sub(_sub(contribute, "date"), "dateTime", iso_datetime(date))


def lom(record: Record, location: str) -> etree._Element:
    """The NL-LOM record of a lesson package."""
    root = etree.Element(f"{{{LOM_NS}}}lom", nsmap={None: LOM_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{LOM_NS} {LOM_SCHEMA}")

    general = _sub(root, "general")
    identifier = _sub(general, "identifier")
    _sub(identifier, "catalog", "URI")
    _sub(identifier, "entry", location)
    _langstring(general, "title", record.title)
    _sub(general, "language", "nl")
    for text in (record.summary, record.description):
        if text:
            _langstring(general, "description", text)
    for keyword in record.keywords:
        _langstring(general, "keyword", keyword)
    _vocabulary(general, "aggregationLevel", VDEX_AGGREGATION, "3" if record.lesson_count > 1 else "2")

    life_cycle = _sub(root, "lifeCycle")
    _vocabulary(life_cycle, "status", LOM_VOCABULARY, "final")
    for author in record.authors:
        _contribute(life_cycle, "author", vcard(author))
    _contribute(life_cycle, "publisher", vcard(record.network_name, organisation=True), record.published_at)

    meta = _sub(root, "metaMetadata")
    _sub(meta, "metadataSchema", "LOMv1.0")
    _sub(meta, "metadataSchema", "nl_lom_v1p0")
    _sub(meta, "language", "nl")

    technical = _sub(root, "technical")
    _sub(technical, "format", "text/html")
    _sub(technical, "location", location)

    educational = _sub(root, "educational")
    _vocabulary(educational, "learningResourceType", VDEX_LEARNING_RESOURCE_TYPE,
                "verkennings- en onderzoeksmateriaal")
    _vocabulary(educational, "intendedEndUserRole", VDEX_END_USER_ROLE, "teacher")
    _vocabulary(educational, "context", VDEX_CONTEXT, "PO")
    ages = age_range(record.groepen)
    if ages:
        _langstring(educational, "typicalAgeRange", ages, language="x-none")
    learning_time = _sub(educational, "typicalLearningTime")
    _sub(learning_time, "duration", iso_duration(record.lesson_count * record.minutes_per_lesson))
    _sub(educational, "language", "nl")

    rights = _sub(root, "rights")
    _vocabulary(rights, "cost", LOM_VOCABULARY, "no")
    _vocabulary(rights, "copyrightAndOtherRestrictions", COPYRIGHT_VOCABULARY,
                COPYRIGHT_VALUES.get(record.licence, "yes"))
    _langstring(rights, "description", LICENCE_NAMES.get(record.licence, record.licence))

    levels = [PRIMAIR_ONDERWIJS] + [(GROEP_LEVELS[g], f"PO groep {g}") for g in sorted(set(record.groepen))
                                    if g in GROEP_LEVELS]
    _classification(root, "educational level", [(BEGRIPPENKADER, levels)])
    if record.taxa:
        _classification(root, "educational objective",
                        [(BEGRIPPENKADER, [(taxon.uuid, taxon.title)]) for taxon in record.taxa])
    _classification(root, "access rights", [(ACCESS_RIGHTS, [OPEN_ACCESS])])
    return root


def _classification(parent, purpose: str, paths: list[tuple[str, list[tuple[str, str]]]]):
    """A classification with one taxonPath per (source, [(taxon id, entry)])."""
    classification = _sub(parent, "classification")
    _vocabulary(classification, "purpose", CLASSIFICATION_PURPOSE, purpose)
    for source, taxa in paths:
        path = _sub(classification, "taxonPath")
        _langstring(path, "source", source, language="x-none")
        for taxon_id, entry in taxa:
            element = _sub(path, "taxon")
            _sub(element, "id", taxon_id)
            _langstring(element, "entry", entry)
    return classification


def oai_dc(record: Record, location: str) -> etree._Element:
    """The Dublin Core record of a lesson package."""
    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")

    def dc(tag: str, text: str):
        etree.SubElement(root, f"{{{DC_NS}}}{tag}").text = xml_text(text)

    dc("title", record.title)
    for author in record.authors:
        dc("creator", author)
    for keyword in record.keywords:
        dc("subject", keyword)
    for taxon in record.taxa:
        dc("subject", f"{taxon.code} {taxon.title}")
    if record.summary:
        dc("description", record.summary)
    dc("publisher", record.network_name)
    if record.published_at:
        dc("date", record.published_at.date().isoformat())
    dc("type", "lespakket")
    dc("format", "text/html")
    dc("identifier", location)
    dc("language", "nl")
    dc("rights", LICENCE_NAMES.get(record.licence, record.licence))
    return root


BUILDERS = {"oai_dc": oai_dc, "lom": lom}
