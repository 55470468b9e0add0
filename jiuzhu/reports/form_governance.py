"""专项治理数据统计表 (monthly, due by the 6th) and 专项治理进展情况半年汇总表 (by 10 June and
10 December), seed 000 (R21).

Seed 000 names these tables but gives no columns: the columns are our design, taken from what the
system records about the special governance of dibao —

- 低保对象: dibao households (urban and rural) in force at the period's end; households screened
  (any cross-check finding raised in the period); newly included (enrolments beginning in the
  period); removed (清退: stopped in the period on improved circumstances or a violation, see
  form_dibao.exit_cause);
- 问题线索: clues received, closed, and handed to discipline inspection (移交纪检监察) in the period;
- 整改台账: items opened, closed (销号), and open past their deadline at the period's end;
- 比对核查: findings raised, and verified as true (核实属实), in the period;
- 资金追回: recoveries opened (应追回) and money repaid (已追回) in the period.

A figure that has no village (a rectification item, a finding placed at township or county level)
is shown on the row 乡镇本级 / 县本级."""

from __future__ import annotations

from jiuzhu.core.month import Month

from . import selectors, selectors_governance
from .definitions import SUM, Acc, Row, group, leaf, region_rows
from .form_dibao import OTHER, exit_causes
from .scope import Scope

DIBAO = ("dibao_urban", "dibao_rural")
MONTHLY_CODE = "governance_monthly"
MONTHLY_TITLE = "城乡低保专项治理数据统计表"
HALF_CODE = "governance_half"
HALF_TITLE = "城乡低保专项治理进展情况半年汇总表"

COLUMNS = (
    group(
        "低保对象",
        leaf("期末在保户数", "live.h", "enrolment"),
        leaf("期末在保人数", "live.p", "enrolment", SUM),
        leaf("排查户数", "screened.h", "household"),
        leaf("新纳入户数", "new.h", "enrolment"),
        leaf("清退户数", "removed.h", "enrolment"),
    ),
    group(
        "问题线索",
        leaf("受理件数", "clue.in", "clue"),
        leaf("办结件数", "clue.closed", "clue"),
        leaf("移交纪检监察件数", "clue.handed", "clue"),
    ),
    group(
        "整改台账",
        leaf("新列入条数", "item.opened", "item"),
        leaf("销号条数", "item.closed", "item"),
        leaf("逾期未销号条数", "item.overdue", "item"),
    ),
    group(
        "比对核查",
        leaf("发现问题条数", "finding.raised", "finding"),
        leaf("核实属实条数", "finding.true", "finding"),
    ),
    group(
        "资金追回（元）",
        leaf("应追回金额", "recovery.due", "recovery", SUM, money=True),
        leaf("已追回金额", "recovery.paid", "recovery_payment", SUM, money=True),
    ),
)


def _row(scope: Scope, township: int | None, village: int | None) -> int:
    """The row a fact goes to: its township (county scope) or village (township scope), else
    the scope's own level (乡镇本级 / 县本级)."""
    if scope.child_field() == "township_id":
        return township if township and township != scope.county.pk else scope.region.pk
    return village or scope.region.pk


def build(scope: Scope, months: list[Month]) -> tuple[list[Row], Row, tuple[str, ...]]:
    acc = Acc(COLUMNS)
    first, last = months[0], months[-1]
    for e in selectors.enrolments_in_force(scope, last, DIBAO):
        acc.add(_row(scope, e[2], e[3]), "live.h", e[0])
        acc.add(_row(scope, e[2], e[3]), "live.p", e[0], e[4])
    for month in months:
        for e in selectors.enrolments_started(scope, month, DIBAO):
            acc.add(_row(scope, e[2], e[3]), "new.h", e[0])
        exited = selectors.enrolments_exited(scope, month, DIBAO)
        causes = exit_causes([e[0] for e in exited])
        for e in exited:
            if causes[e[0]] != OTHER:
                acc.add(_row(scope, e[2], e[3]), "removed.h", e[0])
    reads = selectors_governance.Period(scope, first.first_day, last.last_day)
    for key, facts in reads.facts().items():
        for pk, township, village, weight in facts:
            acc.add(_row(scope, township, village), key, pk, weight)
    regions = scope.rows()
    own = scope.own_row()
    if own is not None and any(k[0] == own[0] for k in acc.data):
        regions.append(own)
    rows, total = region_rows(acc, regions)
    period = first.label if first == last else f"{first.label}至{last.label}"
    notes = (
        f"统计期：{period}。期末在保：{last.label}在保的城乡低保；排查：期内有比对核查发现的家庭。",
        "清退：期内因家庭情况好转或违规停保；逾期未销号：期末未销号且已过整改时限。",
    )
    return rows, total, notes
