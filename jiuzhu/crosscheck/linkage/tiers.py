"""Record linkage in tiers: exact ID, one-character ID error, probabilistic (Splink).

Pure module (no Django): everything comes in through the DuckDB connection and the two reveal
callables, so the engine runs in a unit test, in the monthly job, or later on Spark.

1. **exact** — ``refs.id_hash = people.id_hash`` (valid and converted 15-digit IDs).
2. **near** — registry rows whose ID failed its check ('invalid'): candidates share the person's
   ``name_norm`` and a birth date equal, one digit away or with two adjacent digits swapped (the
   registry's birth date, or digits 7–14 of its malformed ID when it gives none); only those
   pairs are revealed and accepted when the numbers differ in one character or by one adjacent
   transposition (:mod:`.idnear`).
3. **probable / review** — rows with no usable ID (missing, or invalid and not resolved above):
   Splink on name, birth date, sex and region (:mod:`.probabilistic`).

A registry row links to at most one person; a person may be linked to several rows.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import pyarrow as pa

from . import probabilistic
from .idnear import compare_ids
from .names import register_name_keys

__all__ = ["OUT_COLUMNS", "TIERS", "LinkSettings", "LinkStats", "link", "link_exact", "link_near"]

TIERS = ("exact", "near", "probable", "review")

#: Columns of the link table, DuckDB types.
OUT_COLUMNS: dict[str, str] = {
    "row_no": "INTEGER",
    "person_id": "BIGINT",
    "tier": "VARCHAR",
    "score": "DOUBLE",
    "detail": "VARCHAR",
}

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


@dataclass(frozen=True)
class LinkSettings:
    match_threshold: float = 0.99  # Splink probability at or above: tier 'probable'
    review_threshold: float = 0.80  # at or above (and below match): tier 'review'
    near_score: float = 0.999  # score of a tier-2 link
    probabilistic: bool = True  # run tier 3 at all
    u_seed: int = 20261122  # seed of Splink's u sampling (reproducible model)
    u_max_pairs: float = 2e6  # pairs sampled to estimate u
    deterministic_recall: float = 0.7  # share of true matches agreeing on name + birth date (prior)
    splink_log_level: int = logging.WARNING


@dataclass
class LinkStats:
    refs: int = 0  # registry rows
    exact: int = 0
    near: int = 0
    probable: int = 0
    review: int = 0
    near_candidates: int = 0  # candidate pairs revealed in tier 2
    revealed_people: int = 0
    revealed_refs: int = 0
    tier3_refs: int = 0  # rows without a usable ID that went to Splink
    comparisons: int = 0  # pairs scored by Splink
    names: int = 0  # distinct names given pinyin keys
    prior: float = 0.0  # Splink probability_two_random_records_match
    defaulted_u: list[str] = field(default_factory=list)  # levels whose u is model.DEFAULT_U
    seconds: dict[str, float] = field(default_factory=dict)
    model: dict | None = None  # the trained Splink model (JSON-serialisable)

    @property
    def linked(self) -> int:
        return self.exact + self.near + self.probable

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "model"}


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"not a plain table name: {name!r}")
    return name


def _count(con, sql: str) -> int:
    return con.execute(f"SELECT count(*) FROM {sql}").fetchall()[0][0]


# --- tier 1 ----------------------------------------------------------------------------

_EXACT_DETAIL = """CASE WHEN r.id_status = 'converted15' THEN '身份证号码一致（15位旧号码转换为18位）'
                    ELSE '身份证号码一致' END"""


def link_exact(con, people: str, refs: str, out: str) -> int:
    """Create ``out`` (OUT_COLUMNS) with the rows whose ID hash equals a person's; return the count.

    ``people.id_hash`` should be unique; if it is not, the lowest person_id wins.
    """
    people, refs, out = _ident(people), _ident(refs), _ident(out)
    con.execute(f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT CAST(r.row_no AS INTEGER) AS row_no, p.person_id, 'exact' AS tier,
               CAST(1.0 AS DOUBLE) AS score, {_EXACT_DETAIL} AS detail
        FROM {refs} r
        JOIN (SELECT id_hash, min(person_id) AS person_id FROM {people}
              WHERE id_hash IS NOT NULL GROUP BY id_hash) p ON p.id_hash = r.id_hash
    """)
    return _count(con, out)


def link_exact_all(con, *, people: str, refs: dict[str, str], out: str) -> dict[str, int]:
    """Tier 1 for many registries in one pass: every registry's hashes (``refs``: kind -> table)
    probe the persons' hash table once, in one UNION ALL join, as a bare join would. ``out`` gets
    a ``kind`` column besides OUT_COLUMNS. ``people.id_hash`` must be unique (it is for
    registry.Person). Returns the count per kind."""
    people, out = _ident(people), _ident(out)
    union = " UNION ALL ".join(
        f"SELECT '{_ident(kind)}' AS kind, row_no, id_hash, id_status FROM {_ident(table)} "
        "WHERE id_hash IS NOT NULL"
        for kind, table in refs.items()
    )
    con.execute(f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT r.kind, CAST(r.row_no AS INTEGER) AS row_no, p.person_id, 'exact' AS tier,
               CAST(1.0 AS DOUBLE) AS score, {_EXACT_DETAIL} AS detail
        FROM ({union}) r JOIN {people} p ON p.id_hash = r.id_hash
    """)
    counts = dict.fromkeys(refs, 0)
    counts.update(con.execute(f"SELECT kind, count(*) FROM {out} GROUP BY kind").fetchall())
    return counts


# --- tier 2 ----------------------------------------------------------------------------


def _birth_digits(id_text: str | None) -> str | None:
    """Digits 7–14 (YYYYMMDD) of a malformed ID text, or None."""
    if not id_text:
        return None
    if len(id_text) == 18:
        return id_text[6:14]
    if len(id_text) == 15:
        return "19" + id_text[6:12]
    return None


def _pairs_table(con, name: str, pairs: list[tuple[int, int]]) -> None:
    arrow = f"{name}_arrow"
    con.register(
        arrow,
        pa.table(
            {
                "row_no": pa.array([p[0] for p in pairs], pa.int32()),
                "person_id": pa.array([p[1] for p in pairs], pa.int64()),
            }
        ),
    )
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {arrow}")
    finally:
        con.unregister(arrow)


@dataclass
class NearResult:
    links: int = 0
    candidates: int = 0
    revealed_people: int = 0
    revealed_refs: int = 0


def link_near(
    con,
    *,
    people: str,
    refs: str,
    out: str,
    reveal_people: Callable[[list[int]], dict[int, str]],
    reveal_refs: Callable[[list[str]], dict[str, str]],
    score: float = 0.999,
    rejected_out: str | None = None,
) -> NearResult:
    """Create ``out`` (OUT_COLUMNS, tier 'near') for invalid IDs one character off a person's.

    With ``rejected_out``, also create that table (row_no, person_id) of the candidate pairs
    whose numbers, once revealed, differ by more: tier 3 must not link those pairs.
    """
    people, refs, out = _ident(people), _ident(refs), _ident(out)
    tmp = f"__lk_near_{out.replace('.', '_')}"
    result = NearResult()
    candidates, ref_texts = _near_candidates(
        con, people=people, refs=refs, tmp=tmp, reveal_refs=reveal_refs, result=result
    )
    more = sorted({c.cipher for c in candidates} - set(ref_texts))
    if more:
        ref_texts.update(reveal_refs(more))
        result.revealed_refs += len(more)
    person_ids = sorted({c.person_id for c in candidates})
    our_ids = reveal_people(person_ids) if person_ids else {}
    result.revealed_people = len(person_ids)

    rows: dict[int, tuple[int, str]] = {}
    rejected: list[tuple[int, int]] = []
    for c in candidates:  # ordered: a row's best candidate comes first
        ref_text, our_id = ref_texts.get(c.cipher), our_ids.get(c.person_id)
        diff = compare_ids(ref_text, our_id)
        if diff is None:
            if ref_text and our_id:
                rejected.append((c.row_no, c.person_id))
        elif c.row_no not in rows:
            rows[c.row_no] = (c.person_id, f"{diff.detail}；姓名一致；{c.birth_detail}")
    del ref_texts, our_ids
    if rejected_out:
        _pairs_table(con, rejected_out, rejected)
    _near_table(con, out, rows, score)
    result.links, result.candidates = len(rows), len(candidates)
    return result


@dataclass(frozen=True)
class _Candidate:
    row_no: int
    cipher: str
    person_id: int
    ref_bd: str  # YYYYMMDD: the registry's birth date, else digits 7–14 of its ID
    our_bd: str

    @property
    def birth_detail(self) -> str:
        if self.ref_bd == self.our_bd:
            return "出生日期一致"
        if sum(a != b for a, b in zip(self.ref_bd, self.our_bd, strict=True)) == 1:
            return "出生日期一位数字不同"
        return "出生日期相邻两位颠倒"


def _near_candidates(
    con,
    *,
    people: str,
    refs: str,
    tmp: str,
    reveal_refs: Callable[[list[str]], dict[str, str]],
    result: NearResult,
) -> tuple[list[_Candidate], dict[str, str]]:
    """Invalid-ID rows × people with the same name and a birth date at most one edit away."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {tmp}_inv AS
        SELECT CAST(r.row_no AS INTEGER) AS row_no, r.id_cipher, r.name_norm, r.birth_date
        FROM {refs} r
        WHERE r.id_status = 'invalid' AND r.id_cipher IS NOT NULL AND r.id_hash IS NULL
          AND nullif(r.name_norm, '') IS NOT NULL
          AND EXISTS (SELECT 1 FROM {people} p WHERE p.name_norm = r.name_norm)
    """)
    # Rows without a birth date: reveal their ID text (they already have a namesake) for its
    # digits 7–14. Only those digits enter DuckDB, never the number.
    need = [
        c
        for (c,) in con.execute(
            f"SELECT DISTINCT id_cipher FROM {tmp}_inv WHERE birth_date IS NULL ORDER BY 1"
        ).fetchall()
    ]
    ref_texts = reveal_refs(need) if need else {}
    result.revealed_refs += len(need)
    con.register(
        f"{tmp}_digits",
        pa.table(
            {
                "id_cipher": pa.array(need, pa.string()),
                "bd": pa.array([_birth_digits(ref_texts.get(c)) for c in need], pa.string()),
            }
        ),
    )
    try:
        rows = con.execute(f"""
            WITH refs_bd AS (
                SELECT i.row_no, i.id_cipher, i.name_norm,
                       coalesce(strftime(i.birth_date, '%Y%m%d'), d.bd) AS bd
                FROM {tmp}_inv i LEFT JOIN {tmp}_digits d USING (id_cipher)
            ), pairs AS (
                SELECT r.row_no, r.id_cipher, p.person_id, r.bd AS ref_bd,
                       strftime(p.birth_date, '%Y%m%d') AS our_bd
                FROM refs_bd r JOIN {people} p ON p.name_norm = r.name_norm
                WHERE length(r.bd) = 8 AND p.birth_date IS NOT NULL
            )
            SELECT * FROM pairs
            WHERE our_bd = ref_bd OR damerau_levenshtein(our_bd, ref_bd) = 1
            ORDER BY row_no, our_bd = ref_bd DESC, person_id
        """).fetchall()
    finally:
        con.unregister(f"{tmp}_digits")
        con.execute(f"DROP TABLE IF EXISTS {tmp}_inv")
    return [_Candidate(*row) for row in rows], ref_texts


def _near_table(con, out: str, rows: dict[int, tuple[int, str]], score: float) -> None:
    arrow = f"__lk_near_{out.replace('.', '_')}_arrow"
    con.register(
        arrow,
        pa.table(
            {
                "row_no": pa.array(list(rows), pa.int32()),
                "person_id": pa.array([v[0] for v in rows.values()], pa.int64()),
                "detail": pa.array([v[1] for v in rows.values()], pa.string()),
            }
        ),
    )
    try:
        con.execute(f"""
            CREATE OR REPLACE TABLE {out} AS
            SELECT row_no, person_id, 'near' AS tier, CAST({float(score)} AS DOUBLE) AS score,
                   detail
            FROM {arrow}
        """)
    finally:
        con.unregister(arrow)


# --- all tiers -------------------------------------------------------------------------


def link(
    con,
    *,
    people: str,
    refs: str,
    out: str,
    reveal_people: Callable[[list[int]], dict[int, str]],
    reveal_refs: Callable[[list[str]], dict[str, str]],
    settings: LinkSettings = LinkSettings(),
) -> LinkStats:
    """Link the registry rows ``refs`` to ``people`` in tiers and create table ``out``.

    ``out``: row_no INTEGER, person_id BIGINT, tier ('exact','near','probable','review'),
    score DOUBLE, detail VARCHAR (Chinese evidence); at most one row per registry row.
    """
    people, refs, out = _ident(people), _ident(refs), _ident(out)
    tmp = f"__lk_{out.replace('.', '_')}"
    stats = LinkStats()
    t_start = time.perf_counter()
    stats.refs = _count(con, refs)

    parts = [f"{tmp}_exact", f"{tmp}_near"]
    try:
        t = time.perf_counter()
        stats.exact = link_exact(con, people, refs, f"{tmp}_exact")
        stats.seconds["exact"] = time.perf_counter() - t

        t = time.perf_counter()
        near = link_near(
            con,
            people=people,
            refs=refs,
            out=f"{tmp}_near",
            reveal_people=reveal_people,
            reveal_refs=reveal_refs,
            score=settings.near_score,
            rejected_out=f"{tmp}_rejected",
        )
        stats.near, stats.near_candidates = near.links, near.candidates
        stats.revealed_people, stats.revealed_refs = near.revealed_people, near.revealed_refs
        stats.seconds["near"] = time.perf_counter() - t

        if settings.probabilistic:
            prob = _tier3(con, people=people, refs=refs, tmp=tmp, settings=settings, stats=stats)
            if prob:
                parts.append(prob)

        union = " UNION ALL ".join(
            f"SELECT CAST(row_no AS INTEGER) AS row_no, CAST(person_id AS BIGINT) AS person_id, "
            f"CAST(tier AS VARCHAR) AS tier, CAST(score AS DOUBLE) AS score, "
            f"CAST(detail AS VARCHAR) AS detail FROM {p}"
            for p in parts
        )
        con.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT * FROM ({union}) ORDER BY row_no")
    finally:
        for p in [*parts, f"{tmp}_prob", f"{tmp}_rejected"]:
            con.execute(f"DROP TABLE IF EXISTS {p}")
    for tier, n in con.execute(f"SELECT tier, count(*) FROM {out} GROUP BY tier").fetchall():
        if tier in ("probable", "review"):
            setattr(stats, tier, n)
    stats.seconds["total"] = time.perf_counter() - t_start
    return stats


def _tier3(
    con, *, people: str, refs: str, tmp: str, settings: LinkSettings, stats: LinkStats
) -> str | None:
    """Run Splink on the rows without a usable ID; return the name of its link table."""
    t = time.perf_counter()
    where_refs = f"id_hash IS NULL AND row_no NOT IN (SELECT row_no FROM {tmp}_near)"
    if not _count(con, f"(SELECT 1 FROM {refs} WHERE {where_refs}) AS t"):
        return None  # every row has a usable ID: no name keys to compute, no Splink
    stats.names = register_name_keys(
        con, sources=[(people, None), (refs, where_refs)], out=f"{tmp}_keys"
    )
    stats.seconds["name_keys"] = time.perf_counter() - t

    t = time.perf_counter()
    n_left = probabilistic.prepare_input(
        con, source=people, id_column="person_id", where=None, keys=f"{tmp}_keys", out=f"{tmp}_l"
    )
    stats.tier3_refs = probabilistic.prepare_input(
        con, source=refs, id_column="row_no", where=where_refs, keys=f"{tmp}_keys", out=f"{tmp}_r"
    )
    con.execute(f"DROP TABLE IF EXISTS {tmp}_keys")
    stats.seconds["prepare"] = time.perf_counter() - t
    if not n_left or not stats.tier3_refs:
        con.execute(f"DROP TABLE IF EXISTS {tmp}_l; DROP TABLE IF EXISTS {tmp}_r")
        return None
    try:
        result = probabilistic.run(
            con,
            left=f"{tmp}_l",
            right=f"{tmp}_r",
            out=f"{tmp}_prob",
            match_threshold=settings.match_threshold,
            review_threshold=settings.review_threshold,
            u_seed=settings.u_seed,
            u_max_pairs=settings.u_max_pairs,
            deterministic_recall=settings.deterministic_recall,
            exclude=f"{tmp}_rejected",
            log_level=settings.splink_log_level,
        )
    finally:
        con.execute(f"DROP TABLE IF EXISTS {tmp}_l; DROP TABLE IF EXISTS {tmp}_r")
    stats.comparisons, stats.prior, stats.model = result.comparisons, result.prior, result.model
    stats.defaulted_u = result.defaulted_u
    stats.seconds.update(result.seconds)
    return f"{tmp}_prob"
