"""The standards page's cards, one selector each: what the card shows in force today, its
history (every row marked 现行 / 待生效 / 已调整, with what it sets and how it reads) and how
many of its rows wait to take effect. The page is the county's own: the view passes the
county the user belongs to."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.money import format_yuan

from . import rules, selectors
from .catalogue import DIBAO_MODE_LABELS, SettingKey
from .models import (
    AddOnRate,
    CareRate,
    CountySetting,
    Delegation,
    DibaoTier,
    Standard,
    TemporaryTier,
)
from .overview_text import (
    add_on_text,
    delegation_text,
    dibao_tier_text,
    setting_text,
    tier_text,
)

FUTURE, CURRENT, PAST = "future", "current", "past"


@dataclass(frozen=True)
class Card:
    """One card of the page: its part of the template context and its pending rows."""

    name: str  # the key of its pending count in the template
    context: dict
    pending: int


def _pending(rows) -> int:
    return sum(1 for r in rows if r.status == FUTURE)


def _pending_of(rows) -> list:
    return sorted((r for r in rows if r.status == FUTURE), key=lambda r: r.effective_from)


def _mark(rows, group, today: date) -> list:
    """Each row gets .status: "future" (待生效), "current" (现行) or "past" (已调整)."""
    rows = list(rows)
    current = {}
    for row in sorted(rows, key=lambda r: r.effective_from, reverse=True):
        if row.effective_from <= today:
            current.setdefault(group(row), row.pk)
    for row in rows:
        if row.effective_from > today:
            row.status = FUTURE
        else:
            row.status = CURRENT if current.get(group(row)) == row.pk else PAST
    return rows


def _history(
    rows: QuerySet, today: date, *, group: Callable, what: Callable, text: Callable
) -> list:
    """All rows of one kind of parameter, each with .status, .what (which parameter) and
    .shown (its value as read on the page)."""
    rows = _mark(rows.select_related("created_by"), group, today)
    for row in rows:
        row.what, row.shown = what(row), text(row)
    return rows


def standards_card(county, today: date) -> Card:
    standards = _mark(
        selectors.standards_overview(county=county), lambda r: (r.programme_id, r.area), today
    )
    return Card("standards", {"standards": standards}, _pending(standards))


def delegation_card(county, today: date) -> Card:
    history = _history(
        Delegation.objects.filter(county=county)
        .select_related("programme")
        .order_by("programme_id", "-effective_from"),
        today,
        group=lambda r: r.programme_id,
        what=lambda r: r.programme.name,
        text=lambda r: delegation_text(r.delegated),
    )
    delegated = selectors.delegated_programmes(county=county, on=today)
    rows = []
    for programme, on in selectors.programmes_with_delegation(delegated):
        own = [r for r in history if r.programme_id == programme.pk]
        current = next((r for r in own if r.status == CURRENT), None)
        rows.append(
            {
                "programme": programme,
                "delegated": on,
                "since": current.effective_from if current else None,
                "pending": _pending_of(own),
            }
        )
    context = {"delegations": rows, "delegation_history": history}
    return Card("delegation", context, _pending(history))


def _setting_history(county, today: date, **only) -> list:
    return _history(
        CountySetting.objects.filter(county=county, **only).order_by("-effective_from", "key"),
        today,
        group=lambda r: r.key,
        what=lambda r: r.get_key_display(),
        text=lambda r: setting_text(r.key, r.value),
    )


def settings_card(county, today: date) -> Card:
    history = _setting_history(county, today)
    rows = []
    for key, (label, _) in SettingKey.LABELS.items():
        own = [r for r in history if r.key == key]
        current = next((r for r in own if r.status == CURRENT), None)
        value = selectors.setting_value(county=county, key=key, on=today)
        rows.append(
            {
                "key": key,
                "label": label,
                "shown": setting_text(key, value),
                "since": current.effective_from if current else None,
                "pending": _pending_of(own),
            }
        )
    cap = selectors.setting_value(county=county, key=SettingKey.TEMPORARY_CAP, on=today)
    context = {
        "temporary_cap": setting_text(SettingKey.TEMPORARY_CAP, cap),
        "settings_now": rows,
        "setting_history": history,
    }
    return Card("settings", context, _pending(history))


def add_ons_card(county, today: date) -> Card:
    history = _history(
        AddOnRate.objects.filter(county=county).order_by("kind", "-effective_from"),
        today,
        group=lambda r: r.kind,
        what=lambda r: r.get_kind_display(),
        text=add_on_text,
    )
    add_ons = selectors.add_ons_in_force(county=county, on=today)
    for row in add_ons:
        row.shown = add_on_text(row)
    context = {"add_ons": add_ons, "add_on_history": history}
    return Card("add_ons", context, _pending(history))


def temporary_tiers_card(county, today: date) -> Card:
    history = _history(
        TemporaryTier.objects.filter(county=county).order_by("category", "code", "-effective_from"),
        today,
        group=lambda r: r.code,
        what=lambda r: f"{r.code} {r.label}（{r.get_category_display()}）",
        text=tier_text,
    )
    tiers = selectors.temporary_tiers_in_force(county=county, on=today)
    for row in tiers:
        row.shown = tier_text(row)
    return Card("tiers", {"tiers": tiers, "tier_history": history}, _pending(history))


def care_card(county, today: date) -> Card:
    history = _history(
        CareRate.objects.filter(county=county).order_by("level", "-effective_from"),
        today,
        group=lambda r: r.level,
        what=lambda r: r.get_level_display(),
        text=lambda r: f"{format_yuan(r.amount)}/月",
    )
    rates = selectors.care_rates_in_force(county=county, on=today)
    return Card("care", {"care_rates": rates, "care_history": history}, _pending(history))


def dibao_card(county, today: date) -> Card:
    """低保计发方式 and, when tiered, the tier tables (S1 art. 12, S2 art. 23)."""
    history = _dibao_tier_history(county, today)
    context = {
        "dibao_mode": _dibao_mode_now(county, today),
        "dibao_tables": _dibao_tables(county, today, history),
        "dibao_tier_history": history,
    }
    return Card("dibao_tiers", context, _pending(history))


def overview_cards(county, today: date) -> list[Card]:
    """Every card of the standards page, in the order of its pending counts."""
    return [
        standards_card(county, today),
        delegation_card(county, today),
        settings_card(county, today),
        add_ons_card(county, today),
        temporary_tiers_card(county, today),
        care_card(county, today),
        dibao_card(county, today),
    ]


def _dibao_mode_now(county, today: date) -> dict:
    own = _setting_history(county, today, key=SettingKey.DIBAO_MODE)
    current = next((r for r in own if r.status == CURRENT), None)
    mode = selectors.dibao_mode(county=county, on=today)
    return {
        "mode": mode,
        "label": DIBAO_MODE_LABELS[mode],
        "since": current.effective_from if current else None,
        "pending": _pending_of(own),
    }


def _dibao_tier_history(county, today: date) -> list[DibaoTier]:
    """Every tier row, newest table first within each area. A table is all rows of one area and
    one date: rows of the table in force today are 现行, of later tables 待生效, else 已调整."""
    rows = list(
        DibaoTier.objects.filter(county=county)
        .select_related("created_by")
        .order_by("area", "-effective_from", "level")
    )
    in_force = {}
    for row in rows:
        if row.effective_from <= today:
            in_force.setdefault(row.area, row.effective_from)
    for row in rows:
        if row.effective_from > today:
            row.status = FUTURE
        else:
            row.status = CURRENT if in_force[row.area] == row.effective_from else PAST
        row.what = f"{row.get_area_display()}第{row.level}档"
        row.shown = dibao_tier_text(row)
    return rows


def _monthly_standard(county, code: str, area: str, today: date) -> Decimal | None:
    try:
        standard = selectors.standard_in_force(
            county=county, programme_code=code, area=area, on=today
        )
    except JiuzhuError:
        return None
    if standard.period == Standard.Period.YEARLY:
        return rules.yearly_to_monthly(standard.amount)
    return standard.amount


_DIBAO_OF_AREA = {
    Standard.Area.URBAN: (("dibao_urban", "urban"),),
    Standard.Area.RURAL: (("dibao_rural", "rural"),),
    Standard.Area.ALL: (("dibao_urban", "urban"), ("dibao_rural", "rural")),
}


def _dibao_tables(county, today: date, history) -> list[dict]:
    """The tier table in force today per area, with a warning when its highest bound is below
    the monthly dibao standard (households in between could not be computed)."""
    tables = []
    for area, label in Standard.Area.choices:
        rows = [r for r in history if r.area == area and r.status == CURRENT]
        if not rows:
            continue
        top = rows[-1].max_per_capita_income
        warnings = []
        for code, standard_area in _DIBAO_OF_AREA[area]:
            monthly = _monthly_standard(county, code, standard_area, today)
            if monthly is not None and top < monthly:
                warnings.append(
                    f"最高一档上限{format_yuan(top)}低于现行{Standard.Area(standard_area).label}"
                    f"低保月标准{format_yuan(monthly)}，人均收入在两者之间的家庭无法按分档计算，"
                    "请调整分档"
                )
        tables.append(
            {
                "area": label,
                "since": rows[0].effective_from,
                "note": rows[0].note,
                "rows": rows,
                "warnings": warnings,
            }
        )
    return tables
