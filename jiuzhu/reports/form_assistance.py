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

from jiuzhu.core.month import Month
from jiuzhu.payments.models import PayrollLine

from . import selectors
from .definitions import DERIVED, SUM, Acc, Col, Row, group, leaf, per_person, region_rows
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


def collect_lines(acc: Acc, scope: Scope, month: Month) -> None:
    """Adds every line of the month to its row (the child region of the scope)."""
    by_township = scope.child_field() == "township_id"
    for pk, household, township, village, members, amount, kind, code in selectors.payroll_lines(
        scope, month
    ):
        row = township if by_township else village
        p = _prefix(code)
        acc.add(row, f"{p}.a", pk, amount)
        acc.add(row, "all.a", pk, amount)
        if kind == REGULAR:
            if p in ("u", "r"):
                acc.add(row, f"{p}.h", household)
            acc.add(row, f"{p}.p", pk, members)


def _collect_moves(acc: Acc, scope: Scope, month: Month) -> None:
    field = 2 if scope.child_field() == "township_id" else 3
    for pk, *rest in selectors.enrolments_started(scope, month, DIBAO):
        acc.add(rest[field - 1], f"{DIBAO[rest[-1]][0]}.n", pk)
    for pk, *rest in selectors.enrolments_exited(scope, month, DIBAO):
        acc.add(rest[field - 1], f"{DIBAO[rest[-1]][0]}.x", pk)


def build(scope: Scope, month: Month) -> tuple[list[Row], Row, tuple[str, ...]]:
    acc = Acc(COLUMNS)
    collect_lines(acc, scope, month)
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
    notes = (
        f"统计口径：{month.label}各发放名册（含补充发放）的应发明细；户数、人数按正常月保障金明细计。",
        "月人均补助＝支出金额÷人数；保障标准为当月1日执行的标准。",
    )
    return rows, total, notes


def _derived(value):
    from .definitions import Cell

    return Cell(value)
