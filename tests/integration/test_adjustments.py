"""提标调整 (R12): a new standard dated into a month already paid re-prices the county's
enrolments from that month; applied by another county officer, it becomes approved re-pricing
changes and arrears (补发) for the generated month."""

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.payments import adjustments
from jiuzhu.payments.models import Arrears, EnrolmentChange
from jiuzhu.programmes.benefit import BenefitCase, calculate
from jiuzhu.programmes.models import Programme, Standard
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.programmes.selectors import standard_in_force
from tests.conftest import TOWNSHIP_A

from .payment_builders import enrolment, payroll_with_line

COUNTY = "433123000000"
OCTOBER = date(2026, 10, 1)


@pytest.fixture
def county(regions):
    seed_county_defaults(county=regions[COUNTY])
    return regions[COUNTY]


@pytest.fixture
def officers(make_user):
    return {
        "admin": make_user("adj-admin", "county_admin", COUNTY),
        "reviewer": make_user("adj-reviewer", "county_reviewer", COUNTY),
        "township": make_user("adj-township", "township_officer", TOWNSHIP_A),
    }


def priced(county, household, on):
    return calculate(
        BenefitCase(county=county, programme_code="dibao_rural", household=household), on
    )


def raise_standard(county):
    """A higher rural dibao standard from October (by ¥50 a month, or ¥600 a year)."""
    current = standard_in_force(
        county=county, programme_code="dibao_rural", area="rural", on=OCTOBER
    )
    by = Decimal("600") if current.period == Standard.Period.YEARLY else Decimal("50")
    Standard.objects.create(
        county=county,
        programme=Programme.objects.get(code="dibao_rural"),
        area="rural",
        amount=current.amount + by,
        period=current.period,
        effective_from=OCTOBER,
        note="提高农村低保标准",
        created_by=system_actor("cli"),
    )


def test_a_new_standard_dated_back_is_reviewed_applied_and_back_paid(
    county, officers, make_household
):
    household = make_household(TOWNSHIP_A)
    old = priced(county, household, OCTOBER).amount
    assert old > 0
    e = enrolment(household, created_by=officers["admin"], amount=str(old))
    payroll_with_line(e, month="2026-10", amount=str(old), generated_by=officers["admin"])

    unchanged = adjustments.adjustment_compute(
        actor=officers["admin"], programme_code="dibao_rural", from_month="2026-10", reason="核对"
    )
    assert unchanged.lines == []

    raise_standard(county)
    new = priced(county, household, OCTOBER).amount
    assert new > old
    adj = adjustments.adjustment_compute(
        actor=officers["admin"], programme_code="dibao_rural", from_month="2026-10", reason="新标准"
    )
    assert adj.lines == [{"enrolment": e.pk, "old": str(old), "new": str(new)}]

    with pytest.raises(PermissionDenied, match="计算人以外"):
        adjustments.adjustment_apply(actor=officers["admin"], adjustment_id=adj.pk)
    adjustments.adjustment_apply(actor=officers["reviewer"], adjustment_id=adj.pk)
    adj.refresh_from_db()
    e.refresh_from_db()
    assert adj.status == "applied" and e.monthly_amount == new
    change = EnrolmentChange.objects.get(enrolment=e, kind="reprice")
    assert change.status == "approved" and change.effective_month == "2026-10"
    arrears = Arrears.objects.get(enrolment=e)
    assert (arrears.for_month, arrears.amount) == ("2026-10", new - old)


def test_programmes_priced_from_intake_data_are_not_repriced(county, officers):
    with pytest.raises(ValidationFailed, match="一次性救助"):
        adjustments.adjustment_compute(
            actor=officers["admin"], programme_code="temporary", from_month="2026-10", reason="x"
        )


def test_a_township_cannot_compute_an_adjustment(county, officers):
    with pytest.raises(PermissionDenied):
        adjustments.adjustment_compute(
            actor=officers["township"],
            programme_code="dibao_rural",
            from_month="2026-10",
            reason="新标准",
        )


def test_the_review_table_and_its_export(client, county, officers, make_household):
    from django.urls import reverse

    household = make_household(TOWNSHIP_A)
    old = priced(county, household, OCTOBER).amount
    enrolment(household, created_by=officers["admin"], amount=str(old))
    raise_standard(county)
    client.force_login(officers["admin"])
    response = client.post(
        reverse("payments:adjustment_list"),
        {"programme_code": "dibao_rural", "from_month": "2026-10", "reason": "新标准"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert household.head_name in page and "差额" in page
    assert "审批并执行调整" not in page  # the one who computed it cannot apply it
    export = client.get(response["Location"] + "export/")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
