"""R6 (seed 003): wrongful inclusion on assets — a recipient household whose members own more
vehicles than the county allows (a disabled person's mobility vehicle does not count), large
farm machinery, a business above the capital limit, or more dwellings than allowed or any
commercial property. One hit per household and kind of asset, listing every item found.

A blank or unknown value never drops a row: it is checked on the assumption that keeps it in,
the finding says so, and the run summary counts such rows. A vehicle whose type is blank or
unknown counts as a vehicle; a farm machine without an assessed value is checked as large; a
business whose status is blank or unknown is checked as active (存续), one without registered
capital as at the limit; a property whose usage is blank or unknown counts as a dwelling.

A disabled person's mobility vehicle (残疾人专用车: the traffic registry's ``disabled_mobility``)
is never counted as a vehicle. When our registry holds no disability for its owner, the missing
disability record is what needs checking: the run lists it as a note (household, masked plate),
not as a finding of wrongful inclusion.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from jiuzhu.core.money import format_yuan

from .base import CheckContext, Hit, account_unmatched_ids, rows, weakest_tier

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
# the run summary's notes: mobility vehicles whose owner has no disability in our registry
NOTE_MOBILITY = "mobility_without_disability"

VEHICLE_TYPES = {
    "car": "小型汽车",
    "truck": "货车",
    "motorcycle": "摩托车",
    "disabled_mobility": "残疾人机动轮椅车",
    "farm_machine": "大型农业机械",
}
USAGES = {"residential": "住宅", "commercial": "商业", "industrial": "工业", "other": "其他"}
ROLES = {"legal_rep": "法定代表人", "shareholder": "股东", "owner": "经营者"}
BUSINESS_STATUSES = {"active": "存续", "closed": "注销"}

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
    JOIN {people} p ON p.person_id = l.person_id
    JOIN recipients rc ON rc.household_id = p.household_id
    LEFT JOIN {people} hp ON hp.household_id = p.household_id AND hp.relation = 'self'
    WHERE l.tier IN ('exact', 'near', 'probable')
"""

# SQL conditions on one owned row (blank and unknown values taken as the text above says).
_COUNTED_VEHICLE = "coalesce(vehicle_type, '') NOT IN ('farm_machine', 'disabled_mobility')"
_UNKNOWN_VEHICLE = "coalesce(vehicle_type, '') NOT IN ({})".format(
    ", ".join(f"'{code}'" for code in VEHICLE_TYPES)
)
_OPEN_BUSINESS = "coalesce(business_status, '') <> 'closed'"
_UNKNOWN_STATUS = "coalesce(business_status, '') NOT IN ('active', 'closed')"
_DWELLING = "coalesce(usage, '') NOT IN ('commercial', 'industrial', 'other')"
_UNKNOWN_USAGE = "coalesce(usage, '') NOT IN ('residential', 'commercial', 'industrial', 'other')"


def _could_break(kind: str, limits) -> str:
    """SQL condition on a household's group of assets that can break a limit: only such groups
    are fetched into Python (most recipients own one home, many a motorcycle)."""
    if kind == "vehicle":
        return (
            f"count(*) FILTER ({_COUNTED_VEHICLE}) > {int(limits.max_vehicles)} "
            f"OR count(*) FILTER (vehicle_type = 'farm_machine' "
            f"AND (value >= {Decimal(limits.farm_machine_value)} OR value IS NULL)) > 0"
        )
    if kind == "business":
        return (
            f"count(*) FILTER ({_OPEN_BUSINESS} AND (registered_capital "
            f">= {Decimal(limits.business_capital)} OR registered_capital IS NULL)) > 0"
        )
    return (
        f"count(*) FILTER ({_DWELLING}) > {int(limits.max_dwellings)} "
        "OR count(*) FILTER (usage IN ('commercial', 'industrial')) > 0"
    )


def _owned(ctx: CheckContext, kind: str) -> str:
    """The recipients' linked assets of a kind, kept for this run's queries (a small table)."""
    columns = ", ".join(f"r.{name}" for name in _COLUMNS[kind])
    table = f"owned_{kind}"
    ctx.con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS "
        + _OWNED.format(link=ctx.link(kind), kind=kind, columns=columns, people=ctx.people(kind))
    )
    return table


def _grouped(ctx: CheckContext, kind: str) -> dict[tuple[int, int], list[dict]]:
    owned = _owned(ctx, kind)
    sql = (
        f"SELECT * FROM {owned} "
        f"WHERE (household_id, enrolment_id) IN (SELECT household_id, enrolment_id FROM {owned} "
        f"GROUP BY household_id, enrolment_id HAVING {_could_break(kind, ctx.limits)}) "
        "ORDER BY household_id, enrolment_id, row_no"
    )
    groups: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in rows(ctx.con, sql):
        groups[(row["household_id"], row["enrolment_id"])].append(row)
    return groups


def _count_rows(ctx: CheckContext, kind: str, **conditions: str) -> dict[str, int]:
    """Distinct snapshot rows of the owned table meeting each condition, in one pass."""
    names = list(conditions)
    counts = ", ".join(f"count(DISTINCT row_no) FILTER ({conditions[n]})" for n in names)
    found = ctx.con.execute(f"SELECT {counts} FROM owned_{kind}").fetchall()[0]
    return dict(zip(names, found, strict=True))


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


def _label(value: str | None, labels: dict[str, str], what: str) -> str:
    """A code's Chinese label; for a blank or unknown one, what is unknown about it."""
    if not value:
        return f"{what}未登记"
    return labels.get(value, f"{what}“{value}”无法识别")


def _with_caveats(summary: str, caveats: list[str]) -> str:
    return summary + (f"（{'；'.join(caveats)}）" if caveats else "")


def _vehicles(ctx: CheckContext) -> list[Hit]:
    limits = ctx.limits
    hits = []
    for items in _grouped(ctx, "vehicle").values():
        machines = [
            i
            for i in items
            if i["vehicle_type"] == "farm_machine"
            and (i["value"] is None or i["value"] >= limits.farm_machine_value)
        ]
        counted = [
            i for i in items if i["vehicle_type"] not in ("farm_machine", "disabled_mobility")
        ]
        if len(counted) > limits.max_vehicles:
            unknown = sum(1 for i in counted if i["vehicle_type"] not in VEHICLE_TYPES)
            lines = [
                (
                    f"车辆{n}",
                    i["owner_name"],
                    f"{i['plate'] or ''} {_label(i['vehicle_type'], VEHICLE_TYPES, '车辆类型')}",
                )
                for n, i in enumerate(counted, 1)
            ]
            summary = _with_caveats(
                f"家庭成员名下有{len(counted)}辆机动车，超过允许的{limits.max_vehicles}辆",
                [f"其中{unknown}辆车辆类型未登记或无法识别，按机动车核查，请核实"]
                if unknown
                else [],
            )
            hits.append(_hit(CODE_VEHICLE, "vehicle", counted, summary, lines))
        if machines:
            unvalued = sum(1 for i in machines if i["value"] is None)
            lines = [
                (
                    f"农机{n}",
                    i["owner_name"],
                    f"{i['plate'] or ''} "
                    + (
                        f"价值{format_yuan(i['value'])}" if i["value"] is not None else "价值未登记"
                    ),
                )
                for n, i in enumerate(machines, 1)
            ]
            summary = _with_caveats(
                f"家庭成员名下有{len(machines)}台价值{format_yuan(limits.farm_machine_value)}"
                "以上的大型农业机械",
                [f"其中{unvalued}台未登记评估价值，按大型农机具核查，请核实价值"]
                if unvalued
                else [],
            )
            hits.append(_hit(CODE_MACHINE, "vehicle", machines, summary, lines))
    _account_vehicles(ctx)
    return hits


def _account_vehicles(ctx: CheckContext) -> None:
    counts = _count_rows(
        ctx,
        "vehicle",
        unknown=_UNKNOWN_VEHICLE,
        unvalued="vehicle_type = 'farm_machine' AND value IS NULL",
    )
    ctx.account(
        CODE_VEHICLE,
        "vehicle",
        "在保家庭成员名下车辆的类型未登记或无法识别，按机动车核查",
        counts["unknown"],
        used=True,
    )
    ctx.account(
        CODE_MACHINE,
        "vehicle",
        "在保家庭成员名下农业机械未登记评估价值，按大型农机具核查",
        counts["unvalued"],
        used=True,
    )
    notes = rows(
        ctx.con,
        """
        SELECT DISTINCT household_id, township_id, village_id, head_name, head_id, owner_name,
               plate, row_no
        FROM owned_vehicle
        WHERE vehicle_type = 'disabled_mobility' AND coalesce(owner_disability, '') = ''
        ORDER BY household_id, row_no
        """,
    )
    for n in notes:
        ctx.note(
            NOTE_MOBILITY,
            {
                "household_id": n["household_id"],
                "township_id": n["township_id"],
                "village_id": n["village_id"],
                "head_name": n["head_name"] or n["owner_name"],
                "head_id_masked": n["head_id"] or "",
                "owner_name": n["owner_name"],
                "plate_masked": mask_plate(n["plate"]),
                "row_no": n["row_no"],
            },
        )
    ctx.account(
        CODE_VEHICLE,
        "vehicle",
        "残疾人专用车不计入车辆；本系统无车主残疾登记的，列为待核实事项",
        len({n["row_no"] for n in notes}),
    )
    account_unmatched_ids(ctx, CODE_VEHICLE, "vehicle")


def mask_plate(plate: str | None) -> str:
    """湘U12345 → 湘U***45: the issuing place and the last two characters."""
    text = "".join((plate or "").split())
    if len(text) <= 4:
        return "*" * len(text)
    return text[:2] + "*" * (len(text) - 4) + text[-2:]


def _businesses(ctx: CheckContext) -> list[Hit]:
    limit = ctx.limits.business_capital
    hits = []
    for items in _grouped(ctx, "business").values():
        big = [
            i
            for i in items
            if i["business_status"] != "closed"
            and (i["registered_capital"] is None or i["registered_capital"] >= limit)
        ]
        if not big:
            continue
        lines = [
            (
                f"经营实体{n}",
                f"{i['owner_name']}（{_label(i['role'], ROLES, '人员身份')}）",
                f"{i['business_name']} "
                + (
                    f"注册资本{format_yuan(i['registered_capital'])}"
                    if i["registered_capital"] is not None
                    else "注册资本未登记"
                )
                + f" {_label(i['business_status'], BUSINESS_STATUSES, '经营状态')}",
            )
            for n, i in enumerate(big, 1)
        ]
        hits.append(_hit(CODE_BUSINESS, "business", big, _business_summary(big, limit), lines))
    counts = _count_rows(
        ctx,
        "business",
        unknown=_UNKNOWN_STATUS,
        no_capital=f"{_OPEN_BUSINESS} AND registered_capital IS NULL",
    )
    ctx.account(
        CODE_BUSINESS,
        "business",
        "在保家庭成员登记的经营实体经营状态未登记或无法识别，按存续核查",
        counts["unknown"],
        used=True,
    )
    ctx.account(
        CODE_BUSINESS,
        "business",
        "在保家庭成员登记的经营实体注册资本未登记，按达到限额核查",
        counts["no_capital"],
        used=True,
    )
    account_unmatched_ids(ctx, CODE_BUSINESS, "business")
    return hits


def _business_summary(big: list[dict], limit: Decimal) -> str:
    caveats = []
    blank = sum(1 for i in big if not i["business_status"])
    if blank:
        caveats.append(f"其中{blank}个经营状态未登记，按存续核查，请核实")
    for value in sorted({i["business_status"] for i in big} - {None, "", *BUSINESS_STATUSES}):
        n = sum(1 for i in big if i["business_status"] == value)
        caveats.append(f"其中{n}个经营状态“{value}”无法识别，按存续核查，请核实")
    no_capital = sum(1 for i in big if i["registered_capital"] is None)
    if no_capital:
        caveats.append(f"其中{no_capital}个注册资本未登记，请核实注册资本")
    return _with_caveats(
        f"家庭成员登记有{len(big)}个注册资本{format_yuan(limit)}以上的存续经营实体", caveats
    )


def _real_estate(ctx: CheckContext) -> list[Hit]:
    hits = []
    for items in _grouped(ctx, "real_estate").values():
        homes = [i for i in items if i["usage"] not in ("commercial", "industrial", "other")]
        other = [i for i in items if i["usage"] in ("commercial", "industrial")]
        if len(homes) > ctx.limits.max_dwellings or other:
            shown = homes + other
            lines = [
                (
                    f"房产{n}",
                    i["owner_name"],
                    f"{i['address']} {_label(i['usage'], USAGES, '用途')} {i['area_m2']}㎡",
                )
                for n, i in enumerate(shown, 1)
            ]
            why = []
            if len(homes) > ctx.limits.max_dwellings:
                why.append(f"住宅{len(homes)}套，超过{ctx.limits.max_dwellings}套")
            if other:
                why.append(f"商业或工业用房{len(other)}处")
            unknown = sum(1 for i in shown if i["usage"] not in USAGES)
            summary = _with_caveats(
                "家庭成员名下" + "，".join(why),
                [f"其中{unknown}处用途未登记或无法识别，按住宅核查，请核实"] if unknown else [],
            )
            hits.append(_hit(CODE_REAL_ESTATE, "real_estate", shown, summary, lines))
    counts = _count_rows(ctx, "real_estate", unknown=_UNKNOWN_USAGE)
    ctx.account(
        CODE_REAL_ESTATE,
        "real_estate",
        "在保家庭成员名下房产的用途未登记或无法识别，按住宅核查",
        counts["unknown"],
        used=True,
    )
    account_unmatched_ids(ctx, CODE_REAL_ESTATE, "real_estate")
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
