"""The neighbouring counties' recipient lists (duplicates across counties): three of our
recipients also paid by 吉首市, and the neighbours' own recipients."""

from __future__ import annotations

from datetime import date

from .planting import Planting

NEIGHBOURS = {
    "433101": "吉首市",
    "433122": "泸溪县",
    "433124": "花垣县",
    "433125": "保靖县",
    "433126": "古丈县",
}
PROGRAMMES = ("农村低保",) * 3 + ("城市低保", "特困人员救助供养")


def neighbour_rows(plant: Planting) -> list[dict]:
    rows = []
    for _h, p in plant.take(3, 1):
        plant.notes["neighbour"].append(p.pk)
        since = plant.day(date(2022, 1, 1), date(2025, 6, 30))
        monthly = plant.rng.randint(30, 56) * 10
        rows.append(
            plant.row(
                p,
                county_name="吉首市",
                programme="农村低保",
                monthly_amount=str(monthly),
                since=f"{since:%Y-%m-%d}",
            )
        )
    for _ in range(60):
        region = plant.rng.choice(sorted(NEIGHBOURS))
        name, number, _, _ = plant.stranger(born_from=1940, born_to=2005, region=region)
        programme = plant.rng.choice(PROGRAMMES)
        monthly = plant.rng.randint(30, 90) * 10
        since = plant.day(date(2019, 1, 1), date(2026, 6, 30))
        rows.append(
            {
                "name": name,
                "id_number": number,
                "county_name": NEIGHBOURS[region],
                "programme": programme,
                "monthly_amount": str(monthly),
                "since": f"{since:%Y-%m-%d}",
            }
        )
    return rows
