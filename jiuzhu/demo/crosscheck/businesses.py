"""The market-regulation (business registration) file (R6): recipients who run or own a
company, one closed years ago and small stalls below the capital limit (no findings), and the
county's other businesses."""

from __future__ import annotations

from datetime import date, timedelta

from .county import CountyPerson
from .planting import Planting, Stranger

TRADES = ("旅游开发", "建材", "农业开发", "运输", "餐饮管理", "苗绣工艺品", "商贸")
SHOPS = ("小吃店", "杂货店", "农家乐", "便利店", "理发店", "米粉店", "五金店")
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
OWNER = "经营者"  # of an individual business (个体工商户), credit code 92…; companies are 91…
PLANTED = (("法定代表人", 1_000_000), ("股东", 300_000), ("法定代表人", 150_000))
ACTIVE, CLOSED = "存续", "注销"


def business_rows(plant: Planting) -> list[dict]:
    rows = []

    def firm(who: CountyPerson | Stranger, name: str, role: str, capital: int, status=ACTIVE):
        if isinstance(who, tuple):
            holder = {"name": who[0], "id_number": who[1]}
        else:
            holder = {"name": who.name, "id_number": plant.id_number(who)}
        kind = "92" if role == OWNER else "91"
        code = f"{kind}433123MA4" + "".join(plant.rng.choice(CODE_CHARS) for _ in range(7))
        established = plant.day(date(2010, 1, 1), plant.today - timedelta(days=90))
        rows.append(
            {
                **holder,
                "business_name": name,
                "credit_code": code,
                "role": role,
                "registered_capital": str(capital),
                "business_status": status,
                "established_on": f"{established:%Y-%m-%d}",
            }
        )

    def adult(m: CountyPerson) -> bool:
        return 22 <= m.age(plant.today) <= 65

    def company(village: str) -> str:
        return f"凤凰县{village[:2]}{plant.rng.choice(TRADES)}有限公司"

    for (h, p), (role, capital) in zip(plant.take(3, 1, person=adult), PLANTED, strict=False):
        firm(p, company(h.village_name), role, capital)
        plant.notes["business"].append(h.pk)
    for h, p in plant.take(1, 0, person=adult):  # closed years ago: not counted
        firm(p, company(h.village_name), "法定代表人", 500_000, CLOSED)
        plant.notes["business_closed"].append(h.pk)
    for h, p in plant.take(4, 1, person=adult):  # a small stall, below the capital limit
        shop = f"凤凰县{h.village_name}{p.name[0]}记{plant.rng.choice(SHOPS)}"
        firm(p, shop, OWNER, plant.rng.randint(1, 5) * 10_000)
        plant.notes["small_business"].append(h.pk)
    for p in plant.others(120):
        shop = f"凤凰县{p.name}{plant.rng.choice(SHOPS)}"
        firm(p, shop, OWNER, plant.rng.randint(1, 30) * 10_000)
    for _ in range(80):
        person = plant.stranger(born_from=1960, born_to=1995)
        firm(
            person,
            f"凤凰县{person[0][1:]}{plant.rng.choice(TRADES)}有限公司",
            plant.rng.choice(["法定代表人", "股东"]),
            plant.rng.randint(1, 200) * 10_000,
            plant.rng.choice([ACTIVE] * 4 + [CLOSED]),
        )
    return rows
