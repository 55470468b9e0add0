"""The shape of a statistical form (R21), pure: no Django import.

A form is a tree of header columns (the official forms have two or three header rows merged
across and down), a units line (单位：户、人), and rows — one per sub-region of the chosen region
(county → townships, township → villages) plus 合计 — or, for a register, one per record. Every
number of a region row is a :class:`Cell` that keeps the keys of what it counts (household,
enrolment, payroll-line ids…), so the number can be traced to a list that adds up to it:

- a ``count`` column counts its keys (households, persons, clues…);
- a ``sum`` column adds a weight per key (the persons of an enrolment, the amount of a line);
- a ``derived`` column is worked out from other cells of its row (an average) and is not traced.

:func:`header_grid` lays the tree out as merged blocks, the same for the web page and the Excel
file, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

COUNT, SUM, DERIVED, TEXT = "count", "sum", "derived", "text"
ZERO = Decimal("0")


@dataclass(frozen=True)
class Col:
    """A header node. A leaf (no children) is a data column: `key` names it in the rows, `kind`
    says what its keys are (see TRACE_KINDS in jiuzhu.reports.trace), `measure` how it is
    counted, `money` whether its figure is yuan."""

    label: str
    key: str = ""
    children: tuple[Col, ...] = ()
    kind: str = ""
    measure: str = COUNT
    money: bool = False
    width: float | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children


def leaf(label: str, key: str, kind: str, measure: str = COUNT, **kw) -> Col:
    return Col(label=label, key=key, kind=kind, measure=measure, **kw)


def group(label: str, *children: Col) -> Col:
    return Col(label=label, children=tuple(children))


def hh_persons(prefix: str, kind_h: str = "household", kind_p: str = "enrolment") -> tuple:
    """The pair of leaves most forms repeat: 户数 (households counted) and 人数 (persons summed)."""
    return (
        leaf("户数", f"{prefix}.h", kind_h),
        leaf("人数", f"{prefix}.p", kind_p, SUM),
    )


def leaves(columns: Sequence[Col]) -> list[Col]:
    out: list[Col] = []
    for c in columns:
        out.extend([c] if c.is_leaf else leaves(c.children))
    return out


def _depth(columns: Sequence[Col]) -> int:
    return max((1 if c.is_leaf else 1 + _depth(c.children)) for c in columns) if columns else 0


@dataclass(frozen=True)
class HeaderCell:
    """One merged block of the header: 0-based row and column, and how far it spans."""

    label: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


def header_grid(columns: Sequence[Col], first: str = "地区") -> tuple[int, list[HeaderCell]]:
    """The header blocks: a first column (``地区``, or nothing when `first` is empty) spanning
    every header row, then each node over its leaves; a leaf spans down to the last header row.
    Returns (number of header rows, blocks in row-major order)."""
    depth = _depth(columns)
    cells: list[HeaderCell] = []
    start = 0
    if first:
        cells.append(HeaderCell(first, 0, 0, rowspan=depth))
        start = 1

    def place(nodes: Sequence[Col], row: int, col: int) -> int:
        for node in nodes:
            if node.is_leaf:
                cells.append(HeaderCell(node.label, row, col, rowspan=depth - row))
                col += 1
            else:
                width = len(leaves(node.children))
                cells.append(HeaderCell(node.label, row, col, colspan=width))
                place(node.children, row + 1, col)
                col += width
        return col

    place(columns, 0, start)
    cells.sort(key=lambda c: (c.row, c.col))
    return depth, cells


@dataclass
class Cell:
    """A figure and the keys behind it. For a ``sum`` column, `weights` runs beside `keys`.

    A figure over payroll lines, which can be millions, keeps instead a `spec`: the filter that
    selects its lines, bounded by the highest line id when it was counted. Lines are written
    once and never deleted, so the spec selects the same lines for good, and a sealed copy
    stores a few numbers instead of millions of ids (jiuzhu.reports.lines resolves it)."""

    value: int | Decimal | str = 0
    keys: list = field(default_factory=list)
    weights: list = field(default_factory=list)
    spec: dict | None = None

    @property
    def traceable(self) -> bool:
        return bool(self.keys) or self.spec is not None


@dataclass
class Row:
    """A form row: a region (`region_id`, its name) or a register line (`region_id` None)."""

    label: str
    region_id: int | None
    cells: dict[str, Cell]
    household_id: int | None = None  # a register line's household (its page is linked)


@dataclass
class FormResult:
    """What :func:`jiuzhu.reports.services.form_build` returns.

    ``code``/``title``/``units``: the form's code, its Chinese title with the region's name, and
    the units line; ``columns``: the header tree; ``rows``: one per sub-region (or record);
    ``total``: the 合计 row (None for registers and text forms); ``period``: the month or
    quarter or half-year it covers (``2026-11``, ``2026-Q4``, ``2026-H2``); ``region_id``,
    ``region_name``; ``frozen_at``: when the copy was sealed (``None``: computed now);
    ``notes``: lines printed under the table (how the figures were counted)."""

    code: str
    title: str
    units: str
    columns: tuple[Col, ...]
    rows: list[Row]
    total: Row | None
    period: str
    region_id: int
    region_name: str
    first_header: str = "地区"
    frozen_at: str | None = None
    notes: tuple[str, ...] = ()

    def leaves(self) -> list[Col]:
        return leaves(self.columns)

    def row_for(self, region_id: int | None) -> Row | None:
        if region_id is None:
            return self.total
        return next((r for r in self.rows if r.region_id == region_id), None)


class Acc:
    """Collects keys per (row, column): ``add(row_id, key, item, weight)``. A ``count`` column
    counts an item once however often it is added (a household with two lines is one)."""

    def __init__(self, columns: Sequence[Col]):
        self.cols = {c.key: c for c in leaves(columns)}
        self.data: dict[tuple, dict] = {}
        self.presets: dict[tuple, Cell] = {}

    def add(self, row_id, key: str, item, weight=1) -> None:
        bucket = self.data.setdefault((row_id, key), {})
        if self.cols[key].measure == SUM:
            bucket[item] = bucket.get(item, 0) + weight
        else:
            bucket[item] = 1

    def put(self, row_id, key: str, item, weight) -> None:
        """Set an item's weight (a household's persons, whatever column it is added to)."""
        self.data.setdefault((row_id, key), {})[item] = weight

    def preset(self, row_id, key: str, cell: Cell) -> None:
        """A cell counted elsewhere (in SQL: see jiuzhu.reports.lines)."""
        self.presets[(row_id, key)] = cell

    def cell(self, row_id, key: str) -> Cell:
        if (row_id, key) in self.presets:
            return self.presets[(row_id, key)]
        col = self.cols[key]
        bucket = self.data.get((row_id, key), {})
        items = sorted(bucket)
        if col.measure == SUM:
            weights = [bucket[i] for i in items]
            total = sum(weights, ZERO if col.money else 0)
            return Cell(total, items, weights)
        return Cell(len(items), items)


def region_rows(
    acc: Acc,
    regions: Iterable[tuple[int, str]],
    derive: Callable[[dict[str, Cell]], None] | None = None,
) -> tuple[list[Row], Row]:
    """One row per region (id, name) from the accumulator, and the 合计 row: each additive
    column of 合计 is the sum of the rows, with their keys concatenated; derived columns are
    computed by `derive` from the other cells of the row (合计 too)."""
    rows: list[Row] = []
    additive = [c for c in acc.cols.values() if c.measure in (COUNT, SUM)]
    for region_id, name in regions:
        cells = {c.key: acc.cell(region_id, c.key) for c in additive}
        rows.append(Row(name, region_id, cells))
    total_cells: dict[str, Cell] = {}
    for c in additive:
        cell = Cell(ZERO if c.money else 0)
        for r in rows:
            part = r.cells[c.key]
            cell.value += part.value
            cell.keys.extend(part.keys)
            cell.weights.extend(part.weights)
        total_cells[c.key] = cell
    total = Row("合计", None, total_cells)
    if derive is not None:
        for r in [*rows, total]:
            derive(r.cells)
    return rows, total


def per_person(amount, persons) -> Decimal:
    """An average per person, to the fen (0 when nobody is counted)."""
    if not persons:
        return ZERO.quantize(Decimal("0.01"))
    return (Decimal(amount) / Decimal(persons)).quantize(Decimal("0.01"))
