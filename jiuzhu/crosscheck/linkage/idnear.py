"""One-character ID errors (linkage tier 2): pure comparison of two plain ID texts.

Pure module (no Django). ISO 7064 MOD 11-2 catches every single-digit substitution and every
transposition of two different adjacent digits, so such an ID shows as 'invalid' in a snapshot;
tier 2 reveals the few candidate pairs and asks :func:`compare_ids` whether the two numbers
differ by exactly one character or by one adjacent transposition.

A malformed 15-digit text is compared with the 15-digit form of the person's number (the 18
digits without the century '19' and the check character).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IdDiff", "compare_ids", "to_15"]


@dataclass(frozen=True)
class IdDiff:
    """How a registry's ID text differs from ours. Positions are 1-based in the ref's text."""

    kind: str  # 'substitution' or 'transposition'
    positions: tuple[int, ...]  # one position, or two adjacent ones
    ref_chars: str  # what the registry has at those positions
    our_chars: str  # what our record has there
    length: int  # 18, or 15 for an old number

    @property
    def detail(self) -> str:
        """Chinese evidence line, e.g. '身份证号码第17位：8 ≠ 3（比对数据 ≠ 救助对象）'."""
        old = "（15位旧号码）" if self.length == 15 else ""
        if self.kind == "substitution":
            (pos,) = self.positions
            return (
                f"身份证号码{old}第{pos}位：{self.ref_chars} ≠ {self.our_chars}"
                "（比对数据 ≠ 救助对象），其余各位一致"
            )
        first, second = self.positions
        return (
            f"身份证号码{old}第{first}、{second}位相邻颠倒：{self.ref_chars} ↔ {self.our_chars}"
            "（比对数据 ↔ 救助对象），其余各位一致"
        )


def to_15(id18: str) -> str:
    """The old 15-digit form of an 18-digit number born in the 1900s (no check character)."""
    return id18[:6] + id18[8:17]


def compare_ids(ref_text: str | None, our_id18: str | None) -> IdDiff | None:
    """The one-character difference between ``ref_text`` and ``our_id18``, or None.

    None when the texts are equal, differ in length (other than 15 vs 18), or differ by more than
    one substitution or one adjacent transposition. Both texts are expected normalised
    (``core.idnumber.normalise_id_text``: ASCII digits, upper-case X).
    """
    if not ref_text or not our_id18 or len(our_id18) != 18:
        return None
    ours = our_id18
    if len(ref_text) == 15 and our_id18[6:8] == "19":
        ours = to_15(our_id18)
    if len(ref_text) != len(ours):
        return None
    diff = [i for i, (a, b) in enumerate(zip(ref_text, ours, strict=True)) if a != b]
    if len(diff) == 1:
        i = diff[0]
        return IdDiff("substitution", (i + 1,), ref_text[i], ours[i], len(ref_text))
    if len(diff) == 2 and diff[1] == diff[0] + 1:
        i, j = diff
        if ref_text[i] == ours[j] and ref_text[j] == ours[i]:
            return IdDiff(
                "transposition", (i + 1, j + 1), ref_text[i : j + 1], ours[i : j + 1], len(ref_text)
            )
    return None
