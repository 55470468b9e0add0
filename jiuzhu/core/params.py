"""Reading values from a query string (or a posted form) without ever failing with a 500.

A query parameter is typed by whoever edits the URL: ``township=99999999999999999999`` overflows
the database's integer, ``²`` passes ``str.isdigit()`` but not ``int()``, a NUL byte is refused
by PostgreSQL, and 10,000 digits are refused by ``int()`` itself. Views read every integer, date,
month and free-text filter through these functions: a malformed or out-of-range value is treated
as absent (the filter is ignored), or, where it names the object the page is about, the page is a
404 (`int_or_404`) — never an exception from the database.

Integers are ASCII digits only, at most MAX_ID (the largest value a 32-bit integer column holds,
which every primary key in this project fits) unless the caller says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from django.http import Http404

from .month import Month

MAX_ID = 2**31 - 1
MAX_TEXT = 200
_INT_RE = re.compile(r"-?[0-9]{1,19}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _raw(query: Mapping[str, str], name: str) -> str:
    value = query.get(name)
    return value.strip() if isinstance(value, str) else ""


def int_param(
    query: Mapping[str, str], name: str, *, minimum: int = 1, maximum: int = MAX_ID
) -> int | None:
    """The integer in `name`, or None when absent, malformed or outside [minimum, maximum]."""
    text = _raw(query, name)
    if not _INT_RE.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def int_or_404(query: Mapping[str, str], name: str, *, message: str = "没有找到该记录") -> int:
    """The id in `name` of the object the page is about; anything else is a 404."""
    value = int_param(query, name)
    if value is None:
        raise Http404(message)
    return value


def valid_id(value, *, maximum: int = MAX_ID) -> int | None:
    """An id already converted (a URL's <int:pk>, a form's coerced choice) if it can exist."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= maximum else None


def date_param(query: Mapping[str, str], name: str) -> date | None:
    """A YYYY-MM-DD date, or None when absent or not a real date."""
    text = _raw(query, name)
    if not _DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def month_param(query: Mapping[str, str], name: str) -> Month | None:
    """A YYYY-MM month, or None when absent or malformed."""
    try:
        return Month.parse(_raw(query, name))
    except ValueError:
        return None


def text_param(query: Mapping[str, str], name: str, *, max_length: int = MAX_TEXT) -> str:
    """Free text for a filter: "" when it holds a NUL or another control character (which the
    database refuses or no one types), or is longer than `max_length`."""
    text = _raw(query, name)
    if len(text) > max_length or any(ord(c) < 32 or ord(c) == 127 for c in text):
        return ""
    return text


def choice_param(query: Mapping[str, str], name: str, choices: Iterable[str]) -> str:
    """The value if it is one of `choices`, else ""."""
    text = _raw(query, name)
    return text if text in set(choices) else ""


def flag_param(query: Mapping[str, str], name: str) -> bool:
    """A checkbox-style flag: true only for "1"."""
    return _raw(query, name) == "1"


def query_without_page(query) -> str:
    """A list's query string for its pager links: its filters, without the page number."""
    kept = query.copy()
    kept.pop("page", None)
    return kept.urlencode()
