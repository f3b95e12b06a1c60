"""School years, stored as their start year (2026 = school year 2026-2027); used by every area that plans."""
from datetime import date

from flask_babel import lazy_gettext as _l

from .errors import ValidationError


def format_school_year(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def parse_school_year(text: str) -> int:
    """'2026-2027' -> 2026. Raises ValidationError for anything else."""
    text = (text or "").strip()
    parts = text.split("-")
    if len(parts) == 2 and all(len(p) == 4 and p.isascii() and p.isdigit() for p in parts):
        start, end = int(parts[0]), int(parts[1])
        if end == start + 1 and 2000 <= start <= 2100:
            return start
    raise ValidationError(_l("A school year is written as 2026-2027."), field="school_year")


def current_school_year(today=None) -> int:
    """The school year runs from 1 August: on 25 November 2026 it is 2026-2027."""
    today = today or date.today()
    return today.year if today.month >= 8 else today.year - 1


def school_year_choices(around: int | None = None) -> list[tuple[str, str]]:
    """Last year, this year and the next two, for select boxes."""
    current = around or current_school_year()
    return [(format_school_year(y), format_school_year(y)) for y in range(current - 1, current + 3)]
