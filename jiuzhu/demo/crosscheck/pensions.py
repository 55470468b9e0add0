"""The social-insurance pensions file (R6 income): two recipients draw an employee pension well
above the standard (raised); others draw the residents' basic pension, which S2 art. 13 does
not count (not raised); and people who receive nothing."""

from __future__ import annotations

from .planting import Planting

EMPLOYEE = "企业职工基本养老保险"
RESIDENTS = "城乡居民基本养老保险"
KINDS = (RESIDENTS, EMPLOYEE, "机关事业单位养老保险")


def pension_rows(plant: Planting) -> list[dict]:
    rows = []

    def old(m) -> bool:
        return m.age(plant.today) >= 60

    for _h, p in plant.take(2, 1, person=old):
        plant.notes["pension"].append(p.pk)
        monthly = plant.rng.randint(26, 38) * 100
        rows.append(
            plant.row(p, benefit_type=EMPLOYEE, monthly_amount=str(monthly), since="2018-01-01")
        )
    for _h, p in plant.take(40, 10, person=old):
        rows.append(plant.row(p, benefit_type=RESIDENTS, monthly_amount="168", since="2016-01-01"))
    for p in plant.others(150):
        kind = plant.rng.choice(KINDS)
        monthly = plant.rng.randint(10, 60) * 100
        rows.append(
            plant.row(p, benefit_type=kind, monthly_amount=str(monthly), since="2015-01-01")
        )
    return rows
