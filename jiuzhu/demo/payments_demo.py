"""The demo county's enrolments put into payroll, as a county that has run the payment cycle
would have them: each with its approved "new" change (异动, R17) and `payroll_from`, a next
review date (S2 art. 31), and a few (about 1% each) in gradual exit (渐退, R13) or suspended.

Written in bulk (a few thousand rows in one transaction, like the rest of the demo) and audited
once; no payroll is generated here (the payroll's own generation does that)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.core import audit
from jiuzhu.core.month import Month
from jiuzhu.payments import rules
from jiuzhu.payments.models import Enrolment, EnrolmentChange
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.programmes.selectors import setting_value
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Person

from .generator import COUNTY_CODE

SHARE = 0.01  # of the live monthly enrolments: in gradual exit, and suspended
SUSPEND_REASONS = ("外出务工，待核实家庭收入", "长期联系不上，暂停发放待核查")
GRADUAL_REASON = "家庭成员务工收入增加，人均收入超过保障标准，按规定渐退"


@dataclass(frozen=True)
class DemoPayments:
    in_payroll: int  # enrolments given their approved new change and payroll_from
    gradual: int
    suspended: int

    def line(self) -> str:
        return (
            f"已将{self.in_payroll}个保障对象纳入发放（异动已审批），"
            f"其中渐退{self.gradual}个、暂停发放{self.suspended}个。"
        )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _months_after(day: date, months: int) -> date:
    m = Month.of(day).add(months)
    return date(m.year, m.month, min(day.day, m.last_day.day))


def _next_review(decided: date, interval: int, today: date) -> date:
    """The first review date at `interval` months from the decision that is not long past: a
    county reviews on schedule, so only the few just due are open in the demo."""
    k = 1
    while _months_after(decided, k * interval) < today - timedelta(days=10):
        k += 1
    return _months_after(decided, k * interval)


def _able_to_work(household_ids: list[int], today: date) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    rows = Person.objects.filter(household_id__in=household_ids, labour_capacity="full")
    for household_id, born in rows.values_list("household_id", "birth_date").iterator():
        if 16 <= today.year - born.year <= 59:
            counts[household_id] += 1
    return counts


def _staff() -> tuple[User, User]:
    """Who submitted (a township officer) and who approved (the county): never the same."""
    by_name = {
        u.username: u
        for u in User.objects.filter(username__in=["township-officer", "county-reviewer"])
    }
    return by_name["township-officer"], by_name["county-reviewer"]


def create_demo_payments(*, today: date, seed: int = 20261122) -> DemoPayments | None:
    """Put every enrolment of the demo county that has no "new" change into payroll; None when
    there is none (done already, or nothing enrolled)."""
    county = Region.objects.get(code=COUNTY_CODE)
    has_new = EnrolmentChange.objects.filter(kind=EnrolmentChange.Kind.NEW).values("enrolment_id")
    enrolments = list(
        Enrolment.objects.filter(county=county, payroll_from="")
        .exclude(pk__in=has_new)
        .select_related("programme", "application")
        .order_by("pk")
    )
    if not enrolments:
        return None
    officer, approver = _staff()
    month = Month.of(today)
    with transaction.atomic():
        demo = _Payments(county, enrolments, today, officer, approver, random.Random(seed))
        demo.enter_payroll()
        gradual = demo.gradual_exits(month)
        suspended = demo.suspensions(month)
        demo.write()
        result = DemoPayments(len(enrolments), gradual, suspended)
        audit.record(
            action="demo.generate",
            actor=approver,
            new={
                "part": "payments",
                "in_payroll": result.in_payroll,
                "gradual": gradual,
                "suspended": suspended,
            },
            reason="演示数据：保障对象纳入发放及其异动",
        )
    return result


class _Payments:
    def __init__(self, county, enrolments, today, officer, approver, rng):
        self.county, self.enrolments, self.today = county, enrolments, today
        self.officer, self.approver, self.rng = officer, approver, rng
        self.changes: list[tuple[EnrolmentChange, date]] = []
        on = today
        self.stable = int(setting_value(county=county, key=SettingKey.REVIEW_MONTHS_STABLE, on=on))
        self.unstable = int(
            setting_value(county=county, key=SettingKey.REVIEW_MONTHS_UNSTABLE, on=on)
        )
        self.exit_months = rules.gradual_exit_months(
            national_default=int(
                setting_value(county=county, key=SettingKey.GRADUAL_EXIT_MONTHS, on=on)
            ),
            poverty_registry=False,
            poverty_months=int(
                setting_value(county=county, key=SettingKey.GRADUAL_EXIT_MONTHS_POVERTY, on=on)
            ),
        )

    def _decided(self, e: Enrolment) -> date:
        return e.application.decided_on or Month.parse(e.start_month).first_day

    def _change(self, e: Enrolment, kind: str, effective: str, on: date, **values) -> None:
        change = EnrolmentChange(
            enrolment=e,
            kind=kind,
            status=EnrolmentChange.Status.APPROVED,
            effective_month=effective,
            payroll_month=effective,
            old_amount=values.pop("old_amount", e.monthly_amount),
            new_amount=values.pop("new_amount", e.monthly_amount),
            created_by=self.officer,
            reviewed_by=self.approver,
            reviewed_at=_at(on),
            review_note="同意",
            **values,
        )
        self.changes.append((change, on))

    def enter_payroll(self) -> None:
        able = _able_to_work(sorted({e.household_id for e in self.enrolments}), self.today)
        for e in self.enrolments:
            decided = self._decided(e)
            e.payroll_from = e.start_month
            self._change(
                e,
                EnrolmentChange.Kind.NEW,
                e.start_month,
                decided,
                old_amount=Decimal("0"),
                reason="经审核确认，纳入保障",
                source=e.application.number,
            )
            if e.status == Enrolment.Status.STOPPED or e.programme.payment == "once":
                continue
            e.review_months = rules.review_interval_months(
                programme_code=e.programme.code,
                unstable_income=False,
                able_to_work=0 if e.person_id else able.get(e.household_id, 0),
                stable_months=self.stable,
                unstable_months=self.unstable,
            )
            e.next_review_on = _next_review(decided, e.review_months, self.today)

    def _live(self, month: Month) -> list[Enrolment]:
        """Monthly enrolments in payment for a while, not yet chosen for an example."""
        since = str(month.add(-3))
        return [
            e
            for e in self.enrolments
            if e.status == Enrolment.Status.ACTIVE
            and e.programme.payment == "monthly"
            and not e.end_month
            and e.start_month <= since
        ]

    def _pick(self, month: Month) -> list[Enrolment]:
        live = self._live(month)
        count = round(len(live) * SHARE) if len(live) >= 50 else min(1, len(live))
        return sorted(self.rng.sample(live, count), key=lambda e: e.pk)

    def gradual_exits(self, month: Month) -> int:
        """Income rose two months ago: paid for the county's gradual-exit months, then no more."""
        picked = self._pick(month)
        first = month.add(-2)
        for e in picked:
            e.gradual_exit_from = str(first)
            e.end_month = str(rules.gradual_exit_last_month(first, self.exit_months))
            on = first.first_day + timedelta(days=self.rng.randint(9, 18))
            self._change(
                e,
                EnrolmentChange.Kind.GRADUAL_EXIT,
                str(first),
                on,
                reason=GRADUAL_REASON,
                gradual_exit_months=self.exit_months,
            )
        return len(picked)

    def suspensions(self, month: Month) -> int:
        picked = self._pick(month)
        first = month.add(-1)
        for e in picked:
            e.status = Enrolment.Status.SUSPENDED
            on = first.first_day + timedelta(days=self.rng.randint(9, 18))
            self._change(
                e,
                EnrolmentChange.Kind.SUSPEND,
                str(first),
                on,
                reason=self.rng.choice(SUSPEND_REASONS),
                new_amount=Decimal("0"),
            )
        return len(picked)

    def write(self) -> None:
        Enrolment.objects.bulk_update(
            self.enrolments,
            [
                "payroll_from",
                "review_months",
                "next_review_on",
                "gradual_exit_from",
                "end_month",
                "status",
            ],
            batch_size=500,
        )
        rows = [c for c, _ in self.changes]
        EnrolmentChange.objects.bulk_create(rows, batch_size=1000)
        # auto_now_add stamps now(): put each change back at the day it was submitted
        for change, on in self.changes:
            change.created_at = _at(on)
        EnrolmentChange.objects.bulk_update(rows, ["created_at"], batch_size=500)
