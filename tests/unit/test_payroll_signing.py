"""Payroll signatures: the fast HMAC equals the standard one, every signed field counts, and the
digest covers the order of the lines."""

import hashlib
import hmac
from decimal import Decimal

from jiuzhu.payments import signing
from jiuzhu.payments.signing import SIGNED_FIELDS, Signer, canonical, verify_lines

LINE = (1, "regular", "2026-11", 7, 8, 9, 10, 2, "龙一", "c1", "4331**1234", "银行", "c2",
        "6230**1234", Decimal("450.00"), None, None, None)  # fmt: skip


def test_the_line_hash_is_hmac_sha256_under_the_derived_key(settings):
    settings.JIUZHU_AUDIT_KEY = "unit-test-key"
    key = signing._derived_key("unit-test-key")
    want = hmac.new(key, canonical("N1", LINE).encode(), hashlib.sha256).hexdigest()
    assert Signer("N1").line_hash(LINE) == want
    assert len(LINE) == len(SIGNED_FIELDS)


def test_every_field_and_the_payroll_number_change_the_hash(settings):
    settings.JIUZHU_AUDIT_KEY = "unit-test-key"
    base = Signer("N1").line_hash(LINE)
    assert Signer("N2").line_hash(LINE) != base
    for i in range(len(LINE)):
        changed = list(LINE)
        changed[i] = "x" if changed[i] is None else Decimal("450.01") if i == 14 else "y"
        assert Signer("N1").line_hash(changed) != base, SIGNED_FIELDS[i]


def test_the_digest_covers_the_order_and_verification_names_bad_lines(settings):
    settings.JIUZHU_AUDIT_KEY = "unit-test-key"
    second = (2, *LINE[1:])
    signer = Signer("N1")
    rows = [(signer.line(line), *line) for line in (LINE, second)]
    digest = signer.digest()
    assert verify_lines("N1", digest, rows).ok
    assert not verify_lines("N1", digest, rows[::-1]).digest_ok
    edited = [rows[0], (rows[1][0], *second[:14], Decimal("1.00"), None, None, None)]
    found = verify_lines("N1", digest, edited)
    assert found.bad_seqs == [2] and found.digest_ok and not found.ok
