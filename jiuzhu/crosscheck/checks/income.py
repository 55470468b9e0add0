"""R6 (seed 003): wrongful inclusion on income — a recipient household whose members draw a
pension or social-insurance benefit that, added to the household's recorded income, puts its
per-capita income at or above the dibao standard. The urban-rural residents' basic pension is
not counted (S2 art. 13), so it never raises this finding.

A benefit whose type is blank or unknown is counted (the finding says so); one whose monthly
amount is blank cannot be added up and is counted in the run summary instead.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from jiuzhu.core.money import CENT, format_yuan

from .base import CheckContext, Hit, account_unmatched_ids, rows, weakest_tier

CODE = "income_pension"
RULE = "R6"
LABEL = "养老金等收入超过标准"

COUNTED = {
    "employee_pension": "企业职工基本养老金",
    "public_pension": "机关事业单位养老金",
    "unemployment": "失业保险金",
    "other": "其他社会保险待遇",
}

SQL = """
    SELECT DISTINCT rc.household_id, rc.enrolment_id, rc.application_id, rc.township_id,
           rc.village_id, rc.programme_code, p.person_id, p.name, r.row_no, r.benefit_type,
           r.monthly_amount, l.tier, l.score,
           hp.name AS head_name, hp.id_masked AS head_id
    FROM {link} l
    JOIN snap_pension r ON r.row_no = l.row_no
    JOIN {people} p ON p.person_id = l.person_id
    JOIN recipients rc ON rc.person_id = l.person_id
    LEFT JOIN {people} hp ON hp.household_id = p.household_id AND hp.relation = 'self'
    WHERE l.tier IN ('exact', 'near', 'probable')
      AND (r.monthly_amount > 0 OR r.monthly_amount IS NULL)
      -- the residents' basic pension is not counted; a blank or unknown type is
      AND coalesce(r.benefit_type, '') <> 'resident_pension'
      AND rc.programme_code LIKE 'dibao%'
    ORDER BY rc.household_id, r.row_no
"""


def run(ctx: CheckContext) -> list[Hit]:
    if not ctx.has("pension"):
        return []
    found: dict[tuple[int, int], list[dict]] = defaultdict(list)
    no_amount: set[int] = set()
    for row in rows(ctx.con, SQL.format(link=ctx.link("pension"), people=ctx.people("pension"))):
        if row["monthly_amount"] is None:
            no_amount.add(row["row_no"])
            continue
        found[(row["household_id"], row["enrolment_id"])].append(row)
    ctx.account(CODE, "pension", "在保人员的待遇金额为空，未能核算收入", len(no_amount))
    ctx.account(
        CODE,
        "pension",
        "在保人员的待遇类别未登记或无法识别，按计入收入核查",
        len({r["row_no"] for items in found.values() for r in items if _unknown(r)}),
        used=True,
    )
    account_unmatched_ids(ctx, CODE, "pension")
    if not found:
        return []
    means = ctx.means(sorted({hid for hid, _ in found}))
    hits = []
    for (household_id, enrolment_id), items in sorted(found.items()):
        m = means.get(household_id)
        if m is None or m.standard_monthly is None:
            continue
        pensions = sum((Decimal(i["monthly_amount"]) for i in items), Decimal(0))
        members = max(m.members, 1)
        recorded = (m.counted_monthly / members).quantize(CENT)
        with_pension = ((m.counted_monthly + pensions) / members).quantize(CENT)
        if with_pension < m.standard_monthly:
            continue
        first = items[0]
        lines = [
            {
                "field": f"{i['name']}的待遇",
                "ours": "未登记",
                "theirs": f"{_type_label(i['benefit_type'])} {format_yuan(i['monthly_amount'])}/月",
                "match": False,
            }
            for i in items
        ]
        lines += [
            {
                "field": "登记的人均月收入",
                "ours": format_yuan(recorded),
                "theirs": "",
                "match": None,
            },
            {
                "field": "计入待遇后的人均月收入",
                "ours": format_yuan(with_pension),
                "theirs": "",
                "match": None,
            },
            {
                "field": "低保标准（每人每月）",
                "ours": format_yuan(m.standard_monthly),
                "theirs": "",
                "match": None,
            },
        ]
        key = ",".join(f"{i['person_id']}:{i['benefit_type']}:{i['monthly_amount']}" for i in items)
        hits.append(
            Hit(
                check=CODE,
                rule=RULE,
                key=f"household:{household_id}|enrolment:{enrolment_id}|{key}",
                township_id=first["township_id"],
                village_id=first["village_id"],
                household_id=household_id,
                person_id=first["person_id"],
                enrolment_id=enrolment_id,
                application_id=first["application_id"],
                subject_name=first["head_name"] or first["name"],
                subject_id_masked=first["head_id"] or "",
                summary=(
                    f"家庭成员领取养老金等待遇{format_yuan(pensions)}/月，计入后人均月收入"
                    f"{format_yuan(with_pension)}，不低于低保标准{format_yuan(m.standard_monthly)}"
                    + (
                        "（待遇类别未登记或无法识别，按计入收入核查，请核实）"
                        if any(map(_unknown, items))
                        else ""
                    )
                ),
                snapshot_kind="pension",
                ref_row=first["row_no"],
                tier=weakest_tier(i["tier"] for i in items),
                score=min(i["score"] for i in items),
                evidence=lines,
            )
        )
    return hits


def _unknown(row: dict) -> bool:
    return row["benefit_type"] not in COUNTED


def _type_label(code: str | None) -> str:
    if not code:
        return "待遇类别未登记"
    return COUNTED.get(code, f"待遇类别“{code}”无法识别")
