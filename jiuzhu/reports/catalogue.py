"""Every form the reports app produces (R21): code → definition. The API reads the same table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jiuzhu.core.month import Month

from . import form_assistance, form_dibao, form_governance, form_kin, form_services
from .definitions import Col

MONTH, QUARTER, HALF = "month", "quarter", "half"


@dataclass(frozen=True)
class FormDef:
    """A form: its `code` (in URLs and the API), Chinese `title`, `units` line, `columns`,
    the `period` it covers (a month, a quarter, a half-year), where it comes from (`basis`),
    its `due` date text, and `build(scope, months) -> (rows, total, notes)`."""

    code: str
    title: str
    units: str
    columns: tuple[Col, ...]
    period: str
    basis: str
    due: str
    build: Callable
    first_header: str = "地区"

    @property
    def is_register(self) -> bool:
        return self.first_header != "地区"


def _monthly(fn):
    return lambda scope, months: fn(scope, months[-1])


FORMS: dict[str, FormDef] = {
    f.code: f
    for f in (
        FormDef(
            form_assistance.CODE,
            form_assistance.TITLE,
            form_assistance.UNITS,
            form_assistance.COLUMNS,
            MONTH,
            "R21：县级每月向上级报送的社会救助统计",
            "每月",
            _monthly(form_assistance.build),
        ),
        FormDef(
            form_governance.MONTHLY_CODE,
            form_governance.MONTHLY_TITLE,
            "单位：户、人、件、条、元",
            form_governance.COLUMNS,
            MONTH,
            "种子000：每月6日前报送专项治理数据统计表",
            "次月6日前",
            form_governance.build,
        ),
        FormDef(
            form_governance.HALF_CODE,
            form_governance.HALF_TITLE,
            "单位：户、人、件、条、元",
            form_governance.COLUMNS,
            HALF,
            "种子000：6月10日、12月10日前汇总上报专项治理进展",
            "6月10日、12月10日前",
            form_governance.build,
        ),
        FormDef(
            form_dibao.RURAL_CODE,
            form_dibao.RURAL_TITLE,
            "单位：户、人",
            form_dibao.RURAL_COLUMNS,
            MONTH,
            "种子003附件2",
            "按专项治理安排",
            _monthly(form_dibao.build_rural),
        ),
        FormDef(
            form_dibao.URBAN_CODE,
            form_dibao.URBAN_TITLE,
            "单位：户、人",
            form_dibao.URBAN_COLUMNS,
            MONTH,
            "种子003附件3",
            "按专项治理安排",
            _monthly(form_dibao.build_urban),
        ),
        FormDef(
            form_kin.REGISTER_CODE,
            form_kin.REGISTER_TITLE,
            "",
            form_kin.REGISTER_COLUMNS,
            MONTH,
            "种子003附件1",
            "按专项治理安排",
            _monthly(form_kin.build_register),
            first_header="单位名称",
        ),
        FormDef(
            form_services.CODE,
            form_services.TITLE,
            "单位：项、元、人",
            form_services.COLUMNS,
            QUARTER,
            "种子000：每季度末报送",
            "每季度末",
            form_services.build,
        ),
    )
}


def months_of(definition: FormDef, period: str) -> tuple[str, list[Month]]:
    """The period key (2026-11, 2026-Q4, 2026-H2) and its months; raises ValidationFailed."""
    from .scope import half_months, parse_half, parse_month, parse_quarter, quarter_months

    if definition.period == QUARTER:
        year, q = parse_quarter(period)
        return f"{year:04d}-Q{q}", quarter_months(year, q)
    if definition.period == HALF:
        year, h = parse_half(period)
        return f"{year:04d}-H{h}", half_months(year, h)
    month = parse_month(period)
    return str(month), [month]


def period_label(key: str) -> str:
    year, rest = key.split("-", 1)
    if rest.startswith("Q"):
        return f"{year}年第{rest[1]}季度"
    if rest.startswith("H"):
        return f"{year}年{'上' if rest[1] == '1' else '下'}半年"
    return Month.parse(key).label
