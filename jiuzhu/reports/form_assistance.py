"""社会救助月度统计表: the monthly figures a county reports upwards (R21) — recipients
(households, persons) and spending by programme, urban and rural dibao apart, new and exited
households, the standard in force and the average benefit per person.

The columns are our design (the seeds name the duty, not the layout): they are what the
payrolls of the month hold. Counted from the month's payroll lines (regular and supplementary
payrolls, any status: 应发 figures, frozen at generation):

- 户数: distinct households with a regular line (月保障金) of the programme;
- 人数: the persons of those regular lines (one line per enrolment and month);
- 支出: every line of the programme's payrolls of the month (care subsidy, arrears and re-issues
  included);
- 新增户数 / 退出户数: enrolments whose first month is this month / stopped from this month;
- 保障标准: the county's standard in force on the 1st (元/人·月); 月人均补助: 支出 ÷ 人数.
"""

from __future__ import annotations

from collections import defaultdict

from jiuzhu.core.month import Month
from jiuzhu.payments.models import PayrollLine
from jiuzhu.programmes.catalogue import PROGRAMMES

from . import lines, selectors
from .definitions import DERIVED, SUM, Acc, Cell, Col, Row, group, leaf, per_person, region_rows
from .scope import Scope

CODE = "assistance_monthly"
TITLE = "社会救助月度统计表"
UNITS = "单位：户、人、元"
DIBAO = {
    "dibao_urban": ("u", "城市最低生活保障", "urban"),
    "dibao_rural": ("r", "农村最低生活保障", "rural"),
}
EXTREME = ("extreme_poverty_centralised", "extreme_poverty_dispersed")
REGULAR = PayrollLine.Kind.REGULAR


def _dibao_group(prefix: str, label: str) -> Col:
    return group(
        label,
        leaf("户数", f"{prefix}.h", "household"),
        leaf("人数", f"{prefix}.p", "line", SUM),
        leaf("支出金额", f"{prefix}.a", "line", SUM, money=True),
        leaf("新增户数", f"{prefix}.n", "enrolment"),
        leaf("退出户数", f"{prefix}.x", "enrolment"),
        leaf("保障标准（元/人·月）", f"{prefix}.std", "", DERIVED, money=True),
        leaf("月人均补助", f"{prefix}.avg", "", DERIVED, money=True),
    )


COLUMNS = (
    _dibao_group("u", "城市最低生活保障"),
    _dibao_group("r", "农村最低生活保障"),
    group(
        "特困人员救助供养",
        leaf("人数", "e.p", "line", SUM),
        leaf("支出金额", "e.a", "line", SUM, money=True),
    ),
    group(
        "其他按月发放项目",
        leaf("人数", "o.p", "line", SUM),
        leaf("支出金额", "o.a", "line", SUM, money=True),
    ),
    leaf("支出合计", "all.a", "line", SUM, money=True),
)


def _prefix(code: str) -> str:
    if code in DIBAO:
        return DIBAO[code][0]
    return "e" if code in EXTREME else "o"


def _codes(prefix: str) -> list[str]:
    if prefix in ("u", "r"):
        return [code for code, (p, _l, _a) in DIBAO.items() if p == prefix]
    if prefix == "e":
        return list(EXTREME)
    others = [p.code for p in PROGRAMMES if p.code not in DIBAO and p.code not in EXTREME]
    return others if prefix == "o" else [p.code for p in PROGRAMMES]


def line_spec(base: dict, key: str, where: dict) -> dict:
    """The lines behind a column of a row (see jiuzhu.reports.lines)."""
    prefix, what = key.split(".")
    spec = {**base, "where": where, "codes": _codes(prefix if prefix != "all" else "")}
    if what == "h":
        spec.update(kinds=[REGULAR], distinct=lines.HOUSEHOLD)
    elif what == "p":
        spec.update(kinds=[REGULAR], weight="members")
    else:
        spec.update(weight="amount")
    return spec


LINE_KEYS = ("u.h", "u.p", "u.a", "r.h", "r.p", "r.a", "e.p", "e.a", "o.p", "o.a", "all.a")


def collect_lines(acc: Acc, scope: Scope, month: Month) -> dict:
    """Counts the month's lines per row in one GROUP BY and presets each row's line cells."""
    base = lines.base_spec(scope, str(month))
    row_field = scope.child_field()
    sums: dict[tuple, object] = defaultdict(int)
    for row, code, kind, _n, households, persons, amount in lines.grouped(
        {**base, "codes": _codes("")}, row_field
    ):
        p = _prefix(code)
        for prefix in (p, "all"):
            sums[(row, f"{prefix}.a")] += amount or 0
        if kind == REGULAR:
            sums[(row, f"{p}.h")] += households
            sums[(row, f"{p}.p")] += persons or 0
    for row, _name in scope.rows():
        for key in LINE_KEYS:
            col = acc.cols[key]
            value = lines.weight_of(sums.get((row, key), 0), col.money)
            acc.preset(row, key, Cell(value, spec=line_spec(base, key, {row_field: row})))
    return base


def _collect_moves(acc: Acc, scope: Scope, month: Month) -> None:
    """新增 / 退出户数: dibao enrolments beginning this month / stopped from it."""
    row_at = 2 if scope.child_field() == "township_id" else 3  # (pk, household, township, village…)
    for key, found in (
        ("n", selectors.enrolments_started(scope, month, DIBAO)),
        ("x", selectors.enrolments_exited(scope, month, DIBAO)),
    ):
        for e in found:
            acc.add(e[row_at], f"{DIBAO[e[-1]][0]}.{key}", e[0])


def build(scope: Scope, month: Month) -> tuple[list[Row], Row, tuple[str, ...]]:
    acc = Acc(COLUMNS)
    base = collect_lines(acc, scope, month)
    _collect_moves(acc, scope, month)
    standards = {
        prefix: selectors.monthly_standard_on(scope.county, code, area, month.first_day)
        for code, (prefix, _label, area) in DIBAO.items()
    }

    def derive(cells):
        for prefix, std in standards.items():
            cells[f"{prefix}.std"] = _derived("—" if std is None else std)
            cells[f"{prefix}.avg"] = _derived(
                per_person(cells[f"{prefix}.a"].value, cells[f"{prefix}.p"].value)
            )

    rows, total = region_rows(acc, scope.rows(), derive)
    for key in LINE_KEYS:  # 合计: the lines of the whole region
        total.cells[key].spec = line_spec(base, key, base["where"])
    notes = (
        f"统计口径：{month.label}各发放名册（含补充发放）的应发明细；户数、人数按正常月保障金明细计。",
        "月人均补助＝支出金额÷人数；保障标准为当月1日执行的标准。",
    )
    return rows, total, notes


def _derived(value):
    return Cell(value)
