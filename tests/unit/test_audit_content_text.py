"""The audit chain's hashed text, written value by value for bulk jobs, is exactly the canonical
JSON of the entry's content that `jiuzhu audit verify` recomputes from the stored row."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from jiuzhu.core import audit, hashchain

AT = dt.datetime(2026, 11, 23, 6, 0, 0, 123456, tzinfo=dt.UTC)


def row(**changes):
    values = {
        "at": AT,
        "actor_id": 3,
        "actor_name": "county-officer",
        "action": "crosscheck.finding_raise",
        "object_type": "crosscheck.finding",
        "object_id": "1234",
        "object_repr": "核查发现#1234 张伟",
        "household_id": 99,
        "old": {},
        "new": {"check": "death", "summary": "死亡后发放8个月", "ref_row": 7},
        "reason": "",
        "ip": "",
    }
    return values | changes


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"actor_id": None, "actor_name": "系统", "household_id": None},
        {"object_repr": 'quote " back\\slash\nnew line\ttab \u2028 😀', "reason": "理由" * 250},
        {"old": {"amount": "12.50", "on": "2026-11-01"}, "new": {"b": [1, None, True], "a": 1.5}},
        {"new": {"nested": {"z": 1, "a": {"k": "值"}}}, "object_id": ""},
        {"household_id": "12", "actor_id": True},  # not ints: still encoded as canonical() does
    ],
)
def test_content_text_is_the_canonical_content(changes):
    values = row(**changes)
    at_json = json.dumps(AT.isoformat())
    text = audit._content_text(
        values, at_json, audit._json(values["old"]), audit._json(values["new"])
    )
    assert text == hashchain.canonical(audit._content(values))
    assert hashchain.text_hash(seq=5, prev_hash="a" * 64, text=text) == hashchain.entry_hash(
        seq=5, prev_hash="a" * 64, content=audit._content(values)
    )


def test_content_text_lists_every_hashed_field_in_sorted_order():
    keys = json.loads(audit._content_text(row(), '"t"', "{}", "{}")).keys()
    assert list(keys) == sorted(("at", *audit._HASHED))


def test_values_that_json_does_not_keep_are_stored_as_json_gives_them_back():
    kept = audit.json_safe({"amount": Decimal("12.50"), "on": dt.date(2026, 11, 1), "flat": "值"})
    assert kept == {"amount": "12.50", "on": "2026-11-01", "flat": "值"}
    assert audit.json_safe({2: "b", 10: "a"}) == {"2": "b", "10": "a"}  # keys as JSON has them
    flat = {"n": 1, "s": "值", "f": 1.5, "b": False, "x": None}
    copy = audit.json_safe(flat)
    assert copy == flat and copy is not flat
