"""One English text has one Dutch translation, whichever area's catalog it is in (they are merged)."""
from pathlib import Path

from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[2] / "wt_curriculum"


def test_the_same_text_is_translated_the_same_in_every_area():
    seen: dict[tuple, dict[str, str]] = {}
    for po in sorted(PACKAGE.glob("*/translations/nl/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            for message in read_po(f):
                if not message.id:
                    continue
                key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
                value = message.string if isinstance(message.string, str) else message.string[0]
                seen.setdefault(key, {})[po.parts[-5]] = value
    clashes = {key: areas for key, areas in seen.items() if len(set(areas.values())) > 1}
    assert not clashes, clashes
