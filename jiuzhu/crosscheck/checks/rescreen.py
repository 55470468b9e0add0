"""R8 (seed 003): lists to re-screen — households refused since a chosen date, households that
left in dynamic management since that date (both only when not covered again), villages with no
dibao recipient (低保空白村), and villages whose inclusion or exit rate is far above the county's.

A household's applications (or enrolments) are listed in number (or programme) order and placed by
the lowest township and village id among them: the same text on any engine (no ``any_value``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jiuzhu.core.month import Month, format_date_cn
from jiuzhu.programmes.catalogue import BY_CODE

from .base import CheckContext, Hit, rows

CODE_REFUSED = "rescreen_refused"
CODE_EXITED = "rescreen_exited"
CODE_BLANK = "rescreen_blank_village"
CODE_RATE = "rescreen_village_rate"
LABELS = {
    CODE_REFUSED: "拒绝后复查",
    CODE_EXITED: "退出后复查",
    CODE_BLANK: "低保空白村",
    CODE_RATE: "村保障率或退出率异常",
}

# Households refused (or exited) and not covered now. The covered ones are looked up among
# those households only: an anti-join against every recipient built a hash of all 5 M of them
# (0.09–0.25 s each on the province benchmark, 2026-12-07), and Spark plans a NOT IN subquery
# as a null-aware join (see missed._ROWS).
_REFUSED = """
    WITH refused AS (SELECT * FROM applications WHERE status = 'refused' AND decided_on >= $since),
         covered AS (SELECT DISTINCT household_id FROM recipients
                      WHERE household_id IN (SELECT household_id FROM refused))
    SELECT a.household_id, max(a.decided_on) AS decided_on, min(a.township_id) AS township_id,
           min(a.village_id) AS village_id, string_agg(a.number, '、' ORDER BY a.number) AS numbers
    FROM refused a
    WHERE NOT EXISTS (SELECT 1 FROM covered c WHERE c.household_id = a.household_id)
    GROUP BY a.household_id ORDER BY a.household_id
"""
_EXITED = """
    WITH stopped AS (SELECT * FROM enrolments
                     WHERE status = 'stopped' AND end_month >= $since_month),
         covered AS (SELECT DISTINCT household_id FROM recipients
                      WHERE household_id IN (SELECT household_id FROM stopped))
    SELECT e.household_id, max(e.end_month) AS end_month, min(e.township_id) AS township_id,
           min(e.village_id) AS village_id,
           string_agg(e.programme_code, '、' ORDER BY e.programme_code) AS programmes
    FROM stopped e
    WHERE NOT EXISTS (SELECT 1 FROM covered c WHERE c.household_id = e.household_id)
    GROUP BY e.household_id ORDER BY e.household_id
"""
_HEADS = """
    SELECT household_id, name, id_masked FROM people
    WHERE relation = 'self' AND household_id IN (SELECT unnest($ids))
"""
_VILLAGES = """
    WITH residents AS (SELECT village_id, count(*) AS people FROM people GROUP BY village_id),
         covered AS (SELECT village_id, count(DISTINCT person_id) AS covered,
                            count(DISTINCT enrolment_id) AS live FROM recipients
                     WHERE programme_code LIKE 'dibao%' GROUP BY village_id),
         exits AS (SELECT village_id, count(*) AS exited FROM enrolments
                   WHERE status = 'stopped' AND end_month >= $since_month
                     AND programme_code LIKE 'dibao%' GROUP BY village_id)
    SELECT v.village_id, v.village_name, v.village_code, v.township_id,
           coalesce(r.people, 0) AS people, coalesce(c.covered, 0) AS covered,
           coalesce(x.exited, 0) AS exited, coalesce(c.live, 0) AS live
    FROM villages v
    LEFT JOIN residents r ON r.village_id = v.village_id
    LEFT JOIN covered c ON c.village_id = v.village_id
    LEFT JOIN exits x ON x.village_id = v.village_id
    ORDER BY v.village_code
"""


def programme_names(codes: str | None) -> str:
    """ "dibao_urban、temporary" → "城市最低生活保障、临时救助": the officer reads names."""
    names = [BY_CODE[c].name if c in BY_CODE else c for c in (codes or "").split("、") if c]
    return "、".join(dict.fromkeys(names)) or "救助项目未登记"


def _month_label(text: str | None) -> str:
    try:
        return Month.parse(text or "").label
    except ValueError:
        return text or "—"


def since_date(limits, month: str) -> date:
    """From when refusals and exits are re-screened: the county's date, else 1 January of the
    year before the run's month."""
    if limits.rescreen_since:
        return limits.rescreen_since
    return date(Month.parse(month).year - 1, 1, 1)


def _since(ctx: CheckContext) -> date:
    return since_date(ctx.limits, ctx.month)


def _household_hits(ctx, code, sql, params, summary_of) -> list[Hit]:
    found = rows(ctx.con, sql, params)
    heads = (
        {
            h["household_id"]: h
            for h in rows(ctx.con, _HEADS, {"ids": [f["household_id"] for f in found]})
        }
        if found
        else {}
    )
    hits = []
    for row in found:
        head = heads.get(
            row["household_id"], {"name": f"家庭#{row['household_id']}", "id_masked": ""}
        )
        summary, evidence, key = summary_of(row)
        hits.append(
            Hit(
                check=code,
                rule="R8",
                key=f"household:{row['household_id']}|{key}",
                township_id=row["township_id"],
                village_id=row["village_id"],
                household_id=row["household_id"],
                subject_name=head["name"],
                subject_id_masked=head["id_masked"] or "",
                summary=summary,
                evidence=evidence,
            )
        )
    return hits


def _refused(ctx: CheckContext, since: date) -> list[Hit]:
    def describe(row):
        text = (
            f"{format_date_cn(row['decided_on'])}被拒绝（{row['numbers']}），现未纳入保障，需复查"
        )
        return (
            text,
            [{"field": "拒绝的申请", "ours": row["numbers"], "theirs": "", "match": None}],
            f"refused:{row['decided_on']}",
        )

    return _household_hits(ctx, CODE_REFUSED, _REFUSED, {"since": since}, describe)


def _exited(ctx: CheckContext, since: date) -> list[Hit]:
    def describe(row):
        month = _month_label(row["end_month"])
        text = f"{month}退出（{programme_names(row['programmes'])}），现未纳入保障，需复查"
        return (
            text,
            [{"field": "退出月份", "ours": month, "theirs": "", "match": None}],
            f"exited:{row['end_month']}",
        )

    return _household_hits(
        ctx, CODE_EXITED, _EXITED, {"since_month": str(Month.of(since))}, describe
    )


def _villages(ctx: CheckContext, since: date) -> list[Hit]:
    villages = rows(ctx.con, _VILLAGES, {"since_month": str(Month.of(since))})
    people = sum(v["people"] for v in villages)
    covered = sum(v["covered"] for v in villages)
    exited = sum(v["exited"] for v in villages)
    live = sum(v["live"] for v in villages)
    county_rate = Decimal(covered) / people if people else Decimal(0)
    county_exit = Decimal(exited) / (exited + live) if exited + live else Decimal(0)
    factor, minimum = ctx.limits.outlier_factor, ctx.limits.outlier_min_cases
    hits = []
    for v in villages:
        base = dict(
            rule="R8",
            township_id=v["township_id"],
            village_id=v["village_id"],
            subject_name=v["village_name"],
        )
        if v["people"] and not v["covered"]:
            hits.append(
                Hit(
                    check=CODE_BLANK,
                    key=f"village:{v['village_id']}|blank",
                    summary=f"{v['village_name']}有{v['people']}名登记人员，无一人享受低保，需排查",
                    evidence=[
                        {"field": "登记人数", "ours": str(v["people"]), "theirs": "", "match": None}
                    ],
                    **base,
                )
            )
            continue
        rate = Decimal(v["covered"]) / v["people"] if v["people"] else Decimal(0)
        if v["covered"] >= minimum and county_rate and rate > factor * county_rate:
            hits.append(
                Hit(
                    check=CODE_RATE,
                    key=f"village:{v['village_id']}|inclusion|{ctx.month[:4]}",
                    summary=(
                        f"{v['village_name']}低保覆盖率{rate:.1%}，"
                        f"是全县（{county_rate:.1%}）的{rate / county_rate:.1f}倍"
                    ),
                    evidence=_rate_evidence("低保覆盖率", rate, county_rate),
                    **base,
                )
            )
        total = v["exited"] + v["live"]
        exit_rate = Decimal(v["exited"]) / total if total else Decimal(0)
        if v["exited"] >= minimum and county_exit and exit_rate > factor * county_exit:
            hits.append(
                Hit(
                    check=CODE_RATE,
                    key=f"village:{v['village_id']}|exit|{ctx.month[:4]}",
                    summary=(
                        f"{v['village_name']}低保退出率{exit_rate:.1%}，"
                        f"是全县（{county_exit:.1%}）的{exit_rate / county_exit:.1f}倍"
                    ),
                    evidence=_rate_evidence("退出率", exit_rate, county_exit),
                    **base,
                )
            )
    return hits


def _rate_evidence(label: str, rate: Decimal, county: Decimal) -> list[dict]:
    return [
        {"field": label, "ours": f"本村 {rate:.1%}", "theirs": f"全县 {county:.1%}", "match": None}
    ]


def run(ctx: CheckContext) -> list[Hit]:
    since = _since(ctx)
    return _refused(ctx, since) + _exited(ctx, since) + _villages(ctx, since)
