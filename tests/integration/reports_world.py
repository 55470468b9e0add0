"""A small county for the report tests, made with the ORM: dibao (urban and rural), extreme
poverty and other enrolments in two townships, the month's payrolls, new and exited enrolments
(a gradual exit, a stop on a finding, a stop on a death), clues, rectification items, findings,
recoveries, kin declarations and service purchases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from jiuzhu.crosscheck.models import CheckRun, Finding
from jiuzhu.payments.models import EnrolmentChange, Payroll, PayrollLine, Recovery, RecoveryPayment
from jiuzhu.programmes.models import Programme, Standard
from jiuzhu.registry.models import KinDeclaration
from jiuzhu.reports.models import ServicePurchase
from jiuzhu.supervision.models import Clue, RectificationItem
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B
from tests.integration.payment_builders import enrolment

MONTH = "2026-11"
DAY = date(2026, 11, 12)


@dataclass
class ReportWorld:
    county: object
    users: dict
    households: list = field(default_factory=list)
    enrolments: dict = field(default_factory=dict)
    payrolls: dict = field(default_factory=dict)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())


def _payroll(world, code: str) -> Payroll:
    if code not in world.payrolls:
        world.payrolls[code] = Payroll.objects.create(
            county=world.county,
            programme=Programme.objects.get(code=code),
            month=MONTH,
            number=f"FF-R-{code}",
            generated_by=world.users["county"],
        )
    return world.payrolls[code]


def pay(world, e, amount: str, kind=PayrollLine.Kind.REGULAR) -> PayrollLine:
    payroll = _payroll(world, e.programme.code)
    seq = payroll.lines.count() + 1
    return PayrollLine.objects.create(
        payroll=payroll,
        seq=seq,
        kind=kind,
        for_month=MONTH,
        enrolment=e,
        household=e.household,
        township=e.township,
        village=e.village,
        members=e.members,
        payee_name=e.household.head_name,
        amount=Decimal(amount),
        line_hash="0" * 64,
    )


def stop(world, e, *, kind="stop", source="", end="2026-10") -> None:
    e.status, e.end_month = "stopped", end
    e.save(update_fields=["status", "end_month"])
    EnrolmentChange.objects.create(
        enrolment=e,
        kind=kind,
        effective_month=MONTH,
        payroll_month=MONTH,
        old_amount=e.monthly_amount,
        new_amount=0,
        reason="测试",
        source=source,
        created_by=world.users["county"],
    )


def _finding(world, household, check_code: str, n: int, **kw) -> Finding:
    run = CheckRun.objects.filter(county=world.county).first() or CheckRun.objects.create(
        county=world.county, month=MONTH, started_by=world.users["county"]
    )
    f = Finding.objects.create(
        county=world.county,
        township=household.township,
        village=household.village,
        check_code=check_code,
        rule="R6",
        fingerprint=f"fp-{n}",
        household=household,
        subject_name=household.head_name,
        summary="测试发现",
        tier="exact",
        run=run,
        **kw,
    )
    Finding.objects.filter(pk=f.pk).update(raised_at=_at(DAY))
    return f


def build_world(regions, users, make_household) -> ReportWorld:
    county = regions["433123000000"]
    w = ReportWorld(county=county, users=users)
    by = users["county"]
    for area in ("urban", "rural"):
        Standard.objects.create(
            county=county,
            programme=Programme.objects.get(code=f"dibao_{area}"),
            area=area,
            amount=Decimal("600.00") if area == "urban" else Decimal("450.00"),
            period="monthly",
            effective_from=date(2026, 1, 1),
            created_by=by,
        )
    a1 = make_household(TOWNSHIP_A, size=3, head_name="龙一")
    a2 = make_household(TOWNSHIP_A, size=1, head_name="龙二")
    a3 = make_household(TOWNSHIP_A, size=2, head_name="龙三")
    b1 = make_household(TOWNSHIP_B, size=2, head_name="吴一")
    b2 = make_household(TOWNSHIP_B, size=2, head_name="吴二")
    b3 = make_household(TOWNSHIP_B, size=4, head_name="吴三")
    b4 = make_household(TOWNSHIP_B, size=1, head_name="吴四")
    w.households = [a1, a2, a3, b1, b2, b3, b4]
    e = w.enrolments
    e["a1"] = enrolment(a1, created_by=by, programme="dibao_rural", amount="900.00", members=3)
    e["a2"] = enrolment(
        a2,
        created_by=by,
        programme="dibao_urban",
        amount="400.00",
        members=1,
        start_month=MONTH,
        payroll_from=MONTH,
    )
    e["a3"] = enrolment(a3, created_by=by, programme="extreme_poverty_dispersed", members=1)
    e["b1"] = enrolment(b1, created_by=by, programme="dibao_urban", amount="500.00", members=2)
    e["b2"] = enrolment(
        b2, created_by=by, programme="dibao_urban", members=2, start_month="2026-03"
    )
    e["b3"] = enrolment(
        b3, created_by=by, programme="dibao_urban", members=4, start_month="2026-02"
    )
    e["b4"] = enrolment(b4, created_by=by, programme="dibao_rural", members=1)
    e["b1o"] = enrolment(b1, created_by=by, programme="orphan", amount="1200.00", members=1)
    pay(w, e["a1"], "900.00")
    pay(w, e["a1"], "150.00", PayrollLine.Kind.CARE)
    pay(w, e["a2"], "400.00")
    pay(w, e["a3"], "700.00")
    pay(w, e["b1"], "500.00")
    pay(w, e["b1o"], "1200.00")
    # exits from November: b2 on a vehicle finding (violation), b3 gradual exit (improved),
    # b4 (rural) on a death
    vehicle = _finding(w, b2, "asset_vehicle", 1, verdict=True, verified_at=_at(DAY))
    stop(w, e["b2"], source=f"核查发现#{vehicle.pk}")
    stop(w, e["b3"], kind="gradual_exit")
    death = _finding(w, b4, "death", 2)
    stop(w, e["b4"], source=f"核查发现#{death.pk}（死亡人员数据比对）")
    _finding(w, a3, "rescreen_refused", 3)
    _supervision(w, a1, b1)
    _kin(w, a1)
    ServicePurchase.objects.create(
        county=county,
        township=regions[TOWNSHIP_A],
        contract_number="GM-2026-01",
        provider="凤凰县社会工作服务中心",
        content_kind="casework",
        content="入户调查",
        amount=Decimal("80000.00"),
        start_on=date(2026, 7, 1),
        end_on=date(2027, 6, 30),
        persons_served=300,
        recorded_by=by,
    )
    return w


def _supervision(w: ReportWorld, a1, b1) -> None:
    by = w.users["county"]
    for n, (h, closed) in enumerate(((a1, None), (b1, DAY), (b1, None)), start=1):
        Clue.objects.create(
            number=f"XS-{n}",
            channel="hotline",
            received_on=DAY,
            category="wrong_inclusion",
            subject_kind="household",
            household=h,
            county=w.county,
            township=h.township,
            village=h.village,
            content="反映情况",
            due_days=15,
            due_on=date(2026, 12, 3),
            closed_on=closed,
            status="closed" if closed else "registered",
            tracking_code=f"TC{n}",
            handed_over_on=DAY if n == 3 else None,
            handover_status="handed" if n == 3 else "",
            created_by=by,
        )
    for n, (h, deadline, verified) in enumerate(
        ((a1, date(2026, 11, 20), None), (b1, date(2026, 12, 20), DAY)), start=1
    ):
        RectificationItem.objects.create(
            number=f"ZG-{n}",
            source="other",
            county=w.county,
            township=h.township,
            problem="问题",
            measure="措施",
            opened_on=date(2026, 11, 2),
            deadline=deadline,
            responsible_unit=h.township,
            responsible=by,
            status="closed" if verified else "in_progress",
            verified_on=verified,
            created_by=by,
        )
    r = Recovery.objects.create(
        county=w.county,
        township=b1.township,
        village=b1.village,
        household=b1,
        cause="wrongful",
        amount=Decimal("1500.00"),
        created_by=by,
    )
    Recovery.objects.filter(pk=r.pk).update(created_at=_at(DAY))
    RecoveryPayment.objects.create(
        recovery=r, amount=Decimal("500.00"), paid_on=DAY, recorded_by=by
    )


def _kin(w: ReportWorld, household) -> None:
    head = household.members.order_by("pk").first()
    KinDeclaration.objects.create(
        declarant=w.users["officer_a"],
        declarant_name="张干部",
        declarant_role="civil_affairs",
        declarant_unit="沱江镇民政办 民政助理",
        county=w.county,
        relative_name=head.name,
        relative_id_hash=head.id_hash,
        relative_id_masked=head.id_masked,
        kin="parent",
        declared_on=date(2026, 3, 1),
        recorded_by=w.users["county"],
    )
