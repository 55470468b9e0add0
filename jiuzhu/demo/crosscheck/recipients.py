"""The county's existing recipients, written in bulk as seed data (not an officer's action; one
audit record sums them up): about 3% of the households, poorest recorded income first in every
village; a few extreme-poverty single-person enrolments of old people living alone; about 1% of
the households refused this year and 1% stopped (re-screening lists, R8). Each has its
application, decided before the demo starts, with its whole history (``history``)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from jiuzhu.cases.models import Application, CaseEvent
from jiuzhu.cases.workflow import Status
from jiuzhu.core import audit
from jiuzhu.core.month import Month
from jiuzhu.payments.models import Enrolment, EnrolmentChange
from jiuzhu.programmes.catalogue import dibao_code
from jiuzhu.programmes.models import Programme

from .county import CountyHousehold, CountyPerson, poorest_per_village, spread
from .history import decided_history, decision_time, version_after
from .planting import PlannedEnrolment, Planting

RECIPIENT_SHARE, RECIPIENT_MIN = 0.03, 80
REFUSED_SHARE = STOPPED_SHARE = 0.01
HISTORY_START = date(2024, 1, 1)
EXTREME_POVERTY = "extreme_poverty_dispersed"
APPLY_REASONS = (
    "家庭收入低，生活困难",
    "主要劳动力患病，收入不稳定",
    "家庭成员残疾，无稳定收入",
    "年老体弱，子女无力赡养",
    "因病致贫，医疗支出大",
)
EP_REASON = "年老体弱，无劳动能力，无生活来源，无法定赡养义务人"
REFUSALS = (
    "经核对，家庭成员有稳定工资收入，人均收入高于当地低保标准",
    "经核对，家庭名下有小型轿车一辆，不符合财产条件",
    "经入户调查，家庭实际经营收入高于申报，人均收入高于低保标准",
    "经核对，家庭金融资产超过规定限额",
)
STOP_REASONS = (
    "家庭成员外出务工，人均收入超过低保标准",
    "经年度复核，家庭经济状况好转",
    "户主死亡，家庭其他成员已随子女生活，不再符合条件",
    "家庭成员购置小型轿车，不符合财产条件",
)


def write_recipients(plant: Planting) -> None:
    free = [h for h in plant.households.values() if h.pk not in plant.busy]
    plant.recipients = poorest_per_village(free, RECIPIENT_SHARE, RECIPIENT_MIN)
    for h in plant.recipients:
        plant.enrolments.append(PlannedEnrolment(h, _dibao(h), _amount(plant, h), _decided(plant)))
        plant.covered.update(m.pk for m in h.members)
    plant.busy.update(h.pk for h in plant.recipients)
    _extreme_poverty(plant)
    refused = _reserve(plant, REFUSED_SHARE)
    stopped = _reserve(plant, STOPPED_SHARE)
    for h in stopped:
        decided = plant.day(HISTORY_START, date(2025, 9, 30))
        months_back = plant.rng.randint(1, max(plant.today.month - 1, 1))
        end = Month.of(plant.today).add(-months_back)
        plant.enrolments.append(
            PlannedEnrolment(
                h,
                _dibao(h),
                _amount(plant, h),
                decided,
                end_month=str(end),
                stop_reason=plant.rng.choice(STOP_REASONS),
            )
        )
    _write(plant, refused)
    audit.record(
        action="demo.generate",
        actor=plant.admin,
        new={
            "part": "crosscheck",
            "dibao_households": len(plant.recipients),
            "extreme_poverty": sum(1 for e in plant.enrolments if e.person is not None),
            "refused": len(refused),
            "stopped": len(stopped),
            "applications": len(plant.enrolments) + len(refused),
        },
        reason="演示数据：本县现有保障对象及近期拒绝、退出的家庭",
    )


def _extreme_poverty(plant: Planting) -> None:
    """Old people living alone (特困分散供养), and one old member of a dibao household
    enrolled in extreme poverty as well (a planted duplicate)."""
    alone = [
        h
        for h in plant.households.values()
        if h.pk not in plant.busy and len(h.members) == 1 and h.members[0].age(plant.today) >= 65
    ]
    alone.sort(key=lambda h: (h.income, h.number))
    for h in spread(alone, 6, plant.rng, home=2):
        _extreme_poverty_enrolment(plant, h, h.members[0])
        plant.covered.add(h.members[0].pk)
        plant.busy.add(h.pk)
    old = [
        (h, m)
        for h in plant.recipients
        for m in h.members
        if len(h.members) >= 2 and m.age(plant.today) >= 68
    ]
    if old:
        h, m = spread(old, 1, plant.rng, home=1, key=lambda x: x[0])[0]
        _extreme_poverty_enrolment(plant, h, m)
        plant.planted.add(h.pk)
        plant.notes["ep_duplicate"].append(m.pk)


def _extreme_poverty_enrolment(plant: Planting, h: CountyHousehold, person: CountyPerson) -> None:
    amount = Decimal("1000.00") if person.age(plant.today) >= 80 else Decimal("760.00")
    plant.enrolments.append(
        PlannedEnrolment(h, EXTREME_POVERTY, amount, _decided(plant), person=person)
    )


def _reserve(plant: Planting, share: float) -> list[CountyHousehold]:
    """Households neither covered nor used, from the poorest fifth (they are the ones who
    apply), `share` of the county."""
    free = sorted(
        (h for h in plant.households.values() if h.pk not in plant.busy),
        key=lambda h: (h.income, h.number),
    )
    pool = free[: max(len(free) // 5, 1)]
    wanted = max(round(share * len(plant.households)), 3)
    chosen = plant.rng.sample(pool, min(len(pool), wanted))
    plant.busy.update(h.pk for h in chosen)
    return chosen


def _amount(plant: Planting, h: CountyHousehold) -> Decimal:
    urban = h.area_type == "urban"
    per_person = plant.rng.randint(22, 56) if urban else plant.rng.randint(16, 42)
    amount = min(max(per_person * 10 * len(h.members), 300), 900)
    return Decimal(amount).quantize(Decimal("1.00"))


def _decided(plant: Planting) -> date:
    return plant.day(HISTORY_START, plant.today - timedelta(days=25))


def _dibao(h: CountyHousehold) -> str:
    return dibao_code(h.area_type)


def _write(plant: Planting, refused: list[CountyHousehold]) -> None:
    programmes = {p.code: p for p in Programme.objects.all()}
    numbers = _Numbers()
    apps, enrolled = [], []
    for e in sorted(plant.enrolments, key=lambda e: (e.decided_on, e.household.pk)):
        app = _application(
            plant,
            e.household,
            programmes[e.programme],
            e.decided_on,
            status=Status.ENROLLED,
            applicant=e.person,
            amount=e.amount,
        )
        apps.append(app)
        enrolled.append((e, app))
    for h in sorted(refused, key=lambda h: h.pk):
        decided = plant.day(date(plant.today.year, 1, 5), plant.today - timedelta(days=7))
        reason = plant.rng.choice(REFUSALS)
        apps.append(
            _application(
                plant, h, programmes[_dibao(h)], decided, status=Status.REFUSED, reason=reason
            )
        )
    for app in sorted(apps, key=lambda a: (a.accepted_on, a.household_id)):  # as received
        app.number = numbers.next(app.accepted_on.year, app.township_code)
    history_rng = random.Random(plant.seed + 1)
    events = []
    for app in apps:
        app_events = decided_history(app, history_rng)
        app.version = version_after(app_events)
        app.decided_at = decision_time(app_events)
        events += app_events
    Application.objects.bulk_create(apps, batch_size=1000)
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    enrolments, changes = _enrolments(plant, enrolled)
    # auto_now_add stamps every row with now(): put the history back at its own dates
    for event in events:
        event.at = event.planned_at
    CaseEvent.objects.bulk_update(events, ["at"], batch_size=2000)
    _restamp(Application, [(a, a.applied_on) for a in apps])  # 登记于: the registration day
    _restamp(Enrolment, enrolments)
    _restamp(EnrolmentChange, changes)


def _enrolments(
    plant: Planting, enrolled: list[tuple[PlannedEnrolment, Application]]
) -> tuple[list[tuple[Enrolment, date]], list[tuple[EnrolmentChange, date]]]:
    """The enrolments (and the stop change of those stopped), each with the day it was made."""
    rows = [
        Enrolment(
            household_id=e.household.pk,
            person_id=e.person.pk if e.person else None,
            programme=app.programme,
            application=app,
            county=plant.county,
            township_id=e.household.township_id,
            village_id=e.household.village_id,
            members=1 if e.person else len(e.household.members),
            monthly_amount=e.amount,
            start_month=e.start_month,
            end_month=e.end_month,
            status=Enrolment.Status.STOPPED if e.end_month else Enrolment.Status.ACTIVE,
            created_by=plant.admin,
        )
        for e, app in enrolled
    ]
    Enrolment.objects.bulk_create(rows, batch_size=1000)
    changes = []
    for (e, _), enrolment in zip(enrolled, rows, strict=True):
        if e.end_month:
            change = EnrolmentChange(
                enrolment=enrolment,
                kind=EnrolmentChange.Kind.STOP,
                effective_month=str(Month.parse(e.end_month).next()),
                old_amount=e.amount,
                new_amount=Decimal("0"),
                reason=e.stop_reason,
                source="动态管理复核",
                created_by=plant.admin,
            )
            changes.append((change, Month.parse(e.end_month).last_day - timedelta(days=8)))
    EnrolmentChange.objects.bulk_create([c for c, _ in changes], batch_size=1000)
    return [(row, app.decided_on) for row, (_, app) in zip(rows, enrolled, strict=True)], changes


def _restamp(model, stamped: list[tuple[object, date]]) -> None:
    for obj, on in stamped:
        obj.created_at = _at(on)
    model.objects.bulk_update([o for o, _ in stamped], ["created_at"], batch_size=500)


def _application(
    plant: Planting,
    h: CountyHousehold,
    programme,
    decided: date,
    *,
    status: Status,
    applicant: CountyPerson | None = None,
    amount: Decimal | None = None,
    reason: str = "",
) -> Application:
    accepted = decided - timedelta(days=plant.rng.randint(12, 25))
    decider = plant.head if h.home else plant.admin
    extreme_poverty = programme.code.startswith("extreme_poverty")
    app = Application(
        household_id=h.pk,
        applicant_id=applicant.pk if applicant else None,
        programme=programme,
        county=plant.county,
        township_id=h.township_id,
        village_id=h.village_id,
        status=status,
        reason=EP_REASON if extreme_poverty else plant.rng.choice(APPLY_REASONS),
        created_by=plant.admin,
        applied_on=accepted - timedelta(days=2),
        accepted_on=accepted,
        confirming_level="township",
        confirming_reason="审核确认权限已下放乡镇",
        notice_started_on=decided - timedelta(days=9),
        township_opinion="情况属实，建议纳入"
        if status == Status.ENROLLED
        else "经核对，不符合条件",
        monthly_amount=amount,
        decided_by=decider,
        decided_at=_at(decided),
        decided_on=decided,
        decision_reason=reason or "同意纳入",
    )
    app.township_code = h.township_code
    return app


class _Numbers:
    """Application numbers as the cases service makes them (SQ{year}-{township}-{serial}),
    continuing after the highest number already given in each year and township."""

    def __init__(self):
        self.last: dict[str, int] = defaultdict(int)
        self.known: set[str] = set()

    def next(self, year: int, township_code: str) -> str:
        prefix = f"SQ{year}-{township_code[:9]}-"
        if prefix not in self.known:
            self.known.add(prefix)
            top = Application.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))
            self.last[prefix] = int(top["m"][len(prefix) :]) if top["m"] else 0
        self.last[prefix] += 1
        return f"{prefix}{self.last[prefix]:05d}"


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))
