"""Every message in the code and templates has a Dutch translation (English is the source language)."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from wt_curriculum.i18n import AREAS

# The same on every database (the message catalogs): the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "wt_curriculum"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2), "_nl": (1, 2)}
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.do", "trimmed": "true"}}


def messages_of(area: str) -> set[str]:
    sources = [PACKAGE / area, ROOT / "templates" / area]
    if area == "core":
        sources += list(PACKAGE.glob("*.py")) + [ROOT / "templates" / "macros", ROOT / "templates" / "errors",
                                                  ROOT / "templates" / "base.html"]
    found = set()
    for source in sources:
        if source.is_dir():
            results = extract_from_dir(str(source), METHODS, keywords=KEYWORDS, options_map=OPTIONS)
            found.update(msg if isinstance(msg, str) else msg[0] for _, _, msg, _, _ in results)
        elif source.is_file():
            method = "jinja2" if source.suffix == ".html" else "python"
            opts = OPTIONS["**.html"] if method == "jinja2" else {}
            for _, msg, _, _ in extract_from_file(method, str(source), keywords=KEYWORDS, options=opts):
                found.add(msg if isinstance(msg, str) else msg[0])
    return found


@pytest.mark.parametrize("area", AREAS)
def test_every_message_has_a_dutch_translation(area):
    messages = messages_of(area)
    po_path = PACKAGE / area / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
    if not messages:
        return
    assert po_path.exists(), f"{area} has messages but no Dutch catalog: run flask translate update {area}"
    with po_path.open("rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and (m.string if isinstance(m.string, str) else all(m.string)) and not m.fuzzy
    }
    untranslated = sorted(messages - translated)
    assert not untranslated, f"{area}: untranslated messages: {untranslated[:20]}"


def test_the_areas_have_messages():
    assert len(messages_of("core")) > 20 and len(messages_of("auth")) > 20


# A number followed by a counted noun ("%(n)s errors", "%(n)s of %(m)s schools", "%(n)s published goals") must
# be an ngettext message, or Dutch shows "1 fouten".
COUNTED = re.compile(
    r"%\(\w+\)s (?:of %\(\w+\)s )?(?:(?:published|draft) )?"
    r"(errors|packages|goals|schools|entries|gaps|rows|tokens|fields|cells|characters|minutes|changes|groepen|"
    r"doelzinnen|kerndoelen|nodes|lessons|lines|links|pages|accounts|users|files|steps|items|revisions)\b")


def singular_messages_with_a_count() -> list[str]:
    found = []
    for source in (PACKAGE, ROOT / "templates"):
        for filename, lineno, msg, _, _ in extract_from_dir(str(source), METHODS, keywords=KEYWORDS,
                                                            options_map=OPTIONS):
            if isinstance(msg, str) and COUNTED.search(msg):
                found.append(f"{source.name}/{filename}:{lineno}: {msg[:80]}")
    return found


def test_a_shown_number_has_plural_forms():
    assert singular_messages_with_a_count() == []


def test_the_plural_check_catches_a_singular_message(tmp_path):
    assert COUNTED.search("The file has %(n)s errors; nothing will be imported.")
    assert COUNTED.search("%(n)s of %(m)s schools have a year plan")
    assert not COUNTED.search("groep %(n)s") and not COUNTED.search("%(name)s still has schools")


@pytest.mark.parametrize("area", AREAS)
def test_every_plural_message_has_both_dutch_forms(area):
    po_path = PACKAGE / area / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return
    with po_path.open("rb") as f:
        catalog = read_po(f)
    assert catalog.num_plurals == 2
    missing = [m.id[0] for m in catalog if m.id and m.pluralizable and not (
        isinstance(m.string, tuple) and len(m.string) == 2 and all(m.string))]
    assert not missing, f"{area}: plural messages without both Dutch forms: {missing}"


FORMAL = re.compile(r"\b(u|uw|U|Uw|uzelf)\b")


@pytest.mark.parametrize("area", AREAS)
def test_dutch_speaks_to_the_reader_as_je(area):
    po_path = PACKAGE / area / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return
    with po_path.open("rb") as f:
        catalog = read_po(f)
    formal = [s for m in catalog if m.id
              for s in (m.string if isinstance(m.string, tuple) else (m.string,)) if s and FORMAL.search(s)]
    assert not formal, f"{area}: 'u' instead of 'je': {formal[:5]}"
