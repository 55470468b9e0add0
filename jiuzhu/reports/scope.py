"""Who may see a form of which region, and the parsing of the region and period asked for.

A form is read by an actor holding VIEW_REPORTS, for a region inside the actor's jurisdiction (a
township officer: the township and its villages; a county officer: the whole county). A region
outside it reads exactly like a region that does not exist, so the message names no other
region (ARCHITECTURE rule 5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import covers
from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.month import Month
from jiuzhu.regions.models import Region

NOT_FOUND = "没有找到该地区，或该地区不在您的管辖范围内"
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")
_HALF = re.compile(r"([0-9]{4})-H([12])")
_DIGITS = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Scope:
    """The region a form is for, its county, and the regions its rows are (its children; a
    village's form is its own single row)."""

    region: Region
    county: Region
    township: Region | None

    @property
    def level(self) -> str:
        return self.region.level

    def child_field(self) -> str:
        """The column of a fact table that names a row: township under a county, village below."""
        return "township_id" if self.level == Region.Level.COUNTY else "village_id"

    def filter_field(self) -> str:
        return {"county": "county_id", "township": "township_id", "village": "village_id"}[
            self.level
        ]

    def own_row(self) -> tuple[int, str] | None:
        """The row for figures recorded at the region's own level (no township or village)."""
        labels = {Region.Level.COUNTY: "县本级", Region.Level.TOWNSHIP: "乡镇本级"}
        label = labels.get(self.level)
        return (self.region.pk, label) if label else None

    def rows(self) -> list[tuple[int, str]]:
        if self.level == Region.Level.VILLAGE:
            return [(self.region.pk, self.region.name)]
        return list(
            Region.objects.filter(parent=self.region).order_by("code").values_list("pk", "name")
        )


def county_of(region: Region) -> Region:
    node = region
    while node.parent_id is not None and node.level != Region.Level.COUNTY:
        node = node.parent
    return node


def default_region(actor) -> Region | None:
    return getattr(actor, "region", None)


def resolve_scope(actor, region=None) -> Scope:
    """The actor may read reports, and `region` (a Region, its id or its code; empty: the
    actor's own) lies within the actor's jurisdiction; else PermissionDenied / ValidationFailed
    with a message that names no region."""
    require(actor, Perm.VIEW_REPORTS, message="您没有查看统计报表的权限")
    if region in (None, ""):
        region = default_region(actor)
        if region is None:
            raise ValidationFailed("您的账号没有所属地区，无法生成报表")
    if not isinstance(region, Region):
        region = _find_region(region)
    if region is None or not covers(actor, region):
        raise ValidationFailed(NOT_FOUND)
    region = Region.objects.select_related("parent__parent").get(pk=region.pk)
    township = None
    if region.level == Region.Level.TOWNSHIP:
        township = region
    elif region.level == Region.Level.VILLAGE:
        township = region.parent
    return Scope(region=region, county=county_of(region), township=township)


def _find_region(value) -> Region | None:
    text = str(value).strip()
    if not _DIGITS.fullmatch(text):  # ASCII digits only ("²".isdigit() is true)
        raise ValidationFailed(NOT_FOUND)
    if len(text) == 12:
        return Region.objects.filter(code=text).first()
    return Region.objects.filter(pk=int(text)).first()


def parse_month(text) -> Month:
    try:
        return Month.parse(str(text or ""))
    except ValueError:
        raise ValidationFailed(f"月份格式应为YYYY-MM（如2026-11）：{str(text)[:20]}") from None


def parse_quarter(text) -> tuple[int, int]:
    """ "2026-Q4" → (2026, 4); a month "2026-11" is read as its quarter."""
    value = str(text or "").strip()
    match = _QUARTER.fullmatch(value)
    if match:
        return int(match.group(1)), int(match.group(2))
    month = parse_period_month(value, "季度格式应为YYYY-Q1至YYYY-Q4（如2026-Q4）")
    return month.year, (month.month - 1) // 3 + 1


def parse_half(text) -> tuple[int, int]:
    """ "2026-H1" → (2026, 1); a month is read as its half-year."""
    value = str(text or "").strip()
    match = _HALF.fullmatch(value)
    if match:
        return int(match.group(1)), int(match.group(2))
    month = parse_period_month(value, "半年格式应为YYYY-H1或YYYY-H2（如2026-H2）")
    return month.year, 1 if month.month <= 6 else 2


def parse_period_month(value: str, message: str) -> Month:
    try:
        return Month.parse(value)
    except ValueError:
        raise ValidationFailed(f"{message}：{value[:20]}") from None


def quarter_months(year: int, quarter: int) -> list[Month]:
    return [Month(year, 3 * (quarter - 1) + i) for i in (1, 2, 3)]


def half_months(year: int, half: int) -> list[Month]:
    return [Month(year, 6 * (half - 1) + i) for i in range(1, 7)]
