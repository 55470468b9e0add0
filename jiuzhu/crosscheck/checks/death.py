"""R9 (seed 004): every month, compare all recipients with the death and cremation data; stop
payment on death and recover what was paid after it.

A recipient is any person covered by an enrolment in force in the run month or later (for a
household enrolment every member, the head included). Months paid after death are the months
after the month of death, from the enrolment's start, up to the run month (or the enrolment's
end). For a month whose payroll was generated the amount is what the enrolment's lines actually
paid (payments, read once for all hits after the DuckDB query); for a month without one it is
estimated from the enrolment's monthly amount. Either way it is the whole amount when the
deceased was the only person covered, else an equal per-person share.

A recipient's row without a death date cannot be used (counted in the run summary), nor can a
row whose ID could not be read and that matched nobody.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from jiuzhu.core.money import format_yuan
from jiuzhu.core.month import Month, format_date_cn

from .base import LINK_COLUMNS, CheckContext, Hit, account_unmatched_ids, evidence_rows, rows

CODE = "death"
RULE = "R9"
LABEL = "死亡人员仍在保"


def months_paid_after_death(
    *, death_date: date, start_month: str, end_month: str | None, run_month: str
) -> int:
    """Months from the month after death to the last month paid (run month or enrolment end)."""
    first = max(Month.of(death_date).next(), Month.parse(start_month))
    last = Month.parse(run_month)
    if end_month:
        last = min(last, Month.parse(end_month))
    if last < first:
        return 0
    return (last.year - first.year) * 12 + (last.month - first.month) + 1


def share_of(monthly_amount: Decimal, members: int, single_person: bool) -> Decimal:
    if single_person or members <= 1:
        return Decimal(monthly_amount)
    return (Decimal(monthly_amount) / members).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


SQL = f"""
    SELECT {LINK_COLUMNS}, r.death_date, r.source,
           rc.household_id, rc.enrolment_id, rc.application_id, rc.programme_code,
           rc.monthly_amount, rc.members, rc.start_month, rc.end_month, rc.single_person,
           rc.relation, rc.township_id, rc.village_id
    FROM {{link}} l
    JOIN snap_death r ON r.row_no = l.row_no
    JOIN {{people}} p ON p.person_id = l.person_id
    JOIN recipients rc ON rc.person_id = l.person_id
    WHERE r.death_date IS NULL OR r.death_date <= $last_day
    ORDER BY l.row_no, rc.enrolment_id
"""


def amount_after_death(row: dict, months: int, paid) -> tuple[Decimal, str]:
    """The amount to recover and how it was found: for months a payroll of the programme was
    generated, the person's share of what the enrolment's lines actually paid (`paid`, a
    payments PaidMonths, or None); for the other months, the estimate from the enrolment."""
    share = share_of(row["monthly_amount"], row["members"], row["single_person"])
    if months <= 0:
        return Decimal("0.00"), ""
    first = max(Month.of(row["death_date"]).next(), Month.parse(row["start_month"]))
    in_payroll, from_lines, estimated = 0, Decimal("0.00"), 0
    for i in range(months):
        month = str(first.add(i))
        if paid is not None and month in paid.payroll_months:
            in_payroll += 1
            amount = paid.paid.get(month, Decimal("0.00"))
            from_lines += share_of(amount, row["members"], row["single_person"]) if amount else 0
        else:
            estimated += 1
    total = (from_lines + share * estimated).quantize(Decimal("0.01"))
    parts = []
    if in_payroll:
        parts.append(f"按发放明细实发金额计{in_payroll}个月{format_yuan(from_lines)}")
    if estimated:
        parts.append(f"无发放名册的{estimated}个月按月保障金额估算{format_yuan(share * estimated)}")
    return total, "；".join(parts)


def run(ctx: CheckContext) -> list[Hit]:
    if not ctx.has("death"):
        return []
    last_day = Month.parse(ctx.month).last_day
    hits = []
    undated: set[int] = set()
    found = []
    for row in rows(
        ctx.con,
        SQL.format(link=ctx.link("death"), people=ctx.people("death")),
        {"last_day": last_day},
    ):
        if row["death_date"] is None:  # a recipient's row that says nothing usable
            undated.add(row["row_no"])
        else:
            found.append(row)
    paid_by_enrolment = ctx.paid_months(sorted({row["enrolment_id"] for row in found}))
    for row in found:
        months = months_paid_after_death(
            death_date=row["death_date"],
            start_month=row["start_month"],
            end_month=row["end_month"] or None,
            run_month=ctx.month,
        )
        amount, basis = amount_after_death(row, months, paid_by_enrolment.get(row["enrolment_id"]))
        head = "（户主）" if row["relation"] == "self" else ""
        summary = (
            f"{row['p_name']}{head}于{format_date_cn(row['death_date'])}死亡，仍在保；"
            f"死亡后已发{months}个月，应追回{format_yuan(amount)}"
        )
        hits.append(
            Hit(
                check=CODE,
                rule=RULE,
                key=(
                    f"person:{row['person_id']}|enrolment:{row['enrolment_id']}"
                    f"|death:{row['death_date']}"
                ),
                township_id=row["township_id"],
                village_id=row["village_id"],
                household_id=row["household_id"],
                person_id=row["person_id"],
                enrolment_id=row["enrolment_id"],
                application_id=row["application_id"],
                subject_name=row["p_name"],
                subject_id_masked=row["p_id"],
                summary=summary,
                snapshot_kind="death",
                ref_row=row["row_no"],
                tier=row["tier"],
                score=row["score"],
                evidence=evidence_rows(
                    row,
                    [
                        ("死亡日期", "", row["death_date"]),
                        ("数据来源", "", row["source"]),
                        ("月保障金额", format_yuan(row["monthly_amount"]), ""),
                        ("死亡后发放月数", months, ""),
                        ("应追回金额", format_yuan(amount), ""),
                    ]
                    + ([("计算依据", basis, "")] if basis else []),
                ),
                months_paid=months,
                amount=amount,
                review=row["tier"] == "review",
            )
        )
    ctx.account(CODE, "death", "与在保人员匹配，但死亡日期为空", len(undated))
    account_unmatched_ids(ctx, CODE, "death")
    return hits
