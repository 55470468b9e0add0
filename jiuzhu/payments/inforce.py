"""What every enrolment of a county and programme is due for a month, as one SQL query that runs
on PostgreSQL and SQLite alike: the set-wise form of ``rules.due_for_month`` (its reference; a
test holds the two equal on random change histories).

Why SQL and not the rule in a loop: a province's payroll has millions of lines and the rule in
Python would read every enrolment's changes. The per-enrolment look-ups below are correlated
sub-queries guarded by a CASE on "has any approved change", so an enrolment without changes (the
great majority) costs one index probe and the rest a few."""

from __future__ import annotations

from jiuzhu.core.month import Month

from .rules import AMOUNT_KINDS, PAUSE_KINDS

CHANGE = "payments_enrolmentchange"


def _kinds(kinds: tuple[str, ...]) -> str:
    return ", ".join(f"'{k}'" for k in kinds)  # constants of this module, never user input


_LATEST = f"""
    (SELECT c.{{column}} FROM {CHANGE} c
      WHERE c.enrolment_id = e.id AND c.status = 'approved'
        AND c.kind IN ({{kinds}}) AND c.effective_month <= %(month)s
      ORDER BY c.effective_month DESC, c.id DESC LIMIT 1)"""
_NEXT = f"""
    (SELECT c.{{column}} FROM {CHANGE} c
      WHERE c.enrolment_id = e.id AND c.status = 'approved'
        AND c.kind IN ({{kinds}}) AND c.effective_month > %(month)s
      ORDER BY c.effective_month ASC, c.id ASC LIMIT 1)"""


def _latest(column: str, kinds: tuple[str, ...]) -> str:
    return _LATEST.format(column=column, kinds=_kinds(kinds))


def _next(column: str, kinds: tuple[str, ...]) -> str:
    return _NEXT.format(column=column, kinds=_kinds(kinds))


# Enrolments with at least one approved amount or pause change; the rest skip the look-ups.
_HAS = f"""
    EXISTS (SELECT 1 FROM {CHANGE} h
             WHERE h.enrolment_id = e.id AND h.status = 'approved'
               AND h.kind IN ({_kinds(AMOUNT_KINDS + PAUSE_KINDS)}))"""

DUE_SQL = f"""
SELECT e.id AS enrolment_id, e.household_id, e.person_id, e.township_id, e.village_id,
       e.members, e.care_amount,
       CASE WHEN {_HAS}
            THEN COALESCE({_latest("new_amount", AMOUNT_KINDS)},
                          {_next("old_amount", AMOUNT_KINDS)}, e.monthly_amount)
            ELSE e.monthly_amount END AS amount,
       CASE WHEN {_HAS} THEN {_latest("id", AMOUNT_KINDS)} END AS change_id
FROM payments_enrolment e
WHERE e.county_id = %(county)s AND e.programme_id = %(programme)s
  AND e.payroll_from <> '' AND e.payroll_from <= %(month)s
  AND e.start_month <= %(month)s
  AND (e.end_month = '' OR e.end_month >= %(month)s)
  {{payment_filter}}
  AND (NOT {_HAS} OR COALESCE({_latest("kind", PAUSE_KINDS)}, 'resume') <> 'suspend')
"""

# Monthly programmes pay every month in force; one-off grants (temporary assistance) in their
# first month only; yearly grants (heating, R14) in the county's payment month.
PAYMENT_FILTERS = {
    "monthly": "",
    "once": "AND e.start_month = %(month)s",
    "yearly": "",
}


def due_query(*, county_id: int, programme_id: int, payment: str, month: str) -> tuple[str, dict]:
    """The SQL and parameters listing what each enrolment is due for `month` (one row per
    enrolment paid; amount in yuan, the change whose amount applies or NULL). The caller decides
    whether a yearly programme pays this month at all."""
    Month.parse(month)
    if payment not in PAYMENT_FILTERS:
        raise ValueError(f"未知的发放方式：{payment}")
    sql = DUE_SQL.format(payment_filter=PAYMENT_FILTERS[payment])
    return sql, {"county": county_id, "programme": programme_id, "month": month}
