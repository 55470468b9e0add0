"""Duplicate coverage: the same person in two households (entered twice under two valid IDs that
differ only in the region code or in one body digit), in two counties (the neighbouring counties' recipient lists), or in dibao and
extreme poverty at the same time.
"""

from __future__ import annotations

from jiuzhu.core.money import format_yuan
from jiuzhu.core.month import format_date_cn

from .base import LINK_COLUMNS, CheckContext, Hit, account_unmatched_ids, evidence_rows, rows

CODE_HOUSEHOLDS = "dup_household"
CODE_COUNTIES = "dup_county"
CODE_PROGRAMMES = "dup_programme"
LABELS = {
    CODE_HOUSEHOLDS: "同一人登记在两个家庭",
    CODE_COUNTIES: "跨县重复享受",
    CODE_PROGRAMMES: "同时享受低保和特困供养",
}
PROGRAMME_NAMES = {"dibao": "低保", "extreme_poverty": "特困供养"}

_SAME_PERSON = """
    -- only the (name, birth date, sex) shared by two households are paired
    WITH shared AS (
        SELECT name_norm, birth_date, sex FROM people
        GROUP BY name_norm, birth_date, sex HAVING min(household_id) < max(household_id)),
    candidates AS (
        SELECT p.person_id, p.household_id, p.name, p.name_norm, p.birth_date, p.sex, p.id_masked
        FROM people p SEMI JOIN shared s
          ON s.name_norm = p.name_norm AND s.birth_date = p.birth_date AND s.sex = p.sex),
    covered AS (
        SELECT person_id FROM recipients WHERE person_id IN (SELECT person_id FROM candidates))
    SELECT a.person_id AS a_id, b.person_id AS b_id, a.name, a.birth_date,
           a.household_id AS a_household, b.household_id AS b_household,
           a.id_masked AS a_masked, b.id_masked AS b_masked
    FROM candidates a JOIN candidates b
      ON a.name_norm = b.name_norm AND a.birth_date = b.birth_date AND a.sex = b.sex
     AND a.household_id < b.household_id
     -- the masked IDs (first 4, last 4 digits) must allow what same_person_ids accepts:
     -- the same order code, or the same first four digits and order codes one digit apart
     AND (substr(a.id_masked, 15, 3) = substr(b.id_masked, 15, 3)
          OR (left(a.id_masked, 4) = left(b.id_masked, 4)
              AND hamming(substr(a.id_masked, 15, 3), substr(b.id_masked, 15, 3)) = 1))
    -- (the covered candidates first: a small table to probe, not every recipient's)
    WHERE a.person_id IN (SELECT person_id FROM covered)
       OR b.person_id IN (SELECT person_id FROM covered)
"""
_RECIPIENT = """
    SELECT person_id, household_id, enrolment_id, application_id, programme_code, township_id,
           village_id, name, id_masked
    FROM recipients WHERE person_id IN (SELECT unnest($ids)) ORDER BY enrolment_id
"""
_NEIGHBOUR = f"""
    SELECT {LINK_COLUMNS}, r.county_name, r.programme, r.monthly_amount AS r_amount, r.since,
           rc.household_id, rc.enrolment_id, rc.application_id, rc.programme_code,
           rc.monthly_amount, rc.township_id, rc.village_id
    FROM {{link}} l
    JOIN snap_neighbour r ON r.row_no = l.row_no
    JOIN {{people}} p ON p.person_id = l.person_id
    JOIN recipients rc ON rc.person_id = l.person_id
    ORDER BY l.row_no, rc.enrolment_id
"""
_BOTH = """
    SELECT d.person_id, d.name, d.id_masked, d.household_id, d.township_id, d.village_id,
           d.enrolment_id AS dibao_enrolment, d.application_id, d.programme_code AS dibao_code,
           d.monthly_amount AS dibao_amount, e.enrolment_id AS ep_enrolment,
           e.programme_code AS ep_code, e.monthly_amount AS ep_amount
    FROM recipients d JOIN recipients e ON d.person_id = e.person_id
    WHERE d.programme_code LIKE 'dibao%' AND e.programme_code LIKE 'extreme_poverty%'
    ORDER BY d.person_id, d.enrolment_id, e.enrolment_id
"""


def same_person_ids(a: str, b: str) -> str | None:
    """Why two valid IDs of a namesake with the same birth date and sex are probably one person:
    only the region code differs (re-numbered after moving), or one body digit differs (a typo
    whose check digit was then recomputed). None when they look like two people."""
    if len(a) != 18 or len(b) != 18 or a == b:
        return None
    if a[6:17] == b[6:17]:
        return "出生日期码和顺序码相同，仅地区码不同（可能迁移后重新编号）"
    diffs = [i for i in range(17) if a[i] != b[i]]
    if len(diffs) == 1:
        n = diffs[0] + 1
        return f"身份证号码本体第{n}位不同（{a[diffs[0]]} / {b[diffs[0]]}），校验码随之不同"
    return None


def _two_households(ctx: CheckContext) -> list[Hit]:
    pairs = rows(ctx.con, _SAME_PERSON)
    if not pairs:
        return []
    plain = ctx.reveal_people(sorted({p["a_id"] for p in pairs} | {p["b_id"] for p in pairs}))
    kept = [
        (pair, diff)
        for pair in pairs
        if (diff := same_person_ids(plain.get(pair["a_id"], ""), plain.get(pair["b_id"], "")))
    ]
    ids = sorted({p["a_id"] for p, _ in kept} | {p["b_id"] for p, _ in kept})
    coverage: dict[int, list[dict]] = {}
    for row in rows(ctx.con, _RECIPIENT, {"ids": ids}) if ids else []:
        coverage.setdefault(row["person_id"], []).append(row)
    hits = []
    for pair, diff in kept:  # namesakes born the same day whose IDs differ more are dropped
        covered = sorted(
            coverage.get(pair["a_id"], []) + coverage.get(pair["b_id"], []),
            key=lambda r: r["enrolment_id"],
        )
        if not covered:
            continue
        first = covered[0]
        evidence = [
            {"field": "姓名", "ours": pair["name"], "theirs": pair["name"], "match": True},
            {
                "field": "出生日期",
                "ours": f"{format_date_cn(pair['birth_date'])}",
                "theirs": f"{format_date_cn(pair['birth_date'])}",
                "match": True,
            },
            {
                "field": "身份证号码",
                "ours": pair["a_masked"],
                "theirs": pair["b_masked"],
                "match": False,
            },
            {"field": "匹配说明", "ours": diff, "theirs": "", "match": None},
            {
                "field": "家庭",
                "ours": f"家庭#{pair['a_household']}",
                "theirs": f"家庭#{pair['b_household']}",
                "match": False,
            },
        ]
        hits.append(
            Hit(
                check=CODE_HOUSEHOLDS,
                rule="R6",
                key=f"persons:{pair['a_id']},{pair['b_id']}",
                township_id=first["township_id"],
                village_id=first["village_id"],
                household_id=first["household_id"],
                person_id=first["person_id"],
                enrolment_id=first["enrolment_id"],
                application_id=first["application_id"],
                subject_name=pair["name"],
                subject_id_masked=first["id_masked"],
                summary=f"{pair['name']}疑似在两个家庭重复登记（{diff}）",
                tier="near",
                score=1.0,
                evidence=evidence,
            )
        )
    return hits


def _two_counties(ctx: CheckContext) -> list[Hit]:
    if not ctx.has("neighbour"):
        return []
    hits = []
    for row in rows(
        ctx.con, _NEIGHBOUR.format(link=ctx.link("neighbour"), people=ctx.people("neighbour"))
    ):
        theirs = PROGRAMME_NAMES.get(row["programme"], row["programme"] or "救助（类别未登记）")
        hits.append(
            Hit(
                check=CODE_COUNTIES,
                rule="R6",
                key=f"person:{row['person_id']}|enrolment:{row['enrolment_id']}|{row['county_name']}",
                township_id=row["township_id"],
                village_id=row["village_id"],
                household_id=row["household_id"],
                person_id=row["person_id"],
                enrolment_id=row["enrolment_id"],
                application_id=row["application_id"],
                subject_name=row["p_name"],
                subject_id_masked=row["p_id"],
                summary=f"{row['p_name']}同时在{row['county_name']}享受{theirs}",
                snapshot_kind="neighbour",
                ref_row=row["row_no"],
                tier=row["tier"],
                score=row["score"],
                evidence=evidence_rows(
                    row,
                    [
                        ("保障县", "本县", row["county_name"]),
                        ("救助项目", row["programme_code"], theirs),
                        (
                            "月保障金额",
                            format_yuan(row["monthly_amount"]),
                            format_yuan(row["r_amount"]) if row["r_amount"] is not None else "",
                        ),
                    ],
                ),
                review=row["tier"] == "review",
            )
        )
    account_unmatched_ids(ctx, CODE_COUNTIES, "neighbour")
    return hits


def _two_programmes(ctx: CheckContext) -> list[Hit]:
    hits = []
    for row in rows(ctx.con, _BOTH):
        evidence = [
            {
                "field": "低保",
                "ours": f"保障#{row['dibao_enrolment']} {format_yuan(row['dibao_amount'])}/月",
                "theirs": "",
                "match": None,
            },
            {
                "field": "特困供养",
                "ours": f"保障#{row['ep_enrolment']} {format_yuan(row['ep_amount'])}/月",
                "theirs": "",
                "match": None,
            },
        ]
        hits.append(
            Hit(
                check=CODE_PROGRAMMES,
                rule="R6",
                key=f"person:{row['person_id']}|{row['dibao_enrolment']},{row['ep_enrolment']}",
                township_id=row["township_id"],
                village_id=row["village_id"],
                household_id=row["household_id"],
                person_id=row["person_id"],
                enrolment_id=row["ep_enrolment"],
                application_id=row["application_id"],
                subject_name=row["name"],
                subject_id_masked=row["id_masked"],
                summary=f"{row['name']}同时享受低保和特困人员救助供养",
                evidence=evidence,
            )
        )
    return hits


def run(ctx: CheckContext) -> list[Hit]:
    return _two_households(ctx) + _two_counties(ctx) + _two_programmes(ctx)
