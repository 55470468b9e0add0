"""What every check shares: the context it runs in, the hit it returns, side-by-side evidence.

Checks are SQL over DuckDB tables plus a little Python; they never touch Django, so they run in
tests on plain DuckDB tables and can move to Spark SQL later. Tables a check may read:

- ``people`` — every person of the county (export.PEOPLE columns + name_norm)
- ``recipients`` — people covered by an enrolment in force in the month or later (the
  enrolment's columns and export.RECIPIENT_PERSON_COLUMNS of the person)
- ``enrolments``, ``applications``, ``villages``
- ``snap_<kind>`` — the latest snapshot of a registry (registries.py columns), when imported
- the table returned by ``ctx.link(kind)``: ``row_no, person_id, tier, score, detail``
- the table returned by ``ctx.people(kind)``: the rows of ``people`` (LINKED_PEOPLE_COLUMNS)
  that kind's links can reach — the linked persons and the heads of their households — for
  the joins ``{people} p ON p.person_id = l.person_id`` and ``{people} hp ON hp.household_id
  = p.household_id AND hp.relation = 'self'``; ``people`` itself unless the run made a smaller
  one (``linked_people``)

Every snapshot row is used or accounted for. A check that cannot use a row (an ID it cannot
read and no other match, a region outside the county, an empty column it needs) or that uses it
on an assumption (a blank or unknown status checked as the stricter value) says so with
``ctx.account``: counts per reason, made in SQL, shown on the run page. A blank or unknown value
of an enumerated column never silently drops a row: the row is checked on the assumption that
keeps it in, and the finding says the value is unknown.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jiuzhu.core.month import format_date_cn

__all__ = [
    "CheckContext",
    "Hit",
    "LINKED_PEOPLE_COLUMNS",
    "Limits",
    "account_unmatched_ids",
    "county_code",
    "evidence_rows",
    "fingerprint",
    "linked_people",
    "snap_column",
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


def _id_county_key(county6: str) -> str:
    # the keyed hash the snapshot import stores for an ID's county (the key lives in settings:
    # imported here, not at module level, so the checks stay importable without Django)
    from jiuzhu.crosscheck.snapshot_store import id_county_hash

    return id_county_hash(county6)


@dataclass
class CheckContext:
    con: object  # duckdb connection
    month: str  # YYYY-MM
    limits: Limits
    snapshots: dict[str, int]  # kind -> snapshot id (only kinds that have one)
    link: Callable[[str], str]  # kind -> name of the link table for that snapshot
    # kind -> the people its links reach (linked persons, their households' heads): see
    # linked_people; the whole ``people`` table by default, which gives the same rows
    people: Callable[[str], str] = lambda kind: "people"
    reveal_people: Callable[[list[int]], dict[int, str]] = lambda ids: {}
    # household ids -> (short label, explanation) of the eligibility estimate (R7)
    estimate: Callable[[list[int]], dict[int, tuple[str, str]]] = lambda ids: {}
    # household ids -> recorded means (members, counted_monthly, standard_monthly) (R6 income)
    means: Callable[[list[int]], dict[int, object]] = lambda ids: {}
    # enrolment ids -> what payroll paid them by month (payments.recovery_selectors.PaidMonths);
    # empty when no payroll is at hand (the death check then estimates from the enrolment)
    paid_months: Callable[[list[int]], dict[int, object]] = lambda ids: {}
    # what a check reports beside hits: counts, and lists of things to check by hand
    notes: dict[str, object] = field(default_factory=dict)
    # snapshot rows a check could not use, or used on an assumption, and why (see ``account``)
    unused: list[dict] = field(default_factory=list)
    # county code (6 digits) -> the keyed hash snapshots store in id_county_hash
    id_county_key: Callable[[str], str] = _id_county_key
    _memo: dict = field(default_factory=dict, repr=False)

    def has(self, kind: str) -> bool:
        return kind in self.snapshots

    def account(self, check: str, kind: str, reason: str, rows: int, *, used: bool = False) -> None:
        """Record that `rows` rows of the `kind` snapshot were not used by `check` (or, with
        `used`, were checked on the assumption `reason` states). Nothing is recorded for 0."""
        if rows:
            self.unused.append(
                {"check": check, "kind": kind, "reason": reason, "rows": int(rows), "used": used}
            )

    def note(self, key: str, item: dict) -> None:
        """Add an item to a list of things to check by hand (the run summary's notes)."""
        self.notes.setdefault(key, []).append(item)


@dataclass
class Hit:
    check: str
    rule: str
    key: str  # what makes this the same evidence next month
    township_id: int | None  # None: no township can be told; the county's (finding_writes)
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


# The people columns a check reads through ctx.people(kind) (p: the linked person, hp: the
# head of the person's household).
LINKED_PEOPLE_COLUMNS = (
    "person_id, household_id, relation, name, name_norm, id_masked, birth_date, sex, "
    "region_code, disability_type"
)


def linked_people(con, *, links: str, out: str, kinds: Iterable[str] | None = None) -> None:
    """Create ``out``: the rows of ``people`` that the link table ``links`` reaches — every
    linked person and the head of each linked person's household — with LINKED_PEOPLE_COLUMNS.
    With `kinds`, only the links of those registries (``links`` then has link_exact_all's
    ``kind`` column).

    What it buys (measured on the province benchmark, 5 M persons, 2026-12-07): a check joins
    its linked rows to the people table, and a scan of all 5 M persons (strings decompressed)
    costs 0.11–0.22 s per join even when a few thousand rows match; the exact month makes nine
    such joins and four more for the heads. Made once from the links of the registries those
    checks read (0.27 s for 282,000 rows; 0.6 s for 1.29 M with the screening registries too),
    each join then reads this table instead: 0.07 s instead of 0.18 s for the death check,
    0.22 s instead of 0.34 s for vehicles. The joins give the same rows either way.
    """
    where = ""
    if kinds is not None:
        listed = ", ".join("'" + kind.replace("'", "''") + "'" for kind in sorted(kinds))
        where = f" WHERE kind IN ({listed or 'NULL'})"
    con.execute(f"""
        CREATE OR REPLACE TABLE {out} AS
        WITH linked AS (SELECT DISTINCT person_id FROM {links}{where}),
             households AS (SELECT DISTINCT p.household_id FROM people p
                            JOIN linked l ON l.person_id = p.person_id)
        SELECT {LINKED_PEOPLE_COLUMNS} FROM people p
        WHERE p.person_id IN (SELECT person_id FROM linked)
           OR (p.relation = 'self' AND p.household_id IN (SELECT household_id FROM households))
    """)


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
        return format_date_cn(value)
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


def snap_column(ctx: CheckContext, kind: str, column: str, alias: str = "r") -> str:
    """SQL for an optional contract column (registries.OPTIONAL_COLUMNS) of a snapshot: the
    column, or NULL for a file written without it."""
    key = ("columns", kind)
    if key not in ctx._memo:
        cur = ctx.con.execute(f"SELECT * FROM snap_{kind} LIMIT 0")
        ctx._memo[key] = {d[0] for d in cur.description}
    return f"{alias}.{column}" if column in ctx._memo[key] else "CAST(NULL AS VARCHAR)"


def county_code(ctx: CheckContext) -> str | None:
    """The county's 6-digit code (from its villages' codes), None for a county without villages."""
    if "county" not in ctx._memo:
        ctx._memo["county"] = ctx.con.execute(
            "SELECT min(left(village_code, 6)) FROM villages"
        ).fetchall()[0][0]
    return ctx._memo["county"]


def county_hash(ctx: CheckContext) -> str | None:
    """What a snapshot row of this county stores as id_county_hash."""
    code = county_code(ctx)
    return ctx.id_county_key(code) if code else None


def account_unmatched_ids(ctx: CheckContext, check: str, kind: str) -> None:
    """Rows whose ID could not be read (wrong check digit, or none) and that no other method
    matched to a person: whether they concern a recipient cannot be known. One count in SQL."""
    invalid, missing = ctx.con.execute(f"""
        SELECT count(*) FILTER (r.id_status = 'invalid'), count(*) FILTER (r.id_status = 'missing')
        FROM snap_{kind} r
        WHERE r.id_status IN ('invalid', 'missing')
          AND NOT EXISTS (SELECT 1 FROM {ctx.link(kind)} l WHERE l.row_no = r.row_no)
    """).fetchall()[0]
    ctx.account(check, kind, "身份证号码有误，且未能按姓名等匹配", invalid)
    ctx.account(check, kind, "未填写身份证号码，且未能按姓名等匹配", missing)
