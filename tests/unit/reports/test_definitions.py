"""The pure shape of a form (R21): the merged header blocks, counting keys once, 合计 as the sum
of the rows, and the exit causes of attachment 3. No database."""

from decimal import Decimal

import pytest

from jiuzhu.reports.definitions import (
    COUNT,
    DERIVED,
    SUM,
    Acc,
    Cell,
    group,
    header_grid,
    leaf,
    leaves,
    per_person,
    region_rows,
)
from jiuzhu.reports.form_dibao import (
    IMPROVED,
    OTHER,
    URBAN_COLUMNS,
    VIOLATION,
    exit_cause,
    finding_id,
)

COLUMNS = (
    group("甲", leaf("户数", "a.h", "household"), leaf("人数", "a.p", "enrolment", SUM)),
    leaf("金额", "m", "line", SUM, money=True),
    leaf("平均", "avg", "", DERIVED),
)


def test_header_grid_merges_groups_across_and_leaves_down():
    depth, blocks = header_grid(COLUMNS)
    assert depth == 2
    by_label = {b.label: b for b in blocks}
    assert (by_label["地区"].rowspan, by_label["地区"].colspan) == (2, 1)
    assert (by_label["甲"].row, by_label["甲"].col, by_label["甲"].colspan) == (0, 1, 2)
    assert (by_label["户数"].row, by_label["户数"].col, by_label["户数"].rowspan) == (1, 1, 1)
    assert (by_label["金额"].col, by_label["金额"].rowspan) == (3, 2)
    # every leaf column is covered exactly once on the last header row
    covered = sorted(
        c for b in blocks if b.row + b.rowspan == depth for c in range(b.col, b.col + b.colspan)
    )
    assert covered == list(range(len(leaves(COLUMNS)) + 1))


def test_attachment_3_has_three_header_rows_and_twelve_figures():
    depth, _blocks = header_grid(URBAN_COLUMNS)
    assert depth == 3
    assert len(leaves(URBAN_COLUMNS)) == 12
    assert [c.label for c in leaves(URBAN_COLUMNS)] == ["户数", "人数"] * 6


def test_acc_counts_an_item_once_and_sums_weights():
    acc = Acc(COLUMNS)
    acc.add(1, "a.h", 10)
    acc.add(1, "a.h", 10)
    acc.add(1, "a.p", 7, 3)
    acc.add(2, "a.p", 8, 2)
    acc.add(2, "m", 5, Decimal("1.50"))
    acc.add(2, "m", 5, Decimal("1.00"))
    assert acc.cell(1, "a.h").value == 1
    assert acc.cell(1, "a.h").keys == [10]
    assert acc.cell(2, "m").value == Decimal("2.50")
    assert acc.cell(2, "m").weights == [Decimal("2.50")]


def test_total_is_the_sum_of_the_rows_and_derived_cells_are_worked_out():
    acc = Acc(COLUMNS)
    acc.add(1, "a.p", 7, 3)
    acc.add(2, "a.p", 8, 2)
    acc.add(2, "m", 5, Decimal("100.00"))

    def derive(cells):
        cells["avg"] = Cell(per_person(cells["m"].value, cells["a.p"].value))

    rows, total = region_rows(acc, [(1, "一"), (2, "二")], derive)
    assert [r.label for r in rows] == ["一", "二"]
    assert total.cells["a.p"].value == 5 and total.cells["a.p"].keys == [7, 8]
    assert total.cells["m"].value == Decimal("100.00")
    assert total.cells["avg"].value == Decimal("20.00")
    assert rows[0].cells["avg"].value == Decimal("0.00")  # nobody counted: no division


@pytest.mark.parametrize(
    ("kind", "source", "check", "reviewed", "cause"),
    [
        ("gradual_exit", "", None, False, IMPROVED),
        ("stop", "", None, True, IMPROVED),
        ("stop", "核查发现#12", "asset_vehicle", False, VIOLATION),
        ("stop", "核查发现#13（死亡人员数据比对）", "death", False, OTHER),
        ("stop", "本人申请退出", None, False, OTHER),
    ],
)
def test_exit_causes(kind, source, check, reviewed, cause):
    assert exit_cause(kind, source, check, reviewed) == cause


def test_finding_id_reads_the_source():
    assert finding_id("核查发现#12") == 12
    assert finding_id("核查发现#13（死亡人员数据比对）") == 13
    assert finding_id("核查发现#x") is None
    assert finding_id("复核") is None


def test_measures_are_declared():
    assert {c.measure for c in leaves(COLUMNS)} == {COUNT, SUM, DERIVED}
