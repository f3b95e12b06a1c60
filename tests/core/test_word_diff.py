"""The word-level diff that history pages show for long texts."""
from wt_curriculum.core.services import diff_snapshots, word_diff


def test_changed_words_are_marked_and_the_rest_is_kept():
    parts = word_diff("Een brug die een pak suiker kan dragen.", "Een brug die een stapel boeken kan dragen.")
    assert parts == [("same", "Een brug die een "), ("removed", "pak suiker"), ("added", "stapel boeken"),
                     ("same", " kan dragen.")]


def test_added_and_removed_words_alone():
    assert word_diff("rood groen", "rood geel groen") == [("same", "rood "), ("added", "geel "), ("same", "groen")]
    assert word_diff("rood geel groen", "rood groen") == [("same", "rood "), ("removed", "geel "),
                                                          ("same", "groen")]


def test_a_long_unchanged_stretch_is_shortened():
    before = " ".join(f"w{n}" for n in range(200)) + " oud"
    after = " ".join(f"w{n}" for n in range(200)) + " nieuw"
    parts = word_diff(before, after)
    assert parts[0][0] == "same" and " … " in parts[0][1] and len(parts[0][1]) < 200
    assert parts[-2:] == [("removed", "oud"), ("added", "nieuw")]


def test_long_fields_get_words_and_short_ones_before_and_after():
    long_old, long_new = "a " * 50 + "b", "a " * 50 + "c"
    changes = {c.field: c for c in diff_snapshots({"t": "x", "d": long_old}, {"t": "y", "d": long_new})}
    assert changes["t"].words == [] and (changes["t"].old, changes["t"].new) == ("x", "y")
    assert ("removed", "b") in changes["d"].words and ("added", "c") in changes["d"].words
