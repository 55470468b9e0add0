"""Parameters in force on a date. A parameter applies from its effective date until the next
row's effective date for the same key (R12: amounts use the standard in force for the month)."""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.month import format_date_cn

from .catalogue import BY_CODE, SettingKey, dibao_mode_of
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


def _latest(qs: QuerySet, on: date):
    return qs.filter(effective_from__lte=on).order_by("-effective_from").first()


def _programme_name(code: str) -> str:
    info = BY_CODE.get(code)
    return info.name if info else code


def standard_in_force(*, county, programme_code: str, area: str, on: date) -> Standard:
    """The area's own standard, else the county-wide one (城乡统一)."""
    qs = Standard.objects.filter(county=county, programme__code=programme_code)
    found = _latest(qs.filter(area=area), on) or _latest(qs.filter(area=Standard.Area.ALL), on)
    if found is None:
        raise ValidationFailed(
            f"{format_date_cn(on)}没有生效的保障标准：{_programme_name(programme_code)}"
            f"（{dict(Standard.Area.choices).get(area, area)}），请先录入"
        )
    return found


def setting_value(*, county, key: str, on: date) -> Decimal:
    found = _latest(CountySetting.objects.filter(county=county, key=key), on)
    if found is not None:
        return found.value
    return Decimal(SettingKey.LABELS[key][1])  # the documented default


def dibao_mode(*, county, on: date) -> str:
    """低保计发方式 in force: "gap" (差额, the default) or "tiered" (分档)."""
    return dibao_mode_of(setting_value(county=county, key=SettingKey.DIBAO_MODE, on=on))


def _tier_table(qs: QuerySet, on: date) -> list[DibaoTier]:
    start = _latest(qs, on)
    if start is None:
        return []
    return list(qs.filter(effective_from=start.effective_from).order_by("level"))


def dibao_tiers_in_force(*, county, area: str, on: date) -> list[DibaoTier]:
    """The area's own tier table in force, else the county-wide one (城乡统一), lowest income
    first; empty when none is in force. Tables are whole: rows of different dates never mix."""
    qs = DibaoTier.objects.filter(county=county)
    return _tier_table(qs.filter(area=area), on) or _tier_table(
        qs.filter(area=Standard.Area.ALL), on
    )


def delegated_programmes(*, county, on: date) -> frozenset[str]:
    """R1: programmes townships confirm; a programme with no row follows the catalogue default."""
    from .catalogue import PROGRAMMES

    result = {p.code for p in PROGRAMMES if p.delegated_by_default}
    for code in Programme.objects.values_list("code", flat=True):
        row = _latest(Delegation.objects.filter(county=county, programme__code=code), on)
        if row is not None:
            (result.add if row.delegated else result.discard)(code)
    return frozenset(result)


def _in_force_by(qs: QuerySet, key: str, on: date) -> list:
    rows = {}
    for row in qs.filter(effective_from__lte=on).order_by(key, "-effective_from"):
        rows.setdefault(getattr(row, key), row)
    return list(rows.values())


def add_ons_in_force(*, county, on: date) -> list[AddOnRate]:
    return _in_force_by(AddOnRate.objects.filter(county=county), "kind", on)


def temporary_tiers_in_force(*, county, on: date) -> list[TemporaryTier]:
    return _in_force_by(TemporaryTier.objects.filter(county=county), "code", on)


def care_rates_in_force(*, county, on: date) -> list[CareRate]:
    return _in_force_by(CareRate.objects.filter(county=county), "level", on)


def standards_overview(*, county) -> QuerySet[Standard]:
    return Standard.objects.filter(county=county).select_related("programme", "created_by")


def programmes_with_delegation(delegated: frozenset[str]) -> list[tuple[Programme, bool]]:
    return [(p, p.code in delegated) for p in Programme.objects.order_by("id")]
