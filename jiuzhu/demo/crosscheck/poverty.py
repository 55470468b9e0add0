"""The poverty-monitoring file (防返贫监测, R7): households lifted out of poverty that dibao
covers, monitored households at risk that nothing covers (missed inclusion), and monitored
families the registry does not know yet."""

from __future__ import annotations

from collections import defaultdict

from .county import CountyPerson, spread
from .planting import Planting

LIFTED = [("脱贫户", "风险已消除")] * 5 + [("脱贫不稳定户", "风险未消除"), ("脱贫户", "风险未消除")]
AT_RISK = "风险未消除"
MISSED_KINDS = ("边缘易致贫户", "脱贫不稳定户", "突发严重困难户")
NEWCOMER_KINDS = ("边缘易致贫户", "突发严重困难户")


def poverty_rows(plant: Planting) -> list[dict]:
    rows: list[dict] = []
    serial: dict[str, int] = defaultdict(int)

    def household_rows(members: list[CountyPerson], village: str, kind: str, risk: str) -> None:
        serial[village] += 1
        number = f"{village}{serial[village]:04d}"
        for p in members:
            rows.append(
                plant.row(
                    p,
                    region_code=village,
                    household_no=number,
                    monitoring_type=kind,
                    risk_status=risk,
                )
            )

    # most rows: households lifted out of poverty that dibao covers
    for h in plant.live:
        if h.area_type == "rural" and plant.rng.random() < 0.45:
            kind, risk = plant.rng.choice(LIFTED)
            household_rows(h.members, h.village_code, kind, risk)
    # monitored households with the risk still open that nothing covers
    free = sorted(
        (h for h in plant.households.values() if h.pk not in plant.busy),
        key=lambda h: (h.income, h.number),
    )[: max(len(plant.households) // 10, 40)]
    for h in spread(free, 20, plant.rng, home=6):
        plant.busy.add(h.pk)
        plant.notes["monitored"].append(h.pk)
        household_rows(h.members, h.village_code, plant.rng.choice(MISSED_KINDS), AT_RISK)
    return rows + _unknown_families(plant, serial)


def _unknown_families(plant: Planting, serial: dict[str, int]) -> list[dict]:
    """Monitored families our registry does not know yet (moved in, never applied)."""
    rows = []
    villages = sorted({(h.village_code, h.home) for h in plant.households.values()})
    home = [v for v, at_home in villages if at_home]
    for i in range(5):
        village = plant.rng.choice(home if i < 2 and home else [v for v, _ in villages])
        size = plant.rng.randint(1, 3)
        people = [plant.stranger(born_from=1945, born_to=1990) for _ in range(size)]
        serial[village] += 1
        for name, number, _, _ in people:
            rows.append(
                {
                    "name": name,
                    "id_number": number,
                    "region_code": village,
                    "household_no": f"{village}{9000 + serial[village]:04d}",
                    "monitoring_type": plant.rng.choice(NEWCOMER_KINDS),
                    "risk_status": AT_RISK,
                }
            )
    return rows
