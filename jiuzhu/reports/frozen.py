"""A form's rows as JSON (what a sealed copy stores, and what the API can hand out) and back.
The header tree is not stored: it comes from the form's definition, which is code."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .definitions import COUNT, DERIVED, SUM, TEXT, Cell, Col, FormResult, Row, leaves


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def row_to_dict(row: Row, *, keys: bool = True) -> dict:
    cells = {}
    for key, cell in row.cells.items():
        entry = {"v": _plain(cell.value)}
        if keys and cell.keys:
            entry["k"] = cell.keys
            if cell.weights:
                entry["w"] = [_plain(w) for w in cell.weights]
        if keys and cell.spec is not None:
            entry["s"] = cell.spec
        cells[key] = entry
    return {
        "label": row.label,
        "region_id": row.region_id,
        "household_id": row.household_id,
        "cells": cells,
    }


def result_to_dict(result: FormResult, *, keys: bool = True) -> dict:
    return {
        "code": result.code,
        "title": result.title,
        "units": result.units,
        "period": result.period,
        "region_id": result.region_id,
        "region_name": result.region_name,
        "notes": list(result.notes),
        "rows": [row_to_dict(r, keys=keys) for r in result.rows],
        "total": row_to_dict(result.total, keys=keys) if result.total else None,
    }


def _number(col: Col, value):
    if col.measure == TEXT:
        return value
    if col.money:
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value  # a derived figure shown as "—"
    if col.measure in (COUNT, SUM):
        return int(value)
    return value


def _weight(col: Col, w):
    return Decimal(str(w)) if col.money else int(w)


def row_from_dict(data: dict, cols: dict[str, Col]) -> Row:
    cells = {}
    for key, entry in data["cells"].items():
        col = cols.get(key)
        if col is None:
            continue
        weights = [_weight(col, w) for w in entry.get("w", [])]
        value = entry["v"] if col.measure == DERIVED and not col.money else _number(col, entry["v"])
        cells[key] = Cell(value, list(entry.get("k", [])), weights, entry.get("s"))
    return Row(data["label"], data["region_id"], cells, data.get("household_id"))


def result_from_dict(data: dict, columns: tuple[Col, ...], **extra) -> FormResult:
    cols = {c.key: c for c in leaves(columns)}
    total = data.get("total")
    return FormResult(
        code=data["code"],
        title=data["title"],
        units=data["units"],
        columns=columns,
        rows=[row_from_dict(r, cols) for r in data["rows"]],
        total=row_from_dict(total, cols) if total else None,
        period=data["period"],
        region_id=data["region_id"],
        region_name=data["region_name"],
        notes=tuple(data.get("notes", ())),
        **extra,
    )
