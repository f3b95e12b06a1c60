"""School years, stored as their start year (2026 = school year 2026-2027); used by every area that plans."""
from datetime import date

from flask_babel import format_date
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


def school_year_dates(start_year: int) -> tuple[date, date]:
    """The first and the last day of a school year: 1 August to 31 July."""
    return date(start_year, 8, 1), date(start_year + 1, 7, 31)


def check_in_school_year(day: date | None, start_year: int, field: str = "taught_on") -> None:
    """A date in a year plan lies inside the plan's school year; else a ValidationError says which days."""
    if day is None:
        return
    first, last = school_year_dates(start_year)
    if not first <= day <= last:
        raise ValidationError(_l("Choose a date in school year %(year)s: from %(first)s to %(last)s.",
                                 year=format_school_year(start_year), first=format_date(first, "long"),
                                 last=format_date(last, "long")), field=field)


def current_school_year(today=None) -> int:
    """The school year runs from 1 August: on 25 November 2026 it is 2026-2027."""
    today = today or date.today()
    return today.year if today.month >= 8 else today.year - 1


def school_year_choices(around: int | None = None) -> list[tuple[str, str]]:
    """Last year, this year and the next two, for select boxes."""
    current = around or current_school_year()
    return [(format_school_year(y), format_school_year(y)) for y in range(current - 1, current + 3)]
