"""Keeping full resident ID numbers out of text that is kept for good (the audit trail).

An 18-character ID number (17 digits and a digit or X, with a valid check character, also typed
in full-width digits as a Chinese input method gives them) is replaced by its masked form
(``4331**********0131``). A run of digits longer than 18 (a bank account) is not an ID number
and is left alone; a wrong check character means it is not one either.

Cheap for the common case: ``may_hold_id`` is one regular-expression search for 17 digits in a
row over the texts joined (0.7 µs for an audit entry's object, reason and encoded values), and
only an entry that has such a run is taken apart. Pure: no Django.
"""

from __future__ import annotations

import re
from typing import Any

from .idnumber import IdNumberError, check_digit, normalise_id_text
from .masking import mask_id_number

_DIGIT = "[0-9\uff10-\uff19]"  # ASCII and full-width digits
# 17 digits in a row, spelt out: Python's engine tries the pattern at each position, and the
# spelt-out form fails faster there than a counted repeat does
_RUN = re.compile(_DIGIT * 17)
_ID = re.compile(rf"(?<!{_DIGIT}){_DIGIT}{{17}}[0-9Xx\uff10-\uff19\uff38\uff58](?!{_DIGIT})")


def may_hold_id(*texts: str) -> bool:
    """False when none of `texts` can contain an ID number (no 17 digits in a row)."""
    return _RUN.search("\x00".join(texts)) is not None


def _masked(match: re.Match) -> str:
    number = normalise_id_text(match.group())
    try:
        valid = check_digit(number[:17]) == number[17]
    except IdNumberError:
        valid = False
    return mask_id_number(number) if valid else match.group()


def mask_ids(text: str) -> str:
    """`text` with every valid 18-character ID number in it masked."""
    if not text or not _RUN.search(text):
        return text
    return _ID.sub(_masked, text)


def mask_ids_in(value: Any) -> Any:
    """A copy of a JSON-like value (dicts, lists, strings, numbers) with every string in it,
    dictionary keys included, passed through mask_ids; an ID number held as an integer becomes
    its masked text."""
    if isinstance(value, str):
        return mask_ids(value)
    if isinstance(value, dict):
        return {mask_ids_in(k): mask_ids_in(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_ids_in(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) == 18:
        masked = mask_ids(str(value))
        return masked if masked != str(value) else value
    return value
