"""Masking of personal data for display (pages, exports, public notices).

Pure module: no Django import (enforced by an import-linter contract). Every function accepts
``None`` or an empty value and returns ``""``. Values too short to keep any characters safely are
masked completely rather than shown.
"""

from __future__ import annotations

__all__ = [
    "mask_bank_account",
    "mask_id_number",
    "mask_id_number_public",
    "mask_name",
    "mask_phone",
]


def _keep_ends(text: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters, star the rest (length preserved).

    If nothing would be hidden, everything is hidden instead: a masked value must never show the
    whole original.
    """
    hidden = len(text) - head - tail
    if hidden <= 0:
        return "*" * len(text)
    return text[:head] + "*" * hidden + text[len(text) - tail :]


def _compact(value: object) -> str:
    # Internal spaces (e.g. "6222 0210 ...") are display formatting, not part of the value.
    return "".join(str(value).split()) if value else ""


def mask_id_number(n: str | None) -> str:
    """Staff view: first 4 and last 4 characters, e.g. "3501**********1234"."""
    return _keep_ends(_compact(n), 4, 4)


def mask_id_number_public(n: str | None) -> str:
    """Public notices: first 2 and last 3 characters, e.g. "35*************123"."""
    return _keep_ends(_compact(n), 2, 3)


def mask_phone(p: str | None) -> str:
    """11-digit mobile numbers become "138****1234"; other numbers keep the first 3/last 2."""
    text = _compact(p)
    if len(text) == 11 and text.isascii() and text.isdigit():
        return _keep_ends(text, 3, 4)
    if len(text) >= 7:
        return _keep_ends(text, 3, 2)
    return _keep_ends(text, 1, 1)


def mask_bank_account(a: str | None) -> str:
    """First 4 and last 4 digits, spaces removed, e.g. "6222***********1234"."""
    return _keep_ends(_compact(a), 4, 4)


def mask_name(name: str | None) -> str:
    """For public notices: "张*" for two-character names, "欧*娜" for longer ones.

    Longer names get a single star so the notice does not reveal the name's length.
    """
    text = name.strip() if name else ""
    if not text:
        return ""
    if len(text) == 1:
        return "*"
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" + text[-1]
