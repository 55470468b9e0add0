from datetime import date, datetime

from django import template
from django.utils import timezone

from jiuzhu.core.audit_labels import action_label
from jiuzhu.core.audit_values import actor_label
from jiuzhu.core.money import format_yuan
from jiuzhu.core.month import format_date_cn

register = template.Library()


@register.filter
def yuan(value) -> str:
    return "" if value is None or value == "" else format_yuan(value)


@register.filter
def cn_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return format_date_cn(value) if isinstance(value, date) else str(value)


@register.filter
def cn_datetime(value) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{format_date_cn(local.date())} {local:%H:%M:%S}"


@register.filter
def page_numbers(page, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and `around` either side of the
    current page, with None where numbers are left out."""
    last, current = page.paginator.num_pages, page.number
    shown = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    numbers: list[int | None] = []
    for n in sorted(shown):
        if numbers and numbers[-1] is not None and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


@register.filter
def percent(done, total) -> int:
    return int(100 * done / total) if total else 0


@register.filter
def action_name(action: str) -> str:
    return action_label(action)


@register.filter
def operator(entry) -> str:
    """An audit entry's operator (or any user) as 姓名（角色）, never the account name; ""
    for no user at all (a step not taken yet)."""
    if entry is None or entry == "":
        return ""
    if hasattr(entry, "actor_name"):
        return actor_label(entry.actor if entry.actor_id else None, entry.actor_name)
    return actor_label(entry)


@register.filter
def get_item(mapping, key):
    """Look a key up in a dict from a template: ``labels|get_item:code``."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
