"""Writing a snapshot's Parquet file with exactly the contract's columns, and checking a file
made elsewhere against the contract (registries.py).

ID numbers leave this module only as the keyed hash that `registry.Person.id_hash` holds, as
Fernet ciphertext for numbers that fail their check digit, and masked."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from jiuzhu.core import crypto
from jiuzhu.registry.sensitive import id_lookup_hash

from . import engine
from .registries import OPTIONAL_COLUMNS, IdStatus, registry

CHUNK_ROWS = 50_000
_DECIMAL_RE = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
_SIMPLE = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DATE": pa.date32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
}
_USABLE = (IdStatus.VALID.value, IdStatus.CONVERTED.value)


def _arrow_type(duck: str) -> pa.DataType:
    match = _DECIMAL_RE.fullmatch(duck)
    if match:
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    return _SIMPLE[duck]


def arrow_schema(kind: str) -> pa.Schema:
    """The contract's columns and DuckDB types as an Arrow schema, in contract order."""
    return pa.schema([(name, _arrow_type(t)) for name, t in registry(kind).all_columns.items()])


def stored_row(row: dict, columns) -> dict:
    """A checked row (snapshot_check) as it is stored: the full numbers replaced."""
    number, status = row.get("id_number") or "", row["id_status"]
    out = {name: (None if row.get(name) == "" else row.get(name)) for name in columns}
    out["id_hash"] = id_lookup_hash(number) if number and status in _USABLE else None
    out["id_cipher"] = crypto.encrypt(number) if number and status == IdStatus.INVALID else None
    out["id_county_hash"] = id_county_hash(number[:6]) if number and status in _USABLE else None
    if "staff_id_hash" in out:
        staff = row.get("staff_id_number") or ""
        out["staff_id_hash"] = id_lookup_hash(staff) if staff else None
    return out


def id_county_hash(county6: str) -> str:
    """The keyed hash stored for the county part (first six digits) of a row's ID: the checks
    compare it with their own county's (checks.base) to place a row without a region code."""
    return id_lookup_hash(f"county:{county6}")


def write_parquet(
    path: Path, kind: str, rows: list[dict], on_chunk: Callable[[int], None] | None = None
) -> int:
    """Write `rows` to `path` (which must not exist yet). Returns the number written."""
    schema = arrow_schema(kind)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = [stored_row(r, schema.names) for r in rows[start : start + CHUNK_ROWS]]
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            if on_chunk is not None:
                on_chunk(start + len(chunk))
    return len(rows)


def write_atomic(
    final: Path, kind: str, rows: list[dict], on_chunk: Callable[[int], None] | None = None
) -> int:
    """Write to a temporary name in the same directory, then rename: a reader (or a crash)
    never sees a half-written snapshot, and an existing file is never overwritten."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        raise FileExistsError(f"快照文件已存在，不覆盖：{final.name}")
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    try:
        count = write_parquet(tmp, kind, rows, on_chunk)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def file_columns(path: Path) -> dict[str, str]:
    """Column name -> DuckDB type, as DuckDB reads the file."""
    con = engine.connect()
    try:
        rel = con.read_parquet(str(path))
        return {name: str(t) for name, t in zip(rel.columns, rel.types, strict=True)}
    finally:
        con.close()


def contract_problems(kind: str, columns: dict[str, str]) -> list[str]:
    """What differs between a file's columns and the contract (empty when they match)."""
    expected = registry(kind).all_columns
    problems = [
        f"缺少列 {name}（{t}）"
        for name, t in expected.items()
        if name not in columns and name not in OPTIONAL_COLUMNS
    ]
    problems += [f"多出列 {name}" for name in columns if name not in expected]
    problems += [
        f"列 {name} 的类型应为 {t}，实际为 {columns[name]}"
        for name, t in expected.items()
        if name in columns and columns[name] != t
    ]
    return problems


def row_count(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows
