"""The fiscally-paid staff file (R5, R6): staff whose close relatives receive assistance (each
kind of relative), a cousin who is declared but is no close relative, and many staff whose
relatives receive nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from .county import CountyPerson
from .planting import Planting, Stranger
from .staff_rows import staff_rows

UNITS = (
    ("凤凰县教育局", "科员"),
    ("凤凰县第一中学", "教师"),
    ("凤凰县人民医院", "护士"),
    ("凤凰县人民医院", "医生"),
    ("凤凰县财政局", "科员"),
    ("凤凰县公安局", "民警"),
    ("沱江镇人民政府", "干部"),
    ("凤凰县农业农村局", "技术员"),
    ("凤凰县民政局", "科员"),
    ("凤凰县住房和城乡建设局", "副局长"),
    ("凤凰县人力资源和社会保障局", "科员"),
    ("廖家桥镇中心小学", "教师"),
    ("凤凰县自然资源局", "股长"),
)
# What the recipient is to the staff member, and whether in 沱江镇.
PLANTED = (
    ("parent", 1),
    ("spouse", 1),
    ("child", 0),
    ("sibling", 1),
    ("parent", 0),
    ("spouse", 0),
    ("sibling", 0),
    ("parent", 0),
)
ROWS = 430


def _between(low: int, high: int) -> Callable[[date], Callable[[CountyPerson], bool]]:
    return lambda today: lambda m: low <= m.age(today) <= high


# How old the recipient is, by what the recipient is to the staff member.
KIN_AGE = {
    "parent": _between(50, 85),
    "spouse": _between(28, 58),
    "child": _between(18, 32),
    "sibling": _between(28, 58),
}
SIBLING_WORDS = {
    ("M", True): "哥哥",
    ("M", False): "弟弟",
    ("F", True): "姐姐",
    ("F", False): "妹妹",
}


def fiscal_staff_rows(plant: Planting) -> list[dict]:
    rows = []
    for relation, home in PLANTED:
        for _h, p in plant.take(1, home, person=KIN_AGE[relation](plant.today)):
            plant.notes["kin"].append(p.pk)
            staff_born, word = relative_of(p, relation, plant.rng)
            surname = p.name[0] if relation in ("parent", "child", "sibling") else None
            staff = _staff_person(plant, staff_born, _staff_sex(p, relation), surname)
            unit, post = plant.rng.choice(UNITS)
            rows += staff_rows(staff, unit, post, [(word, p.name, plant.id_number(p))])
    # a cousin is not a close relative: declared, imported, and not flagged
    for _h, p in plant.take(1, 1, person=lambda m: 25 <= m.age(plant.today) <= 60):
        plant.notes["cousin"].append(p.pk)
        staff = _staff_person(
            plant, p.birth_date.replace(day=1) - timedelta(days=700), "M", p.name[0]
        )
        word = plant.rng.choice(["堂兄弟姐妹", "表兄弟姐妹"])
        rows += staff_rows(staff, "凤凰县教育局", "教师", [(word, p.name, plant.id_number(p))])
    return rows + _unrelated_staff(plant, ROWS - len(rows))


def _unrelated_staff(plant: Planting, wanted: int) -> list[dict]:
    """Staff and relatives who receive nothing; a few parents are people of the county."""
    rows: list[dict] = []
    parents = iter([p for p in plant.others(400) if p.age(plant.today) >= 60][:60])
    while len(rows) < wanted:
        staff = plant.stranger(born_from=1966, born_to=1998)
        unit, post = plant.rng.choice(UNITS)
        relatives = []
        for word, born in (("配偶", (1966, 1998)), ("父母", (1935, 1965)), ("子女", (1990, 2010))):
            if plant.rng.random() < 0.6:
                parent = (
                    next(parents, None) if word == "父母" and plant.rng.random() < 0.3 else None
                )
                if parent is not None:
                    father = "父亲" if parent.sex == "M" else "母亲"
                    relatives.append((father, parent.name, plant.id_number(parent)))
                else:
                    rel = plant.stranger(born_from=born[0], born_to=born[1])
                    relatives.append((word, rel[0], rel[1]))
        rows += staff_rows(staff, unit, post, relatives)
    return rows


def _staff_person(plant: Planting, born: date, sex: str, surname: str | None) -> Stranger:
    born = min(born, date(2000, 12, 31))
    number = plant.free_id(born, sex)
    return plant.names.person_name(sex, surname=surname), number, born, sex


def relative_of(p: CountyPerson, relation: str, rng: random.Random) -> tuple[date, str]:
    """The staff member's birth date, and the word the file uses for what `p` is to them."""
    month_start = p.birth_date.replace(day=1)
    if relation == "parent":
        word = "父亲" if p.sex == "M" else "母亲"
        return month_start + timedelta(days=365 * rng.randint(22, 32)), word
    if relation == "child":
        word = "儿子" if p.sex == "M" else "女儿"
        return month_start - timedelta(days=365 * rng.randint(24, 30)), word
    if relation == "spouse":
        word = "丈夫" if p.sex == "M" else "妻子"
        return month_start + timedelta(days=365 * rng.randint(-3, 3)), word
    gap = rng.choice([-1, 1]) * 365 * rng.randint(2, 8)
    staff_born = month_start + timedelta(days=gap)
    return staff_born, SIBLING_WORDS[(p.sex, p.birth_date < staff_born)]


def _staff_sex(p: CountyPerson, relation: str) -> str:
    if relation == "spouse":
        return "F" if p.sex == "M" else "M"
    return "M" if p.pk % 2 else "F"
