"""Setting standards and county parameters: county administrators only, each change audited.
Rows are never edited: a change is a new row from its effective date (history stays readable)."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.money import MoneyError, parse_money
from jiuzhu.core.month import format_date_cn

from .catalogue import DIBAO_MODE_CODES, SettingKey
from .models import (
    AddOnRate,
    CareRate,
    CountySetting,
    Delegation,
    DibaoTier,
    Programme,
    Standard,
    TemporaryTier,
)


def _require(actor, county) -> None:
    """County administrators of that county; the operator's system actor (accounts.system) for
    the defaults loaded at installation."""
    require(actor, Perm.MANAGE_SETTINGS, message="只有县级管理员可以修改保障标准和参数")
    if not actor.is_system and actor.region_id != county.pk:
        raise PermissionDenied("只能修改本县的保障标准和参数")


def _amount(value) -> Decimal:
    try:
        return parse_money(value)
    except (MoneyError, TypeError) as exc:
        raise ValidationFailed(str(exc)) from exc


def _create(actor, model, *, county, effective_from: date, note: str, **fields):
    _require(actor, county)
    try:
        with transaction.atomic():
            row = model.objects.create(
                county=county, effective_from=effective_from, note=note, created_by=actor, **fields
            )
    except IntegrityError as exc:
        raise ValidationFailed(_taken(effective_from)) from exc
    audit.record(
        action=f"settings.{model._meta.model_name}",
        actor=actor,
        obj=row,
        new={
            "county": county.code,
            "effective_from": effective_from,
            "note": note,
            **{k: (v.code if isinstance(v, Programme) else v) for k, v in fields.items()},
        },
    )
    return row


def _taken(effective_from: date) -> str:
    return f"{format_date_cn(effective_from)}起已有同一项设置，请换一个生效日期"


def _programme(code: str) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise ValidationFailed(f"救助项目不存在：{code}")
    return programme


@transaction.atomic
def standard_set(
    *,
    actor,
    county,
    programme_code: str,
    area: str,
    amount,
    period: str,
    effective_from: date,
    note: str = "",
) -> Standard:
    if area not in Standard.Area.values or period not in Standard.Period.values:
        raise ValidationFailed("城乡类别或标准单位无效")
    value = _amount(amount)
    if value <= 0:
        raise ValidationFailed("保障标准应大于零")
    return _create(
        actor,
        Standard,
        county=county,
        effective_from=effective_from,
        note=note,
        programme=_programme(programme_code),
        area=area,
        amount=value,
        period=period,
    )


@transaction.atomic
def delegation_set(
    *, actor, county, programme_code: str, delegated: bool, effective_from: date, note: str = ""
) -> Delegation:
    return _create(
        actor,
        Delegation,
        county=county,
        effective_from=effective_from,
        note=note,
        programme=_programme(programme_code),
        delegated=delegated,
    )


@transaction.atomic
def setting_set(
    *, actor, county, key: str, value, effective_from: date, note: str = ""
) -> CountySetting:
    if key not in SettingKey.LABELS:
        raise ValidationFailed(f"设置项不存在：{key}")
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError as exc:
        raise ValidationFailed(f"取值应为数字：{value}") from exc
    if not number.is_finite() or number < 0:
        raise ValidationFailed(f"取值应为非负数：{value}")
    if key == SettingKey.DIBAO_MODE and number not in DIBAO_MODE_CODES.values():
        raise ValidationFailed(f"低保计发方式应为0（差额计发）或1（分档计发）：{value}")
    return _create(
        actor,
        CountySetting,
        county=county,
        effective_from=effective_from,
        note=note,
        key=key,
        value=number,
    )


@transaction.atomic
def add_on_set(
    *, actor, county, kind: str, rate=None, fixed=None, effective_from: date, note: str = ""
) -> AddOnRate:
    if kind not in AddOnRate.Kind.values:
        raise ValidationFailed(f"加发对象无效：{kind}")
    if (rate in (None, "")) == (fixed in (None, "")):
        raise ValidationFailed("请填写按标准的比例或固定金额（二选一）")
    rate_value = Decimal(str(rate)) if rate not in (None, "") else None
    return _create(
        actor,
        AddOnRate,
        county=county,
        effective_from=effective_from,
        note=note,
        kind=kind,
        rate=rate_value,
        fixed=_amount(fixed) if fixed not in (None, "") else None,
    )


@transaction.atomic
def temporary_tier_set(
    *,
    actor,
    county,
    code: str,
    label: str,
    category: str,
    multiple,
    max_amount=None,
    effective_from: date,
    note: str = "",
) -> TemporaryTier:
    if category not in TemporaryTier.Category.values:
        raise ValidationFailed(f"临时救助类别无效：{category}")
    return _create(
        actor,
        TemporaryTier,
        county=county,
        effective_from=effective_from,
        note=note,
        code=code,
        label=label,
        category=category,
        multiple=Decimal(str(multiple)),
        max_amount=_amount(max_amount) if max_amount not in (None, "") else None,
    )


@transaction.atomic
def care_rate_set(
    *, actor, county, level: str, amount, effective_from: date, note: str = ""
) -> CareRate:
    if level not in CareRate.Level.values:
        raise ValidationFailed(f"生活自理能力等级无效：{level}")
    return _create(
        actor,
        CareRate,
        county=county,
        effective_from=effective_from,
        note=note,
        level=level,
        amount=_amount(amount),
    )


MAX_DIBAO_TIERS = 10


def _tier_rows(tiers: Sequence[tuple]) -> list[tuple[Decimal, Decimal]]:
    """(upper bound, amount) pairs, checked and sorted from the lowest income up."""
    if not tiers:
        raise ValidationFailed("请至少填写一档")
    if len(tiers) > MAX_DIBAO_TIERS:
        raise ValidationFailed(f"分档不能超过{MAX_DIBAO_TIERS}档")
    rows = sorted((_amount(upper), _amount(amount)) for upper, amount in tiers)
    for upper, amount in rows:
        if upper <= 0 or amount <= 0:
            raise ValidationFailed("分档的人均月收入上限和每人保障金都应大于零")
    for (low, low_amount), (high, high_amount) in zip(rows, rows[1:], strict=False):
        if low == high:
            raise ValidationFailed(f"两档的人均月收入上限相同（{low}元），请修改")
        if high_amount > low_amount:
            raise ValidationFailed(
                f"收入上限{high}元一档的保障金{high_amount}元高于收入更低一档的{low_amount}元，"
                "请核对（收入越低的档次保障金应越高）"
            )
    return rows


@transaction.atomic
def dibao_tiers_set(
    *, actor, county, area: str, tiers: Sequence[tuple], effective_from: date, note: str = ""
) -> list[DibaoTier]:
    """低保分档 (S2 art. 23): the whole tier table of an area from ``effective_from``.

    ``tiers`` are (per-capita monthly income upper bound, monthly amount per person) pairs, in
    any order; levels are numbered from the lowest income up. One audit record for the table."""
    _require(actor, county)
    if area not in Standard.Area.values:
        raise ValidationFailed(f"城乡类别无效：{area}")
    rows = _tier_rows(tiers)
    if DibaoTier.objects.filter(county=county, area=area, effective_from=effective_from).exists():
        raise ValidationFailed(_taken(effective_from))
    try:
        with transaction.atomic():
            created = [
                DibaoTier.objects.create(
                    county=county,
                    area=area,
                    effective_from=effective_from,
                    note=note,
                    created_by=actor,
                    level=level,
                    max_per_capita_income=upper,
                    amount_per_person=amount,
                )
                for level, (upper, amount) in enumerate(rows, start=1)
            ]
    except IntegrityError as exc:  # a concurrent table for the same date
        raise ValidationFailed(_taken(effective_from)) from exc
    audit.record(
        action="settings.dibaotier",
        actor=actor,
        obj=created[0],
        new={
            "county": county.code,
            "area": area,
            "effective_from": effective_from,
            "note": note,
            "tiers": [
                {"level": level, "max_per_capita_income": upper, "amount_per_person": amount}
                for level, (upper, amount) in enumerate(rows, 1)
            ],
        },
    )
    return created
