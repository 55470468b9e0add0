"""Dated steps for tests that need a case whose history lies in the past: the dates are entered
in order and, where they lie more than the county's allowance (3 days) back, as a 补录 with its
reason, as an officer entering a paper file late would (ARCHITECTURE rule 11)."""

from datetime import date, timedelta

from django.utils import timezone

LATE_REASON = "纸质材料已按时办理，系统事后补录"
ALLOWANCE = 3  # the default late-entry allowance (SettingKey.LATE_ENTRY_DAYS)


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def dated(field: str, days: int) -> dict:
    """`{field: that many days ago}`, with the 补录 reason when it is beyond the allowance."""
    values = {field: days_ago(days)}
    if days > ALLOWANCE:
        values["late_reason"] = LATE_REASON
    return values


def applied(days: int = 20) -> dict:
    """Registration keyword arguments for an application made `days` ago."""
    return dated("applied_on", days)


def on_date(field: str, day: date) -> dict:
    """`{field: day}`, with the 补录 reason when `day` is beyond the allowance."""
    return dated(field, (timezone.localdate() - day).days)
