"""County spot checks of newly confirmed cases (R3, seeds 001/003; S2 art. 20; S3).

The sample has two parts:

* every mandatory case: kin of staff or cadres (红表备案), cases with a complaint, and cases
  whose legal supporters declared they cannot support;
* a random draw of ``ceil(fraction × n)`` cases among ALL ``n`` cases, mandatory ones included.

Drawing among all cases (rather than among the rest) keeps the random part an unbiased sample
of everything confirmed, so its findings can be read as a rate for the whole batch. A mandatory
case that is also drawn counts in both parts; the sample is therefore at least
``max(ceil(fraction × n), number of mandatory cases)`` and at most their sum.

The draw is reproducible: ``random.Random(seed)`` over the sorted case ids. Store the seed with
the sample so anyone can redraw it and see it was not chosen by hand.

Pure module: no Django import.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from types import MappingProxyType

__all__ = [
    "MANDATORY_REASONS",
    "RANDOM",
    "REASON_LABELS",
    "Sample",
    "draw_sample",
    "new_seed",
    "random_quota",
]

KIN = "kin"
COMPLAINT = "complaint"
SUPPORTER_INCAPABLE = "supporter_incapable"
RANDOM = "random"
MANDATORY_REASONS = (KIN, COMPLAINT, SUPPORTER_INCAPABLE)

REASON_LABELS = {
    KIN: "近亲属备案",
    COMPLAINT: "有投诉举报",
    SUPPORTER_INCAPABLE: "赡养（扶养、抚养）义务人申报丧失能力",
    RANDOM: "随机抽取",
}


@dataclass(frozen=True)
class Sample:
    seed: int
    selected: tuple[int, ...]  # sorted case ids
    reasons: Mapping[int, tuple[str, ...]]  # case id → reason codes, mandatory first
    lines: tuple[str, ...]  # explanation for the officer, in Chinese


def new_seed() -> int:
    return secrets.randbits(63)


def random_quota(total: int, fraction: Decimal) -> int:
    """``ceil(fraction × total)``, computed in Decimal so 30% of 10 is exactly 3."""
    return int((fraction * total).to_integral_value(rounding=ROUND_CEILING))


def _mandatory_codes(
    mandatory: Mapping[int, str | Sequence[str]], ids: frozenset[int]
) -> dict[int, tuple[str, ...]]:
    result: dict[int, tuple[str, ...]] = {}
    for case_id, codes in mandatory.items():
        if case_id not in ids:
            raise ValueError(f"必查案件{case_id}不在本批新确认案件中")
        codes = (codes,) if isinstance(codes, str) else tuple(codes)
        unknown = [c for c in codes if c not in MANDATORY_REASONS]
        if unknown or not codes:
            raise ValueError(f"案件{case_id}的必查原因无效：{'、'.join(unknown) or '（空）'}")
        result[case_id] = tuple(dict.fromkeys(codes))
    return result


def _lines(
    *, seed: int, total: int, fraction: Decimal, quota: int, must: dict, selected: tuple
) -> tuple[str, ...]:
    percent = (fraction * 100).normalize()
    counts = {code: sum(code in codes for codes in must.values()) for code in MANDATORY_REASONS}
    mandatory_text = "，".join(f"{REASON_LABELS[c]}{n}件" for c, n in counts.items())
    return (
        f"本批新确认案件{total}件，随机抽查比例{percent:f}%，随机抽取{quota}件（向上取整）",
        f"必查案件{len(must)}件：{mandatory_text}",
        f"合计抽查{len(selected)}件（随机抽中的必查案件只计一次）",
        f"随机种子：{seed}（凭此种子可复核抽取结果）",
    )


def draw_sample(
    *,
    case_ids: Sequence[int],
    mandatory: Mapping[int, str | Sequence[str]],
    fraction: Decimal = Decimal("0.30"),
    seed: int,
) -> Sample:
    """Draw the spot-check sample; see the module docstring for how."""
    if not Decimal(0) <= fraction <= Decimal(1):
        raise ValueError(f"抽查比例须在0到1之间：{fraction}")
    ids = tuple(sorted(set(case_ids)))
    must = _mandatory_codes(mandatory, frozenset(ids))
    quota = random_quota(len(ids), fraction)
    drawn = frozenset(random.Random(seed).sample(ids, quota))
    selected = tuple(sorted(drawn | must.keys()))
    reasons = {
        case_id: must.get(case_id, ()) + ((RANDOM,) if case_id in drawn else ())
        for case_id in selected
    }
    lines = _lines(
        seed=seed, total=len(ids), fraction=fraction, quota=quota, must=must, selected=selected
    )
    return Sample(seed, selected, MappingProxyType(reasons), lines)
