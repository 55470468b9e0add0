"""Signatures of a payroll: a keyed hash per line over its frozen fields, and one over the ordered
line hashes (``Payroll.digest``). Whoever can only write to the database cannot re-sign an
edited line: the key is derived from the audit key (``settings.JIUZHU_AUDIT_KEY``), which is not
in the database. ``payroll_verify`` recomputes both, an inspector's check.

HMAC-SHA256 with the key's padding hashed once and copied per line (as the audit chain does):
about 3.5 µs a line, 7 s for a province's 2,000,000 lines."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.conf import settings

# The frozen fields a line's hash covers, in this order (PayrollLine attnames).
SIGNED_FIELDS = (
    "seq",
    "kind",
    "for_month",
    "enrolment_id",
    "household_id",
    "township_id",
    "village_id",
    "members",
    "payee_name",
    "payee_id_cipher",
    "payee_id_masked",
    "bank_name",
    "bank_account_cipher",
    "bank_account_masked",
    "amount",
    "change_id",
    "arrears_id",
    "reissue_of_id",
)
_SEP = "\x1f"  # the unit separator: no frozen text field can hold it


class Signer:
    """Signs the lines of one payroll (its number is part of every line's text, so a line cannot
    be moved to another payroll) and accumulates the payroll's digest in line order.

    The HMAC is built from hashlib's C objects (RFC 2104: the padded key's inner and outer
    hashes taken once, copied per line): 3.5 µs a line against 5 µs through ``hmac``'s Python
    wrapper; a unit test holds it equal to ``hmac.new``."""

    def __init__(self, number: str):
        self.number = number
        key = _derived_key(settings.JIUZHU_AUDIT_KEY).ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        self._digest = _base_mac()
        self._digest.update(f"payroll{_SEP}{number}".encode())

    def line(self, values: Sequence) -> str:
        """The hash of a line given its SIGNED_FIELDS values in order; adds it to the digest."""
        h = self.line_hash(values)
        self._digest.update(f"\n{h}".encode())
        return h

    def line_hash(self, values: Sequence) -> str:
        inner = self._inner.copy()
        inner.update(canonical(self.number, values).encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def digest(self) -> str:
        return self._digest.copy().hexdigest()


def canonical(number: str, values: Sequence) -> str:
    """The line's canonical text: the payroll number, then each signed field as text (money
    with two decimals, an empty value as nothing). A comprehension, not a helper per value:
    this runs once per line, two million times for a province."""
    return _SEP.join(
        [
            number,
            *["" if v is None else f"{v:.2f}" if type(v) is Decimal else str(v) for v in values],
        ]
    )


@lru_cache(maxsize=4)
def _derived_key(audit_key: str) -> bytes:
    if not audit_key:
        raise ValueError("未设置审计密钥（JIUZHU_AUDIT_KEY），无法签名发放名册")
    return hmac.new(audit_key.encode(), b"jiuzhu payroll line signing", hashlib.sha256).digest()


def _base_mac():
    return hmac.new(_derived_key(settings.JIUZHU_AUDIT_KEY), digestmod=hashlib.sha256)


@dataclass
class Verification:
    """What ``verify_lines`` found: the lines whose hash no longer matches their fields, and
    whether the payroll's digest still matches the stored line hashes."""

    lines: int = 0
    bad_seqs: list[int] = field(default_factory=list)
    digest_ok: bool = True

    @property
    def ok(self) -> bool:
        return self.digest_ok and not self.bad_seqs


def verify_lines(number: str, digest: str, rows: Iterable[tuple]) -> Verification:
    """`rows`: (line_hash, *SIGNED_FIELDS values) in seq order. Each line's hash is recomputed
    from its fields; the digest from the stored hashes (a deleted, added or reordered line
    breaks it even if every line verifies)."""
    signer = Signer(number)
    result = Verification()
    stored = _base_mac()
    stored.update(f"payroll{_SEP}{number}".encode())
    for stored_hash, *values in rows:
        result.lines += 1
        if not hmac.compare_digest(signer.line_hash(values), stored_hash):
            result.bad_seqs.append(values[0])
        stored.update(f"\n{stored_hash}".encode())
    result.digest_ok = hmac.compare_digest(stored.hexdigest(), digest or "")
    return result
