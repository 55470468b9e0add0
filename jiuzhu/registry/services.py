"""Writes to the registry: each checks permission and jurisdiction, locks, audits, in one
transaction (ARCHITECTURE rule 1)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from jiuzhu.accounts import guards
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, crypto
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.money import MoneyError, parse_money

from . import selectors
from .choices import (
    AssetKind,
    DisabilityType,
    HealthStatus,
    HukouType,
    IncomeCategory,
    LabourCapacity,
    Relation,
)
from .models import AssetFact, Household, IncomeFact, Person
from .sensitive import protect_bank_account, protect_phone


def require(actor, perm: Perm) -> None:
    guards.require(actor, perm, message="您没有进行此项操作的权限")


@transaction.atomic
def household_update(
    *,
    actor,
    household_id: int,
    address: str,
    phone: str,
    bank_name: str,
    bank_account: str,
    reason: str,
) -> Household:
    """Edit contact and bank details. Blank phone or account leaves the stored one unchanged."""
    require(actor, Perm.EDIT_HOUSEHOLDS)
    h = selectors.household_for_update(user=actor, pk=household_id)
    old = {
        "address": h.address,
        "phone": h.phone_masked,
        "bank_name": h.bank_name,
        "bank_account": h.bank_account_masked,
    }
    h.address, h.bank_name = address.strip(), bank_name.strip()
    # Compare the numbers themselves, not their masks: a corrected middle digit keeps the mask.
    changed = set()
    if phone.strip():
        p = protect_phone(phone.strip())
        if crypto.decrypt(h.phone_cipher) != phone.strip():
            changed.add("phone")
        h.phone_cipher, h.phone_masked = p.cipher, p.masked
    if bank_account.strip():
        b = protect_bank_account(bank_account.strip())
        if b.hash != h.bank_account_hash:
            changed.add("bank_account")
        h.bank_account_cipher, h.bank_account_hash, h.bank_account_masked = (
            b.cipher,
            b.hash,
            b.masked,
        )
    new = {
        "address": h.address,
        "phone": h.phone_masked,
        "bank_name": h.bank_name,
        "bank_account": h.bank_account_masked,
    }
    changed |= {k for k in new if new[k] != old[k]}
    if not changed:
        raise ValidationFailed("没有任何修改")
    h.save()
    audit.record(
        action="household.update",
        actor=actor,
        obj=h,
        household_id=h.pk,
        old={k: old[k] for k in old if k in changed},
        new={k: new[k] for k in new if k in changed},
        reason=reason,
    )
    return h


PERSON_EDITABLE = {
    "relation": Relation,
    "hukou_type": HukouType,
    "labour_capacity": LabourCapacity,
    "disability_type": DisabilityType,
    "health_status": HealthStatus,
}


@dataclass(frozen=True)
class PersonChanges:
    relation: str
    hukou_type: str
    labour_capacity: str
    disability_type: str
    disability_grade: int | None
    health_status: str
    ethnicity: str


def person_changes_problems(c: PersonChanges) -> list[tuple[str, str]]:
    """What is wrong with a person's attributes, as (field, message) pairs."""
    problems = [
        (name, f"取值无效：{getattr(c, name)}")
        for name, choices in PERSON_EDITABLE.items()
        if getattr(c, name) not in choices.values
    ]
    if c.disability_type and c.disability_grade not in (1, 2, 3, 4):
        problems.append(("disability_grade", "有残疾类别时，残疾等级应为1至4级"))
    if not c.disability_type and c.disability_grade:
        problems.append(("disability_grade", "没有残疾类别时不能填写残疾等级"))
    return problems


def _refuse_first(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise ValidationFailed(problems[0][1])


def _check_person_changes(c: PersonChanges) -> None:
    _refuse_first(person_changes_problems(c))


@transaction.atomic
def person_update(*, actor, person_id: int, changes: PersonChanges, reason: str) -> Person:
    require(actor, Perm.EDIT_HOUSEHOLDS)
    _check_person_changes(changes)
    person = selectors.person_get(user=actor, pk=person_id)
    person = Person.objects.select_for_update().get(pk=person.pk)
    fields = list(PersonChanges.__dataclass_fields__)
    old = {f: getattr(person, f) for f in fields}
    new = {f: getattr(changes, f) for f in fields}
    if old == new:
        raise ValidationFailed("没有任何修改")
    if changes.relation == Relation.SELF and person.relation != Relation.SELF:
        if person.household.members.filter(relation=Relation.SELF).exclude(pk=person.pk).exists():
            raise ValidationFailed("该户已有户主，请先将原户主改为其他关系")
    for f in fields:
        setattr(person, f, new[f])
    person.save()
    if changes.relation == Relation.SELF:
        Household.objects.filter(pk=person.household_id).update(head_name=person.name)
    audit.record(
        action="person.update",
        actor=actor,
        obj=person,
        household_id=person.household_id,
        old=_changed(old, new),
        new=_changed(new, old),
        reason=reason,
    )
    return person


@transaction.atomic
def person_reveal_id(*, actor, person_id: int, reason: str) -> str:
    """Show a full ID number: allowed to some roles, and always written to the audit trail."""
    require(actor, Perm.VIEW_FULL_ID)
    if not reason.strip():
        raise ValidationFailed("查看完整身份证号码须填写事由")
    person = selectors.person_get(user=actor, pk=person_id)
    audit.record(
        action="person.reveal_id",
        actor=actor,
        obj=person,
        household_id=person.household_id,
        reason=reason,
    )
    return crypto.decrypt(person.id_cipher)


def _amount(raw) -> Decimal:
    try:
        return parse_money(raw)
    except MoneyError as exc:
        raise ValidationFailed(str(exc)) from exc


def _money_problem(field: str, raw) -> list[tuple[str, str]]:
    try:
        parse_money(raw)
    except MoneyError as exc:
        return [(field, str(exc))]
    return []


def income_problems(*, category: str, amount, period_start: date, period_end: date):
    """What is wrong with an income fact, as (field, message) pairs (income_add refuses it)."""
    problems = (
        [] if category in IncomeCategory.values else [("category", f"收入类别无效：{category}")]
    )
    if period_end < period_start:
        problems.append(("period_end", "收入期间的截止日期早于起始日期"))
    return problems + _money_problem("amount", amount)


def asset_problems(*, kind: str, quantity: int, value) -> list[tuple[str, str]]:
    """What is wrong with an asset fact, as (field, message) pairs (asset_add refuses it)."""
    problems = [] if kind in AssetKind.values else [("kind", f"财产类别无效：{kind}")]
    if quantity < 1:
        problems.append(("quantity", "数量应至少为1"))
    return problems + (_money_problem("value", value) if value not in (None, "") else [])


@transaction.atomic
def income_add(
    *,
    actor,
    household_id: int,
    person_id: int | None,
    category: str,
    amount,
    period_start: date,
    period_end: date,
    source: str,
    note: str = "",
) -> IncomeFact:
    require(actor, Perm.EDIT_HOUSEHOLDS)
    household = selectors.household_for_update(user=actor, pk=household_id)
    _refuse_first(
        income_problems(
            category=category, amount=amount, period_start=period_start, period_end=period_end
        )
    )
    person = household.members.filter(pk=person_id).first() if person_id else None
    fact = IncomeFact.objects.create(
        household=household,
        person=person,
        category=category,
        amount=_amount(amount),
        period_start=period_start,
        period_end=period_end,
        source=source,
        note=note,
    )
    audit.record(
        action="income.add",
        actor=actor,
        obj=fact,
        household_id=household.pk,
        new={
            "category": category,
            "amount": fact.amount,
            "person": person and person.name,
            "period": f"{period_start}~{period_end}",
        },
    )
    return fact


@transaction.atomic
def asset_add(
    *,
    actor,
    household_id: int,
    person_id: int | None,
    kind: str,
    description: str,
    identifier: str,
    quantity: int,
    value,
    is_disability_vehicle: bool,
    recorded_on: date,
    source: str,
) -> AssetFact:
    require(actor, Perm.EDIT_HOUSEHOLDS)
    household = selectors.household_for_update(user=actor, pk=household_id)
    _refuse_first(asset_problems(kind=kind, quantity=quantity, value=value))
    person = household.members.filter(pk=person_id).first() if person_id else None
    fact = AssetFact.objects.create(
        household=household,
        person=person,
        kind=kind,
        description=description,
        identifier=identifier,
        quantity=quantity,
        value=_amount(value) if value not in (None, "") else None,
        is_disability_vehicle=is_disability_vehicle and kind == AssetKind.VEHICLE,
        recorded_on=recorded_on,
        source=source,
    )
    audit.record(
        action="asset.add",
        actor=actor,
        obj=fact,
        household_id=household.pk,
        new={"kind": kind, "description": description, "quantity": quantity, "value": fact.value},
    )
    return fact


@transaction.atomic
def person_name_correct(*, actor, person_id: int, new_name: str, reason: str) -> Person:
    """姓名更正 (R17): applied when the township submits it; the pinyin keys and, for the head,
    the household's head name follow."""
    guards.require(
        actor, Perm.CHANGE_ENROLMENTS, Perm.EDIT_HOUSEHOLDS, message="您没有更正姓名的权限"
    )
    from .namekeys import name_initials, name_pinyin

    new_name = new_name.strip()
    person = selectors.person_get(user=actor, pk=person_id)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not new_name or len(new_name) > 40:
        raise ValidationFailed("请填写更正后的姓名（不超过40个字）")
    if new_name == person.name:
        raise ValidationFailed("更正后的姓名与原姓名相同")
    old = person.name
    person.name = new_name
    person.name_initials, person.name_pinyin = name_initials(new_name), name_pinyin(new_name)
    person.save(update_fields=["name", "name_initials", "name_pinyin"])
    if person.relation == Relation.SELF:
        Household.objects.filter(pk=person.household_id).update(head_name=new_name)
    audit.record(
        action="person.name_correct",
        actor=actor,
        obj=person,
        household_id=person.household_id,
        old={"name": old},
        new={"name": new_name},
        reason=reason,
    )
    return person


@transaction.atomic
def household_bank_account_set(
    *, actor, household_id: int, bank_name: str, bank_account: str, reason: str
) -> Household:
    """The household's bank account after an approved bank-account change (R17): by the county
    officer who approves the change."""
    guards.require(actor, Perm.APPROVE_CHANGES, message="您没有审批银行账户变更的权限")
    h = selectors.household_for_update(user=actor, pk=household_id)
    b = protect_bank_account(bank_account.strip())
    old = {"bank_name": h.bank_name, "bank_account": h.bank_account_masked}
    h.bank_name = bank_name.strip()
    h.bank_account_cipher, h.bank_account_hash, h.bank_account_masked = b.cipher, b.hash, b.masked
    h.save(
        update_fields=[
            "bank_name",
            "bank_account_cipher",
            "bank_account_hash",
            "bank_account_masked",
            "updated_at",
        ]
    )
    audit.record(
        action="household.bank_change",
        actor=actor,
        obj=h,
        household_id=h.pk,
        old=old,
        new={"bank_name": h.bank_name, "bank_account": h.bank_account_masked},
        reason=reason,
    )
    return h


def _changed(a: dict, b: dict) -> dict:
    return {k: v for k, v in a.items() if b.get(k) != v}
