"""Payroll generation, its checks and its sign-off (R17): a small county with the changes a month
brings — an amount change, a suspension, a stop, a new enrolment not yet approved, a care
subsidy, arrears and an amount change dated after the month."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from jiuzhu.accounts.roles import PERMISSIONS, Perm, Role
from jiuzhu.cases.models import Application
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry, JobRun
from jiuzhu.payments import payroll_checks
from jiuzhu.payments.models import Arrears, Enrolment, EnrolmentChange, Payroll, PayrollLine
from jiuzhu.payments.payroll import payroll_generate, payroll_verify
from jiuzhu.payments.payroll_services import payroll_approve, payroll_release
from jiuzhu.programmes.models import Programme
from jiuzhu.programmes.seed import seed_county_defaults
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B

pytestmark = pytest.mark.django_db

MONTH = "2026-11"
COUNTY = "433123000000"
_numbers = itertools.count(1)


def enrol(household, user, *, amount, care="0", start="2026-01", payroll_from="2026-01", **extra):
    app = Application.objects.create(
        number=f"PAY{next(_numbers):06d}",
        household=household,
        programme=Programme.objects.get(code="dibao_rural"),
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        status="enrolled",
        created_by=user,
    )
    return Enrolment.objects.create(
        household=household,
        programme=app.programme,
        application=app,
        county_id=household.county_id,
        township_id=household.township_id,
        village_id=household.village_id,
        members=household.members.count(),
        monthly_amount=Decimal(amount),
        care_amount=Decimal(care),
        start_month=start,
        payroll_from=payroll_from,
        created_by=user,
        **extra,
    )


def change(enrolment, user, kind, effective, old="0", new="0", *, payroll_month=MONTH, **extra):
    return EnrolmentChange.objects.create(
        enrolment=enrolment,
        kind=kind,
        status=extra.pop("status", EnrolmentChange.Status.APPROVED),
        effective_month=effective,
        payroll_month=payroll_month,
        old_amount=Decimal(old),
        new_amount=Decimal(new),
        reason="测试",
        created_by=user,
        **extra,
    )


@pytest.fixture
def staff(users, make_user, regions):
    seed_county_defaults(county=regions[COUNTY])
    return {
        **users,
        "reviewer": make_user("reviewer", "county_reviewer", COUNTY),
        "finance_2": make_user("finance-2", "finance", COUNTY),
    }


@pytest.fixture
def month_world(staff, make_household):
    """The enrolments of the county's rural dibao for November 2026, each with its story."""
    county = staff["county"]
    w = {}
    w["plain"] = enrol(make_household(TOWNSHIP_A, head_name="龙一"), county, amount="500.00")
    w["amount"] = enrol(make_household(TOWNSHIP_A, head_name="龙二"), county, amount="700.00")
    change(w["amount"], county, "amount", MONTH, "600.00", "700.00")
    w["suspended"] = enrol(make_household(TOWNSHIP_A, head_name="龙三"), county, amount="400.00")
    change(
        w["suspended"], county, "suspend", "2026-10", "400.00", "400.00", payroll_month="2026-10"
    )
    w["stopped"] = enrol(
        make_household(TOWNSHIP_A, head_name="龙四"),
        county,
        amount="300.00",
        end_month="2026-10",
        status=Enrolment.Status.STOPPED,
    )
    change(w["stopped"], county, "stop", MONTH, "300.00", "0")
    w["pending_new"] = enrol(
        make_household(TOWNSHIP_A, head_name="龙五"), county, amount="350.00", payroll_from=""
    )
    change(w["pending_new"], county, "new", MONTH, status=EnrolmentChange.Status.SUBMITTED)
    w["care"] = enrol(
        make_household(TOWNSHIP_B, head_name="麻六", size=1), county, amount="900.00", care="300"
    )
    w["later_cut"] = enrol(make_household(TOWNSHIP_B, head_name="麻七"), county, amount="300.00")
    change(w["later_cut"], county, "reduce", "2026-12", "450.00", "300.00", payroll_month="2026-12")
    w["arrears"] = Arrears.objects.create(
        enrolment=w["plain"], for_month="2026-10", amount=Decimal("50.00"), reason="提标补发"
    )
    return w


def generate(staff, **kw) -> Payroll:
    job = payroll_generate(
        actor=staff["county"], month=MONTH, programme_code="dibao_rural", inline=True, **kw
    )
    assert job.status == JobRun.Status.SUCCEEDED, job.message
    return Payroll.objects.get(pk=job.result["payroll_id"])


def test_generation_pays_what_each_enrolment_is_due(staff, month_world):
    w = month_world
    payroll = generate(staff)
    lines = list(payroll.lines.order_by("seq"))
    got = [(line.enrolment_id, line.kind, line.amount) for line in lines]
    assert sorted(got) == sorted(
        [
            (w["plain"].pk, "regular", Decimal("500.00")),
            (w["plain"].pk, "arrears", Decimal("50.00")),
            (w["amount"].pk, "regular", Decimal("700.00")),
            (w["care"].pk, "regular", Decimal("600.00")),
            (w["care"].pk, "care", Decimal("300.00")),
            (w["later_cut"].pk, "regular", Decimal("450.00")),
        ]
    )
    assert [line.seq for line in lines] == list(range(1, 7))
    # ordered by township code, village, household number, then kind (regular, care, arrears)
    assert [line.kind for line in lines if line.enrolment_id == w["plain"].pk] == [
        "regular",
        "arrears",
    ]
    assert lines[0].township.code == TOWNSHIP_A and lines[-1].township.code == TOWNSHIP_B
    amount_line = next(line for line in lines if line.enrolment_id == w["amount"].pk)
    assert amount_line.change_id == w["amount"].changes.get().pk
    assert payroll.line_count == 6
    assert payroll.total_amount == Decimal("2600.00")
    assert payroll.household_count == 4
    assert payroll.person_count == 2 + 2 + 1 + 2
    assert payroll.check_result["differences"] == []
    w["arrears"].refresh_from_db()
    assert w["arrears"].paid_line.kind == "arrears" and w["arrears"].paid_line.payroll == payroll
    head = w["plain"].household.members.get(relation="self")
    plain_line = lines[0]
    assert plain_line.payee_name == "龙一" and plain_line.payee_id_masked == head.id_masked
    assert plain_line.bank_account_cipher == w["plain"].household.bank_account_cipher
    assert AuditEntry.objects.filter(action="payroll.generate", actor=staff["county"]).exists()


def test_generating_twice_returns_the_same_payroll(staff, month_world):
    first = generate(staff)
    job = payroll_generate(
        actor=staff["county"], month=MONTH, programme_code="dibao_rural", inline=True
    )
    assert job.status == JobRun.Status.SUCCEEDED and "已生成" in job.message
    assert job.result["payroll_id"] == first.pk
    assert Payroll.objects.count() == 1 and PayrollLine.objects.count() == 6


def test_lines_are_frozen_against_later_edits(staff, month_world):
    payroll = generate(staff)
    household = month_world["plain"].household
    before = payroll.lines.get(enrolment=month_world["plain"], kind="regular")
    type(household).objects.filter(pk=household.pk).update(
        bank_name="另一家银行", bank_account_cipher="x", bank_account_masked="6222********9999"
    )
    line = PayrollLine.objects.get(pk=before.pk)
    assert line.bank_account_masked == before.bank_account_masked != "6222********9999"
    assert line.bank_name == "凤凰县农村商业银行"
    assert payroll_verify(payroll).ok


def test_verification_finds_an_edited_line(staff, month_world):
    payroll = generate(staff)
    assert payroll_verify(payroll).ok
    line = payroll.lines.get(seq=3)
    PayrollLine.objects.filter(pk=line.pk).update(amount=line.amount + 1)
    found = payroll_verify(payroll)
    assert not found.ok and found.bad_seqs == [3] and found.digest_ok
    PayrollLine.objects.filter(pk=line.pk).update(amount=line.amount)
    PayrollLine.objects.filter(payroll=payroll, seq=6).delete()
    gone = payroll_verify(payroll)
    assert gone.bad_seqs == [] and not gone.digest_ok and gone.lines == 5


def test_a_failed_generation_leaves_nothing_and_can_be_restarted(staff, month_world, monkeypatch):
    def broken(payroll):
        raise RuntimeError("disk full")

    monkeypatch.setattr(payroll_checks, "check_payroll", broken)
    job = payroll_generate(
        actor=staff["county"], month=MONTH, programme_code="dibao_rural", inline=True
    )
    assert job.status == JobRun.Status.FAILED
    assert not Payroll.objects.exists() and not PayrollLine.objects.exists()
    assert Arrears.objects.get().paid_line_id is None
    monkeypatch.undo()
    assert generate(staff).line_count == 6


def test_only_the_county_generates_and_yearly_programmes_in_their_month(staff, month_world):
    with pytest.raises(PermissionDenied):
        payroll_generate(
            actor=staff["finance"], month=MONTH, programme_code="dibao_rural", inline=True
        )
    with pytest.raises(ValidationFailed, match="每年11月发放"):
        payroll_generate(actor=staff["county"], month="2026-10", programme_code="heating")
    job = payroll_generate(
        actor=staff["county"], month=MONTH, programme_code="heating", inline=True
    )
    assert job.status == JobRun.Status.SUCCEEDED


def test_a_difference_blocks_approval_and_is_listed(staff, month_world):
    payroll = generate(staff)
    # drift after generation: an amount change counted in this month, approved afterwards
    change(month_world["plain"], staff["county"], "amount", MONTH, "500.00", "520.00")
    with pytest.raises(ValidationFailed, match="差异"):
        payroll_approve(actor=staff["reviewer"], payroll_id=payroll.pk)
    payroll.refresh_from_db()
    assert payroll.status == Payroll.Status.GENERATED
    texts = [d["text"] for d in payroll.check_result["differences"]]
    assert any("龙一户" in t and "¥520.00" in t and "¥500.00" in t for t in texts), texts
    assert any("沱江镇金额" in t for t in texts), texts


def test_an_edited_line_blocks_approval(staff, month_world):
    payroll = generate(staff)
    line = payroll.lines.get(seq=1)
    PayrollLine.objects.filter(pk=line.pk).update(payee_name="他人")
    with pytest.raises(ValidationFailed):
        payroll_approve(actor=staff["reviewer"], payroll_id=payroll.pk)
    payroll.refresh_from_db()
    assert any("签名不符" in d["text"] for d in payroll.check_result["differences"])


def test_maker_checker(staff, month_world, monkeypatch):
    payroll = generate(staff)
    with pytest.raises(Conflict, match="尚未审核"):
        payroll_release(actor=staff["finance"], payroll_id=payroll.pk)
    approved = payroll_approve(actor=staff["reviewer"], payroll_id=payroll.pk)
    assert approved.status == Payroll.Status.APPROVED and approved.approved_by == staff["reviewer"]
    with pytest.raises(Conflict):
        payroll_approve(actor=staff["reviewer"], payroll_id=payroll.pk)
    released = payroll_release(actor=staff["finance"], payroll_id=payroll.pk)
    assert released.status == Payroll.Status.RELEASED and released.released_by == staff["finance"]
    with pytest.raises(Conflict):
        payroll_release(actor=staff["finance_2"], payroll_id=payroll.pk)
    actions = set(
        AuditEntry.objects.filter(object_id=str(payroll.pk)).values_list("action", flat=True)
    )
    assert {"payroll.generate", "payroll.approve", "payroll.release"} <= actions


@pytest.fixture
def one_person_does_all(monkeypatch):
    """A county reviewer who may also generate and release: the service must still keep the
    steps of one payroll apart."""
    monkeypatch.setitem(
        PERMISSIONS,
        Role.COUNTY_REVIEWER,
        PERMISSIONS[Role.COUNTY_REVIEWER] | {Perm.GENERATE_PAYROLL, Perm.RELEASE_PAYROLL},
    )


def test_the_generator_cannot_approve_nor_the_approver_release(
    staff, month_world, one_person_does_all
):
    job = payroll_generate(
        actor=staff["reviewer"], month=MONTH, programme_code="dibao_rural", inline=True
    )
    payroll = Payroll.objects.get(pk=job.result["payroll_id"])
    with pytest.raises(PermissionDenied, match="生成人不能审核"):
        payroll_approve(actor=staff["reviewer"], payroll_id=payroll.pk)
    Payroll.objects.filter(pk=payroll.pk).update(generated_by=staff["county"])
    payroll_approve(actor=staff["reviewer"], payroll_id=payroll.pk)
    with pytest.raises(PermissionDenied, match="同一人"):
        payroll_release(actor=staff["reviewer"], payroll_id=payroll.pk)
    Payroll.objects.filter(pk=payroll.pk).update(generated_by=staff["finance"])
    with pytest.raises(PermissionDenied, match="同一人"):
        payroll_release(actor=staff["finance"], payroll_id=payroll.pk)
    assert Payroll.objects.get(pk=payroll.pk).status == Payroll.Status.APPROVED


def test_another_countys_payroll_is_not_found(staff, month_world, make_user, regions):
    from django.http import Http404

    from jiuzhu.regions.models import Region

    payroll = generate(staff)
    other = Region.objects.create(code="433199000000", name="测试县", level="county")
    outsider = make_user("outsider", "county_reviewer", COUNTY)
    outsider.region = other
    outsider.save()
    with pytest.raises(Http404):
        payroll_approve(actor=outsider, payroll_id=payroll.pk)


# --- pages ---------------------------------------------------------------------------------------


def test_pages_generate_approve_release_and_export(client, staff, month_world, settings):
    from django.urls import reverse

    settings.JIUZHU_JOBS_INLINE = True
    client.force_login(staff["county"])
    page = client.get(reverse("payments:payroll_list"))
    assert page.status_code == 200 and "生成发放名册" in page.content.decode()
    posted = client.post(
        reverse("payments:payroll_list"), {"month": MONTH, "programme": "dibao_rural"}
    )
    assert posted.status_code == 302
    listed = client.get(posted["Location"]).content.decode()
    payroll = Payroll.objects.get()
    assert payroll.number in listed and "查看名册" in listed
    job = JobRun.objects.get(kind="payments.payroll")
    status = client.get(reverse("payments:payroll_job", args=[job.pk])).content.decode()
    assert "已生成发放名册" in status

    detail = client.get(reverse("payments:payroll_detail", args=[payroll.pk])).content.decode()
    assert "¥2,600.00" in detail and "沱江镇" in detail and "照料护理补贴" in detail
    assert 'id="approve"' not in detail  # the generator does not approve

    client.force_login(staff["reviewer"])
    detail = client.get(reverse("payments:payroll_detail", args=[payroll.pk])).content.decode()
    assert 'id="approve"' in detail
    client.post(reverse("payments:payroll_approve", args=[payroll.pk]))
    assert Payroll.objects.get().status == Payroll.Status.APPROVED

    client.force_login(staff["finance"])
    client.post(reverse("payments:payroll_release", args=[payroll.pk]))
    assert Payroll.objects.get().status == Payroll.Status.RELEASED
    export = client.get(reverse("payments:payroll_lines_export", args=[payroll.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert AuditEntry.objects.filter(action="payroll.export_lines", actor=staff["finance"]).exists()

    client.force_login(staff["officer_a"])
    assert client.get(reverse("payments:payroll_list")).status_code == 404
    assert client.get(reverse("payments:payroll_detail", args=[payroll.pk])).status_code == 404


def test_a_difference_shows_on_the_page_and_disables_approval(client, staff, month_world):
    from django.urls import reverse

    payroll = generate(staff)
    change(month_world["plain"], staff["county"], "amount", MONTH, "500.00", "520.00")
    client.force_login(staff["reviewer"])
    client.post(reverse("payments:payroll_approve", args=[payroll.pk]))
    page = client.get(reverse("payments:payroll_detail", args=[payroll.pk])).content.decode()
    assert "处差异" in page and "龙一户" in page and "disabled" in page
