"""Figures for higher levels: GET /api/v1/forms (the forms there are), GET /api/v1/forms/{code}
(a form's figures for a region and period, from jiuzhu.reports.services.form_build — the same
numbers as the form's page and its Excel file, the sealed copy for a sealed period) and GET
/api/v1/dashboard (the dashboard's series of a county or township, from
jiuzhu.dashboard.services.dashboard_series). Registers of people (seed 003 attachment 1) carry
ID numbers and phones masked as on a public notice; internal page links are left out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from jiuzhu.core.masking import mask_id_number_public, mask_phone
from jiuzhu.dashboard.services import dashboard_series
from jiuzhu.regions.models import Region
from jiuzhu.reports.catalogue import FORMS
from jiuzhu.reports.definitions import Col, FormResult, Row
from jiuzhu.reports.services import form_build

from .auth import NO_REGION, ApiRefusal, region_of, require_scope
from .endpoints_roster import FIRST_YEAR, LAST_YEAR
from .schemas import REGION_PATTERN, Error
from .scopes import DASHBOARD_READ, REPORTS_READ

forms_router = Router(tags=["统计报表"])
dashboard_router = Router(tags=["仪表盘"])
ANSWERS = {401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
PERIOD_PATTERN = r"^[0-9]{4}-([0-9]{2}|Q[1-4]|H[12])$"
MASKS = {"id": mask_id_number_public, "phone": mask_phone}
LINK_KEYS = frozenset({"url", "links", "roster_url"})


class FormInfo(Schema):
    code: str
    title: str
    period: str = Field(description="month、quarter 或 half")
    units: str
    basis: str = Field(description="依据")
    due: str = Field(description="报送时间")


class ColumnOut(Schema):
    key: str
    label: str
    groups: list[str] = Field(description="上层表头（合并单元格）")
    money: bool


class FormRowOut(Schema):
    label: str
    region_code: str | None
    values: dict[str, int | Decimal | str | None]


class FormOut(Schema):
    code: str
    title: str
    units: str
    period: str
    region: dict[str, str]
    frozen_at: str | None = Field(description="封存日期；空为实时计算")
    notes: list[str]
    columns: list[ColumnOut]
    rows: list[FormRowOut]
    total: FormRowOut | None


class FormQuery(Schema):
    region: str = Field(pattern=REGION_PATTERN, description="区划代码（县、乡镇或村）")
    month: str = Field(
        pattern=PERIOD_PATTERN, description="YYYY-MM；季度表 YYYY-Q1…Q4；半年表 YYYY-H1/H2"
    )


class DashboardQuery(Schema):
    region: str = Field(pattern=REGION_PATTERN, description="区划代码（县或乡镇）")
    months: int = Field(24, ge=1, le=60, description="最近几个月")


def _year_in_range(period: str) -> None:
    year = int(period[:4])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ApiRefusal(422, f"年份应在{FIRST_YEAR}年到{LAST_YEAR}年之间：{period}")


def _columns(columns, groups=()) -> list[ColumnOut]:
    out = []
    for col in columns:
        if col.children:
            out += _columns(col.children, (*groups, col.label))
        else:
            out.append(
                ColumnOut(key=col.key, label=col.label, groups=list(groups), money=col.money)
            )
    return out


def _row(row: Row, leaves: list[Col], codes: dict[int, str]) -> FormRowOut:
    values: dict[str, Any] = {}
    for col in leaves:
        cell = row.cells.get(col.key)
        value = cell.value if cell is not None else None
        mask = MASKS.get(col.key)
        values[col.key] = mask(value) if mask and isinstance(value, str) else value
    return FormRowOut(label=row.label, region_code=codes.get(row.region_id), values=values)


def _form_out(result: FormResult, region: Region) -> FormOut:
    leaves = result.leaves()
    ids = {r.region_id for r in result.rows if r.region_id}
    codes = dict(Region.objects.filter(pk__in=ids).values_list("pk", "code"))
    return FormOut(
        code=result.code,
        title=result.title,
        units=result.units,
        period=result.period,
        region={"code": region.code, "name": region.name, "level": region.level},
        frozen_at=result.frozen_at,
        notes=list(result.notes),
        columns=_columns(result.columns),
        rows=[_row(r, leaves, codes) for r in result.rows],
        total=_row(result.total, leaves, codes) if result.total else None,
    )


@forms_router.get(
    "",
    response={200: list[FormInfo], **ANSWERS},
    openapi_extra={"x-scope": REPORTS_READ, "x-region": "none"},
    summary="可读取的统计报表",
)
def forms(request: HttpRequest):
    require_scope(request, REPORTS_READ)
    return [
        FormInfo(
            code=f.code, title=f.title, period=f.period, units=f.units, basis=f.basis, due=f.due
        )
        for f in FORMS.values()
    ]


@forms_router.get(
    "/{code}",
    response={200: FormOut, **ANSWERS},
    openapi_extra={"x-scope": REPORTS_READ, "x-region": "query"},
    summary="报表数据（按区域和月份）",
)
def form_figures(request: HttpRequest, q: Query[FormQuery], code: str = Path(..., max_length=40)):
    key = require_scope(request, REPORTS_READ)
    region = region_of(request, q.region)
    if code not in FORMS:
        raise ApiRefusal(404, "没有该报表")
    _year_in_range(q.month)
    result = form_build(actor=key.actor, code=code, region=region, month=q.month)
    return _form_out(result, region)


def _without_links(value):
    if isinstance(value, dict):
        return {k: _without_links(v) for k, v in value.items() if k not in LINK_KEYS}
    if isinstance(value, list):
        return [_without_links(v) for v in value]
    return value


@dashboard_router.get(
    "",
    response={200: dict[str, Any], **ANSWERS},
    openapi_extra={"x-scope": DASHBOARD_READ, "x-region": "query"},
    summary="仪表盘数据（县或乡镇，最近若干月）",
)
def dashboard(request: HttpRequest, q: Query[DashboardQuery]):
    key = require_scope(request, DASHBOARD_READ)
    region = region_of(request, q.region)
    if region.level == Region.Level.VILLAGE:
        raise ApiRefusal(404, NO_REGION)
    return _without_links(dashboard_series(actor=key.actor, region=region, months=q.months))
