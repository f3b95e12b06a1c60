"""Dates as people type them: 2026-10-05 (what a date picker sends and an export writes) or 5-10-2026 (how
Dutch people write it; also with / or . between the parts). Used by the forms and the imports."""
import re
from datetime import date

ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
DUTCH = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")  # ASCII digits only


def parse_date(text: str) -> date:
    """The date in `text` (surrounding spaces ignored); ValueError when it is neither form or no real date."""
    text = (text or "").strip()
    if match := ISO.fullmatch(text):
        year, month, day = match.groups()
    elif match := DUTCH.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise ValueError(f"not a date: {text[:20]!r}")
    return date(int(year), int(month), int(day))  # ValueError for 31-02-2026
