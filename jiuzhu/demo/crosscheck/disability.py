"""The disabled persons' federation file (certificates issued and renewed, R7): recipients'
certificates, severely disabled people that no programme covers (missed inclusion), and
mildly disabled people."""

from __future__ import annotations

from .county import CountyPerson, spread
from .planting import Planting

TYPES = {
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "multiple": "多重残疾",
}
GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
MISSED = 15


def _certified(p: CountyPerson) -> bool:
    return bool(p.disability_type and p.disability_grade)


def _severe(p: CountyPerson) -> bool:
    """Grade 1–2, or grade 3 mental or intellectual (S2 art. 8)."""
    return p.disability_grade in (1, 2) or (
        p.disability_grade == 3 and p.disability_type in ("mental", "intellectual")
    )


def _certificate(plant: Planting, p: CountyPerson) -> dict:
    return plant.row(
        p, disability_type=TYPES[p.disability_type], disability_grade=GRADES[p.disability_grade]
    )


def disability_rows(plant: Planting) -> list[dict]:
    rows = [_certificate(plant, m) for h in plant.live for m in h.members if _certified(m)]

    def uncovered(p: CountyPerson) -> bool:
        return _certified(p) and p.pk not in plant.covered and p.household_id not in plant.busy

    pool = sorted(
        ((plant.household_of(p), p) for p in plant.people.values() if uncovered(p) and _severe(p)),
        key=lambda x: (x[0].income, x[1].pk),
    )
    pool = pool[: max(len(pool) // 2, MISSED)]  # the poorer half: most would qualify
    for h, p in spread(pool, MISSED, plant.rng, home=5, key=lambda x: x[0]):
        plant.busy.add(h.pk)
        plant.notes["severe_disability"].append(p.pk)
        rows.append(_certificate(plant, p))
    mild = [p for p in plant.people.values() if uncovered(p) and not _severe(p)]
    rows += [_certificate(plant, p) for p in plant.rng.sample(mild, min(150, len(mild)))]
    return rows
