"""Pure hash-chain arithmetic for the audit trail (no Django): each entry's hash covers its
sequence number, content and the previous entry's hash, so an edit, deletion or reordering
anywhere breaks every hash after it.

The hash is keyed: an HMAC-SHA256 under the audit key (``JIUZHU_AUDIT_KEY``), which is not in
the database, so whoever can only write to the database cannot recompute the hashes after an
edit. Rows written before the key was introduced keep their plain SHA-256 hash; the head records
from which sequence number on the rows are keyed (``keyed_from``), and the first keyed row's
previous hash covers them all. The head (last number and hash) carries a MAC under the same key,
so cutting off the newest rows and fixing the head by hand is detected too.

A key holder could still rewrite everything and recompute it; anchors (the head written, signed,
outside the database: ``jiuzhu.core.anchorfile``) are checked against the rows to catch that,
for every row up to the last anchor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


# one encoder for every call: json.dumps with these options would build one per call, which is
# a third of the time of encoding an audit entry's content
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical(content: Mapping[str, Any]) -> str:
    return _ENCODER.encode(content)


class ChainKey:
    """The audit key, ready to authenticate many entries.

    HMAC-SHA256 with the key's padding hashed once and copied for each message: 1.2 µs an entry
    on this machine, against 1.7 µs for ``hmac.new`` per entry and 0.8 µs for the unkeyed
    SHA-256 it replaces (a 350-byte entry)."""

    def __init__(self, secret: str | bytes):
        raw = secret.encode() if isinstance(secret, str) else bytes(secret)
        if not raw:
            raise ValueError("未设置审计密钥（JIUZHU_AUDIT_KEY）")
        self._base = hmac.new(raw, digestmod=hashlib.sha256)

    def _mac(self, message: str) -> str:
        mac = self._base.copy()
        mac.update(message.encode())
        return mac.hexdigest()

    def entry(self, *, seq: int, prev_hash: str, text: str) -> str:
        """The hash of an entry whose content is already in its canonical text."""
        return self._mac(f"{seq}|{prev_hash}|{text}")

    def head(self, *, seq: int, hash: str, keyed_from: int) -> str:
        """The head's MAC ("head|" keeps it apart from any entry's message, which starts with
        a digit)."""
        return self._mac(f"head|{seq}|{hash}|{keyed_from}")


def text_hash(*, seq: int, prev_hash: str, text: str, key: ChainKey | None = None) -> str:
    """entry_hash of a content already in its canonical text: keyed with `key`, or without a
    key the plain SHA-256 of the rows written before the chain was keyed."""
    if key is not None:
        return key.entry(seq=seq, prev_hash=prev_hash, text=text)
    return hashlib.sha256(f"{seq}|{prev_hash}|{text}".encode()).hexdigest()


def entry_hash(
    *, seq: int, prev_hash: str, content: Mapping[str, Any], key: ChainKey | None = None
) -> str:
    return text_hash(seq=seq, prev_hash=prev_hash, text=canonical(content), key=key)


@dataclass(frozen=True)
class ChainRow:
    seq: int
    prev_hash: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class Head:
    """The stored head: last sequence number and hash, the first keyed sequence number, and
    the MAC over the three."""

    seq: int
    hash: str
    keyed_from: int
    mac: str


@dataclass(frozen=True)
class AnchorPoint:
    """A (sequence number, hash) pair recorded outside the database, and how to name it."""

    seq: int
    hash: str
    name: str  # Chinese, e.g. "2026年11月22日 10:00:00的存证（audit-anchor-….json）"


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str  # Chinese, shown to the inspector
    anchor: str = ""  # the anchor that no longer matches, when an anchor found the problem


def head_is_authentic(head: Head, key: ChainKey) -> bool:
    expected = key.head(seq=head.seq, hash=head.hash, keyed_from=head.keyed_from)
    return hmac.compare_digest(expected, head.mac)


def verify_chain(
    rows: Iterable[ChainRow],
    *,
    head: Head,
    key: ChainKey,
    anchors: Iterable[AnchorPoint] = (),
    after: tuple[int, str] = (0, GENESIS),
) -> ChainProblem | None:
    """Walk rows in seq order; return the first problem, or None when the chain is whole.

    `rows` are those after `after` (a sequence number and its hash already trusted: the start,
    or an anchor) up to the head. The head, authenticated by its MAC, catches truncation of the
    newest rows; each anchor must match the row it names, which catches a rewrite by a key
    holder of any row up to that anchor.
    """
    pending = sorted(anchors, key=lambda a: a.seq)
    by_seq: dict[int, list[AnchorPoint]] = {}
    for anchor in pending:
        by_seq.setdefault(anchor.seq, []).append(anchor)
    last_good = after[0]  # the last row that an anchor (or the start) vouches for
    expected_seq, prev = after[0] + 1, after[1]
    for row in rows:
        if row.seq != expected_seq:
            return ChainProblem(expected_seq, f"缺少第{expected_seq}条记录（已被删除）")
        if row.prev_hash != prev:
            return ChainProblem(
                row.seq, f"第{row.seq}条记录的前序哈希与上一条不符（上一条被修改或删除）"
            )
        keyed = key if row.seq >= head.keyed_from else None
        if entry_hash(seq=row.seq, prev_hash=row.prev_hash, content=row.content, key=keyed) != (
            row.hash
        ):
            return ChainProblem(row.seq, f"第{row.seq}条记录内容与其哈希不符（记录被修改）")
        for anchor in by_seq.get(row.seq, ()):
            if anchor.hash != row.hash:
                return ChainProblem(
                    last_good + 1,
                    f"第{last_good + 1}条至第{row.seq}条记录与{anchor.name}不符："
                    "这一段记录在存证之后被改写（哈希重新计算过）",
                    anchor=anchor.name,
                )
            last_good = row.seq
        prev, expected_seq = row.hash, expected_seq + 1
    last = expected_seq - 1
    if last < head.seq:
        return ChainProblem(last + 1, f"记录在第{last}条后被截断：链头记载共{head.seq}条")
    if last > head.seq or prev != head.hash:
        return ChainProblem(head.seq, f"链头与第{head.seq}条记录不符（链头或记录被修改）")
    if not head_is_authentic(head, key):
        return ChainProblem(
            head.seq,
            f"链头（共{head.seq}条）的校验码不符：链头被不持有审计密钥的人改写过，"
            f"第{head.seq}条之后的记录可能已被删除（或审计密钥与写入时不同）",
        )
    for anchor in pending:
        if anchor.seq > last:
            return ChainProblem(
                last + 1,
                f"{anchor.name}记载共{anchor.seq}条记录，现只有{last}条：存证之后记录被截断",
                anchor=anchor.name,
            )
    return None
