"""One way to read a whole number, from a URL, a query, a form or a file.

ASCII digits only (`str.isdigit()` also accepts '²' and '٣', which `int()` refuses or the database cannot
hold) and bounded to the range of the column the number is compared with. In a path anything else is a 404
(the URL converter registered as `int` for every route); in a query, a form or a file it is a
ValidationError with a message in the user's language (400, or an error at the form field).
"""
import re

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError as NoMatch

from .errors import ValidationError

MAX_ID = 2**31 - 1  # an INTEGER column on PostgreSQL; ids, versions and counts never go beyond it
MAX_DIGITS = 10
MAX_PAGE = 100_000  # page numbers in a query string
WHOLE = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def whole_or_none(text, low: int = 0, high: int = MAX_ID) -> int | None:
    """The number written in `text` (surrounding spaces allowed), or None when it is not one in low..high."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if low <= text <= high else None
    if not isinstance(text, str):
        return None
    text = text.strip(" \t")
    if not WHOLE.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_whole(text, low: int = 0, high: int = MAX_ID, **details) -> int:
    """Like whole_or_none, but anything else raises a ValidationError (details: field= or parameter=)."""
    value = whole_or_none(text, low, high)
    if value is None:
        raise ValidationError(_l("Enter a whole number from %(low)s to %(high)s.", low=low, high=high), **details)
    return value


def query_whole(name: str, default: int | None = None, low: int = 1, high: int = MAX_ID) -> int | None:
    """A whole number from the query string: `default` when absent or empty, a 400 when it is not one."""
    text = request.args.get(name)
    if text is None or text.strip() == "":
        return default
    return parse_whole(text, low, high, parameter=name)


class WholeNumberConverter(BaseConverter):
    """`<int:...>` for every route: ASCII digits in min..max (1..2**31-1 unless the rule says otherwise).

    Anything else does not match the rule, so the answer is a 404 and the view never sees it.
    """

    regex = rf"[0-9]{{1,{MAX_DIGITS}}}"
    part_isolating = True

    def __init__(self, map, min: int = 1, max: int = MAX_ID):  # noqa: A002  (Werkzeug's argument names)
        super().__init__(map)
        self.min, self.max = min, max

    def to_python(self, value: str) -> int:
        number = whole_or_none(value, self.min, self.max)
        if number is None:
            raise NoMatch()
        return number

    def to_url(self, value) -> str:
        return str(int(value))
