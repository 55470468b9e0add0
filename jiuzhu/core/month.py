"""Calendar months (the unit of payment, changes and reports) and Chinese date formatting.

Pure module: no Django import (enforced by an import-linter contract).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["Month", "format_date_cn"]

_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        for value in (self.year, self.month):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"年份和月份应为整数：{self.year!r}-{self.month!r}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"年份应在1到9999之间：{self.year}")
        if not 1 <= self.month <= 12:
            raise ValueError(f"月份应在1到12之间：{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read "YYYY-MM" (surrounding spaces allowed)."""
        match = _MONTH_RE.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"月份格式应为YYYY-MM：{text}")
        year, month = int(match.group(1)), int(match.group(2))
        if year < 1 or not 1 <= month <= 12:
            raise ValueError(f"月份格式应为YYYY-MM：{text}（月份应在01到12之间）")
        return cls(year, month)

    @classmethod
    def of(cls, d: date) -> Month:
        return cls(d.year, d.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def add(self, n: int) -> Month:
        """The month ``n`` months later (earlier for negative ``n``)."""
        year, month0 = divmod(self.year * 12 + (self.month - 1) + n, 12)
        return Month(year, month0 + 1)

    def next(self) -> Month:
        return self.add(1)

    def prev(self) -> Month:
        return self.add(-1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        """ "2026年11月"."""
        return f"{self.year}年{self.month}月"


def format_date_cn(d: date) -> str:
    """ "2026年11月22日", without zero padding ("2026年1月5日")."""
    return f"{d.year}年{d.month}月{d.day}日"
