"""The keyed audit chain's arithmetic: entry HMACs, the head's MAC, the switch from a legacy
SHA-256 chain, and anchors that catch a key holder's rewrite."""

import hashlib
import hmac

import pytest

from jiuzhu.core import hashchain
from jiuzhu.core.hashchain import GENESIS, AnchorPoint, ChainKey, ChainRow, Head

KEY = ChainKey("unit-test-audit-key")
OTHER = ChainKey("another-audit-key")


def build(n, *, keyed_from=1, key=KEY):
    """A chain of n rows, plain SHA-256 before `keyed_from`, and its head."""
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        content = {"action": "test", "n": seq, "reason": f"第{seq}次"}
        digest = hashchain.entry_hash(
            seq=seq, prev_hash=prev, content=content, key=key if seq >= keyed_from else None
        )
        rows.append(ChainRow(seq, prev, digest, content))
        prev = digest
    mac = key.head(seq=n, hash=prev, keyed_from=keyed_from)
    return rows, Head(n, prev, keyed_from, mac)


def rechained(rows, *, start, key, keyed_from=1):
    """Rows from index `start` on recomputed after an edit (a forger's work)."""
    out = rows[:start]
    prev = out[-1].hash if out else GENESIS
    for row in rows[start:]:
        digest = hashchain.entry_hash(
            seq=row.seq,
            prev_hash=prev,
            content=row.content,
            key=key if key is not None and row.seq >= keyed_from else None,
        )
        out.append(ChainRow(row.seq, prev, digest, row.content))
        prev = digest
    return out


def test_entry_hash_is_the_standard_hmac_sha256():
    text = '{"action":"x"}'
    expected = hmac.new(b"unit-test-audit-key", f"7|{GENESIS}|{text}".encode(), "sha256")
    assert KEY.entry(seq=7, prev_hash=GENESIS, text=text) == expected.hexdigest()
    assert hashchain.text_hash(seq=7, prev_hash=GENESIS, text=text, key=KEY) == (
        expected.hexdigest()
    )
    # without a key: the plain SHA-256 of the rows written before the chain was keyed
    assert hashchain.text_hash(seq=7, prev_hash=GENESIS, text=text) == (
        hashlib.sha256(f"7|{GENESIS}|{text}".encode()).hexdigest()
    )
    assert OTHER.entry(seq=7, prev_hash=GENESIS, text=text) != KEY.entry(
        seq=7, prev_hash=GENESIS, text=text
    )


def test_an_empty_key_is_refused():
    with pytest.raises(ValueError, match="JIUZHU_AUDIT_KEY"):
        ChainKey("")


def test_head_mac_covers_seq_hash_and_keyed_from():
    mac = KEY.head(seq=10, hash="a" * 64, keyed_from=1)
    assert hashchain.head_is_authentic(Head(10, "a" * 64, 1, mac), KEY)
    assert not hashchain.head_is_authentic(Head(9, "a" * 64, 1, mac), KEY)
    assert not hashchain.head_is_authentic(Head(10, "b" * 64, 1, mac), KEY)
    assert not hashchain.head_is_authentic(Head(10, "a" * 64, 11, mac), KEY)
    assert not hashchain.head_is_authentic(Head(10, "a" * 64, 1, mac), OTHER)
    # the head's message cannot be an entry's: an entry's starts with its number
    assert mac != KEY.entry(seq=10, prev_hash="a" * 64, text="1")


def test_a_whole_chain_verifies():
    rows, head = build(12)
    assert hashchain.verify_chain(rows, head=head, key=KEY) is None


def test_the_plain_sha256_forgery_is_caught_at_the_edited_row():
    """Editing a row and recomputing plain SHA-256 hashes for it, every later row and the
    head (the attack on the unkeyed chain) no longer verifies."""
    rows, head = build(10)
    edited = rows[:3] + [ChainRow(4, rows[3].prev_hash, "", {**rows[3].content, "n": 99})]
    forged = rechained(edited + rows[4:], start=3, key=None)
    forged_head = Head(10, forged[-1].hash, 1, head.mac)
    problem = hashchain.verify_chain(forged, head=forged_head, key=KEY)
    assert problem.seq == 4 and "被修改" in problem.reason


def test_a_head_fixed_by_hand_after_deleting_the_newest_rows_is_caught():
    rows, head = build(10)
    kept = rows[:7]
    by_hand = Head(7, kept[-1].hash, 1, head.mac)  # without the key the MAC cannot follow
    problem = hashchain.verify_chain(kept, head=by_hand, key=KEY)
    assert problem is not None and "校验码不符" in problem.reason and problem.seq == 7


def test_a_key_holders_rewrite_before_an_anchor_is_caught_by_the_anchor():
    rows, head = build(10)
    anchor = AnchorPoint(8, rows[7].hash, "2026年11月22日 10:00:00的存证（a.json）")
    edited = rows[:2] + [ChainRow(3, rows[2].prev_hash, "", {**rows[2].content, "n": 30})]
    forged = rechained(edited + rows[3:], start=2, key=KEY)
    forged_head = Head(10, forged[-1].hash, 1, KEY.head(seq=10, hash=forged[-1].hash, keyed_from=1))
    assert hashchain.verify_chain(forged, head=forged_head, key=KEY) is None  # keys alone: blind
    problem = hashchain.verify_chain(forged, head=forged_head, key=KEY, anchors=[anchor])
    assert problem.anchor == anchor.name
    assert problem.seq == 1 and "第1条至第8条" in problem.reason


def test_the_last_anchor_only_vouches_after_the_previous_one():
    rows, head = build(10)
    first = AnchorPoint(4, rows[3].hash, "甲")
    edited = rows[:5] + [ChainRow(6, rows[5].prev_hash, "", {**rows[5].content, "n": 60})]
    forged = rechained(edited + rows[6:], start=5, key=KEY)
    second = AnchorPoint(9, rows[8].hash, "乙")
    forged_head = Head(10, forged[-1].hash, 1, KEY.head(seq=10, hash=forged[-1].hash, keyed_from=1))
    problem = hashchain.verify_chain(forged, head=forged_head, key=KEY, anchors=[first, second])
    assert problem.anchor == "乙" and "第5条至第9条" in problem.reason


def test_cutting_rows_after_an_anchor_is_caught_even_with_the_key():
    rows, head = build(10)
    anchor = AnchorPoint(10, rows[9].hash, "丙")
    kept = rows[:6]
    head6 = Head(6, kept[-1].hash, 1, KEY.head(seq=6, hash=kept[-1].hash, keyed_from=1))
    problem = hashchain.verify_chain(kept, head=head6, key=KEY, anchors=[anchor])
    assert problem.anchor == "丙" and "截断" in problem.reason


def test_a_legacy_chain_then_keyed_rows_verifies_and_a_legacy_edit_is_caught():
    rows, head = build(9, keyed_from=6)  # rows 1-5 plain SHA-256, 6-9 keyed
    assert rows[5].prev_hash == rows[4].hash  # the first keyed row seals the legacy ones
    assert hashchain.verify_chain(rows, head=head, key=KEY) is None
    edited = rows[:1] + [ChainRow(2, rows[1].prev_hash, "", {**rows[1].content, "n": 20})]
    forged = rechained(edited + rows[2:], start=1, key=None)  # SHA-256 recomputed throughout
    forged_head = Head(9, forged[-1].hash, 6, head.mac)
    problem = hashchain.verify_chain(forged, head=forged_head, key=KEY)
    assert problem is not None and problem.seq == 6  # the first keyed row no longer checks


def test_moving_the_keyed_boundary_is_caught_by_the_head_mac():
    """Marking keyed rows as legacy ones (to recompute them without the key) changes the
    head, whose MAC then fails."""
    rows, head = build(8, keyed_from=4)
    forged = rechained(rows, start=0, key=None)  # every row plain SHA-256, as if never keyed
    forged_head = Head(8, forged[-1].hash, 9, head.mac)
    problem = hashchain.verify_chain(forged, head=forged_head, key=KEY)
    assert problem is not None and "校验码不符" in problem.reason


def test_verifying_from_an_anchor_checks_only_the_rows_after_it():
    rows, head = build(10)
    assert hashchain.verify_chain(rows[6:], head=head, key=KEY, after=(6, rows[5].hash)) is None
    problem = hashchain.verify_chain(rows[6:], head=head, key=KEY, after=(6, "f" * 64))
    assert problem.seq == 7 and "前序哈希" in problem.reason
