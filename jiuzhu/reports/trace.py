"""The list behind a number of a form (R21: every figure can be traced): the households,
enrolments, payroll lines, clues… whose keys the cell kept, one page at a time, each with the
weight it adds (a line's amount, an enrolment's persons), so the list adds up to the number.

Only what the form shows is listed, and the form was built for a region in the reader's
jurisdiction, so nothing here widens what the reader may see; names are shown, ID numbers and
accounts only masked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from jiuzhu.core.errors import ValidationFailed
from jiuzhu.crosscheck.models import Finding
from jiuzhu.payments.models import Enrolment, PayrollLine, Recovery, RecoveryPayment
from jiuzhu.registry.models import Household
from jiuzhu.supervision.models import Clue, RectificationItem

from . import lines
from .definitions import SUM, Cell, Col, FormResult
from .models import ServicePurchase
from .services import form_build


@dataclass(frozen=True)
class Kind:
    """What a kind of key is: its model, the related rows to load, the columns of its list."""

    label: str
    model: type
    related: tuple[str, ...]
    columns: tuple[tuple[str, Callable], ...]


def _place(o) -> str:
    village = getattr(o, "village", None)
    township = getattr(o, "township", None)
    return "".join(r.name for r in (township, village) if r is not None)


TRACE_KINDS: dict[str, Kind] = {
    "household": Kind(
        "家庭",
        Household,
        ("township", "village"),
        (("家庭编号", lambda o: o.number), ("户主", lambda o: o.head_name), ("地区", _place)),
    ),
    "enrolment": Kind(
        "保障对象",
        Enrolment,
        ("household", "programme", "township", "village"),
        (
            ("家庭编号", lambda o: o.household.number),
            ("户主", lambda o: o.household.head_name),
            ("救助项目", lambda o: o.programme.name),
            ("地区", _place),
            ("起始月份", lambda o: o.start_month),
            ("终止月份", lambda o: o.end_month or "—"),
        ),
    ),
    "line": Kind(
        "发放明细",
        PayrollLine,
        ("payroll__programme", "township", "village"),
        (
            ("名册编号", lambda o: o.payroll.number),
            ("救助项目", lambda o: o.payroll.programme.name),
            ("收款人", lambda o: o.payee_name),
            ("类别", lambda o: o.get_kind_display()),
            ("地区", _place),
        ),
    ),
    "clue": Kind(
        "问题线索",
        Clue,
        ("township", "village"),
        (
            ("线索编号", lambda o: o.number),
            ("受理日期", lambda o: o.received_on),
            ("问题类别", lambda o: o.get_category_display()),
            ("状态", lambda o: o.get_status_display()),
            ("地区", _place),
        ),
    ),
    "item": Kind(
        "整改事项",
        RectificationItem,
        ("township",),
        (
            ("整改编号", lambda o: o.number),
            ("列入日期", lambda o: o.opened_on),
            ("整改时限", lambda o: o.deadline),
            ("状态", lambda o: o.get_status_display()),
            ("乡镇", _place),
        ),
    ),
    "finding": Kind(
        "比对核查发现",
        Finding,
        ("township", "village"),
        (
            ("编号", lambda o: o.pk),
            ("对象", lambda o: o.subject_name),
            ("摘要", lambda o: o.summary),
            ("状态", lambda o: o.get_status_display()),
            ("地区", _place),
        ),
    ),
    "recovery": Kind(
        "追回",
        Recovery,
        ("household", "township", "village"),
        (
            ("家庭编号", lambda o: o.household.number),
            ("户主", lambda o: o.household.head_name),
            ("原因", lambda o: o.get_cause_display()),
            ("状态", lambda o: o.get_status_display()),
            ("地区", _place),
        ),
    ),
    "recovery_payment": Kind(
        "追回记录",
        RecoveryPayment,
        ("recovery__household",),
        (
            ("家庭编号", lambda o: o.recovery.household.number),
            ("户主", lambda o: o.recovery.household.head_name),
            ("追回日期", lambda o: o.paid_on),
        ),
    ),
    "purchase": Kind(
        "购买服务合同",
        ServicePurchase,
        ("township",),
        (
            ("合同编号", lambda o: o.contract_number),
            ("承接社会组织", lambda o: o.provider),
            ("服务内容", lambda o: o.content),
            ("服务期", lambda o: f"{o.start_on:%Y-%m-%d}至{o.end_on:%Y-%m-%d}"),
        ),
    ),
}


@dataclass
class Trace:
    """A traced figure: the form, the row's label, the column, the cell, its kind."""

    form: FormResult
    row_label: str
    column: Col
    cell: Cell
    kind: Kind

    @property
    def weighted(self) -> bool:
        return self.column.measure == SUM

    def header(self) -> list[str]:
        extra = [self.column.label] if self.weighted else []
        return [label for label, _f in self.kind.columns] + extra

    def rows(self, keys: list, weights: list | None = None) -> list[list]:
        """The list's rows for some of the keys (a page), in key order."""
        objects = self.kind.model.objects.select_related(*self.kind.related).in_bulk(keys)
        out = []
        for i, key in enumerate(keys):
            o = objects.get(key)
            values = [f(o) if o is not None else "（已不存在）" for _l, f in self.kind.columns]
            if self.weighted:
                values.append(weights[i])
            out.append(values)
        return out


def figure_trace(*, actor, code: str, region, month: str, row: str, column: str) -> Trace:
    """The list behind one figure: `row` is a row's region id or ``total`` (合计)."""
    form = form_build(actor=actor, code=code, region=region, month=month)
    col = next((c for c in form.leaves() if c.key == column), None)
    if col is None or col.kind not in TRACE_KINDS:
        raise ValidationFailed("该栏目不能追溯明细")
    if row == "total":
        found = form.total
    else:
        found = form.row_for(int(row)) if re.fullmatch(r"[0-9]{1,12}", str(row)) else None
    if found is None or column not in found.cells:
        raise ValidationFailed("没有找到该行")
    cell = found.cells[column]
    if cell.spec is not None:  # a figure over payroll lines: select its lines now
        keys, weights = lines.resolve(cell.spec)
        cell = Cell(cell.value, keys, weights, cell.spec)
    return Trace(form, found.label, col, cell, TRACE_KINDS[col.kind])
