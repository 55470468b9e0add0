"""Plausible parameters for the demo county (Fenghuang, Hunan). Rural dibao follows seed 002
(R12: 4,350 → 4,770 yuan/person/year from 2019-07-01); later rises are illustrative."""

from datetime import date

from django.db import transaction

from jiuzhu.accounts.system import system_actor

from . import services
from .models import Standard

D = date
STANDARDS = [  # programme, area, amount, period, effective from, note
    ("dibao_rural", "rural", "4350", "yearly", D(2019, 1, 1), "农村低保标准"),
    ("dibao_rural", "rural", "4770", "yearly", D(2019, 7, 1), "提标9.7%（铁市民发〔2019〕45号）"),
    ("dibao_rural", "rural", "5040", "yearly", D(2023, 7, 1), "演示：提标"),
    ("dibao_rural", "rural", "5400", "yearly", D(2025, 7, 1), "演示：提标"),
    ("dibao_urban", "urban", "550", "monthly", D(2019, 7, 1), "城市低保标准"),
    ("dibao_urban", "urban", "620", "monthly", D(2023, 7, 1), "演示：提标"),
    ("dibao_urban", "urban", "680", "monthly", D(2025, 7, 1), "演示：提标"),
    ("disability_living", "all", "90", "monthly", D(2023, 1, 1), "困难残疾人生活补贴"),
    ("disability_care", "all", "90", "monthly", D(2023, 1, 1), "重度残疾人护理补贴"),
    ("orphan", "all", "1500", "monthly", D(2024, 1, 1), "孤儿基本生活费（分散养育）"),
    ("unsupported_child", "all", "1500", "monthly", D(2024, 1, 1), "参照孤儿标准"),
    ("elderly_allowance", "all", "200", "monthly", D(2024, 1, 1), "百岁老人长寿保健金"),
    (
        "heating",
        "all",
        "200",
        "yearly",
        D(2024, 1, 1),
        "分散取暖不低于200元/年（铁市民发〔2019〕45号，演示）",
    ),
]
TIERS = [  # code, label, category, multiple of the monthly standard, cap
    ("E1", "急难型一档", "emergency", "1", None),
    ("E2", "急难型二档", "emergency", "2", None),
    ("E3", "急难型三档", "emergency", "3", None),
    ("X1", "支出型一档", "expenditure", "3", None),
    ("X2", "支出型二档", "expenditure", "6", None),
    ("X3", "支出型三档", "expenditure", "12", "20000"),
]
# 低保分档 (S2 art. 23), illustrative: (upper bound of per-capita monthly income, monthly amount
# per person). Each table reaches the monthly standard in force from its date (rural 5,040/year
# = 420.00 and 5,400/year = 450.00; urban 620 and 680). The demo county keeps the gap mode.
DIBAO_TIERS = [  # area, effective from, tiers
    ("rural", D(2024, 1, 1), [("140", "340"), ("280", "220"), ("420", "100")]),
    ("rural", D(2025, 7, 1), [("150", "360"), ("300", "240"), ("450", "110")]),
    ("urban", D(2024, 1, 1), [("200", "510"), ("400", "330"), ("620", "140")]),
    ("urban", D(2025, 7, 1), [("220", "560"), ("450", "360"), ("680", "150")]),
]
ADD_ONS = [
    ("elderly", "0.10"),
    ("minor", "0.10"),
    ("severe_disability", "0.20"),
    ("serious_illness", "0.15"),
]
CARE = [("self_care", "60"), ("partial", "300"), ("full_loss", "700")]
SETTINGS = [("prev_year_consumption", "14000", D(2026, 1, 1), "演示：上年度居民人均消费支出")]
START = D(2024, 1, 1)


@transaction.atomic
def seed_county_defaults(*, county) -> bool:
    """Returns False when the county already has standards (nothing is changed then). Loaded
    by the demo's system actor: these are illustrative parameters, not a county's decision."""
    actor = system_actor("demo")
    if Standard.objects.filter(county=county).exists():
        return False
    for code, area, amount, period, start, note in STANDARDS:
        services.standard_set(
            actor=actor,
            county=county,
            programme_code=code,
            area=area,
            amount=amount,
            period=period,
            effective_from=start,
            note=note,
        )
    for code, label, category, multiple, cap in TIERS:
        services.temporary_tier_set(
            actor=actor,
            county=county,
            code=code,
            label=label,
            category=category,
            multiple=multiple,
            max_amount=cap,
            effective_from=START,
            note="演示",
        )
    for kind, rate in ADD_ONS:
        services.add_on_set(
            actor=actor,
            county=county,
            kind=kind,
            rate=rate,
            effective_from=START,
            note="演示：按保障标准的比例加发",
        )
    for level, amount in CARE:
        services.care_rate_set(
            actor=actor,
            county=county,
            level=level,
            amount=amount,
            effective_from=START,
            note="演示",
        )
    for area, start, tiers in DIBAO_TIERS:
        services.dibao_tiers_set(
            actor=actor,
            county=county,
            area=area,
            tiers=tiers,
            effective_from=start,
            note="演示：低保分档（本县现行为差额计发）",
        )
    for key, value, start, note in SETTINGS:
        services.setting_set(
            actor=actor, county=county, key=key, value=value, effective_from=start, note=note
        )
    return True
