"""The demo county's holiday calendar for next year, entered as a county administrator would:
through the same service as the 系统管理 → 节假日 page (core.workdays_db.holidays_enter), then
confirmed. chinese-calendar stops at 2026 and the State Council's 2027 notice is not in the
repository, so 2027 is the demo's own arrangement, computed from the statutory holidays (since
2025: 元旦 1, 春节 4 from the eve, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 days; a statutory
day on a weekend moves to the next working day), with one weekend working day (调休) for each
extra day that joins 春节, 劳动节 and 国庆 into 7-, 5- and 7-day breaks — 国庆 as in 2021, when
1 October was a Friday too. A real county enters the notice itself; the confirmation's source
says this is the demo's own."""

from jiuzhu.core.models import HolidayYear
from jiuzhu.core.workdays_db import holiday_year_confirm, holidays_enter

SOURCE = "演示数据：按法定节假日推算，非国务院通知"

# Weekend days of a holiday period are left out: they are rest days already.
DEMO_2027 = """
2027-01-01 元旦 休
2027-02-05 春节 休
2027-02-08 春节 休
2027-02-09 春节 休
2027-02-10 春节 休
2027-02-11 春节 休
2027-02-20 春节调休 班
2027-04-05 清明节 休
2027-05-03 劳动节 休
2027-05-04 劳动节 休
2027-05-05 劳动节 休
2027-05-08 劳动节调休 班
2027-06-09 端午节 休
2027-09-15 中秋节 休
2027-09-26 国庆节调休 班
2027-10-01 国庆节 休
2027-10-04 国庆节 休
2027-10-05 国庆节 休
2027-10-06 国庆节 休
2027-10-07 国庆节 休
2027-10-09 国庆节调休 班
"""


def enter_demo_holidays(*, actor) -> bool:
    """Enter and confirm 2027 unless already confirmed; True when entered now."""
    if HolidayYear.objects.filter(year=2027).exists():
        return False
    holidays_enter(actor=actor, text=DEMO_2027)
    holiday_year_confirm(actor=actor, year=2027, source=SOURCE)
    return True
