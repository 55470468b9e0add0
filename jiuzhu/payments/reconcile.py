"""Reconciling a bank's result file with a payroll (pure: no Django, no database).

The bank answers each line of the payment file by its reference ``<payroll number>-<seq>``:
paid (with the amount actually paid) or returned (with the bank's reason). Reconciliation is
on amounts: a paid line must have been paid exactly its amount, a returned line returns all of
it, so per line and in total ``paid + returned + outstanding = released``.

``reconcile`` reads the parsed rows against the payroll's lines and returns, for every row,
either an error (named by its spreadsheet row) or the outcome to write. A line settled before
with the same outcome is *unchanged* (importing the same file again changes nothing); settled
with a different outcome it is an error (a bank cannot first pay and then return one transfer
in the same file history without a correction from the bank).

Choices:
- a line that appears twice in a file is an error on every row where it appears: which of the
  two answers is right is the bank's to say, not ours;
- a returned row may leave the amount blank (it returns the whole line); if it gives one, it
  must be the line's amount;
- column headers and result words accept the common synonyms banks use (``HEADER_SYNONYMS``,
  ``PAID_WORDS``, ``RETURNED_WORDS``); docs/bank-files.md documents them in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from jiuzhu.core.money import MoneyError, parse_money

ZERO = Decimal("0.00")
PENDING, PAID, RETURNED = "pending", "paid", "returned"
OUTCOME_TEXT = {PENDING: "待银行反馈", PAID: "已发放", RETURNED: "退回"}

# Column code → accepted headers (compared after removing spaces, case-insensitively).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ref": ("业务流水号", "流水号", "业务编号", "交易流水号", "业务参考号", "参考号", "reference"),
    "result": (
        "结果",
        "处理结果",
        "交易结果",
        "发放结果",
        "代发结果",
        "状态",
        "交易状态",
        "result",
    ),
    "amount": ("实发金额", "成功金额", "交易金额", "实付金额", "金额", "amount"),
    "reason": ("失败原因", "退回原因", "原因", "错误信息", "失败信息", "备注", "reason"),
}
REQUIRED_COLUMNS = ("ref", "result")
PAID_WORDS = frozenset(
    {"成功", "已成功", "发放成功", "代发成功", "交易成功", "支付成功", "已发放", "已支付", "已到账",
     "到账", "paid", "success", "ok", "s"}
)  # fmt: skip
RETURNED_WORDS = frozenset(
    {"失败", "发放失败", "代发失败", "交易失败", "支付失败", "退回", "已退回", "退票", "退汇",
     "returned", "failed", "fail", "f"}
)  # fmt: skip


class LayoutError(Exception):
    """The result file's header row lacks a required column (message in Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# LineState, ResultRow and Settlement are named tuples, not frozen dataclasses: one of each per
# line of a province's 2,000,000-line file, they cost a third of the memory and are built
# several times faster (a frozen dataclass sets each field through object.__setattr__).
class LineState(NamedTuple):
    """A payroll line as reconciliation needs it: its amount and current outcome."""

    seq: int
    amount: Decimal
    outcome: str = PENDING
    paid_amount: Decimal = ZERO
    returned_amount: Decimal = ZERO


class ResultRow(NamedTuple):
    """One data row of the bank's file: its spreadsheet row number and texts as typed."""

    row: int
    ref: str
    result: str
    amount: str = ""
    reason: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    ref: str
    message: str


class Settlement(NamedTuple):
    """The outcome to write on a line."""

    seq: int
    row: int
    outcome: str  # PAID or RETURNED
    paid_amount: Decimal
    returned_amount: Decimal
    reason: str


@dataclass(frozen=True)
class Reconciliation:
    rows: int
    settlements: tuple[Settlement, ...]
    errors: tuple[RowError, ...]
    unchanged: int

    @property
    def consistent(self) -> bool:
        return not self.errors

    @property
    def paid_count(self) -> int:
        return sum(1 for s in self.settlements if s.outcome == PAID)

    @property
    def returned_count(self) -> int:
        return sum(1 for s in self.settlements if s.outcome == RETURNED)


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


def map_columns(headers: Sequence[str]) -> dict[str, int]:
    """Column code → index in the header row; LayoutError when a required one is missing."""
    found: dict[str, int] = {}
    keys = [_key(h) for h in headers]
    for code, names in HEADER_SYNONYMS.items():
        wanted = [_key(n) for n in names]
        for name in wanted:  # the first synonym in our order wins over a later one
            if name in keys:
                found[code] = keys.index(name)
                break
    missing = [HEADER_SYNONYMS[c][0] for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise LayoutError(
            "银行反馈文件缺少列："
            + "、".join(missing)
            + "。第一行应为列名，见《银行文件格式说明》。"
        )
    return found


def result_rows(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterable[ResultRow]:
    """The data rows as ResultRow (spreadsheet row numbers from 2); blank rows skipped."""
    cols = map_columns(headers)

    def cell(values: Sequence[str], code: str) -> str:
        i = cols.get(code)
        return values[i].strip() if i is not None and i < len(values) else ""

    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        yield ResultRow(
            row=number,
            ref=cell(values, "ref"),
            result=cell(values, "result"),
            amount=cell(values, "amount"),
            reason=cell(values, "reason"),
        )


def line_ref(payroll_number: str, seq: int) -> str:
    return f"{payroll_number}-{seq}"


def parse_ref(ref: str) -> tuple[str, int | None]:
    """(payroll number, seq) of a reference; seq None when it is not a number."""
    number, _, seq = ref.strip().rpartition("-")
    if not number or not seq.isdigit():
        return number, None
    return number, int(seq)


def _result_kind(text: str) -> str | None:
    word = _key(text)
    if word in PAID_WORDS:
        return PAID
    if word in RETURNED_WORDS:
        return RETURNED
    return None


def _amount(text: str) -> Decimal | None:
    """The amount as Decimal; None when blank; MoneyError when malformed."""
    if not text.strip():
        return None
    return parse_money(text)


@dataclass
class _Judge:
    payroll_number: str
    lines: Mapping[int, LineState]
    errors: list[RowError] = field(default_factory=list)

    def error(self, row: ResultRow, message: str) -> None:
        self.errors.append(RowError(row.row, row.ref, message))

    def settle(self, row: ResultRow) -> Settlement | None:
        """The row's settlement, or None after recording its error."""
        number, seq = parse_ref(row.ref)
        if not row.ref:
            return self.error(row, "缺少业务流水号")
        if number != self.payroll_number:
            return self.error(row, f"业务流水号{row.ref}不属于本名册（{self.payroll_number}）")
        line = self.lines.get(seq) if seq is not None else None
        if line is None:
            return self.error(row, f"本名册没有业务流水号为{row.ref}的发放记录")
        kind = _result_kind(row.result)
        if kind is None:
            return self.error(row, f"结果“{row.result}”无法识别，应为“成功”或“失败/退回”")
        try:
            amount = _amount(row.amount)
        except MoneyError as exc:
            return self.error(row, f"实发金额格式错误：{exc}")
        if kind == PAID:
            if amount is None:
                return self.error(row, "发放成功的行须填写实发金额")
            if amount != line.amount:
                return self.error(row, f"实发金额{amount:.2f}元与应发金额{line.amount:.2f}元不符")
            return Settlement(line.seq, row.row, PAID, line.amount, ZERO, "")
        if amount is not None and amount not in (ZERO, line.amount):
            return self.error(row, f"退回金额{amount:.2f}元与应发金额{line.amount:.2f}元不符")
        if not row.reason:
            return self.error(row, "退回的行须填写失败原因")
        return Settlement(line.seq, row.row, RETURNED, ZERO, line.amount, row.reason[:100])


def reconcile(
    *, payroll_number: str, lines: Mapping[int, LineState], rows: Iterable[ResultRow]
) -> Reconciliation:
    """Every row's error or settlement against the payroll's lines (by seq); see the module."""
    judge = _Judge(payroll_number, lines)
    rows = list(rows)
    first_row: dict[int, int] = {}
    twice: set[int] = set()
    for r in rows:  # a line answered twice, rightly or not, is the bank's to resolve
        number, seq = parse_ref(r.ref)
        if number == payroll_number and seq in lines:
            if seq in first_row:
                twice.add(seq)
            else:
                first_row[seq] = r.row
    settled: dict[int, Settlement] = {}
    for r in rows:
        _, seq = parse_ref(r.ref)
        if seq in twice and parse_ref(r.ref)[0] == payroll_number:
            judge.error(r, f"同一笔在文件中出现多次（首次在第{first_row[seq]}行）")
            continue
        settlement = judge.settle(r)
        if settlement is not None:
            settled[settlement.seq] = settlement
    count = len(rows)
    writes: list[Settlement] = []
    unchanged = 0
    for seq, s in settled.items():
        line = lines[seq]
        if line.outcome == PENDING:
            writes.append(s)
        elif line.outcome == s.outcome and line.paid_amount == s.paid_amount:
            unchanged += 1
        else:
            judge.error(
                ResultRow(s.row, line_ref(payroll_number, seq), ""),
                f"该笔此前已记为“{OUTCOME_TEXT[line.outcome]}”，与本文件的结果不一致",
            )
    errors = tuple(sorted(judge.errors, key=lambda e: (e.row, e.message)))
    writes.sort(key=lambda s: s.seq)
    return Reconciliation(count, tuple(writes), errors, unchanged)


@dataclass(frozen=True)
class Totals:
    """Counts and amounts of a set of lines by outcome."""

    lines: int = 0
    released: Decimal = ZERO
    paid_count: int = 0
    paid: Decimal = ZERO
    returned_count: int = 0
    returned: Decimal = ZERO
    pending_count: int = 0
    pending: Decimal = ZERO

    def check(self) -> Totals:
        """Raises AssertionError unless paid + returned + outstanding = released (amounts and
        counts)."""
        if self.paid + self.returned + self.pending != self.released:
            raise AssertionError(
                f"对账不平：已发放{self.paid} + 退回{self.returned} + 待反馈{self.pending}"
                f" ≠ 发放总额{self.released}"
            )
        if self.paid_count + self.returned_count + self.pending_count != self.lines:
            raise AssertionError("对账不平：笔数不一致")
        return self


def totals(lines: Iterable[LineState]) -> Totals:
    """Totals of lines; a pending line's amount is outstanding."""
    n = pc = rc = qc = 0
    released = paid = returned = pending = ZERO
    for line in lines:
        n += 1
        released += line.amount
        if line.outcome == PAID:
            pc += 1
            paid += line.paid_amount
        elif line.outcome == RETURNED:
            rc += 1
            returned += line.returned_amount
        else:
            qc += 1
            pending += line.amount
    return Totals(n, released, pc, paid, rc, returned, qc, pending)


def apply(lines: Mapping[int, LineState], result: Reconciliation) -> dict[int, LineState]:
    """The lines after writing `result`'s settlements (what the service writes, in memory)."""
    out = dict(lines)
    for s in result.settlements:
        out[s.seq] = LineState(
            s.seq, lines[s.seq].amount, s.outcome, s.paid_amount, s.returned_amount
        )
    return out
