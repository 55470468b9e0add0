"""The funeral and household-registration deaths file (R9): recipients who died, found by every
linkage tier (ID, an ID with one wrong digit, no ID, a name in traditional characters), a
living namesake that must not be taken for the dead, and the county's ordinary deaths."""

from __future__ import annotations

from datetime import timedelta

from jiuzhu.core.month import Month

from .county import CountyHousehold, CountyPerson
from .planting import Planting
from .traditional import traditional

SOURCES = ("火化", "户籍注销", "医学死亡证明")


def _death_day(plant: Planting):
    """A day one to five months ago (after the enrolment's start)."""
    return plant.today - timedelta(days=plant.rng.randint(35, 150))


def _sex(p: CountyPerson) -> str:
    return "男" if p.sex == "M" else "女"


def death_rows(plant: Planting) -> list[dict]:
    enrolment = {e.household.pk: e for e in plant.enrolments if e.person is None}
    half_year = str(Month.of(plant.today).add(-6))
    rows: list[dict] = []
    today = plant.today

    def take(n: int, home: int, ok=None, person=None) -> list[tuple[CountyHousehold, CountyPerson]]:
        def paid_before_the_death(h: CountyHousehold) -> bool:
            return enrolment[h.pk].start_month <= half_year and (ok is None or ok(h))

        return plant.take(n, home, ok=paid_before_the_death, person=person)

    def died(p: CountyPerson, **cells) -> None:
        day = _death_day(plant)
        rows.append(
            {
                "name": p.name,
                "death_date": f"{day:%Y-%m-%d}",
                "source": plant.rng.choice(SOURCES),
                **cells,
            }
        )

    # the head of a household of several
    for _h, p in take(1, 1, ok=lambda h: len(h.members) >= 3):
        died(p, id_number=plant.id_number(p))
        plant.notes["death_head"].append(p.pk)
    # one wrong digit in the ID (order code): linkage tier 2
    for _h, p in take(1, 0, ok=lambda h: len(h.members) == 1):
        number = plant.id_number(p)
        died(p, id_number=number[:15] + str((int(number[15]) + 3) % 10) + number[16:])
        plant.notes["death_typo"].append(p.pk)
    # no ID: name, birth date, sex and village only (linkage tier 3)
    for h, p in take(1, 1, person=lambda m: m.age(today) >= 60):
        died(p, sex=_sex(p), birth_date=f"{p.birth_date:%Y-%m-%d}", region_code=h.village_code)
        plant.notes["death_no_id"].append(p.pk)
    # the name in traditional characters
    for _h, p in take(1, 0, person=lambda m: traditional(m.name) != m.name and m.age(today) >= 50):
        died(p, id_number=plant.id_number(p), name=traditional(p.name))
        plant.notes["death_traditional"].append(p.pk)
    _extreme_poverty_death(plant, rows, half_year)
    # seven more, mostly old people
    for h, p in take(7, 2, person=lambda m: m.age(today) >= 55):
        died(p, id_number=plant.id_number(p), region_code=h.village_code)
        plant.notes["death_other"].append(p.pk)
    _living_namesake(plant, rows)
    return rows + _ordinary_deaths(plant)


def _extreme_poverty_death(plant: Planting, rows: list[dict], half_year: str) -> None:
    """An extreme-poverty recipient living alone."""
    alone = [
        e
        for e in plant.enrolments
        if e.person is not None
        and e.household.pk not in plant.planted
        and not e.end_month
        and len(e.household.members) == 1
        and e.start_month <= half_year
    ]
    if alone:
        plant.planted.add(alone[0].household.pk)
        day = _death_day(plant)
        rows.append(
            {
                "name": alone[0].person.name,
                "id_number": plant.id_number(alone[0].person),
                "death_date": f"{day:%Y-%m-%d}",
                "source": "火化",
            }
        )
        plant.notes["death_ep"].append(alone[0].person.pk)


def _living_namesake(plant: Planting, rows: list[dict]) -> None:
    """A namesake of a living recipient in the same village, born in another year, with no ID
    in the file (linkage tier 3 must not take him for the recipient)."""
    for h, p in plant.take(1, 1, person=lambda m: m.age(plant.today) >= 40):
        twin_born = p.birth_date.replace(year=p.birth_date.year - plant.rng.randint(6, 15), day=1)
        rows.append(
            {
                "name": p.name,
                "sex": _sex(p),
                "birth_date": f"{twin_born:%Y-%m-%d}",
                "region_code": h.village_code,
                "death_date": f"{plant.today - timedelta(days=50):%Y-%m-%d}",
                "source": "户籍注销",
            }
        )
        plant.notes["namesake_alive"].append(p.pk)


def _ordinary_deaths(plant: Planting) -> list[dict]:
    """People of the county who received nothing, and people not registered here."""
    rows = []

    def recently() -> str:
        return f"{plant.today - timedelta(days=plant.rng.randint(3, 360)):%Y-%m-%d}"

    for p in sorted(plant.others(300), key=lambda p: p.birth_date)[:100]:
        plant.busy.add(p.household_id)  # gone: no other role in the demo
        rows.append(
            {
                "name": p.name,
                "id_number": plant.id_number(p),
                "source": "火化",
                "death_date": recently(),
            }
        )
    for _ in range(200):
        name, number, _, _ = plant.stranger(born_from=1930, born_to=1965)
        rows.append(
            {
                "name": name,
                "id_number": number,
                "source": plant.rng.choice(["火化", "户籍注销"]),
                "death_date": recently(),
            }
        )
    return rows
