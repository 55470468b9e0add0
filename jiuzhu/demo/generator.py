"""Write the seeded demo county (凤凰县, 433123) into the database.

The households come from the pure planner (``jiuzhu.demo.plan``); this module turns them into
rows chunk by chunk, each chunk in its own transaction, using the registry builders so
ciphertext, lookup hashes, masks and pinyin are filled as for any other household. Memory stays
flat: only one chunk of plans and rows is alive at a time. On PostgreSQL rows go in by COPY.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from jiuzhu.core import audit
from jiuzhu.demo.plan import (
    AssetPlan,
    DemoPlanner,
    HouseholdPlan,
    IncomePlan,
    PersonPlan,
    VillageInfo,
)
from jiuzhu.registry.builders import build_household, build_person, household_number
from jiuzhu.registry.models import AssetFact, Household, IncomeFact, Person, Source
from jiuzhu.registry.selectors import last_household_serials
from jiuzhu.registry.sensitive import protect_id_number

COUNTY_CODE = "433123000000"
REGION_CSV = Path(__file__).resolve().parents[1] / "regions" / "data" / "433123_fenghuang.csv"
CHUNK = 5_000
MAX_SERIAL = 99_999


@dataclass(frozen=True)
class DemoSummary:
    households: int
    persons: int
    incomes: int
    assets: int
    seconds: float


def ensure_demo_county():
    from jiuzhu.accounts.system import system_actor
    from jiuzhu.regions.models import Region
    from jiuzhu.regions.services import regions_import_csv

    if not Region.objects.filter(code=COUNTY_CODE).exists():
        regions_import_csv(path=REGION_CSV, actor=system_actor("demo"))
    return Region.objects.get(code=COUNTY_CODE)


def demo_villages() -> list:
    """The county's villages and communities (Region rows with their township), by code."""
    from jiuzhu.regions.models import Region

    county = ensure_demo_county()
    return list(
        Region.objects.filter(level=Region.Level.VILLAGE, parent__parent=county)
        .select_related("parent")
        .order_by("code")
    )


def _village_infos(regions) -> list[VillageInfo]:
    return [VillageInfo(r.code, r.name, r.parent.name, r.is_urban) for r in regions]


INCOME_COLUMNS = (
    "household_id",
    "person_id",
    "category",
    "amount",
    "period_start",
    "period_end",
    "source",
    "note",
)
ASSET_COLUMNS = (
    "household_id",
    "person_id",
    "kind",
    "description",
    "identifier",
    "quantity",
    "value",
    "is_disability_vehicle",
    "recorded_on",
    "source",
)


class _Writer:
    """Writes one chunk of plans per transaction: ORM bulk_create, or COPY on PostgreSQL."""

    def __init__(self, planner: DemoPlanner, regions) -> None:
        self.planner = planner
        self.village = {r.code: r for r in regions}
        self.serial = last_household_serials(regions)
        self.check_existing = Person.objects.exists()
        self.use_copy = connection.vendor == "postgresql"
        self.counts = [0, 0, 0, 0]

    def write(self, plans: list[HouseholdPlan]) -> None:
        with transaction.atomic():
            if self.use_copy:
                n = self._write_copy(plans)
            else:
                n = self._write_orm(plans)
        self.counts = [a + b for a, b in zip(self.counts, n, strict=True)]

    def _write_orm(self, plans: list[HouseholdPlan]) -> tuple[int, int, int, int]:
        households = [self._household(p) for p in plans]
        Household.objects.bulk_create(households, batch_size=CHUNK)
        people = self._people(households, plans)
        flat = [person for group in people for person in group]
        Person.objects.bulk_create(flat, batch_size=CHUNK)  # PKs come back (PostgreSQL, SQLite)
        incomes, assets = self._fact_rows(households, plans, people)
        IncomeFact.objects.bulk_create(
            [IncomeFact(**dict(zip(INCOME_COLUMNS, r, strict=True))) for r in incomes],
            batch_size=CHUNK,
        )
        AssetFact.objects.bulk_create(
            [AssetFact(**dict(zip(ASSET_COLUMNS, r, strict=True))) for r in assets],
            batch_size=CHUNK,
        )
        return len(households), len(flat), len(incomes), len(assets)

    def _write_copy(self, plans: list[HouseholdPlan]) -> tuple[int, int, int, int]:
        """PostgreSQL: primary keys drawn from the sequences up front, rows streamed by COPY."""
        now = timezone.now()
        with connection.cursor() as wrapper:
            cur = wrapper.cursor
            households = [self._household(p) for p in plans]
            for h, pk in zip(
                households, _reserve_ids(cur, Household, len(households)), strict=True
            ):
                h.pk, h.created_at, h.updated_at = pk, now, now
            people = self._people(households, plans)
            flat = [person for group in people for person in group]
            for person, pk in zip(flat, _reserve_ids(cur, Person, len(flat)), strict=True):
                person.pk = pk
            incomes, assets = self._fact_rows(households, plans, people)
            _copy_models(cur, Household, households)
            _copy_models(cur, Person, flat)
            _copy_rows(cur, IncomeFact._meta.db_table, INCOME_COLUMNS, incomes)
            _copy_rows(cur, AssetFact._meta.db_table, ASSET_COLUMNS, assets)
        return len(households), len(flat), len(incomes), len(assets)

    def _household(self, p: HouseholdPlan) -> Household:
        serial = self.serial[p.village_code] + 1
        if serial > MAX_SERIAL:
            raise ValueError(f"村（社区）{p.village_code}的家庭编号已用完")
        self.serial[p.village_code] = serial
        return build_household(
            number=household_number(p.village_code, serial),
            village=self.village[p.village_code],
            address=p.address,
            area_type=p.area_type,
            head_name=p.members[0].name,
            phone=p.phone,
            bank_name=p.bank_name,
            bank_account=p.bank_account,
            source=Source.DEMO,
        )

    def _people(self, households: list[Household], plans: list[HouseholdPlan]) -> list[list]:
        people = [
            [_person(h, m) for m in p.members] for h, p in zip(households, plans, strict=True)
        ]
        if self.check_existing:
            self._avoid_existing_ids(
                [x for g in people for x in g], [m for p in plans for m in p.members]
            )
        return people

    def _avoid_existing_ids(self, flat: list[Person], planned: list[PersonPlan]) -> None:
        """On a database that already holds people, re-draw any ID that is taken there."""
        pending = list(range(len(flat)))
        while pending:
            hashes = {flat[i].id_hash: i for i in pending}
            keys, taken = list(hashes), set()
            for start in range(0, len(keys), 900):
                taken.update(
                    Person.objects.filter(id_hash__in=keys[start : start + 900]).values_list(
                        "id_hash", flat=True
                    )
                )
            pending = [hashes[h] for h in taken]
            for i in pending:
                m = planned[i]
                m.id_number = self.planner.ids.take(m.id_number[:6], m.birth_date, m.sex)
                protected = protect_id_number(m.id_number)
                flat[i].id_cipher, flat[i].id_hash = protected.cipher, protected.hash
                flat[i].id_masked = protected.masked

    def _fact_rows(self, households, plans, people) -> tuple[list[tuple], list[tuple]]:
        """Income and asset rows as tuples in INCOME_COLUMNS / ASSET_COLUMNS order."""
        end = self.planner.today
        start = end - timedelta(days=365)
        incomes, assets = [], []
        for h, p, group in zip(households, plans, people, strict=True):
            incomes += [_income_row(h, group, f, start, end) for f in p.incomes]
            assets += [_asset_row(h, group, a, end) for a in p.assets]
        return incomes, assets


def _income_row(h: Household, group: list[Person], f: IncomePlan, start: date, end: date) -> tuple:
    person_id = group[f.member].pk if f.member is not None else None
    return (h.pk, person_id, f.category, f.amount, start, end, f.source, "")


def _asset_row(h: Household, group: list[Person], a: AssetPlan, today: date) -> tuple:
    person_id = group[a.member].pk if a.member is not None else None
    recorded = a.recorded_on or today
    return (
        h.pk,
        person_id,
        a.kind,
        a.description,
        a.identifier,
        1,
        a.value,
        a.is_disability_vehicle,
        recorded,
        "演示数据",
    )


def _person(h: Household, m: PersonPlan) -> Person:
    return build_person(
        household=h,
        name=m.name,
        id_number=m.id_number,
        birth_date=m.birth_date,
        sex=m.sex,
        relation=m.relation,
        hukou_type=m.hukou_type,
        ethnicity=m.ethnicity,
        labour_capacity=m.labour_capacity,
        disability_type=m.disability_type,
        disability_grade=m.disability_grade,
        health_status=m.health_status,
        health_note=m.health_note,
    )


def _reserve_ids(cur, model, n: int) -> list[int]:
    table = model._meta.db_table
    cur.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
    )
    return [row[0] for row in cur.fetchall()]


def _copy_rows(cur, table: str, columns: Sequence[str], rows) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_models(cur, model, objs) -> None:
    """COPY model instances whose every field (the primary key too) is already set."""
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    _copy_rows(
        cur,
        model._meta.db_table,
        [f.column for f in fields],
        ([getattr(o, a) for a in attnames] for o in objs),
    )


def generate_demo(
    *,
    households: int = 20000,
    seed: int = 20261122,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Write `households` seeded demo households (about 2.5 people each) into the county."""
    began = time.monotonic()
    regions = demo_villages()
    planner = DemoPlanner(villages=_village_infos(regions), seed=seed, today=date.today())
    writer = _Writer(planner, regions)
    stream = planner.households(households)
    done = 0
    while done < households:
        plans = list(islice(stream, CHUNK))
        writer.write(plans)
        done += len(plans)
        if progress is not None:
            progress(done, households)
    h, p, i, a = writer.counts
    summary = DemoSummary(
        households=h, persons=p, incomes=i, assets=a, seconds=round(time.monotonic() - began, 2)
    )
    audit.record(
        action="demo.generate",
        new={"households": h, "persons": p, "incomes": i, "assets": a, "seed": seed},
    )
    return summary
