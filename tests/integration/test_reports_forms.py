"""The official forms (R21): each form's 合计 is the sum of its rows, and its figures agree with the
same figures counted here independently, by plain loops over the ORM objects; the guards refuse
a region outside the actor's jurisdiction without naming it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.payments.models import Enrolment, PayrollLine
from jiuzhu.reports.definitions import COUNT, SUM
from jiuzhu.reports.lines import resolve
from jiuzhu.reports.services import FORMS, form_build
from jiuzhu.supervision.models import Clue, RectificationItem
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B

from .reports_world import MONTH, build_world

pytestmark = pytest.mark.django_db
COUNTY = "433123000000"


@pytest.fixture
def world(regions, users, make_household):
    return build_world(regions, users, make_household)


def _build(world, code, region=COUNTY, month=MONTH, actor="county"):
    return form_build(actor=world.users[actor], code=code, region=region, month=month)


def _value(result, township_code, key, regions):
    row = result.row_for(regions[township_code].pk)
    return row.cells[key].value


@pytest.mark.parametrize("code", sorted(FORMS))
def test_totals_are_the_sum_of_the_rows(world, code):
    result = _build(world, code)
    if result.total is None:
        return
    for col in result.leaves():
        if col.measure not in (COUNT, SUM):
            continue
        total = result.total.cells[col.key]
        assert total.value == sum(r.cells[col.key].value for r in result.rows), col.key
        keys, weights = (
            resolve(total.spec) if total.spec is not None else (total.keys, total.weights)
        )
        if col.measure == COUNT:
            assert total.value == len(keys)
        else:
            assert total.value == sum(weights)


def test_assistance_agrees_with_the_lines(world, regions):
    result = _build(world, "assistance_monthly")
    lines = list(
        PayrollLine.objects.filter(payroll__month=MONTH).select_related("payroll__programme")
    )
    for code, prefix in (("dibao_urban", "u"), ("dibao_rural", "r")):
        for township in (TOWNSHIP_A, TOWNSHIP_B):
            tid = regions[township].pk
            mine = [
                ln for ln in lines if ln.payroll.programme.code == code and ln.township_id == tid
            ]
            regular = [ln for ln in mine if ln.kind == "regular"]
            assert _value(result, township, f"{prefix}.a", regions) == sum(
                (ln.amount for ln in mine), Decimal(0)
            )
            assert _value(result, township, f"{prefix}.h", regions) == len(
                {ln.household_id for ln in regular}
            )
            assert _value(result, township, f"{prefix}.p", regions) == sum(
                ln.members for ln in regular
            )
    assert result.total.cells["all.a"].value == sum((ln.amount for ln in lines), Decimal(0))
    assert result.total.cells["all.a"].value == Decimal("3850.00")
    # a2 is new in November (urban, township A); the urban standard is 600
    assert _value(result, TOWNSHIP_A, "u.n", regions) == 1
    assert result.total.cells["u.std"].value == Decimal("600.00")
    assert result.total.cells["u.avg"].value == Decimal("300.00")  # (400 + 500) / 3 persons


def _in_force(e, month):
    return e.start_month <= month and (not e.end_month or e.end_month >= month) and e.payroll_from


def test_urban_dynamic_agrees_with_the_enrolments(world, regions):
    result = _build(world, "urban_dynamic")
    urban = [e for e in Enrolment.objects.all() if e.programme.code == "dibao_urban"]
    before = [e for e in urban if _in_force(e, "2026-10")]
    after = [e for e in urban if _in_force(e, MONTH)]
    total = result.total.cells
    assert total["before.h"].value == len(before) == 3
    assert total["before.p"].value == sum(e.members for e in before)
    assert total["after.h"].value == len(after) == 2
    assert total["new.h"].value == 1
    assert total["exit.h"].value == 2
    assert (
        total["after.h"].value
        == total["before.h"].value + total["new.h"].value - total["exit.h"].value
    )
    assert total["improved.h"].keys == [world.enrolments["b3"].pk]
    assert total["violation.h"].keys == [world.enrolments["b2"].pk]
    assert _value(result, TOWNSHIP_B, "violation.p", regions) == 2


def test_rural_screening(world, regions):
    result = _build(world, "rural_screening")
    total = result.total.cells
    # before November: a1 (3 persons) and b4 (1) rural; listed: a3 refused (2 living members)
    assert total["refused.h"].keys == [world.households[2].pk]
    assert total["refused.p"].value == 2
    assert total["all.h"].value == 3
    assert total["all.p"].value == 3 + 1 + 2
    assert total["cleared.h"].value == 0  # b4 left on a death: not 清退


def test_governance_monthly_agrees(world, regions):
    result = _build(world, "governance_monthly")
    total = result.total.cells
    clues = [c for c in Clue.objects.all() if c.received_on.strftime("%Y-%m") == MONTH]
    assert total["clue.in"].value == len(clues) == 3
    assert total["clue.closed"].value == 1
    assert total["clue.handed"].value == 1
    items = list(RectificationItem.objects.all())
    assert total["item.opened"].value == len(items)
    assert total["item.overdue"].value == 1
    assert total["item.closed"].value == 1
    assert total["finding.true"].value == 1
    assert total["recovery.due"].value == Decimal("1500.00")
    assert total["recovery.paid"].value == Decimal("500.00")
    assert total["removed.h"].value == 2  # b2 violation, b3 improved (b4 died)


def test_half_year_covers_six_months(world):
    result = _build(world, "governance_half", month="2026-H2")
    assert result.period == "2026-H2"
    assert result.total.cells["clue.in"].value == 3


def test_services_quarterly(world, regions):
    result = _build(world, "services_quarterly", month="2026-Q4")
    assert result.total.cells["all.a"].value == Decimal("80000.00")
    assert _value(result, TOWNSHIP_A, "casework.n", regions) == 1
    assert result.total.cells["care.n"].value == 0


def test_kin_register_lists_the_declared_recipient(world):
    result = _build(world, "kin_register")
    assert [r.cells["name"].value for r in result.rows] == ["龙一"]
    assert result.rows[0].cells["declarant"].value == "张干部"


def test_township_officer_sees_villages_of_their_township_only(world, regions):
    result = _build(world, "assistance_monthly", region=TOWNSHIP_A, actor="officer_a")
    assert all(
        regions_by_pk(regions)[r.region_id].parent_id == regions[TOWNSHIP_A].pk for r in result.rows
    )
    with pytest.raises(ValidationFailed) as refused:
        _build(world, "assistance_monthly", region=TOWNSHIP_B, actor="officer_a")
    assert regions[TOWNSHIP_B].name not in refused.value.message
    with pytest.raises(ValidationFailed):
        _build(world, "assistance_monthly", region=COUNTY, actor="officer_a")


def regions_by_pk(regions):
    return {r.pk: r for r in regions.values()}


def test_bad_month_and_code_give_chinese_errors(world):
    with pytest.raises(ValidationFailed, match="月份格式"):
        _build(world, "assistance_monthly", month="2026-13")
    with pytest.raises(ValidationFailed, match="没有该报表"):
        _build(world, "nope")


def test_an_actor_without_the_permission_is_refused(world, make_user):
    from jiuzhu.accounts.models import User

    nobody = User.objects.create(username="x", role="retired", region=world.county)
    with pytest.raises((PermissionDenied, ValidationFailed)):
        form_build(actor=nobody, code="assistance_monthly", region=COUNTY, month=MONTH)
