"""The bank result reconciliation (payments.reconcile): examples, then Hypothesis over random
payrolls and random result files."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.payments import reconcile as rc

NUMBER = "FF-433123-2026-11-dibao-1"
OTHER = "FF-433123-2026-10-dibao-1"
ZERO = Decimal("0.00")


def lines_of(*amounts: str) -> dict[int, rc.LineState]:
    return {i: rc.LineState(i, Decimal(a)) for i, a in enumerate(amounts, start=1)}


def row(n: int, ref: str, result: str, amount: str = "", reason: str = "") -> rc.ResultRow:
    return rc.ResultRow(n, ref, result, amount, reason)


def ref(seq: int, number: str = NUMBER) -> str:
    return rc.line_ref(number, seq)


def test_a_consistent_file_settles_every_line():
    lines = lines_of("350.00", "500.00", "120.50")
    result = rc.reconcile(
        payroll_number=NUMBER,
        lines=lines,
        rows=[
            row(2, ref(1), "成功", "350.00"),
            row(3, ref(2), "退回", "", "账户已销户"),
            row(4, ref(3), "SUCCESS", "¥120.50"),
        ],
    )
    assert result.consistent
    assert [(s.seq, s.outcome) for s in result.settlements] == [
        (1, "paid"),
        (2, "returned"),
        (3, "paid"),
    ]
    after = rc.totals(rc.apply(lines, result).values()).check()
    assert after.paid == Decimal("470.50")
    assert after.returned == Decimal("500.00")
    assert after.pending == Decimal("0.00")


@pytest.mark.parametrize(
    "bad_row, message",
    [
        (row(2, "XX-9", "成功", "350.00"), "不属于本名册"),
        (row(2, ref(1, OTHER), "成功", "350.00"), "不属于本名册"),
        (row(2, ref(99), "成功", "350.00"), "没有业务流水号"),
        (row(2, ref(1), "成功", "349.99"), "与应发金额350.00元不符"),
        (row(2, ref(1), "成功", ""), "须填写实发金额"),
        (row(2, ref(1), "成功", "三百"), "金额格式错误"),
        (row(2, ref(1), "退回", ""), "须填写失败原因"),
        (row(2, ref(1), "处理中", "350.00"), "无法识别"),
        (row(2, "", "成功", "350.00"), "缺少业务流水号"),
    ],
)
def test_errors_are_named_by_row(bad_row, message):
    result = rc.reconcile(payroll_number=NUMBER, lines=lines_of("350.00"), rows=[bad_row])
    assert not result.settlements
    assert len(result.errors) == 1
    assert result.errors[0].row == 2
    assert message in result.errors[0].message


def test_a_line_twice_is_an_error_on_both_rows():
    result = rc.reconcile(
        payroll_number=NUMBER,
        lines=lines_of("350.00", "10.00"),
        rows=[
            row(2, ref(1), "成功", "350.00"),
            row(3, ref(2), "成功", "10.00"),
            row(4, ref(1), "成功", "350.00"),
        ],
    )
    assert [e.row for e in result.errors] == [2, 4]
    assert "首次在第2行" in result.errors[1].message
    assert [s.seq for s in result.settlements] == [2]


def test_a_line_twice_with_one_wrong_amount_is_still_twice():
    result = rc.reconcile(
        payroll_number=NUMBER,
        lines=lines_of("350.00"),
        rows=[row(2, ref(1), "成功", "350.00"), row(3, ref(1), "成功", "351.00")],
    )
    assert [e.row for e in result.errors] == [2, 3]
    assert not result.settlements


def test_settled_lines_same_outcome_unchanged_different_outcome_error():
    lines = lines_of("350.00", "200.00")
    lines[1] = rc.LineState(1, Decimal("350.00"), "paid", Decimal("350.00"))
    lines[2] = rc.LineState(2, Decimal("200.00"), "returned", returned_amount=Decimal("200.00"))
    result = rc.reconcile(
        payroll_number=NUMBER,
        lines=lines,
        rows=[row(2, ref(1), "成功", "350.00"), row(3, ref(2), "成功", "200.00")],
    )
    assert result.unchanged == 1
    assert not result.settlements
    assert [e.row for e in result.errors] == [3]
    assert "此前已记为“退回”" in result.errors[0].message


def test_headers_accept_synonyms_and_require_ref_and_result():
    cols = rc.map_columns(["交易流水号", "交易状态", "成功金额", "错误信息"])
    assert cols == {"ref": 0, "result": 1, "amount": 2, "reason": 3}
    with pytest.raises(rc.LayoutError, match="业务流水号"):
        rc.map_columns(["序号", "结果"])
    rows = list(rc.result_rows(["业务流水号", "结果"], [["A-1", "成功"], ["", ""], ["A-2"]]))
    assert [(r.row, r.ref, r.result) for r in rows] == [(2, "A-1", "成功"), (4, "A-2", "")]


def test_totals_check_refuses_a_paid_line_of_another_amount():
    bad = rc.LineState(1, Decimal("10.00"), "paid", Decimal("9.00"))
    with pytest.raises(AssertionError, match="对账不平"):
        rc.totals([bad]).check()


# --- Hypothesis ------------------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@st.composite
def payroll_and_file(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    lines = {i: rc.LineState(i, draw(amounts)) for i in range(1, n + 1)}
    rows: list[rc.ResultRow] = []
    kinds = st.sampled_from(["paid", "returned", "wrong_amount", "unknown", "other", "repeat"])
    for _ in range(draw(st.integers(min_value=0, max_value=35))):
        kind = draw(kinds)
        seq = draw(st.integers(min_value=1, max_value=n))
        amount = lines[seq].amount
        r = len(rows) + 2
        if kind == "paid":
            rows.append(row(r, ref(seq), "成功", f"{amount}"))
        elif kind == "returned":
            rows.append(row(r, ref(seq), "退回", "", "户名不符"))
        elif kind == "wrong_amount":
            rows.append(row(r, ref(seq), "成功", f"{amount + Decimal('0.01')}"))
        elif kind == "unknown":
            rows.append(row(r, ref(n + seq), "成功", "1.00"))
        elif kind == "other":
            rows.append(row(r, ref(seq, OTHER), "成功", f"{amount}"))
        elif rows:  # repeat an earlier row
            earlier = draw(st.sampled_from(rows))
            rows.append(
                rc.ResultRow(r, earlier.ref, earlier.result, earlier.amount, earlier.reason)
            )
    return lines, rows


def _import(lines, rows, *, good_rows: bool):
    """What the service does: write the settlements if consistent or if asked to."""
    result = rc.reconcile(payroll_number=NUMBER, lines=lines, rows=rows)
    if result.consistent or good_rows:
        return rc.apply(lines, result), result
    return dict(lines), result


@settings(max_examples=300, deadline=None)
@given(payroll_and_file(), st.booleans())
def test_random_files_keep_every_line_to_at_most_one_outcome(case, good_rows):
    lines, rows = case
    after, result = _import(lines, rows, good_rows=good_rows)
    seqs = [s.seq for s in result.settlements]
    assert len(seqs) == len(set(seqs))  # never two outcomes for one line
    errored_rows = {e.row for e in result.errors}
    assert not errored_rows & {s.row for s in result.settlements}
    for seq, line in after.items():
        assert line.outcome in ("pending", "paid", "returned")
        assert line.amount == lines[seq].amount  # the line's amount is never changed
        settled = line.paid_amount + line.returned_amount
        assert settled == (ZERO if line.outcome == "pending" else line.amount)
    total = rc.totals(after.values()).check()
    assert total.released == sum((x.amount for x in lines.values()), ZERO)
    # the same rows again change nothing more
    again, second = _import(after, rows, good_rows=good_rows)
    assert again == after
    if after != lines:
        assert not second.settlements


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=30), st.data())
def test_a_complete_consistent_file_settles_every_line_exactly_once(values, data):
    lines = {i: rc.LineState(i, a) for i, a in enumerate(values, start=1)}
    order = data.draw(st.permutations(list(lines)))
    returned = data.draw(st.sets(st.sampled_from(list(lines))))
    rows = [
        row(r, ref(seq), "失败", "", "账户冻结")
        if seq in returned
        else row(r, ref(seq), "成功", f"{lines[seq].amount:,}")
        for r, seq in enumerate(order, start=2)
    ]
    after, result = _import(lines, rows, good_rows=False)
    assert result.consistent
    assert all(line.outcome != "pending" for line in after.values())
    total = rc.totals(after.values()).check()
    assert total.pending == ZERO and total.pending_count == 0
    assert total.paid + total.returned == total.released
    assert total.returned_count == len(returned)
    _, second = _import(after, rows, good_rows=False)
    assert second.unchanged == len(lines) and not second.settlements and second.consistent
