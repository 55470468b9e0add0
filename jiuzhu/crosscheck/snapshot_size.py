"""Is a new registry snapshot much smaller than the one it replaces? Then the officer confirms.

A snapshot of 6 rows once became a county's death register in place of one of 313: the newest
active snapshot of a kind is the one the runs read (snapshot_selectors.latest_snapshots), so a
partial file silently hides everyone it leaves out. Committing a snapshot that would replace an
active one of the same kind with fewer than half its rows, or covering fewer townships, is
refused unless the officer confirms (snapshot_services.snapshot_commit, ``confirm_smaller``);
the page and the command line name what it replaces, and the confirmation is audited.

Townships covered are counted from the rows' region codes: the first nine digits of a 12-digit
code of the county whose township part is not 000. A row without a region code counts toward
no township — its ID number names the county (first six digits), never the township, and
linking it to our people would take a run — so a file without region codes covers no township
and is compared on its rows alone. The new file's townships are counted when it is checked
(``township_prefixes``, kept in its report); the active one's from its Parquet file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import duckdb

from jiuzhu.core.month import format_date_cn

from . import engine
from .models import RegistrySnapshot
from .registries import registry
from .snapshot_selectors import county_of, snapshot_file, snapshot_replaced_by

__all__ = ["Replacement", "replacement_for", "township_prefixes"]


def township_prefixes(rows: list[dict]) -> dict[str, int]:
    """Checked rows (snapshot_check) per township prefix of their region code (9 digits, any
    county; the county's own are picked out when compared)."""
    return dict(
        Counter(
            code[:9]
            for row in rows
            if len(code := row.get("region_code") or "") == 12 and code[6:9] != "000"
        )
    )


def _county_townships(prefixes: dict[str, int], county_code: str) -> int:
    return sum(1 for p in prefixes if p.startswith(county_code[:6]) and p[6:9] != "000")


def _parquet_townships(snapshot: RegistrySnapshot, county_code: str) -> int:
    """Townships of the county in an active snapshot's file (one column read; 0 for a file
    that cannot be read: the rows are still compared)."""
    con = engine.connect()
    try:
        return con.execute(
            "SELECT count(DISTINCT left(region_code, 9)) "
            f"FROM read_parquet({engine.sql_literal(str(snapshot_file(snapshot)))}) "
            "WHERE length(region_code) = 12 AND left(region_code, 6) = ? "
            "AND substr(region_code, 7, 3) <> '000'",
            [county_code[:6]],
        ).fetchall()[0][0]
    except duckdb.Error:
        return 0
    finally:
        con.close()


@dataclass(frozen=True)
class Replacement:
    """What a new snapshot replaces, and how the two compare."""

    replaced_id: int
    label: str
    old_as_of: date
    old_rows: int
    old_townships: int
    new_rows: int
    new_townships: int | None  # None: a file checked before townships were counted

    @property
    def fewer_rows(self) -> bool:
        return self.new_rows * 2 < self.old_rows

    @property
    def fewer_townships(self) -> bool:
        return self.new_townships is not None and self.new_townships < self.old_townships

    @property
    def needs_confirmation(self) -> bool:
        return self.fewer_rows or self.fewer_townships

    def text(self) -> str:
        """将替换2026年10月31日的死亡和火化数据（313行，覆盖12个乡镇），新文件仅6行、覆盖1个乡镇"""
        old = (
            f"将替换{format_date_cn(self.old_as_of)}的{self.label}"
            f"（{self.old_rows}行，覆盖{self.old_townships}个乡镇）"
        )
        places = "" if self.new_townships is None else f"覆盖{self.new_townships}个乡镇"
        if self.fewer_rows:
            new = f"新文件仅{self.new_rows}行" + (f"、{places}" if places else "")
        elif self.fewer_townships:
            new = f"新文件{self.new_rows}行、仅{places}"
        else:
            new = f"新文件{self.new_rows}行" + (f"、{places}" if places else "")
        return f"{old}，{new}"

    def audit_values(self) -> dict:
        return {
            "replaced_snapshot": self.replaced_id,
            "replaced_as_of": self.old_as_of,
            "replaced_rows": self.old_rows,
            "replaced_townships": self.old_townships,
            "rows": self.new_rows,
            "townships": self.new_townships,
        }


def replacement_for(snapshot: RegistrySnapshot) -> Replacement | None:
    """How a previewed snapshot compares with the active one it would replace (None: it
    replaces none)."""
    replaced = snapshot_replaced_by(snapshot)
    if replaced is None:
        return None
    county = county_of(snapshot.county)
    prefixes = snapshot.report.get("townships")
    return Replacement(
        replaced_id=replaced.pk,
        label=registry(snapshot.kind).label,
        old_as_of=replaced.as_of,
        old_rows=replaced.rows_stored,
        old_townships=_parquet_townships(replaced, county.code),
        new_rows=snapshot.rows_good,
        new_townships=None if prefixes is None else _county_townships(prefixes, county.code),
    )
