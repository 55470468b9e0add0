"""The working-day calendar as data: seeded for the years the package knows, entered by hand
for later years, with a warning on deadlines computed in a year not yet entered."""

from datetime import date

import pytest
from django.core.management import call_command

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.workdays_db import calendar, holiday_set, holiday_year_confirm, seed_holidays


@pytest.mark.django_db
def test_seeded_2026_national_day_and_unentered_2027_warning():
    assert seed_holidays([2026, 2027], actor=system_actor("cli")) == [2026]
    cal = calendar()
    assert not cal.is_workday(date(2026, 10, 1))  # National Day, a Thursday
    assert cal.is_workday(date(2026, 10, 10))  # Saturday made a working day (调休)
    result = cal.add_workdays(date(2026, 12, 20), 30)
    assert result.day.year == 2027
    assert any("2027年节假日安排未录入" in w for w in result.warnings)
    assert AuditEntry.objects.filter(action="holidays.seed").count() == 1


@pytest.mark.django_db
def test_entering_2027_removes_the_warning_and_moves_the_deadline():
    seed_holidays([2026], actor=system_actor("cli"))
    before = calendar().add_workdays(date(2026, 12, 30), 3)
    assert before.day == date(2027, 1, 4) and before.warnings
    holiday_set(
        actor=system_actor("cli"), day=date(2027, 1, 1), is_workday=False, name="元旦"
    )  # a Friday
    holiday_year_confirm(
        actor=system_actor("cli"), year=2027, source="国办发明电〔2026〕号（测试）"
    )
    after = calendar().add_workdays(date(2026, 12, 30), 3)
    assert after.day == date(2027, 1, 5) and after.warnings == ()


@pytest.mark.django_db
def test_entering_a_plain_day_is_refused():
    with pytest.raises(ValidationFailed):
        holiday_set(
            actor=system_actor("cli"), day=date(2027, 3, 3), is_workday=True, name=""
        )  # already a Wednesday
    with pytest.raises(ValidationFailed):
        holiday_year_confirm(actor=system_actor("cli"), year=2031, source="x")


@pytest.mark.django_db
def test_command_line(capsys):
    call_command("jiuzhu_holidays", "seed", "2026", "2027")
    out = capsys.readouterr().out
    assert "已载入：2026" in out and "2027" in out
    call_command("jiuzhu_holidays", "deadline", "2026-09-28", "3")
    # Sep 29 and 30 count, Oct 1-7 are the National Day holiday, Oct 8 is the third working day
    assert "期限：2026年10月8日" in capsys.readouterr().out
