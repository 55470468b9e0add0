"""The vehicle registration file (R6): recipients with cars, lorries and large farm machines,
and those that are allowed (a disabled member's mobility vehicle, a small walking tractor)."""

from __future__ import annotations

from datetime import date, timedelta

from .county import CountyPerson
from .planting import Planting

PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PLANTED_CARS = ("小型轿车", "小型普通客车", "小型轿车", "轻型货车", "小型越野客车")
OTHERS = ("小型轿车",) * 5 + (
    "小型普通客车",
    "轻型货车",
    "普通二轮摩托车",
    "普通二轮摩托车",
    "联合收割机",
)
STRANGERS = ("小型轿车", "小型普通客车", "轻型货车", "普通二轮摩托车")
MOTORBIKE = "普通二轮摩托车"


def _plate(plant: Planting) -> str:
    tail = "".join(plant.rng.choice(PLATE_LETTERS + "0123456789" * 3) for _ in range(4))
    return f"湘U{plant.rng.choice(PLATE_LETTERS)}{tail}"


def vehicle_rows(plant: Planting) -> list[dict]:
    rows = []

    def own(p: CountyPerson, kind: str, value: int | None, plate: bool = True) -> None:
        number = _plate(plant) if plate else ""  # drawn before the day, as the seed expects
        registered = plant.day(date(2012, 1, 1), plant.today - timedelta(days=30))
        rows.append(
            plant.row(
                p,
                vehicle_type=kind,
                plate=number,
                value=str(value) if value else "",
                registered_on=f"{registered:%Y-%m-%d}",
            )
        )

    def adult(m: CountyPerson) -> bool:
        return 20 <= m.age(plant.today) <= 65

    for (h, p), kind in zip(plant.take(5, 2, person=adult), PLANTED_CARS, strict=False):
        own(p, kind, plant.rng.randint(30, 160) * 1000)
        plant.notes["vehicle"].append(h.pk)
    # a disabled member's mobility vehicle is allowed (and nothing else in that household)
    mobility = plant.take(1, 1, person=lambda m: m.disability_type == "physical") or plant.take(
        1, 1, person=lambda m: bool(m.disability_type)
    )
    for h, p in mobility:
        own(p, "残疾人机动轮椅车", plant.rng.randint(4, 9) * 1000)
        plant.notes["mobility"].append(h.pk)
    for (h, p), kind in zip(
        plant.take(2, 1, person=adult), ["轮式拖拉机", "联合收割机"], strict=False
    ):
        own(p, kind, plant.rng.randint(60, 180) * 1000, plate=kind == "轮式拖拉机")
        plant.notes["machinery"].append(h.pk)
    # a small walking tractor (below the large-machinery value) is no finding either
    for h, p in plant.take(1, 0, person=adult):
        own(p, "拖拉机", plant.rng.randint(6, 15) * 1000)
        plant.notes["small_tractor"].append(h.pk)
    for p in plant.others(260):
        kind = plant.rng.choice(OTHERS)
        value = plant.rng.randint(3, 200) if kind != MOTORBIKE else plant.rng.randint(2, 9)
        own(p, kind, value * 1000)
    for _ in range(250):
        name, number, _, _ = plant.stranger(born_from=1955, born_to=2002)
        rows.append(
            {
                "name": name,
                "id_number": number,
                "vehicle_type": plant.rng.choice(STRANGERS),
                "plate": _plate(plant),
                "value": str(plant.rng.randint(5, 250) * 1000),
            }
        )
    return rows
