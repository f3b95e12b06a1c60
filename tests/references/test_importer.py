"""`flask reference import FILE`: SLO's open data files, matched by UUID, all or nothing."""
import json

import pytest
from sqlalchemy import select

from tests.references.conftest import DATA
from wt_curriculum.extensions import db
from wt_curriculum.references.models import ReferenceNode


def _node(app, code):
    with app.app_context():
        node = db.session.scalar(select(ReferenceNode).where(ReferenceNode.code == code))
        return node.official_text, node.deprecated, node.replaced_by_uuid


def test_import_fills_official_texts_by_uuid(app, runner, references):
    result = runner.invoke(args=["reference", "import", str(DATA / "slo_kerndoelen.json")])
    assert result.exit_code == 0, result.output
    assert "3 items read: 2 match our reference nodes, 1 do not." in result.output
    assert "changed: KD2006-PO-42: official text added" in result.output
    assert _node(app, "KD2006-PO-42") == ("Testtekst: leerlingen doen proefjes met materialen.", False, None)
    assert _node(app, "KD2006-PO-44")[0] == "Testtekst: leerlingen onderzoeken hoe voorwerpen werken."
    assert _node(app, "KD2006-PO-40")[0] is None


def test_reimport_reports_only_what_changed(app, runner, references):
    runner.invoke(args=["reference", "import", str(DATA / "slo_kerndoelen.json")])
    result = runner.invoke(args=["reference", "import", str(DATA / "slo_kerndoelen_v2.json")])
    assert result.exit_code == 0, result.output
    assert "1 changed, 1 unchanged, 0 replaced, 7 absent." in result.output
    assert "changed: KD2006-PO-42: official text changed" in result.output
    assert "KD2006-PO-44" not in result.output
    assert _node(app, "KD2006-PO-42")[0] == "Testtekst: leerlingen doen onderzoek naar materialen en verschijnselen."


def test_deprecated_node_in_use_is_flagged_not_replaced(app, runner, references):
    result = runner.invoke(args=["reference", "import", str(DATA / "slo_doelzinnen_deprecated.json")])
    assert result.exit_code == 0, result.output
    assert "deprecated: KD2025-PO-29A (replaced by 9291d00a-51a0-476c-85aa-9eb86061be44)" in result.output
    assert "needs an editor: KD2025-PO-29A" in result.output
    assert "deprecated: KD2025-PO-29D" in result.output
    assert _node(app, "KD2025-PO-29A")[1:] == (True, "9291d00a-51a0-476c-85aa-9eb86061be44")
    assert _node(app, "KD2025-PO-29B") == ("Testtekst: de leerling herkent patronen.", False, None)
    # The crosswalk keeps its links: an editor decides on the crosswalk page.
    from wt_curriculum.references.models import CrosswalkLink

    with app.app_context():
        node_id = db.session.scalar(select(ReferenceNode.id).where(ReferenceNode.code == "KD2025-PO-29A"))
        assert db.session.scalar(select(CrosswalkLink.id).where(CrosswalkLink.node_id == node_id)) is not None


def _refused(app, runner, path, expected):
    result = runner.invoke(args=["reference", "import", str(path)])
    assert result.exit_code != 0
    assert expected in result.output
    assert "nothing was changed" in result.output
    with app.app_context():
        assert db.session.scalar(select(ReferenceNode.id).where(ReferenceNode.official_text.is_not(None))) is None


@pytest.mark.parametrize(("content", "expected"), [
    (b"<html>not json</html>", "The file is not JSON"),
    (b'{"kerndoel": 42}', "Expected a JSON array"),
    (b'"just a string"', "Expected a JSON array"),
    (json.dumps([{"title": "zonder id"}]).encode(), "Item 2 has no valid UUID"),
    (json.dumps([{"id": "c3d8c8c0-0f94-4dec-8ce6-f52fab27158f", "title": ["lijst"]}]).encode(), "must be text"),
    (json.dumps([{"id": "c3d8c8c0-0f94-4dec-8ce6-f52fab27158f", "title": "x", "replacedBy": "abc"}]).encode(),
     "'replacedBy' must be a list"),
    (b"[]", "holds no SLO items"),
    ("[{\"id\": \"c3d8c8c0-0f94-4dec-8ce6-f52fab27158f\", \"title\": \"caf\u00e9\"}]".encode("cp1252"),
     "not UTF-8"),
])
def test_malformed_file_is_refused_and_nothing_written(app, runner, references, tmp_path, content, expected):
    # A good item first: a later bad one must still keep the good one from being written.
    path = tmp_path / "bad.json"
    if content.startswith(b"[{") and b"caf" not in content:
        good = b'{"id": "3d12e0ca-bca7-4b78-a8ed-f4699570fb12", "title": "goed"}, '
        content = b"[" + good + content[1:]
    path.write_bytes(content)
    _refused(app, runner, path, expected)


def test_too_big_file_is_refused(app, runner, references, tmp_path):
    path = tmp_path / "big.json"
    with path.open("wb") as f:
        f.truncate(21 * 1024 * 1024)
    _refused(app, runner, path, "the limit is 20 MB")
