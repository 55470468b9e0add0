"""The roster (在保名册), its export and village sheet, and a household's payment history."""

import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.cases.models import Application
from jiuzhu.core.month import Month
from jiuzhu.payments import rules
from jiuzhu.payments.models import Enrolment, EnrolmentChange, Payroll, PayrollLine, Recovery
from jiuzhu.payments.roster import RosterFilter, roster_for
from jiuzhu.programmes.models import Programme
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B, first_village

pytestmark = pytest.mark.django_db
FULL_ACCOUNT = "6230901234567890123"  # make_household's account
_n = itertools.count(1)


def _enrol(household, user, *, amount="500.00", start="2026-01", members=2, **extra):
    n = next(_n)
    programme = Programme.objects.get(code="dibao_rural")
    app = Application.objects.create(
        number=f"SQ-R-{n:06d}",
        household=household,
        programme=programme,
        county=household.county,
        township=household.township,
        village=household.village,
        status="enrolled",
        reason="生活困难",
        created_by=user,
    )
    values = {"payroll_from": start, **extra}
    return Enrolment.objects.create(
        household=household,
        programme=programme,
        application=app,
        county=household.county,
        township=household.township,
        village=household.village,
        members=members,
        monthly_amount=Decimal(amount),
        start_month=start,
        created_by=user,
        **values,
    )


def _change(enrolment, user, kind, month, old="0", new="0", status="approved"):
    return EnrolmentChange.objects.create(
        enrolment=enrolment,
        kind=kind,
        status=status,
        effective_month=month,
        payroll_month=month,
        old_amount=Decimal(old),
        new_amount=Decimal(new),
        reason="测试",
        created_by=user,
    )


def _roster(user, month, **kw):
    return roster_for(user=user, filters=RosterFilter(month=month, **kw))


def test_amount_for_each_month_agrees_with_the_rule(users, make_household):
    county = users["county"]
    e = _enrol(make_household(), county, amount="520.00")
    _change(e, county, "amount", "2026-04", "300.00", "400.00")
    _change(e, county, "reprice", "2026-07", "400.00", "520.00")
    _change(e, county, "amount", "2026-09", "520.00", "999.00", status="returned")  # not counted
    _change(e, county, "suspend", "2026-05")
    _change(e, county, "resume", "2026-06")
    facts = [
        rules.ChangeFact(c.pk, c.kind, c.effective_month, c.old_amount, c.new_amount)
        for c in e.changes.filter(status="approved")
    ]
    month = Month.parse("2025-12")
    for _ in range(12):
        expected = rules.due_for_month(
            month=str(month),
            payroll_from=e.payroll_from,
            start_month=e.start_month,
            end_month=e.end_month,
            current_amount=e.monthly_amount,
            changes=facts,
        )
        roster = _roster(county, str(month))
        assert (e.pk in roster.ids) == expected.paid, str(month)
        assert roster.amount == expected.amount, str(month)
        if expected.paid:
            assert roster.rows([e.pk])[0].amount == expected.amount
        month = month.next()
    assert _roster(county, "2026-03").amount == Decimal("300.00")  # before a later change: old
    assert _roster(county, "2026-08").amount == Decimal("520.00")
    assert _roster(county, "2026-05", status="suspended").ids == [e.pk]
    assert _roster(county, "2026-05", status="stopped").ids == [e.pk]  # suspended from May


def test_no_payroll_before_the_new_change_is_approved(users, make_household):
    county = users["county"]
    e = _enrol(make_household(), county, payroll_from="")
    assert _roster(county, "2026-03").ids == []
    Enrolment.objects.filter(pk=e.pk).update(payroll_from="2026-01")
    assert _roster(county, "2026-03").ids == [e.pk]


def test_filters_status_labels_and_totals(users, regions, make_household):
    county = users["county"]
    plain = _enrol(make_household(head_name="龙一"), county, amount="300.00", members=2)
    new = _enrol(make_household(head_name="龙二"), county, amount="200.00", start="2026-11")
    gradual = _enrol(
        make_household(head_name="石三"),
        county,
        amount="100.00",
        members=3,
        gradual_exit_from="2026-09",
        end_month="2027-02",
    )
    stopped = _enrol(
        make_household(head_name="麻四"),
        county,
        end_month="2026-10",
        status="stopped",
        exit_reason="收入超过标准",
    )
    other_town = _enrol(make_household(TOWNSHIP_B, head_name="吴五"), county, amount="50.00")
    m = "2026-11"
    everyone = _roster(county, m)
    assert set(everyone.ids) == {plain.pk, new.pk, gradual.pk, other_town.pk}
    assert everyone.households == 4 and everyone.persons == 2 + 2 + 3 + 2
    assert everyone.amount == Decimal("650.00")
    assert _roster(county, m, status="active").ids.count(gradual.pk) == 0
    assert _roster(county, m, status="gradual").ids == [gradual.pk]
    assert _roster(county, m, status="new").ids == [new.pk]
    assert _roster(county, m, status="stopped").ids == [stopped.pk]
    assert _roster(county, m, query="石三").ids == [gradual.pk]
    assert _roster(county, m, query=plain.household.number).ids == [plain.pk]
    assert _roster(county, m, region_id=regions[TOWNSHIP_B].pk).ids == [other_town.pk]
    assert _roster(county, m, programme_id=Programme.objects.get(code="temporary").pk).ids == []
    row = _roster(county, m, status="gradual").rows([gradual.pk])[0]
    assert row.status_label == "渐退中，至2027年2月止"
    stopped_row = _roster(county, m, status="stopped").rows([stopped.pk])[0]
    assert stopped_row.status_label == "本月停发" and stopped_row.note == "收入超过标准"

    page = _page(county, month=m, status="gradual")
    assert "渐退中，至2027年2月止" in page and "¥100.00" in page and "石三" in page
    assert "龙一" not in page


def _page(user, url=None, **query):
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(url or reverse("payments:roster"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_township_and_village_users_see_only_their_own(users, regions, make_household):
    county = users["county"]
    village_a = first_village(regions, TOWNSHIP_A)
    other_village = sorted(
        (r for r in regions.values() if r.parent_id == regions[TOWNSHIP_A].pk), key=lambda r: r.code
    )[1]
    in_village = _enrol(make_household(head_name="龙村内"), county)
    elsewhere_in_town = _enrol(make_household(village=other_village, head_name="龙村外"), county)
    other_town = _enrol(make_household(TOWNSHIP_B, head_name="石外镇"), county)
    m = "2026-11"
    assert set(_roster(users["officer_a"], m).ids) == {in_village.pk, elsewhere_in_town.pk}
    assert _roster(users["officer_b"], m).ids == [other_town.pk]
    assert _roster(users["village_a"], m).ids == [in_village.pk]
    # a region filter outside the user's jurisdiction finds nothing
    assert _roster(users["officer_b"], m, region_id=village_a.pk).ids == []
    page = _page(users["officer_b"], month=m)
    assert "石外镇" in page and "龙村内" not in page and "龙村外" not in page
    page = _page(users["village_a"], month=m)
    assert "龙村内" in page and "龙村外" not in page
    # the other township's household history and village sheet are 404
    from django.test import Client

    client = Client()
    client.force_login(users["officer_b"])
    assert (
        client.get(reverse("payments:household", args=[in_village.household_id])).status_code == 404
    )
    sheet = reverse("payments:roster_village_print", args=[village_a.pk])
    assert client.get(sheet).status_code == 404


def test_export_has_the_rows_and_no_full_account_number(client, users, make_household):
    county = users["county"]
    a = _enrol(make_household(head_name="龙导出"), county, amount="321.50")
    _enrol(make_household(TOWNSHIP_B, head_name="石导出"), county, amount="100.00")
    client.force_login(users["officer_a"])
    response = client.get(reverse("payments:roster_export"), {"month": "2026-11"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][1] == "家庭编号"
    assert values[1][1] == a.household.number and values[1][2] == "龙导出"
    assert values[1][8] == Decimal("321.50") or values[1][8] == 321.5
    assert values[1][13] == a.household.bank_account_masked and values[1][13] != FULL_ACCOUNT
    assert values[-1][0] == "合计" and values[-1][7] == 2
    text = "".join(str(v) for row in values for v in row if v is not None)
    assert FULL_ACCOUNT not in text and "石导出" not in text
    assert len(values) == 3  # header, one row, totals


def test_village_sheet_prints_rows_and_totals(client, users, regions, make_household):
    county = users["county"]
    village = first_village(regions, TOWNSHIP_A)
    _enrol(make_household(head_name="龙甲"), county, amount="300.00", members=2)
    _enrol(make_household(head_name="龙乙"), county, amount="450.50", members=3)
    client.force_login(users["village_a"])
    url = reverse("payments:roster_village_print", args=[village.pk])
    page = client.get(url, {"month": "2026-11"}).content.decode()
    assert "村级在保名册" in page and village.name in page and "2026年11月" in page
    assert "龙甲" in page and "龙乙" in page
    totals = page.split('id="village-totals"')[1].split("</tr>")[0]
    assert "2户" in totals and "5人" in totals and "¥750.50" in totals
    assert "村（居）民委员会意见" in page and "乡镇人民政府" in page


def _payroll(county_region, user, month, number, kind="regular", batch=1, status="released"):
    return Payroll.objects.create(
        county=county_region,
        programme=Programme.objects.get(code="dibao_rural"),
        month=month,
        kind=kind,
        batch=batch,
        number=number,
        status=status,
        generated_by=user,
    )


def _line(payroll, e, seq, amount, **extra):
    return PayrollLine.objects.create(
        payroll=payroll,
        seq=seq,
        kind=extra.pop("kind", "regular"),
        for_month=extra.pop("for_month", payroll.month),
        enrolment=e,
        household=e.household,
        township=e.township,
        village=e.village,
        members=e.members,
        payee_name=e.household.head_name,
        bank_account_masked="6230****0123",
        amount=Decimal(amount),
        line_hash="x" * 64,
        **extra,
    )


def test_household_history_shows_lines_and_outcomes(client, users, regions, make_household):
    county = users["county"]
    e = _enrol(make_household(head_name="龙历史"), county, amount="300.00")
    _change(e, county, "amount", "2026-10", "300.00", "350.00")
    region = regions["433123000000"]
    sep = _payroll(region, county, "2026-09", "FF-2026-09-1")
    octo = _payroll(region, county, "2026-10", "FF-2026-10-1")
    supp = _payroll(region, county, "2026-10", "FF-2026-10-S2", kind="supplementary", batch=2)
    nov = _payroll(region, county, "2026-11", "FF-2026-11-1", status="generated")
    _line(sep, e, 1, "300.00", outcome="paid", paid_amount=Decimal("300.00"))
    returned = _line(
        octo,
        e,
        1,
        "350.00",
        outcome="returned",
        returned_amount=Decimal("350.00"),
        return_reason="账户已销户",
    )
    _line(supp, e, 1, "350.00", kind="reissue", reissue_of=returned, for_month="2026-10")
    recovered = _line(nov, e, 1, "350.00")
    recovery = Recovery.objects.create(
        county=region,
        township=e.township,
        village=e.village,
        household=e.household,
        enrolment=e,
        cause="other",
        amount=Decimal("350.00"),
        recovered_amount=Decimal("350.00"),
        status="recovered",
        created_by=county,
    )
    recovery.lines.add(recovered)
    client.force_login(users["officer_a"])
    page = client.get(reverse("payments:household", args=[e.household_id])).content.decode()
    assert "龙历史" in page and "金额调整" in page and "已审批" in page
    lines = page.split('id="payment-lines"')[1]
    assert "2026年9月" in lines and "FF-2026-09-1" in lines and "已发放" in lines
    assert "退回（账户已销户），已重发（FF-2026-10-S2）" in lines
    assert "重发自FF-2026-10-1" in lines
    assert "待发放，已追回" in lines
    assert lines.index("2026年11月") < lines.index("2026年9月")  # newest first
    detail = client.get(reverse("registry:household_detail", args=[e.household_id]))
    assert reverse("payments:household", args=[e.household_id]) in detail.content.decode()
