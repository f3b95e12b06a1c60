"""The report of restoring our framework from a CASE package, said in the reader's language: every note and every
kind of item has a Dutch and an English text, numbers go through ngettext, and the command line's English is what
it printed before the report kept its entries without language (pending changes stored then hold those lines)."""
import json
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from wt_curriculum.case import report_text, services
from wt_curriculum.extensions import db

DATA = Path(__file__).parent / "data"

# Parameters of every note the importer writes (services.ImportReport.note), as it writes them.
SAMPLES = {
    "ignored_package_field": {"key": "CFExtra"},
    "ignored_rubrics": {},
    "ignored_document_field": {"key": "CFPackageURI"},
    "item_without_identifier": {"index": 3},
    "several_parents": {"item": "NT.1.1", "num": 2},
    "no_item_under_document": {},
    "item_of_other_type": {"item": "NT.1", "type": "Leerdoel", "expected": "Leerlijn"},
    "item_flattened": {"item": "NT.1.2.a", "depth": 4, "strand": "NT.1"},
    "item_not_placed": {"item": "1a2b3c4d-0010-4000-8000-000000000010"},
    "domain_code": {"name": "Natuur", "code": "NA"},
    "strand_code": {"wanted": "S.2", "code": "NT.1"},
    "goal_code": {"wanted": "NT.1.2.a", "code": "NT.1.4"},
    "strand_without_goals": {"code": "NT.2"},
    "goal_not_draft_again": {"code": "NT.1.1", "status": "vastgesteld"},
    "goal_not_published_again": {"code": "NT.1.1"},
    "retired_without_replacement": {"code": "NT.1.1", "replacement": "NT.1.2"},
    "already_retired": {"code": "NT.1.1"},
    "version_not_recorded": {"version": "1.0"},
    "non_uuid_identifiers": {"num": 2},
    "misspelt_education_level": {"num": 2},
    "unknown_item_field": {"key": "CFDocumentURI", "num": 2},
    "unused_item_field": {"key": "subject", "num": 2},
    "unknown_item_type": {"type": "Standard", "num": 2},
    "unknown_association_field": {"key": "CFDocumentURI", "num": 2},
    "association_without_ends": {"num": 2},
    "child_of_item_outside": {"num": 2},
    "child_of_parent_outside": {"num": 2},
    "replacement_of_item_outside": {"num": 2},
    "unused_association": {"kind": "isPeerOf", "num": 2},
    "long_statement_shortened": {"num": 2},
    "description_cut": {"max": 5000, "num": 2},
    "status_end_not_a_date": {"num": 2},
    "education_level_ignored": {"value": "12", "num": 2},
    "goal_without_groepen": {"num": 2},
    "keyword_left_out": {"max": 500, "num": 2},
    "replacement_of_goal_not_retired": {"num": 2},
    "replacement_unknown": {"num": 2},
    "crosswalk_of_domain_or_strand": {"relation": "exactMatchOf", "num": 2},
    "crosswalk_to_unknown_node": {"relation": "exactMatchOf", "num": 2},
    "crosswalk_to_retired_framework": {"relation": "isRelatedTo", "num": 2},
}
# Notes said differently when a value is missing: (key, parameters).
VARIANTS = [("strand_code", {"wanted": "", "code": "NT.1"}), ("goal_code", {"wanted": "", "code": "NT.1.1"}),
            ("unknown_item_type", {"type": "", "num": 1}), ("unused_association", {"kind": "", "num": 1})]
ITEMS = {"created": [("domain", "NT"), ("strand", "NT.1"), ("goal", "NT.1.1"), ("release", "2026.1")],
         "updated": [("domain", "NT"), ("strand", "NT.1"), ("goal", "NT.1.1"),
                     ("crosswalk", "NT.1.1", "exactMatchOf", "6f0f4f7e-0000-4000-8000-000000000001")]}


def _in(app, language: str, entries: dict) -> list[str]:
    with app.app_context(), force_locale(language):
        return report_text.import_report_lines(entries)


def test_every_note_the_importer_writes_has_a_text():
    source = Path(services.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'(?:\.note|_count)\(\s*"(\w+)"', source))
    used |= set(re.findall(r'report_counter\[\("(\w+)"', source))
    used |= set(re.findall(r'"(strand_code)" if kind == "strand" else "(goal_code)"', source)[0])
    assert len(used) > 30
    assert used <= set(report_text.NOTES), used - set(report_text.NOTES)
    assert set(SAMPLES) == set(report_text.NOTES)


def test_every_note_and_item_is_said_in_dutch_and_in_english(app):
    report = services.ImportReport(case_version="1.1", unchanged=3, created=ITEMS["created"],
                                   updated=ITEMS["updated"])
    for key, params in [*SAMPLES.items(), *VARIANTS]:
        report.note(key, **params)
    entries = json.loads(json.dumps(report.entries()))  # as a pending change keeps it
    dutch, english = _in(app, "nl", entries), _in(app, "en", entries)
    assert len(dutch) == len(english) == 1 + 8 + len(SAMPLES) + len(VARIANTS)
    assert dutch[0] == "CASE 1.1-pakket: 4 aangemaakt, 4 bijgewerkt, 3 ongewijzigd."
    assert english[0] == "CASE 1.1 package: 4 created, 4 updated, 3 unchanged."
    assert dutch[1:9] == ["domein NT aangemaakt", "leerlijn NT.1 aangemaakt", "leerdoel NT.1.1 aangemaakt",
                          "versie 2026.1 van het leerdoelenkader aangemaakt", "domein NT bijgewerkt",
                          "leerlijn NT.1 bijgewerkt", "leerdoel NT.1.1 bijgewerkt",
                          "kruistabel bijgewerkt: NT.1.1 exactMatchOf 6f0f4f7e-0000-4000-8000-000000000001"]
    assert english[1:9] == ["created domain NT", "created strand NT.1", "created goal NT.1.1",
                            "created framework release 2026.1", "updated domain NT", "updated strand NT.1",
                            "updated goal NT.1.1",
                            "updated crosswalk NT.1.1 exactMatchOf 6f0f4f7e-0000-4000-8000-000000000001"]
    notes = list(zip([*SAMPLES, *(key for key, _ in VARIANTS)], dutch[9:], english[9:], strict=True))
    for key, nl, en in notes:
        assert nl.startswith("opmerking: ") and en.startswith("note: "), key
        assert nl.removeprefix("opmerking: ") != en.removeprefix("note: "), f"{key} is not translated: {nl}"
        assert "{" not in nl and "{" not in en and key not in en, f"{key} fell through: {en}"
        assert "%(" not in nl and "%(" not in en, key
    said = dict((key, nl) for key, nl, _ in notes[:len(SAMPLES)])
    assert said["unknown_item_field"] == "opmerking: itemveld CFDocumentURI genegeerd, in 2 items"
    assert said["item_flattened"] == "opmerking: item NT.1.2.a op diepte 4 platgeslagen in leerlijn NT.1"
    assert said["unused_association"] == \
        "opmerking: 2 isPeerOf-koppelingen genegeerd (ons model gebruikt die niet)"
    assert dutch[-1] == "opmerking: 1 koppeling zonder type genegeerd (ons model gebruikt die niet)"


def test_numbers_take_their_plural_form(app):
    entries = {"case_version": "1.0", "created": [], "updated": [], "unchanged": 0,
               "notes": [["goal_without_groepen", {"num": 1}], ["goal_without_groepen", {"num": 5}]]}
    assert _in(app, "nl", entries)[1:] == ["opmerking: 1 leerdoel zonder groepen gelezen als groep 1-8",
                                           "opmerking: 5 leerdoelen zonder groepen gelezen als groep 1-8"]
    assert _in(app, "en", entries)[1:] == ["note: goals without groepen read as groep 1-8: 1",
                                           "note: goals without groepen read as groep 1-8: 5"]


def test_a_note_this_version_does_not_know_is_shown_as_stored(app):
    entries = {"case_version": "1.1", "created": [["chapter", "X"]], "updated": [], "unchanged": 0,
               "notes": [["some_new_note", {"code": "NT.1"}], ["strand_code", {"code": "NT.1"}]]}
    assert _in(app, "nl", entries)[1:] == ["chapter X", 'opmerking: some_new_note {"code": "NT.1"}',
                                           'opmerking: strand_code {"code": "NT.1"}']


@pytest.mark.parametrize("name", ["wild-case-1p0.json", "foreign-deprecated-1p0.json",
                                  "foreign-draft-deep-1p1.json"])
def test_the_command_lines_english_is_what_it_printed_before(app, name):
    """Pending changes stored before the neutral entries are compared by these lines when approved."""
    before = json.loads((DATA / "report-lines-before-neutral-entries.json").read_text(encoding="utf-8"))[name]
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        report = services.import_package(db.session, data, None)
        db.session.rollback()
        lines = report.lines()
        assert sorted(lines) == sorted(before)
        dutch = report_text.import_report_lines(report.entries())
    assert len(dutch) == len(lines) and not set(dutch) & set(lines)
