"""The roster (在保名册): who is in payment in a month, with the amount the payroll pays them.

One source of truth for "paid in month M and how much": `inforce.due_query`, run once per
programme of the county (the same SQL the payroll is generated from, so the roster and the
payroll cannot disagree). The user's jurisdiction and filters are applied in SQL to a narrow
list of the county's enrolments (id, household, members), intersected with the due set in
Python; only the page shown (or the rows exported) is then read in full. No list of thousands
of ids is ever sent back to the database (SQLite caps bound parameters)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet

from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.core.month import Month
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.programmes.models import Programme
from jiuzhu.programmes.selectors import setting_value
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import county_of

from .inforce import due_query
from .models import Enrolment, EnrolmentChange

ZERO = Decimal("0.00")

# The status filter: in payment (the default, ""), and the five views of it an officer asks for.
STATUS_LABELS = {
    "active": "在保",
    "gradual": "渐退中",
    "suspended": "暂停",
    "new": "本月新增",
    "stopped": "本月停发",
}
PAID_STATUSES = ("", "active", "gradual", "new")


@dataclass(frozen=True)
class Due:
    amount: Decimal  # what the payroll pays for the month (0 for a yearly grant off its month)
    care_amount: Decimal
    change_id: int | None
    pays_this_month: bool = True


@dataclass(frozen=True)
class RosterFilter:
    month: str
    region_id: int | None = None  # a township or village below the user's region
    programme_id: int | None = None
    status: str = ""  # "" or a key of STATUS_LABELS
    query: str = ""  # household number, head's or covered person's name


@dataclass(frozen=True)
class RosterRow:
    enrolment: Enrolment
    amount: Decimal
    care_amount: Decimal
    paid: bool
    status_label: str
    new_this_month: bool
    note: str  # e.g. 按年发放（11月）


@dataclass
class Roster:
    month: str
    county: Region | None
    ids: list[int] = field(default_factory=list)  # the filtered enrolments, in roster order
    due: dict[int, Due] = field(default_factory=dict)
    households: int = 0
    persons: int = 0
    amount: Decimal = ZERO

    @property
    def month_label(self) -> str:
        return Month.parse(self.month).label

    def rows(self, ids: Sequence[int]) -> list[RosterRow]:
        """The full rows of `ids` (a page), in the order given."""
        found = {
            e.pk: e
            for e in Enrolment.objects.filter(pk__in=list(ids)).select_related(
                "household", "person", "programme", "township", "village"
            )
        }
        return [self._row(found[pk]) for pk in ids if pk in found]

    def iter_rows(self, chunk: int = 1000) -> Iterator[RosterRow]:
        for start in range(0, len(self.ids), chunk):
            yield from self.rows(self.ids[start : start + chunk])

    def _row(self, e: Enrolment) -> RosterRow:
        due = self.due.get(e.pk)
        month = self.month
        new = bool(due) and (e.start_month == month or e.payroll_from == month)
        note = ""
        if due is None:
            label = STATUS_LABELS["stopped"] if _stopped_before(e, month) else "暂停"
            if label == STATUS_LABELS["stopped"] and e.exit_reason:
                note = e.exit_reason
            return RosterRow(e, ZERO, ZERO, False, label, False, note)
        if _gradual(e, month):
            label = f"渐退中，至{_month_cn(e.end_month)}止" if e.end_month else "渐退中"
        else:
            label = STATUS_LABELS["active"]
        if not due.pays_this_month:
            note = "按年发放，本月不发放"
        return RosterRow(e, due.amount, due.care_amount, True, label, new, note)


def _month_cn(month: str) -> str:
    return Month.parse(month).label


def _gradual(e: Enrolment, month: str) -> bool:
    return bool(e.gradual_exit_from) and e.gradual_exit_from <= month


def _stopped_before(e: Enrolment, month: str) -> bool:
    return bool(e.end_month) and e.end_month < month


def due_for_county(*, county: Region, month: str) -> dict[int, Due]:
    """Every enrolment of the county paid for `month`, with its amount: inforce.due_query per
    programme. A yearly grant (heating, R14) is in force all year and paid in the county's
    payment month only: off that month it is listed with nothing paid."""
    pay_month = int(
        setting_value(
            county=county, key=SettingKey.HEATING_PAY_MONTH, on=Month.parse(month).first_day
        )
    )
    programme_ids = (
        Enrolment.objects.filter(county=county).values_list("programme_id", flat=True).distinct()
    )
    due: dict[int, Due] = {}
    for programme in Programme.objects.filter(pk__in=programme_ids):
        sql, params = due_query(
            county_id=county.pk, programme_id=programme.pk, payment=programme.payment, month=month
        )
        pays = programme.payment != "yearly" or Month.parse(month).month == pay_month
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            columns = [c[0] for c in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(columns, values, strict=True))
                amount = _money(row["amount"]) if pays else ZERO
                care = _money(row["care_amount"]) if pays else ZERO
                due[row["enrolment_id"]] = Due(amount, care, row["change_id"], pays)
    return due


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def roster_county(user) -> Region | None:
    region = getattr(user, "region", None)
    return county_of(region) if region is not None else None


def _filtered(user, county: Region, f: RosterFilter) -> QuerySet:
    qs = Enrolment.objects.filter(region_q(user), county=county)
    if f.region_id:
        qs = qs.filter(Q(township_id=f.region_id) | Q(village_id=f.region_id))
    if f.programme_id:
        qs = qs.filter(programme_id=f.programme_id)
    if f.query:
        qs = qs.filter(
            Q(household__number__startswith=f.query)
            | Q(household__head_name__contains=f.query)
            | Q(person__name__contains=f.query)
        )
    return qs


def _in_force_by_dates(qs: QuerySet, month: str) -> QuerySet:
    """In payroll and within its months; a one-off grant in its own month only. Whether it is
    suspended is read from the due set (what is in force by dates but not due is suspended)."""
    return (
        qs.exclude(payroll_from="")
        .filter(payroll_from__lte=month, start_month__lte=month)
        .filter(Q(end_month="") | Q(end_month__gte=month))
        .exclude(Q(programme__payment="once") & ~Q(start_month=month))
    )


def _stopped_this_month(qs: QuerySet, month: str) -> QuerySet:
    """Paid last month and not this month: the last month paid was the one before (a stop or
    the end of a gradual exit), or a suspension from this month."""
    prev = str(Month.parse(month).prev())
    suspended_now = EnrolmentChange.objects.filter(
        kind=EnrolmentChange.Kind.SUSPEND,
        status=EnrolmentChange.Status.APPROVED,
        effective_month=month,
    ).values("enrolment_id")
    ended = (
        Q(end_month=prev)
        & ~Q(payroll_from="")
        & Q(payroll_from__lte=prev)
        & ~Q(programme__payment="once")
    )
    return qs.filter(ended | Q(pk__in=suspended_now))


def _narrow(qs: QuerySet) -> list[tuple[int, int, int, str, str]]:
    return list(
        qs.order_by("township__code", "village__code", "household__number", "id").values_list(
            "id", "household_id", "members", "gradual_exit_from", "start_month", "payroll_from"
        )
    )


def roster_for(*, user, filters: RosterFilter) -> Roster:
    """The roster of the user's jurisdiction for a month, filtered, with its totals."""
    Month.parse(filters.month)
    county = roster_county(user)
    roster = Roster(month=filters.month, county=county)
    if county is None:
        return roster
    month, status = filters.month, filters.status
    roster.due = due = due_for_county(county=county, month=month)
    base = _filtered(user, county, filters)
    if status in PAID_STATUSES:
        rows = [r for r in _narrow(base) if r[0] in due]
        if status == "active":
            rows = [r for r in rows if not (r[3] and r[3] <= month)]
        elif status == "gradual":
            rows = [r for r in rows if r[3] and r[3] <= month]
        elif status == "new":
            rows = [r for r in rows if month in (r[4], r[5])]
    elif status == "suspended":
        rows = [r for r in _narrow(_in_force_by_dates(base, month)) if r[0] not in due]
    else:  # stopped
        rows = [r for r in _narrow(_stopped_this_month(base, month)) if r[0] not in due]
    roster.ids = [r[0] for r in rows]
    roster.households = len({r[1] for r in rows})
    roster.persons = sum(r[2] for r in rows)
    roster.amount = sum((due[r[0]].amount for r in rows if r[0] in due), ZERO)
    return roster


def programmes_of(county: Region | None) -> QuerySet:
    """The programmes with enrolments in the county (the roster's programme filter)."""
    if county is None:
        return Programme.objects.none()
    used = Enrolment.objects.filter(county=county).values("programme_id")
    return Programme.objects.filter(pk__in=used).order_by("id")
