"""Every message in the code and templates has a Dutch translation (English is the source language)."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from wt_curriculum.i18n import AREAS

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "wt_curriculum"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
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
