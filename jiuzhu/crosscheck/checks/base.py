"""What every check shares: the context it runs in, the hit it returns, side-by-side evidence.

Checks are SQL over DuckDB tables plus a little Python; they never touch Django, so they run in
tests on plain DuckDB tables and can move to Spark SQL later. Tables a check may read:

- ``people`` — every person of the county (export.PEOPLE columns + name_norm)
- ``recipients`` — people covered by an enrolment in force in the month or later (the
  enrolment's columns and export.RECIPIENT_PERSON_COLUMNS of the person)
- ``enrolments``, ``applications``, ``villages``
- ``snap_<kind>`` — the latest snapshot of a registry (registries.py columns), when imported
- the table returned by ``ctx.link(kind)``: ``row_no, person_id, tier, score, detail``
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

__all__ = [
    "CheckContext",
    "Hit",
    "Limits",
    "evidence_rows",
    "fingerprint",
    "weakest_tier",
    "LINK_COLUMNS",
]


@dataclass(frozen=True)
class Limits:
    """County limits the checks apply (rules as data: programmes.CountySetting)."""

    max_vehicles: int = 0  # vehicles allowed, a disabled person's mobility car aside
    farm_machine_value: Decimal = Decimal("50000")  # large farm machinery at or above this value
    business_capital: Decimal = Decimal("100000")  # registered capital at or above this
    max_dwellings: int = 1  # residential properties allowed
    close_relatives: frozenset[str] = frozenset()  # cases.kinship.Kin values that count (R5)
    rescreen_since: date | None = None  # R8: refused / exited since this date
    outlier_factor: Decimal = Decimal("2")  # R8: village rate above factor × county rate
    outlier_min_cases: int = 10  # persons covered (or exits) before a rate is judged


@dataclass
class CheckContext:
    con: object  # duckdb connection
    month: str  # YYYY-MM
    limits: Limits
    snapshots: dict[str, int]  # kind -> snapshot id (only kinds that have one)
    link: Callable[[str], str]  # kind -> name of the link table for that snapshot
    reveal_people: Callable[[list[int]], dict[int, str]] = lambda ids: {}
    # household ids -> (short label, explanation) of the eligibility estimate (R7)
    estimate: Callable[[list[int]], dict[int, tuple[str, str]]] = lambda ids: {}
    # household ids -> recorded means (members, counted_monthly, standard_monthly) (R6 income)
    means: Callable[[list[int]], dict[int, object]] = lambda ids: {}
    notes: dict[str, int] = field(default_factory=dict)  # counts a check reports beside hits

    def has(self, kind: str) -> bool:
        return kind in self.snapshots


@dataclass
class Hit:
    check: str
    rule: str
    key: str  # what makes this the same evidence next month
    township_id: int
    summary: str
    subject_name: str
    subject_id_masked: str = ""
    village_id: int | None = None
    household_id: int | None = None
    person_id: int | None = None
    enrolment_id: int | None = None
    application_id: int | None = None
    snapshot_kind: str = ""
    ref_row: int | None = None
    tier: str = "rule"
    score: float | None = None
    evidence: list[dict] = field(default_factory=list)
    months_paid: int | None = None
    amount: Decimal | None = None
    review: bool = False  # a borderline linkage: a person decides first

    @functools.cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.check, self.key)


def weakest_tier(tiers) -> str:
    """The least certain match method among several linked rows (shown for the whole hit)."""
    return min(tiers, key=lambda t: {"probable": 0, "near": 1, "exact": 2}.get(t, 3))


def fingerprint(check: str, key: str) -> str:
    return hashlib.sha256(f"{check}|{key}".encode()).hexdigest()


# Columns a check selects to show a linked pair side by side (p = people, r = snapshot, l = link).
LINK_COLUMNS = """
    l.row_no, l.person_id, l.tier, l.score, l.detail,
    p.name AS p_name, r.name AS r_name, p.name_norm AS p_norm, r.name_norm AS r_norm,
    p.id_masked AS p_id, r.id_masked AS r_id,
    p.birth_date AS p_birth, r.birth_date AS r_birth, p.sex AS p_sex, r.sex AS r_sex,
    p.region_code AS p_region, r.region_code AS r_region
"""

_SEX = {"M": "男", "F": "女"}


def _fmt(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value:%Y年%m月%d日}"
    return _SEX.get(value, str(value)) if isinstance(value, str) else str(value)


def evidence_rows(row: dict, extra: list[tuple[str, object, object]] = ()) -> list[dict]:
    """Side-by-side evidence of a linked pair: field, ours, theirs, and whether they agree."""
    pairs = [
        ("姓名", row["p_name"], row["r_name"]),
        ("身份证号码", row["p_id"], row["r_id"]),
        ("出生日期", row["p_birth"], row["r_birth"]),
        ("性别", row["p_sex"], row["r_sex"]),
        ("地区代码", row["p_region"], row["r_region"]),
    ]
    out = []
    for label, ours, theirs in pairs:
        match = None if theirs in (None, "") else ours == theirs
        if label == "姓名" and theirs:  # 張偉 in a registry is our 张伟: compare simplified names
            match = row.get("p_norm", ours) == row.get("r_norm", theirs)
        out.append({"field": label, "ours": _fmt(ours), "theirs": _fmt(theirs), "match": match})
    tier_label = {
        "exact": "身份证号一致",
        "near": "身份证号一位之差",
        "probable": "概率匹配",
        "review": "概率匹配（待人工确认）",
    }.get(row["tier"], row["tier"])
    out.append(
        {
            "field": "匹配方式",
            "ours": tier_label,
            "theirs": f"{row['score']:.3f}" if row.get("score") is not None else "—",
            "match": None,
        }
    )
    if row.get("detail"):
        out.append({"field": "匹配说明", "ours": row["detail"], "theirs": "", "match": None})
    for label, ours, theirs in extra:  # facts of one side only: leave the other side blank
        out.append(
            {
                "field": label,
                "ours": _fmt(ours) if ours != "" else "",
                "theirs": _fmt(theirs) if theirs != "" else "",
                "match": None,
            }
        )
    return out


def rows(con, sql: str, params=None) -> list[dict]:
    cur = con.execute(sql, params or {})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
