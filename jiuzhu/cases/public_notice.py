"""The rows of a village's public notice (公示, R18, S2 art. 24): what may be published of each
case on notice. Shared by the printed notice (views_print.print_notice) and the public portal
(jiuzhu.disclosure), so the two cannot disagree on what is shown."""

from jiuzhu.core.masking import mask_name

from . import deadlines
from .step_dates import notice_end_on
from .views_common import PAYMENT_UNITS


def public_name(household, today) -> str:
    head = household.members.filter(relation="self").first()
    if head is not None and head.age_on(today) < 18:
        return "（未成年人，不予公示姓名）"
    return mask_name(household.head_name)


def notice_rows(apps, today):
    """Only what may be published (R18, S2 art. 24): the head's masked name, the household's
    size, the programme and the amount calculated before the notice; never an ID number, nothing
    about minors or other members, nothing of the internal file (the calculation's lines, a
    continue or 补录 reason). A start date entered late is marked 补录, without its reason."""
    days = deadlines.TimeLimits().notice_days
    rows = []
    for app in apps:
        amount = app.monthly_amount
        rows.append(
            {
                "name": public_name(app.household, today),
                "programme": app.programme.name,
                "size": app.household.members.count(),
                "amount": amount if amount is not None and amount > 0 else None,
                "unit": PAYMENT_UNITS[app.programme.payment],
                "start": app.notice_started_on,
                "end": notice_end_on(app.notice_started_on, days)
                if app.notice_started_on
                else None,
                "late": bool((app.late_reasons or {}).get("notice_started_on")),
            }
        )
    return rows
