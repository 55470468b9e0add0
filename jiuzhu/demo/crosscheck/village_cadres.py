"""The village and community committee members' file (R5): two recipients who are cadres
themselves, and a committee member with relatives in many villages."""

from __future__ import annotations

from .planting import Planting
from .staff_rows import committee, staff_rows

PLANTED_POSTS = ("村民委员会委员", "村务监督委员会主任", "村民小组长兼村委会委员")
POSTS = ("党支部书记、村委会主任", "村委会副主任", "村委会委员", "村务监督委员会主任")


def village_cadre_rows(plant: Planting) -> list[dict]:
    rows = []
    for h, p in plant.take(2, 1, person=lambda m: 28 <= m.age(plant.today) <= 62):
        plant.notes["cadre_self"].append(p.pk)
        post = plant.rng.choice(PLANTED_POSTS)
        rows.append(
            {
                "staff_name": p.name,
                "staff_id_number": plant.id_number(p),
                "unit": committee(h.township_name, h.village_name),
                "post": post,
                "kin": "本人",
                "region_code": h.village_code,
            }
        )
    villages = sorted(
        {(h.village_code, h.township_name, h.village_name) for h in plant.households.values()}
    )
    for code, township, village in plant.rng.sample(villages, min(60, len(villages))):
        staff = plant.stranger(born_from=1965, born_to=1992)
        post = plant.rng.choice(POSTS)
        relatives = [("配偶", *plant.stranger(born_from=1965, born_to=1995)[:2])]
        if plant.rng.random() < 0.5:
            relatives.append(("子女", *plant.stranger(born_from=1988, born_to=2008)[:2]))
        for row in staff_rows(staff, committee(township, village), post, relatives):
            rows.append({**row, "region_code": code})
    return rows
