"""Reading a pasted holiday notice (core.holiday_lines): what is entered, what is skipped, and
every bad line named with its number and reason."""

from datetime import date

from jiuzhu.core.holiday_lines import EXAMPLE, MAX_LINES, parse_holiday_lines


def test_the_documented_example_reads():
    parsed = parse_holiday_lines(EXAMPLE)
    assert not parsed.errors
    assert [(d.day, d.is_workday, d.name) for d in parsed.days] == [
        (date(2027, 2, 8), False, "春节"),
        (date(2027, 2, 9), False, "春节"),
        (date(2027, 2, 20), True, "调休"),
    ]


def test_names_may_be_left_out_and_weekend_days_off_need_no_entry():
    parsed = parse_holiday_lines(
        "# 2027年\n\n2027-10-04 休\n2027-10-09 上班\n2027-10-02 国庆节 放假"
    )
    assert [(d.day, d.name) for d in parsed.days] == [
        (date(2027, 10, 4), "节假日"),
        (date(2027, 10, 9), "调休上班"),
    ]
    assert parsed.weekend_days_off == [date(2027, 10, 2)]  # a Saturday: already a rest day
    assert not parsed.errors


def test_every_bad_line_is_named():
    text = "\n".join(
        [
            "2027-10-04 国庆节 休",
            "2027/10/05 国庆节 休",
            "2027-10-04 国庆节 休",
            "2027-10-06 国庆节 半天",
            "2027-10-07",
            "2027-10-08 调休 班",
            "2027-02-29 春节 休",
        ]
    )
    errors = {e.line: e.reason for e in parse_holiday_lines(text).errors}
    assert sorted(errors) == [2, 3, 4, 5, 6, 7]
    assert "无效" in errors[2] and "第1行" in errors[3] and "“半天”" in errors[4]
    assert "三项" in errors[5] and "星期五本来就上班" in errors[6] and "无效" in errors[7]
    assert "第6行“2027-10-08 调休 班”" in str(parse_holiday_lines(text).errors[4])


def test_too_many_lines_are_refused_at_once():
    parsed = parse_holiday_lines("2027-10-04 国庆节 休\n" * (MAX_LINES + 1))
    assert len(parsed.errors) == 1 and not parsed.days
