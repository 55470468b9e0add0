"""Audit values as an officer reads them: Chinese field names and choice labels, never codes.

An audit entry stores codes (``{"status": "draft"}``, ``{"programme": "dibao_rural"}``); the
pages show ``状态：登记 → 材料不全，已一次性告知``. Core owns the mechanism and knows no app:
each app contributes its labels in a module named ``audit_fields`` (found like Django's admin
modules, on first use), built from its models' Chinese verbose names and choices
(`register_model`) plus the keys that are not model fields (`register`).

A label may hold for every action, or only for the actions starting with given prefixes: a
``status`` is a case status under ``case.``, a payroll status under ``payroll.``. The longest
matching prefix wins, then the labels registered for every action.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .money import format_yuan
from .month import format_date_cn

EMPTY = "（空）"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*")
_PERIOD = re.compile(
    r"([0-9]{4}-[0-9]{2}(?:-[0-9]{2})?)\s*[~～至]\s*([0-9]{4}-[0-9]{2}(?:-[0-9]{2})?)"
)
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _Table:
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    money: set[str] = field(default_factory=set)
    formats: dict[str, Callable[[Any], str]] = field(default_factory=dict)


_EVERY = _Table()
_SCOPED: dict[str, _Table] = {}
_discovered = False


def register(
    *,
    fields: Mapping[str, str] | None = None,
    values: Mapping[str, Mapping[Any, Any] | Iterable[tuple[Any, Any]]] | None = None,
    money: Iterable[str] = (),
    formats: Mapping[str, Callable[[Any], str]] | None = None,
    actions: Iterable[str] = (),
) -> None:
    """Field labels, value labels (a field's choices), money fields and value formatters, for
    the actions starting with one of `actions` (every action when none is given). A label
    registered first is kept; value labels of the same field are merged."""
    tables = [_SCOPED.setdefault(prefix, _Table()) for prefix in actions] or [_EVERY]
    for table in tables:
        for name, label in (fields or {}).items():
            table.fields.setdefault(name, str(label))
        for name, choices in (values or {}).items():
            labels = table.values.setdefault(name, {})
            for code, label in dict(choices).items():
                labels.setdefault(str(code), str(label))
        table.money.update(money)
        table.formats.update(formats or {})


def register_model(
    model: type[models.Model], *, actions: Iterable[str] = (), exclude: Iterable[str] = ()
) -> None:
    """A model's fields as labels: its Chinese verbose names, its choices, its money fields
    (decimals with two places)."""
    skip = set(exclude)
    fields: dict[str, str] = {}
    values: dict[str, list] = {}
    money: list[str] = []
    for f in model._meta.concrete_fields:
        if f.name in skip:
            continue
        label = str(f.verbose_name)
        if _CHINESE.search(label):
            fields[f.name] = label
            fields.setdefault(f.attname, label)
        if f.choices:
            values[f.name] = list(f.flatchoices)
        if _is_money(f, label):
            money.append(f.name)
    register(fields=fields, values=values, money=money, actions=actions)


def _is_money(f, label: str) -> bool:
    """A decimal with two places is yuan unless its label says it is a ratio."""
    return (
        isinstance(f, models.DecimalField)
        and f.decimal_places == 2
        and not any(word in label for word in ("倍数", "比例", "系数", "比率"))
    )


def _tables(action: str) -> list[_Table]:
    _discover()
    scoped = sorted(
        (prefix for prefix in _SCOPED if action.startswith(prefix)), key=len, reverse=True
    )
    return [*(_SCOPED[prefix] for prefix in scoped), _EVERY]


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("audit_fields")


def field_label(name: str, action: str = "") -> str:
    for table in _tables(action):
        if name in table.fields:
            return table.fields[name]
    return name


def has_field_label(name: str, action: str = "") -> bool:
    return any(name in table.fields for table in _tables(action))


def value_label(name: str, value: Any, action: str = "") -> str:
    """`value` of the field `name` as the officer reads it."""
    tables = _tables(action)
    for table in tables:
        if name in table.formats and value not in (None, ""):
            return table.formats[name](value)
        if name in table.values:
            labels = table.values[name]
            if isinstance(value, list):
                return "、".join(labels.get(str(v), _plain(v, action)) for v in value) or EMPTY
            if value in (None, ""):
                return labels.get("", EMPTY)
            if not isinstance(value, dict | bool):
                return labels.get(str(value), _plain(value, action))
            break
    if any(name in table.money for table in tables):
        money = _money(value)
        if money is not None:
            return money
    return _plain(value, action)


def _money(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return format_yuan(amount) if amount.is_finite() else None


def _plain(value: Any, action: str) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_plain(v, action) for v in value) or EMPTY
    if isinstance(value, dict):
        return (
            "，".join(
                f"{field_label(k, action)}：{value_label(k, v, action)}" for k, v in value.items()
            )
            or EMPTY
        )
    if isinstance(value, str):
        return _date_text(value)
    return str(value)


def _date_text(text: str) -> str:
    """ISO dates, months and times in the one Chinese format; any other text as it is."""
    if _DATE.fullmatch(text):
        try:
            return format_date_cn(date.fromisoformat(text))
        except ValueError:
            return text
    if match := _MONTH.fullmatch(text):
        year, month = int(match.group(1)), int(match.group(2))
        return f"{year}年{month}月" if 1 <= month <= 12 else text
    if _DATETIME.fullmatch(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{format_date_cn(moment.date())} {moment:%H:%M}"
    if match := _PERIOD.fullmatch(text):  # a period, e.g. an income's: 2025-01-01~2025-12-31
        return f"{_date_text(match.group(1))}至{_date_text(match.group(2))}"
    return text


def describe_changes(old: dict, new: dict, action: str = "") -> list[tuple[str, str, str]]:
    """(field label, old value, new value) for every field named in either side; the old
    value is "" for a field only the new side names (nothing was there before)."""
    names = list(dict.fromkeys([*old, *new]))
    return [
        (
            field_label(name, action),
            value_label(name, old.get(name), action) if name in old else "",
            value_label(name, new.get(name), action),
        )
        for name in names
    ]


def actor_label(actor: Any, fallback: str = "") -> str:
    """An operator as 姓名（角色）, never the account name; "系统" for work without one."""
    if actor is None:
        return fallback if fallback and _CHINESE.search(fallback) else "系统"
    name = getattr(actor, "full_name", "") or ""
    role = getattr(actor, "role_label", "") or ""
    if name and role and name != role:
        return f"{name}（{role}）"
    return name or role or "未登记姓名的用户"
