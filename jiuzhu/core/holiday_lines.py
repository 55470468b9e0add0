"""Reading a pasted holiday notice: one date a line, "2027-02-08 春节 休" or "2027-02-20 调休 班".

A line is a date (YYYY-MM-DD), a name, and 休 (a day off) or 班 (a working day); the name may
be left out (then 节假日 / 调休上班). Blank lines and lines starting with # are skipped. A day off
that falls on a weekend is already a rest day: it is accepted and left out of the table (the
notice lists whole holiday periods, weekends included). A working day on a weekday is refused:
adjusted working days (调休上班) are always weekends, so it is a wrong date.

Pure module: no Django import, so the rules can be tested without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .workdays import DayOverride

MAX_LINES = 400
MAX_NAME = 40
_OFF = {"休", "放假", "休息"}
_WORK = {"班", "上班"}
_WEEKDAYS = "一二三四五六日"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")

EXAMPLE = "2027-02-08 春节 休\n2027-02-09 春节 休\n2027-02-20 调休 班"


@dataclass(frozen=True)
class LineError:
    line: int  # 1-based
    text: str
    reason: str

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 40 else self.text[:40] + "…"
        return f"第{self.line}行“{text}”：{self.reason}"


@dataclass
class ParsedLines:
    days: list[DayOverride] = field(default_factory=list)
    weekend_days_off: list[date] = field(default_factory=list)  # accepted, nothing to store
    errors: list[LineError] = field(default_factory=list)


def weekday_cn(d: date) -> str:
    return "星期" + _WEEKDAYS[d.weekday()]


def _parse_date(text: str) -> date | None:
    if not _DATE_RE.fullmatch(text):
        return None
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_line(text: str) -> tuple[DayOverride | None, str]:
    """The day a line enters, or None and the reason it cannot be read."""
    parts = text.split()
    if len(parts) not in (2, 3):
        return None, "应为“日期 名称 休/班”三项，以空格分隔"
    day = _parse_date(parts[0])
    if day is None:
        return None, f"日期“{parts[0]}”无效，应写作如 2027-02-08"
    kind = parts[-1]
    if kind not in _OFF | _WORK:
        return None, f"最后一项应为“休”或“班”，而不是“{kind}”"
    is_workday = kind in _WORK
    name = parts[1] if len(parts) == 3 else ("调休上班" if is_workday else "节假日")
    if len(name) > MAX_NAME:
        return None, f"名称超过{MAX_NAME}个字"
    if is_workday and day.weekday() < 5:
        return None, f"{weekday_cn(day)}本来就上班；调休上班日应是周六或周日，请核对日期"
    return DayOverride(day=day, is_workday=is_workday, name=name), ""


def parse_holiday_lines(text: str) -> ParsedLines:
    result = ParsedLines()
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        result.errors.append(LineError(MAX_LINES + 1, "", f"一次最多录入{MAX_LINES}行"))
        return result
    seen: dict[date, int] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        override, reason = _parse_line(line)
        if override is None:
            result.errors.append(LineError(number, line, reason))
            continue
        if override.day in seen:
            result.errors.append(LineError(number, line, f"与第{seen[override.day]}行的日期重复"))
            continue
        seen[override.day] = number
        if not override.is_workday and override.day.weekday() >= 5:
            result.weekend_days_off.append(override.day)
        else:
            result.days.append(override)
    return result
