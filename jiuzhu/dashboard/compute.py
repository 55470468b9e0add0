"""The month's figures of one county, as the refresh job stores them (models.SeriesMonth.data).

Recipients and the amount due come from the roster's own source (payments.roster.due_for_county:
the SQL the payroll is generated from), so a chart's figure and the roster it links to agree.
A village's movement is counted in households of the monthly programmes: newly paid (paid this
month, no monthly programme paid last month) and no longer paid (paid last month, none this
month). Coverage of the poverty registry reads the county's latest 防返贫监测 snapshot as of the
month's last day (the system holds that registry only as cross-check snapshots).

Shape of one month's data (ids as strings: JSON object keys; money as strings):
    {"recipients": [[programme_code, township_id, households, persons, "amount"], …],
     "households": [[township_id, households of any programme], …],
     "villages":   [[village_id, township_id, households, new, exited], …],
     "payroll":    [[programme_code, township_id, lines, "amount"], …],
     "coverage":   {"snapshot": id, "as_of": "YYYY-MM-DD",
                    "townships": [[township_id or null, monitored, covered], …]} or null}
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from jiuzhu.core.month import Month
from jiuzhu.crosscheck import engine
from jiuzhu.crosscheck.snapshot_selectors import latest_snapshots, snapshot_file
from jiuzhu.payments.models import Enrolment, PayrollLine
from jiuzhu.payments.roster import due_for_county
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Person

from .rules import poverty_screened

ZERO = Decimal("0.00")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnrolmentInfo:
    household_id: int
    members: int
    programme: str
    payment: str
    township_id: int
    village_id: int


@dataclass
class CountyData:
    """What every month of one county's refresh reads once."""

    county: Region
    enrolments: dict[int, EnrolmentInfo]
    _due: dict[str, dict] = field(default_factory=dict)
    _persons: dict[str, tuple[int, int]] | None = None  # id_hash -> (household, township)
    _snapshots: dict[int, list[tuple]] = field(default_factory=dict)

    @classmethod
    def load(cls, county: Region) -> CountyData:
        rows = Enrolment.objects.filter(county=county).values_list(
            "id",
            "household_id",
            "members",
            "programme__code",
            "programme__payment",
            "township_id",
            "village_id",
        )
        return cls(county, {pk: EnrolmentInfo(*rest) for pk, *rest in rows})

    def due(self, month: str) -> dict:
        if month not in self._due:
            self._due[month] = due_for_county(county=self.county, month=month)
        return self._due[month]

    def persons(self) -> dict[str, tuple[int, int]]:
        if self._persons is None:
            self._persons = {
                h: (household, township)
                for h, household, township in Person.objects.filter(
                    household__county=self.county
                ).values_list("id_hash", "household_id", "household__township_id")
            }
        return self._persons

    def snapshot_rows(self, snapshot) -> list[tuple]:
        if snapshot.pk not in self._snapshots:
            self._snapshots[snapshot.pk] = _poverty_rows(snapshot)
        return self._snapshots[snapshot.pk]


def month_data(data: CountyData, month: str) -> dict:
    """The stored figures of `month` (see the module's docstring)."""
    Month.parse(month)
    return {
        "recipients": _recipients(data, month),
        "households": _households(data, month),
        "villages": _villages(data, month),
        "payroll": _payroll(data.county, month),
        "coverage": _coverage(data, month),
    }


def _recipients(data: CountyData, month: str) -> list[list]:
    groups: dict[tuple[str, int], list] = defaultdict(lambda: [set(), 0, ZERO])
    for pk, due in data.due(month).items():
        info = data.enrolments[pk]
        group = groups[(info.programme, info.township_id)]
        group[0].add(info.household_id)
        group[1] += info.members
        group[2] += due.amount
    return [
        [programme, township, len(h), persons, str(amount)]
        for (programme, township), (h, persons, amount) in sorted(groups.items())
    ]


def _households(data: CountyData, month: str) -> list[list[int]]:
    """Distinct households paid per township (any programme): the roster's 户 of a township."""
    per: dict[int, set[int]] = defaultdict(set)
    for pk in data.due(month):
        info = data.enrolments[pk]
        per[info.township_id].add(info.household_id)
    return [[t, len(h)] for t, h in sorted(per.items())]


def _monthly_households(data: CountyData, month: str) -> dict[int, tuple[int, int]]:
    """household -> (village, township) of every household paid by a monthly programme."""
    out = {}
    for pk in data.due(month):
        info = data.enrolments[pk]
        if info.payment == "monthly":
            out.setdefault(info.household_id, (info.village_id, info.township_id))
    return out


def _villages(data: CountyData, month: str) -> list[list]:
    now = _monthly_households(data, month)
    before = _monthly_households(data, str(Month.parse(month).prev()))
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for household, place in now.items():
        counts[place][0] += 1
        counts[place][1] += household not in before
    for household, place in before.items():
        if household not in now:
            counts[place][2] += 1
    return [[v, t, *c] for (v, t), c in sorted(counts.items())]


def _payroll(county: Region, month: str) -> list[list]:
    rows = (
        PayrollLine.objects.filter(payroll__county=county, payroll__month=month)
        .values("payroll__programme__code", "township_id")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by("payroll__programme__code", "township_id")
    )
    return [
        [r["payroll__programme__code"], r["township_id"], r["n"], str(r["amount"] or ZERO)]
        for r in rows
    ]


def _poverty_rows(snapshot) -> list[tuple]:
    """(household key, id_hash, region_code) of each monitored row of a poverty snapshot."""
    con = engine.connect()
    try:
        rows = con.execute(
            "SELECT row_no, id_hash, region_code, household_no, monitoring_type, risk_status "
            "FROM read_parquet(?)",
            [str(snapshot_file(snapshot))],
        ).fetchall()
    finally:
        con.close()
    return [
        (household_no or f"#{row_no}", id_hash, region_code or "")
        for row_no, id_hash, region_code, household_no, kind, risk in rows
        if poverty_screened(kind, risk)
    ]


def _coverage(data: CountyData, month: str) -> dict | None:
    """Monitored households of the latest poverty snapshot (as of the month's end) and how many
    of them hold a member in a household paid this month (any programme), per township: a
    row's township is its person's household's, else its region code's, else unknown (null)."""
    snapshot = latest_snapshots(data.county, on=Month.parse(month).last_day).get("poverty")
    if snapshot is None:
        return None
    if not snapshot_file(snapshot).exists():  # moved or lost: the other figures still count
        logger.warning("dashboard: the Parquet file of snapshot %s is missing", snapshot.pk)
        return None
    paid = {data.enrolments[pk].household_id for pk in data.due(month)}
    persons = data.persons()
    townships = dict(
        Region.objects.filter(parent=data.county).values_list("code", "id")
    )  # 12-digit codes: a township's is its first 9 digits and 000
    households: dict[str, list] = {}
    for key, id_hash, region_code in data.snapshot_rows(snapshot):
        person = persons.get(id_hash) if id_hash else None
        township = person[1] if person else townships.get(region_code[:9] + "000")
        entry = households.setdefault(key, [township, False])
        entry[0] = entry[0] or township
        entry[1] = entry[1] or bool(person and person[0] in paid)
    per: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for township, covered in households.values():
        per[township][0] += 1
        per[township][1] += covered
    return {
        "snapshot": snapshot.pk,
        "as_of": snapshot.as_of.isoformat(),
        "townships": [[t, *c] for t, c in sorted(per.items(), key=lambda kv: kv[0] or 0)],
    }
