"""Seed 003 attachments 2 and 3 (R21): the rural dibao screening table (农村低保对象排查情况统计表)
and the urban dibao dynamic-management table (城市低保对象动态管理情况统计表), for one month.

Attachment 3 counts enrolments of 城市低保 (a household's enrolment: 户; its persons: 人):
动态管理前 = in force in the month before; 动态管理后 = in force in the month; 新增 = first month is
this one; 退出 = stopped from this month (so 后 = 前 + 新增 − 退出, exactly). Of the exits,
家庭情况好转 = a gradual exit (渐退) or a stop concluded by a review (复核结论：退出); 违规享受 = a
stop decided on a cross-check finding other than a death (核查发现#n). Exits on death and the
like count only in 退出.

Attachment 2 is the screening of the month: the rural dibao households in force before it, and
the households the month's re-screening lists raised (cross-check findings raised in the month):
refused applications (拒绝后复查), exits (退出后复查) and poverty-registry households not covered
(疑似漏保 from the 建档立卡/防返贫监测 registry). 本次清退 = rural enrolments stopped from this month
on a ground (好转 or 违规); 本次纳入 = a listed household that has a rural dibao enrolment beginning
this month or later. Persons: the enrolment's persons, else the household's living members in
the registry. A listed row without a household in our registry cannot be counted and is left
out (the finding list shows it)."""

from __future__ import annotations

from jiuzhu.core import params
from jiuzhu.core.month import Month
from jiuzhu.payments.models import EnrolmentChange

from . import selectors, selectors_screening
from .definitions import SUM, Acc, Row, group, leaf, region_rows
from .scope import Scope

URBAN, RURAL = "dibao_urban", "dibao_rural"
IMPROVED, VIOLATION, OTHER = "improved", "violation", "other"


def _hp(prefix: str, kind: str = "enrolment"):
    return leaf("户数", f"{prefix}.h", kind), leaf("人数", f"{prefix}.p", kind, SUM)


URBAN_CODE = "urban_dynamic"
URBAN_TITLE = "城市低保对象动态管理情况统计表"
URBAN_COLUMNS = (
    group("动态管理前城市低保对象", *_hp("before")),
    group("动态管理后城市低保对象", *_hp("after")),
    group("新增城市低保", *_hp("new")),
    group(
        "退出城市低保",
        group("小计", *_hp("exit")),
        group("其中：家庭情况好转退出", *_hp("improved")),
        group("其中：违规享受本次退出", *_hp("violation")),
    ),
)


def exit_cause(kind: str, source: str, check_code: str | None, reviewed: bool) -> str:
    """Why an enrolment left (pure): improved circumstances, a violation, or another ground."""
    if kind == EnrolmentChange.Kind.GRADUAL_EXIT or reviewed:
        return IMPROVED
    if source.startswith("核查发现#") and check_code not in (None, "death"):
        return VIOLATION
    return OTHER


def finding_id(source: str) -> int | None:
    """The finding a change was decided on: "核查发现#12（…）" → 12."""
    if not source.startswith("核查发现#"):
        return None
    digits = source[len("核查发现#") :].split("（")[0]
    return params.int_param({"id": digits}, "id")


def exit_causes(enrolment_ids) -> dict[int, str]:
    stops = selectors.stop_changes(enrolment_ids)
    checks = selectors.finding_checks({finding_id(src) for _k, src in stops.values()} - {None})
    reviewed = selectors.review_exits(enrolment_ids)
    out = {}
    for pk in enrolment_ids:
        kind, source = stops.get(pk, ("", ""))
        found = finding_id(source)
        check = checks.get(found) if found is not None else None
        out[pk] = exit_cause(kind, source, check, pk in reviewed)
    return out


def _add_enrolments(acc: Acc, scope: Scope, prefix: str, enrolments) -> None:
    col = 2 if scope.child_field() == "township_id" else 3
    for e in enrolments:
        acc.add(e[col], f"{prefix}.h", e[0])
        acc.add(e[col], f"{prefix}.p", e[0], e[4])


def build_urban(scope: Scope, month: Month) -> tuple[list[Row], Row, tuple[str, ...]]:
    acc = Acc(URBAN_COLUMNS)
    codes = (URBAN,)
    _add_enrolments(acc, scope, "before", selectors.enrolments_in_force(scope, month.prev(), codes))
    _add_enrolments(acc, scope, "after", selectors.enrolments_in_force(scope, month, codes))
    _add_enrolments(acc, scope, "new", selectors.enrolments_started(scope, month, codes))
    exited = selectors.enrolments_exited(scope, month, codes)
    _add_enrolments(acc, scope, "exit", exited)
    causes = exit_causes([e[0] for e in exited])
    for cause in (IMPROVED, VIOLATION):
        _add_enrolments(acc, scope, cause, [e for e in exited if causes[e[0]] == cause])
    rows, total = region_rows(acc, scope.rows())
    notes = (
        f"动态管理前：{month.prev().label}在保；动态管理后：{month.label}在保；"
        f"退出：自{month.label}起停保。",
        "家庭情况好转退出：渐退或复核结论为退出；违规享受退出：依据比对核查发现（死亡除外）停保。",
    )
    return rows, total, notes


RURAL_CODE = "rural_screening"
RURAL_TITLE = "农村低保对象排查情况统计表"
RURAL_COLUMNS = (
    group(
        "本次排查的对象（含现有低保对象、曾申请未通过的对象、动态管理已退出的对象、建档立卡贫困户）",
        *_hp("all", "household"),
        group("其中：本次清退不符合条件低保对象", *_hp("cleared", "household")),
        group("其中：本次纳入低保对象", *_hp("included", "household")),
    ),
    group(
        "曾提交申请但审批未通过的对象",
        *_hp("refused", "household"),
        group("其中：本次纳入低保对象", *_hp("refused_in", "household")),
    ),
    group(
        "动态管理中已退出的低保对象",
        *_hp("exited", "household"),
        group("其中：本次重新纳入低保对象", *_hp("exited_in", "household")),
    ),
    group(
        "未纳入农村低保的建档立卡贫困户",
        *_hp("poverty", "household"),
        group("其中：本次纳入低保对象", *_hp("poverty_in", "household")),
    ),
)


def build_rural(scope: Scope, month: Month) -> tuple[list[Row], Row, tuple[str, ...]]:
    acc = Acc(RURAL_COLUMNS)
    col = 2 if scope.child_field() == "township_id" else 3
    current = selectors.enrolments_in_force(scope, month.prev(), (RURAL,))
    people: dict[int, tuple[int, int]] = {}  # household → (row, persons)
    for e in current:
        people[e[1]] = (e[col], people.get(e[1], (0, 0))[1] + e[4])
    exited = selectors.enrolments_exited(scope, month, (RURAL,))
    causes = exit_causes([e[0] for e in exited])
    cleared = {e[1] for e in exited if causes[e[0]] != OTHER}
    listed = selectors_screening.listed_households(scope, month)
    included = selectors_screening.included_since(scope, month, RURAL)
    for h, (row, persons) in selectors_screening.household_people(listed, col).items():
        people.setdefault(h, (row, persons))
    for prefix, households in listed.items():
        for h in households:
            _add_household(acc, people, prefix, h)
            if h in included:
                _add_household(acc, people, f"{prefix}_in", h)
                _add_household(acc, people, "included", h)
    for h in people:
        _add_household(acc, people, "all", h)
    for h in cleared & people.keys():
        _add_household(acc, people, "cleared", h)
    rows, total = region_rows(acc, scope.rows())
    notes = (
        f"现有低保对象：{month.prev().label}在保的农村低保家庭；曾申请未通过、已退出、建档立卡未纳入："
        f"{month.label}复查名单（比对核查发现）中的家庭。",
        "本次纳入：名单中的家庭有自本月起的农村低保；本次清退：自本月起因家庭情况好转或违规停保。",
    )
    return rows, total, notes


def _add_household(acc: Acc, people, prefix: str, h: int) -> None:
    row, persons = people[h]
    acc.add(row, f"{prefix}.h", h)
    acc.put(row, f"{prefix}.p", h, persons)
