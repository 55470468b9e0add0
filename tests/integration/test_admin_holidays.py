"""系统管理 → 节假日: the county administrator enters a year's holiday notice in the web UI
(one day, or pasted lines — all or none), confirms the year, and the deadlines stop warning;
until then each deadline's warning says where the notice is entered."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from jiuzhu.core.errors import PermissionDenied
from jiuzhu.core.models import AuditEntry, HolidayDay, HolidayYear
from jiuzhu.core.workdays_db import holiday_remove, holidays_enter, seed_holidays
from jiuzhu.programmes.seed import seed_county_defaults

from .case_steps import applied

PAGE = "/accounts/admin/holidays/2027/"
GOOD = "2027-02-05 春节 休\n2027-02-06 春节 休\n\n# 调休\n2027-02-20 调休 班\n2027-10-01 国庆节 休"


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["county"])
    return client


def test_pasted_lines_with_a_bad_one_save_nothing_and_name_the_line(admin_client):
    text = "2027-02-05 春节 休\n2027-02-30 春节 休\n2027-02-08 春节 放\n2027-02-09 调休 班"
    response = admin_client.post(PAGE + "paste/", {"text": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "全部未保存" in body
    assert "第2行" in body and "日期“2027-02-30”无效" in body
    assert "第3行" in body and "“休”或“班”" in body
    assert "第4行" in body and "星期二本来就上班" in body
    assert "第1行" not in body.split('id="line-errors"')[1].split("</div>")[0]
    assert "2027-02-30 春节 休" in body  # the text is kept to correct
    assert not HolidayDay.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="holidays.").exists()


def test_pasted_lines_are_entered_and_audited(admin_client, users):
    response = admin_client.post(PAGE + "paste/", {"text": GOOD}, follow=True)
    body = response.content.decode()
    assert "已录入3天，1个周末放假日本来休息，无需录入" in body
    days = {d.day: (d.is_workday, d.name) for d in HolidayDay.objects.all()}
    assert days == {
        date(2027, 2, 5): (False, "春节"),
        date(2027, 2, 20): (True, "调休"),
        date(2027, 10, 1): (False, "国庆节"),
    }
    table = body.split('id="holiday-days"')[1]
    assert "2027年2月5日" in table and "星期五" in table and "调休上班" in table
    assert "未确认" in body
    entries = AuditEntry.objects.filter(action="holidays.set", actor=users["county"])
    assert entries.count() == 3


def test_one_day_added_and_removed_through_the_page(admin_client, users):
    admin_client.post(PAGE + "add/", {"day": "2027-06-09", "is_workday": "0", "name": "端午节"})
    assert HolidayDay.objects.get(day=date(2027, 6, 9)).name == "端午节"
    refused = admin_client.post(
        PAGE + "add/", {"day": "2027-06-10", "is_workday": "1", "name": ""}, follow=True
    )
    assert "本来就是工作日" in refused.content.decode()
    assert not HolidayDay.objects.filter(day=date(2027, 6, 10)).exists()
    admin_client.post(PAGE + "remove/", {"day": "2027-06-09"})
    assert not HolidayDay.objects.exists()
    [entry] = AuditEntry.objects.filter(action="holidays.remove", actor=users["county"])
    assert entry.old["name"] == "端午节"


def test_confirm_the_year(admin_client, users):
    admin_client.post(PAGE + "paste/", {"text": GOOD})
    response = admin_client.post(
        PAGE + "confirm/", {"source": "国办发明电〔2026〕7号"}, follow=True
    )
    assert "已确认2027年节假日安排录入完毕" in response.content.decode()
    assert HolidayYear.objects.get(year=2027).source == "国办发明电〔2026〕7号"
    assert AuditEntry.objects.filter(action="holidays.confirm_year", actor=users["county"])
    page = admin_client.get(PAGE).content.decode()
    assert "2027年节假日安排已录入（依据：国办发明电〔2026〕7号" in page


def test_others_cannot_reach_the_calendar(client, users):
    for who in ("officer_a", "inspector", "finance"):
        client.force_login(users[who])
        assert client.get(PAGE).status_code == 404
        assert client.post(PAGE + "paste/", {"text": GOOD}).status_code == 404
        with pytest.raises(PermissionDenied):
            holidays_enter(actor=users[who], text=GOOD)
        with pytest.raises(PermissionDenied):
            holiday_remove(actor=users[who], day=date(2027, 2, 5))
    assert not HolidayDay.objects.exists()


def test_hostile_years_are_404(admin_client):
    assert admin_client.get("/accounts/admin/holidays/99999999999/").status_code == 404
    assert admin_client.get("/accounts/admin/holidays/1999/").status_code == 404
    assert admin_client.post(PAGE + "remove/", {"day": "2027-13-01"}).status_code == 404


def _a_weekday_in(year: int) -> date:
    day = date(year, 3, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


MISSING = re.compile(r"([0-9]{4})年节假日安排未录入")


def test_the_deadline_warning_says_where_and_goes_once_the_year_is_entered(
    client, users, regions, make_household
):
    from jiuzhu.cases import services as case_services

    seed_county_defaults(county=regions["433123000000"])
    seed_holidays([timezone.localdate().year], actor=users["county"])
    app = case_services.application_register(
        actor=users["officer_a"],
        household_id=make_household().pk,
        programme_code="dibao_rural",
        reason="因病致贫",
        **applied(3),
    )
    case_services.application_accept(actor=users["officer_a"], application_id=app.pk)
    url = f"/cases/{app.pk}/"

    client.force_login(users["officer_a"])
    officer_page = client.get(url).content.decode()
    missing = sorted(set(MISSING.findall(officer_page)))
    assert missing, "a 30-working-day limit from today reaches a year not yet entered"
    assert "请县级管理员在“系统管理 → 节假日”中录入" in officer_page
    assert "/accounts/admin/holidays/" not in officer_page

    client.force_login(users["county"])
    admin_page = client.get(url).content.decode()
    for year in missing:
        assert f'href="/accounts/admin/holidays/{year}/"' in admin_page
    for year in missing:
        page = f"/accounts/admin/holidays/{year}/"
        client.post(page + "paste/", {"text": f"{_a_weekday_in(int(year))} 某节 休"})
        client.post(page + "confirm/", {"source": "国务院办公厅通知"})
    after = client.get(url).content.decode()
    assert "节假日安排未录入" not in after and "全程办结" in after


def test_the_demo_enters_2027_through_the_same_service(db):
    from jiuzhu.accounts.system import system_actor
    from jiuzhu.core.workdays_db import calendar
    from jiuzhu.demo.holidays_demo import enter_demo_holidays

    demo = system_actor("demo")
    seed_holidays([2026], actor=demo)
    assert enter_demo_holidays(actor=demo) is True
    assert "演示数据" in HolidayYear.objects.get(year=2027).source
    assert AuditEntry.objects.filter(action="holidays.set", actor=demo).count() == 21
    assert AuditEntry.objects.filter(action="holidays.confirm_year", actor=demo).count() == 1
    cal = calendar()
    deadline = cal.add_workdays(date(2026, 12, 6), 45)  # the longest limit, from the demo's today
    assert deadline.warnings == ()
    # 春节 2027: 5–11 February off, Saturday 20 February worked; 国庆 1–7 October
    assert not any(cal.is_workday(date(2027, 2, d)) for d in range(5, 12))
    assert cal.is_workday(date(2027, 2, 20)) and cal.is_workday(date(2027, 10, 9))
    assert not any(cal.is_workday(date(2027, 10, d)) for d in range(1, 8))
    assert enter_demo_holidays(actor=demo) is False  # a second run leaves it alone
