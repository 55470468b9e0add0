"""The typed shapes of the API (pydantic, through ninja): what the OpenAPI document describes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema
from pydantic import Field

MONTH_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
REGION_PATTERN = r"^[0-9]{12}$"
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 500


class Error(Schema):
    detail: str = Field(description="中文说明")


class RegionOut(Schema):
    code: str = Field(description="12位统计用区划代码")
    name: str
    level: str = Field(description="county、township 或 village")


class RosterQuery(Schema):
    region: str = Field(pattern=REGION_PATTERN, description="区划代码（县、乡镇或村）")
    month: str | None = Field(None, pattern=MONTH_PATTERN, description="YYYY-MM，默认本月")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


class RosterItem(Schema):
    household_number: str
    township: str
    village: str
    programme_code: str
    programme: str
    members: int
    amount: Decimal = Field(description="本月发放金额（元）")
    care_amount: Decimal = Field(description="其中照料护理补贴（元）")
    status: str
    new_this_month: bool
    name: str = Field(description="户主姓名（单人保为保障对象姓名）；未成年人不提供")
    id_number: str = Field(description="脱敏的身份证号码（前2位和后3位）；未成年人不提供")
    withheld: str = Field(description="不提供姓名和证件号码的原因；空为已提供")


class RosterOut(Schema):
    region: RegionOut
    month: str
    households: int
    persons: int
    amount: Decimal = Field(description="本区域本月发放合计（元）")
    count: int = Field(description="记录数（按保障记录）")
    page: int
    page_size: int
    pages: int
    items: list[RosterItem]


class Problem(Schema):
    row: int = Field(description="文件中的行号（表头为第1行）")
    column: str
    message: str
    severity: str = Field(description="error 或 warning")


class SnapshotOut(Schema):
    id: int
    kind: str
    kind_label: str
    as_of: date
    status: str
    status_label: str
    rows_total: int
    rows_good: int
    rows_stored: int | None = None
    errors: int
    warnings: int
    problems: list[Problem] = Field(description="最多500条，按行排列")
    message: str


class CommitIn(Schema):
    good_rows: bool = Field(False, description="文件有错误时只导入无误的行")
    confirm_smaller: bool = Field(False, description="确认用明显较小的新数据替换现有数据")
