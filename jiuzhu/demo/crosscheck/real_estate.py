"""The real-estate register (R6): three recipients with a second home or a shop (one through
the spouse), and the one home most recipients and other people own (allowed)."""

from __future__ import annotations

from datetime import date, timedelta

from .county import CountyHousehold, CountyPerson
from .planting import Planting

ROADS = ("建设路", "人民路", "沱江路", "虹桥路", "南华路", "文化路", "迎宾路")
HOMES_SAMPLED = 150  # recipients whose own home is in the file


def real_estate_rows(plant: Planting) -> list[dict]:
    rows = []
    rng = plant.rng

    def owns(p: CountyPerson, h: CountyHousehold | None, usage: str, area: int, where: str = ""):
        place = where or (f"凤凰县{h.township_name}{h.village_name}" if h else "凤凰县沱江镇")
        registered = plant.day(date(2008, 1, 1), plant.today - timedelta(days=60))
        rows.append(
            plant.row(
                p,
                address=place,
                usage=usage,
                area_m2=str(area),
                registered_on=f"{registered:%Y-%m-%d}",
            )
        )

    def in_town() -> str:
        return f"凤凰县沱江镇{rng.choice(ROADS)}{rng.randint(1, 99)}号"

    (h1, p1), (h2, p2), (h3, p3) = plant.take(3, 1)
    plant.notes["real_estate"] += [h1.pk, h2.pk, h3.pk]
    owns(p1, h1, "宅基地", rng.randint(90, 200))
    owns(p1, None, "住宅", rng.randint(80, 130), in_town() + f"{rng.randint(1, 9)}栋")
    owns(p2, h2, "住宅", rng.randint(60, 120))
    owns(p2, None, "商铺", rng.randint(20, 80), in_town() + "门面")
    owns(p3, h3, "宅基地", rng.randint(90, 200))
    spouse = next((m for m in h3.members if m.pk != p3.pk and m.age(plant.today) >= 18), p3)
    owns(spouse, None, "住宅", rng.randint(70, 140), "凤凰县吉信镇新街安置小区")
    # most recipients own the one home they live in: allowed
    for h in plant.live[:: max(len(plant.live) // HOMES_SAMPLED, 1)]:
        if h.pk not in plant.planted:
            owns(h.head, h, _home_usage(h), rng.randint(40, 160))
    for p in plant.others(200):
        h = plant.household_of(p)
        owns(p, h, _home_usage(h), rng.randint(60, 220))
    return rows


def _home_usage(h: CountyHousehold) -> str:
    return "住宅" if h.area_type == "urban" else "宅基地"
