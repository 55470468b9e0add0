"""A form as Excel in the official layout (R21), through the one writer (core.spreadsheet): the
title, 填报单位（公章） and the units line, the merged multi-row header, the rows and 合计, then
统计经办人员 / 汇总时间 and a place for the seal. The header blocks come from
definitions.header_grid, the same as the web page's."""

from __future__ import annotations

from datetime import date

from jiuzhu.core import spreadsheet
from jiuzhu.core.month import format_date_cn

from .catalogue import period_label
from .definitions import DERIVED, FormResult, header_grid, leaves

CHUNK = 2000


def _value(cell, col):
    value = cell.value if cell is not None else None
    if col.measure == DERIVED and isinstance(value, str):
        return value  # "—": no standard in force
    return value


def form_xlsx(result: FormResult, *, unit: str, today: date) -> spreadsheet.Export:
    cols = leaves(result.columns)
    first = result.first_header
    widths = [spreadsheet.Column(first, 16)] + [
        spreadsheet.Column(c.label, c.width or (14 if c.money else 10)) for c in cols
    ]
    width = len(widths)
    book = spreadsheet.XlsxWriter()
    sheet = book.sheet(
        result.code,
        widths,
        titles=[result.title, f"统计期：{period_label(result.period)}"],
        header=False,
    )
    sheet.append_header(
        [f"填报单位（公章）：{unit}"] + [None] * (width - 2) + [result.units], bold=False
    )
    sheet.merge(3, 1, 3, max(1, width - 1))
    _header(sheet, result)
    for row in result.rows:
        sheet.append([row.label, *(_value(row.cells.get(c.key), c) for c in cols)])
    if result.total is not None:
        sheet.append(["合计", *(_value(result.total.cells.get(c.key), c) for c in cols)])
    for note in result.notes:
        sheet.append_header([f"说明：{note}"], bold=False)
        sheet.merge(sheet.lines, 1, sheet.lines, width)
    sealed = f"（已封存于{result.frozen_at}）" if result.frozen_at else ""
    sheet.append_header(
        ["统计经办人员："]
        + [None] * (width // 2 - 1)
        + [f"汇总时间：{format_date_cn(today)}{sealed}"],
        bold=False,
    )
    sheet.append_header(["单位负责人："] + [None] * (width // 2 - 1) + ["（盖章）"], bold=False)
    return book.finish()


def _header(sheet, result: FormResult) -> None:
    depth, blocks = header_grid(result.columns, result.first_header)
    top = sheet.lines + 1
    width = len(leaves(result.columns)) + 1
    for r in range(depth):
        line = [None] * width
        for b in blocks:
            if b.row == r:
                line[b.col] = b.label
        sheet.append_header(line)
    for b in blocks:
        sheet.merge(top + b.row, b.col + 1, top + b.row + b.rowspan - 1, b.col + b.colspan)


def trace_xlsx(trace, keys: list, weights: list) -> spreadsheet.Export:
    form = trace.form
    book = spreadsheet.XlsxWriter()
    sheet = book.sheet(
        "明细",
        trace.header(),
        titles=[
            f"{form.title}（{period_label(form.period)}）",
            f"{trace.row_label}·{trace.column.label}：{trace.cell.value}",
        ],
    )
    for start in range(0, len(keys), CHUNK):
        part = slice(start, start + CHUNK)
        for values in trace.rows(keys[part], weights[part] if weights else None):
            sheet.append(values)
    return book.finish()
