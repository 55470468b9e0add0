"""R6 (seed 003): wrongful inclusion on assets — a recipient household whose members own more
vehicles than the county allows (a disabled person's mobility vehicle does not count), large
farm machinery, a business above the capital limit, or more dwellings than allowed or any
commercial property. One hit per household and kind of asset, listing every item found.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from jiuzhu.core.money import format_yuan

from .base import CheckContext, Hit, rows, weakest_tier

CODE_VEHICLE = "asset_vehicle"
CODE_MACHINE = "asset_machinery"
CODE_BUSINESS = "asset_business"
CODE_REAL_ESTATE = "asset_real_estate"
LABELS = {
    CODE_VEHICLE: "拥有机动车",
    CODE_MACHINE: "拥有大型农机具",
    CODE_BUSINESS: "登记经营实体",
    CODE_REAL_ESTATE: "房产超过规定",
}

VEHICLE_TYPES = {
    "car": "小型汽车",
    "truck": "货车",
    "motorcycle": "摩托车",
    "disabled_mobility": "残疾人机动轮椅车",
    "farm_machine": "大型农业机械",
}
USAGES = {"residential": "住宅", "commercial": "商业", "industrial": "工业", "other": "其他"}
ROLES = {"legal_rep": "法定代表人", "shareholder": "股东", "owner": "经营者"}

# The snapshot columns each kind of asset reads (only these are read from its Parquet file).
_COLUMNS = {
    "vehicle": ("plate", "vehicle_type", "value"),
    "business": ("credit_code", "business_name", "business_status", "registered_capital", "role"),
    "real_estate": ("address", "usage", "area_m2"),
}

# Recipient households with the linked owner; one row per household, enrolment and asset.
_OWNED = """
    SELECT DISTINCT rc.household_id, rc.enrolment_id, rc.application_id, rc.township_id,
           rc.village_id, hp.name AS head_name, hp.id_masked AS head_id,
           p.person_id, p.name AS owner_name, p.disability_type AS owner_disability,
           l.tier, l.score, r.row_no, {columns}
    FROM {link} l
    JOIN snap_{kind} r ON r.row_no = l.row_no
    JOIN people p ON p.person_id = l.person_id
    JOIN recipients rc ON rc.household_id = p.household_id
    LEFT JOIN people hp ON hp.household_id = p.household_id AND hp.relation = 'self'
    WHERE l.tier IN ('exact', 'near', 'probable')
    ORDER BY rc.household_id, rc.enrolment_id, r.row_no
"""


def _could_break(kind: str, limits) -> str:
    """SQL condition on a household's group of assets that can break a limit: only such groups
    are fetched into Python (most recipients own one home, many a motorcycle)."""
    if kind == "vehicle":
        return (
            f"count(*) FILTER (vehicle_type <> 'farm_machine') > {int(limits.max_vehicles)} "
            f"OR count(*) FILTER (vehicle_type = 'farm_machine' "
            f"AND value >= {Decimal(limits.farm_machine_value)}) > 0"
        )
    if kind == "business":
        return (
            f"count(*) FILTER (business_status = 'active' "
            f"AND registered_capital >= {Decimal(limits.business_capital)}) > 0"
        )
    return (
        f"count(*) FILTER (usage = 'residential') > {int(limits.max_dwellings)} "
        "OR count(*) FILTER (usage IN ('commercial', 'industrial')) > 0"
    )


def _grouped(ctx: CheckContext, kind: str) -> dict[tuple[int, int], list[dict]]:
    columns = ", ".join(f"r.{name}" for name in _COLUMNS[kind])
    owned = _OWNED.format(link=ctx.link(kind), kind=kind, columns=columns).rsplit("ORDER BY", 1)[0]
    sql = (
        f"WITH owned AS MATERIALIZED ({owned}) SELECT * FROM owned "
        "WHERE (household_id, enrolment_id) IN (SELECT household_id, enrolment_id FROM owned "
        f"GROUP BY household_id, enrolment_id HAVING {_could_break(kind, ctx.limits)}) "
        "ORDER BY household_id, enrolment_id, row_no"
    )
    groups: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in rows(ctx.con, sql):
        groups[(row["household_id"], row["enrolment_id"])].append(row)
    return groups


def _hit(code: str, kind: str, items: list[dict], summary: str, lines: list[tuple]) -> Hit:
    first = items[0]
    refs = ",".join(str(i["row_no"]) for i in items)
    key_items = ",".join(
        sorted(
            str(i.get("plate") or i.get("credit_code") or i.get("address") or i["row_no"])
            for i in items
        )
    )
    evidence = [
        {"field": label, "ours": ours, "theirs": theirs, "match": None}
        for label, ours, theirs in lines
    ]
    evidence.append({"field": "快照行号", "ours": "", "theirs": refs, "match": None})
    return Hit(
        check=code,
        rule="R6",
        key=f"household:{first['household_id']}|enrolment:{first['enrolment_id']}|{key_items}",
        township_id=first["township_id"],
        village_id=first["village_id"],
        household_id=first["household_id"],
        enrolment_id=first["enrolment_id"],
        application_id=first["application_id"],
        subject_name=first["head_name"] or first["owner_name"],
        subject_id_masked=first["head_id"] or "",
        summary=summary,
        snapshot_kind=kind,
        ref_row=first["row_no"],
        tier=weakest_tier(i["tier"] for i in items),
        score=min(i["score"] for i in items),
        evidence=evidence,
    )


def _vehicles(ctx: CheckContext) -> list[Hit]:
    hits = []
    for items in _grouped(ctx, "vehicle").values():
        machines = [
            i
            for i in items
            if i["vehicle_type"] == "farm_machine"
            and i["value"] is not None
            and i["value"] >= ctx.limits.farm_machine_value
        ]
        counted = [
            i
            for i in items
            if i["vehicle_type"] not in ("farm_machine",)
            and not (i["vehicle_type"] == "disabled_mobility" and i["owner_disability"])
        ]
        if len(counted) > ctx.limits.max_vehicles:
            lines = [
                (
                    f"车辆{n}",
                    i["owner_name"],
                    f"{i['plate'] or ''} {VEHICLE_TYPES.get(i['vehicle_type'], i['vehicle_type'])}",
                )
                for n, i in enumerate(counted, 1)
            ]
            hits.append(
                _hit(
                    CODE_VEHICLE,
                    "vehicle",
                    counted,
                    f"家庭成员名下有{len(counted)}辆机动车，超过允许的{ctx.limits.max_vehicles}辆",
                    lines,
                )
            )
        if machines:
            lines = [
                (f"农机{n}", i["owner_name"], f"{i['plate'] or ''} 价值{format_yuan(i['value'])}")
                for n, i in enumerate(machines, 1)
            ]
            hits.append(
                _hit(
                    CODE_MACHINE,
                    "vehicle",
                    machines,
                    f"家庭成员名下有{len(machines)}台价值{format_yuan(ctx.limits.farm_machine_value)}"
                    "以上的大型农业机械",
                    lines,
                )
            )
    return hits


def _businesses(ctx: CheckContext) -> list[Hit]:
    hits = []
    for items in _grouped(ctx, "business").values():
        big = [
            i
            for i in items
            if i["business_status"] == "active"
            and i["registered_capital"] is not None
            and i["registered_capital"] >= ctx.limits.business_capital
        ]
        if big:
            lines = [
                (
                    f"经营实体{n}",
                    f"{i['owner_name']}（{ROLES.get(i['role'], i['role'])}）",
                    f"{i['business_name']} 注册资本{format_yuan(i['registered_capital'])}",
                )
                for n, i in enumerate(big, 1)
            ]
            hits.append(
                _hit(
                    CODE_BUSINESS,
                    "business",
                    big,
                    f"家庭成员登记有{len(big)}个注册资本{format_yuan(ctx.limits.business_capital)}"
                    "以上的存续经营实体",
                    lines,
                )
            )
    return hits


def _real_estate(ctx: CheckContext) -> list[Hit]:
    hits = []
    for items in _grouped(ctx, "real_estate").values():
        homes = [i for i in items if i["usage"] == "residential"]
        other = [i for i in items if i["usage"] in ("commercial", "industrial")]
        if len(homes) > ctx.limits.max_dwellings or other:
            shown = homes + other
            lines = [
                (
                    f"房产{n}",
                    i["owner_name"],
                    f"{i['address']} {USAGES.get(i['usage'], i['usage'])} {i['area_m2']}㎡",
                )
                for n, i in enumerate(shown, 1)
            ]
            why = []
            if len(homes) > ctx.limits.max_dwellings:
                why.append(f"住宅{len(homes)}套，超过{ctx.limits.max_dwellings}套")
            if other:
                why.append(f"商业或工业用房{len(other)}处")
            hits.append(
                _hit(CODE_REAL_ESTATE, "real_estate", shown, "家庭成员名下" + "，".join(why), lines)
            )
    return hits


def run(ctx: CheckContext) -> list[Hit]:
    hits: list[Hit] = []
    if ctx.has("vehicle"):
        hits += _vehicles(ctx)
    if ctx.has("business"):
        hits += _businesses(ctx)
    if ctx.has("real_estate"):
        hits += _real_estate(ctx)
    return hits
