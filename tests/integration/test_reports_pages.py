"""The forms' pages and files (R21): every traced number's list adds up to it, every generated
xlsx has the official layout (title, merged multi-row header, rows, 合计 equal to the rows), a
sealed month is reproducible while an open month follows the data, and the service-purchase
register records with permission and audit."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.core.models import AuditEntry
from jiuzhu.payments.models import PayrollLine
from jiuzhu.reports.definitions import COUNT, SUM, header_grid, leaves
from jiuzhu.reports.lines import resolve
from jiuzhu.reports.models import FrozenForm, ServicePurchase
from jiuzhu.reports.services import FORMS, form_build, form_seal
from tests.conftest import TOWNSHIP_A

from .reports_world import MONTH, build_world, pay

pytestmark = pytest.mark.django_db
COUNTY = "433123000000"
PERIOD = {"month": MONTH, "quarter": "2026-Q4", "half": "2026-H2"}


@pytest.fixture
def world(regions, users, make_household):
    return build_world(regions, users, make_household)


def _period(code):
    return PERIOD[FORMS[code].period]


def _number(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


@pytest.mark.parametrize("code", sorted(FORMS))
def test_every_traced_number_adds_up(client, world, code):
    client.force_login(world.users["county"])
    page = client.get(reverse("reports:form", args=[code]), {"month": _period(code)})
    assert page.status_code == 200
    html = page.content.decode()
    links = re.findall(r'<a class="traced" href="([^"]+)">([^<]+)</a>', html)
    if FORMS[code].is_register:
        assert not links and "龙一" in html
        return
    assert links, "a form of the test county has traced figures"
    for href, text in links:
        href = href.replace("&amp;", "&")
        listed = client.get(href)
        assert listed.status_code == 200
        body = listed.content.decode()
        count = int(re.search(r'id="trace-count">(\d+)<', body).group(1))
        weights = re.findall(r'class="text-end weight">([^<]+)<', body)
        if weights:
            assert sum(_number(w) for w in weights) == _number(text), href
        else:
            assert count == _number(text), href
            assert body.count("<tr>") - 1 == count  # header row + one row per key (< a page)


def test_trace_pages_and_exports_by_page(client, world):
    """A list longer than a page is paginated and its export holds every line."""
    client.force_login(world.users["county"])
    e = world.enrolments["a1"]
    for _ in range(60):
        pay(world, e, "1.00", PayrollLine.Kind.ARREARS)
    query = {"region": world.county.pk, "month": MONTH, "row": "total", "col": "all.a"}
    first = client.get(reverse("reports:trace", args=["assistance_monthly"]), query)
    assert "下一页" in first.content.decode()
    data = client.get(reverse("reports:trace_export", args=["assistance_monthly"]), query)
    sheet = load_workbook(io.BytesIO(data.content)).active
    amounts = [r[-1] for r in sheet.iter_rows(min_row=4, values_only=True)]
    result = form_build(
        actor=world.users["county"], code="assistance_monthly", region=COUNTY, month=MONTH
    )
    assert sum(amounts) == result.total.cells["all.a"].value
    assert AuditEntry.objects.filter(action="reports.trace_export").exists()


@pytest.mark.parametrize("code", sorted(FORMS))
def test_every_xlsx_has_the_official_layout(client, world, code):
    client.force_login(world.users["county"])
    response = client.get(reverse("reports:export", args=[code]), {"month": _period(code)})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    result = form_build(actor=world.users["county"], code=code, region=COUNTY, month=_period(code))
    assert sheet["A1"].value == result.title
    assert str(sheet["A3"].value).startswith("填报单位（公章）")
    depth, blocks = header_grid(result.columns, result.first_header)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    for b in blocks:
        cell = sheet.cell(row=4 + b.row, column=b.col + 1)
        assert cell.value == b.label
        if b.rowspan > 1 or b.colspan > 1:
            top, left = 4 + b.row, b.col + 1
            ref = f"{cell.coordinate}:{sheet.cell(row=top + b.rowspan - 1, column=left + b.colspan - 1).coordinate}"
            assert ref in merged, ref
    cols = leaves(result.columns)
    first_data = 4 + depth
    labels = [sheet.cell(row=first_data + i, column=1).value for i in range(len(result.rows))]
    assert labels == [r.label for r in result.rows]
    if result.total is None:
        return
    total_row = first_data + len(result.rows)
    assert sheet.cell(row=total_row, column=1).value == "合计"
    for i, col in enumerate(cols, start=2):
        if col.measure not in (COUNT, SUM):
            continue
        rows = [
            sheet.cell(row=first_data + j, column=i).value or 0 for j in range(len(result.rows))
        ]
        total = sheet.cell(row=total_row, column=i).value
        assert total == sum(rows) == result.total.cells[col.key].value, col.key
    footer = [sheet.cell(row=r, column=1).value for r in range(total_row + 1, sheet.max_row + 1)]
    assert any(str(v).startswith("统计经办人员") for v in footer)
    assert AuditEntry.objects.filter(action="reports.export").exists()


def test_a_sealed_month_is_reproducible_and_an_open_month_follows_the_data(client, world):
    admin = world.users["county"]
    before = form_build(actor=admin, code="assistance_monthly", region=COUNTY, month=MONTH)
    sealed = form_seal(actor=admin, month=MONTH)
    assert [s.period for s in sealed] == [MONTH]
    assert FrozenForm.objects.filter(period=MONTH, code="assistance_monthly").count() > 1
    # the data change after sealing: a November arrears line, and a December payroll
    pay(world, world.enrolments["a1"], "77.00", PayrollLine.Kind.ARREARS)
    after = form_build(actor=admin, code="assistance_monthly", region=COUNTY, month=MONTH)
    assert after.frozen_at is not None
    assert after.total.cells["all.a"].value == before.total.cells["all.a"].value
    assert after.total.cells["all.a"].spec == before.total.cells["all.a"].spec
    assert resolve(after.total.cells["all.a"].spec) == resolve(before.total.cells["all.a"].spec)
    assert sum(resolve(after.total.cells["all.a"].spec)[1]) == before.total.cells["all.a"].value
    # a township officer's view of a village of the sealed month reads the township's copy
    village = world.households[0].village
    officer = world.users["officer_a"]
    v = form_build(actor=officer, code="assistance_monthly", region=village.pk, month=MONTH)
    assert v.frozen_at and v.total.cells["all.a"].value == Decimal("2150.00")  # a1, a2, a3
    # the open month (October, unsealed) reflects a change at once
    october = form_build(actor=admin, code="assistance_monthly", region=COUNTY, month="2026-10")
    line = pay(world, world.enrolments["a1"], "10.00")
    line.payroll.month = "2026-10"
    line.payroll.number = "FF-R-oct"
    line.payroll.pk = None
    line.payroll.save()
    PayrollLine.objects.filter(pk=line.pk).update(payroll=line.payroll)
    again = form_build(actor=admin, code="assistance_monthly", region=COUNTY, month="2026-10")
    assert again.frozen_at is None
    assert again.total.cells["all.a"].value == october.total.cells["all.a"].value + 10
    page = client.get(reverse("reports:form", args=["assistance_monthly"]), {"month": MONTH})
    assert page.status_code == 302  # anonymous: to the login page
    client.force_login(admin)
    page = client.get(reverse("reports:form", args=["assistance_monthly"]), {"month": MONTH})
    assert "已封存于" in page.content.decode()


def test_sealing_is_for_county_approvers_and_ended_months(world):
    from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed

    with pytest.raises(PermissionDenied):
        form_seal(actor=world.users["officer_a"], month=MONTH)
    with pytest.raises(ValidationFailed, match="尚未结束"):
        form_seal(actor=world.users["county"], month="2099-01")
    form_seal(actor=world.users["county"], month=MONTH)
    with pytest.raises(Conflict):
        form_seal(actor=world.users["county"], month=MONTH)


def test_seal_page_posts(client, world):
    client.force_login(world.users["county"])
    assert client.get(reverse("reports:index")).status_code == 200
    response = client.post(reverse("reports:seal"), {"month": "2026-12"})
    assert response.status_code == 302
    assert not FrozenForm.objects.filter(period="2026-12").exists()  # December has not ended
    client.post(reverse("reports:seal"), {"month": "2026-09"})
    assert FrozenForm.objects.filter(period="2026-Q3", code="services_quarterly").exists()
    assert AuditEntry.objects.filter(action="reports.seal").count() == 2


def test_other_townships_regions_are_refused_without_naming_them(client, world, regions):
    from tests.conftest import TOWNSHIP_B

    client.force_login(world.users["officer_a"])
    response = client.get(
        reverse("reports:form", args=["assistance_monthly"]),
        {"region": regions[TOWNSHIP_B].pk, "month": MONTH},
    )
    assert response.status_code == 400
    assert regions[TOWNSHIP_B].name not in response.content.decode()
    response = client.get(
        reverse("reports:form", args=["assistance_monthly"]), {"month": "2026-1x"}
    )
    assert "月份格式" in response.content.decode()


def test_purchase_register(client, world, regions):
    client.force_login(world.users["county"])
    form = {
        "township": regions[TOWNSHIP_A].pk,
        "contract_number": "GM-2026-02",
        "provider": "=HYPERLINK(1)",
        "content_kind": "care",
        "content": "照料护理",
        "amount": "12000.00",
        "start_on": "2026-10-01",
        "end_on": "2026-12-31",
        "persons_served": "40",
    }
    assert client.post(reverse("reports:purchases"), form).status_code == 302
    p = ServicePurchase.objects.get(contract_number="GM-2026-02")
    assert p.amount == Decimal("12000.00")
    assert AuditEntry.objects.filter(action="reports.purchase_record").exists()
    bad = client.post(
        reverse("reports:purchases"), {**form, "contract_number": "GM-3", "end_on": "2026-01-01"}
    )
    assert "服务期止不能早于服务期起" in bad.content.decode()
    client.force_login(world.users["officer_a"])
    assert client.post(reverse("reports:purchases"), form).status_code == 403
    assert "GM-2026-02" in client.get(reverse("reports:purchases")).content.decode()
    result = form_build(
        actor=world.users["county"], code="services_quarterly", region=COUNTY, month="2026-Q4"
    )
    assert result.total.cells["care.a"].value == Decimal("12000.00")


def test_self_report_is_prefilled(client, world):
    client.force_login(world.users["officer_a"])
    page = client.get(reverse("reports:self_report"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "龙一" in html and "父母" in html
    assert re.search(r'<tr class="relative"><td>龙一</td><td>[^<]*</td><td>是</td>', html)
    client.force_login(world.users["officer_b"])
    other = client.get(reverse("reports:self_report"), {"user": world.users["officer_a"].pk})
    assert other.status_code == 400 and "龙一" not in other.content.decode()
    assert date.today()  # the page is dated when printed


HOSTILE = ["99999999999999999999", "-1", "abc", "１２", "²", "\x00", "a" * 5000, "2026-13", "%"]


@pytest.mark.parametrize(
    "name", ["reports:form", "reports:trace", "reports:export", "reports:trace_export"]
)
def test_hostile_query_parameters_never_give_a_server_error(client, world, name):
    client.force_login(world.users["officer_a"])
    for value in HOSTILE:
        for code in ("assistance_monthly", "kin_register", value[:20]):
            query = {"region": value, "month": value, "row": value, "col": value, "page": value}
            response = client.get(
                reverse(name, args=[code]) if code.isidentifier() else reverse(name, args=["x"]),
                query,
            )
            assert response.status_code < 500, (name, code, value[:20])


def test_hostile_names_in_the_register_export_are_neutralised(client, world, make_household):
    from jiuzhu.core.spreadsheet import DANGEROUS_FIRST
    from jiuzhu.registry.models import KinDeclaration

    from .payment_builders import enrolment

    payload = '=HYPERLINK("http://x","y")'
    h = make_household(TOWNSHIP_A, size=1, head_name=payload)
    h.address = "+1+1"
    h.save(update_fields=["address"])
    enrolment(h, created_by=world.users["county"], programme="dibao_rural", members=1)
    head = h.members.get()
    KinDeclaration.objects.create(
        declarant_name="@SUM(1)",
        declarant_role="village_cadre",
        declarant_unit="-1+1",
        county=world.county,
        relative_name=head.name,
        relative_id_hash=head.id_hash,
        relative_id_masked=head.id_masked,
        kin="spouse",
        declared_on=date(2026, 3, 1),
        recorded_by=world.users["county"],
    )
    client.force_login(world.users["county"])
    response = client.get(reverse("reports:export", args=["kin_register"]), {"month": MONTH})
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + payload in texts and "'+1+1" in texts and "'@SUM(1)" in texts
    assert not [t for t in texts if t[0] in DANGEROUS_FIRST]
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
