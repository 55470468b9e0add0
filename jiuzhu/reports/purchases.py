"""政府购买社会救助服务登记 (seed 000): the county administrator records each contract with a
social organisation (provider, service content, amount, period, township, persons served), the
source of the quarterly statistics table. Recording is audited; contracts are not edited here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import covers
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.regions.models import Region

from .models import ServicePurchase
from .scope import NOT_FOUND, county_of


def _checked(*, amount: Decimal, start_on: date, end_on: date, persons_served: int, **texts):
    for label, value in texts.items():
        if not str(value).strip():
            raise ValidationFailed(f"请填写{label}")
    if amount <= 0:
        raise ValidationFailed("合同金额应大于0")
    if end_on < start_on:
        raise ValidationFailed("服务期止不能早于服务期起")
    if persons_served < 0:
        raise ValidationFailed("服务对象人数不能为负数")


@transaction.atomic
def purchase_record(
    *,
    actor,
    township_id: int,
    contract_number: str,
    provider: str,
    content_kind: str,
    content: str,
    amount: Decimal,
    start_on: date,
    end_on: date,
    persons_served: int,
) -> ServicePurchase:
    require(actor, Perm.MANAGE_SETTINGS, message="只有县级管理员可以登记政府购买服务")
    township = Region.objects.filter(pk=township_id, level=Region.Level.TOWNSHIP).first()
    if township is None or not covers(actor, township):
        raise ValidationFailed(NOT_FOUND)
    if content_kind not in ServicePurchase.Content.values:
        raise ValidationFailed("请选择服务类别")
    _checked(
        amount=amount,
        start_on=start_on,
        end_on=end_on,
        persons_served=persons_served,
        合同编号=contract_number,
        承接社会组织=provider,
        服务内容=content,
    )
    county = county_of(township)
    if ServicePurchase.objects.filter(county=county, contract_number=contract_number).exists():
        raise ValidationFailed(f"合同编号{contract_number}已登记")
    purchase = ServicePurchase.objects.create(
        county=county,
        township=township,
        contract_number=contract_number.strip(),
        provider=provider.strip(),
        content_kind=content_kind,
        content=content.strip(),
        amount=amount,
        start_on=start_on,
        end_on=end_on,
        persons_served=persons_served,
        recorded_by=actor,
    )
    audit.record(
        action="reports.purchase_record",
        actor=actor,
        obj=purchase,
        new={
            "township": township.name,
            "provider": purchase.provider,
            "amount": str(amount),
            "period": f"{start_on}至{end_on}",
            "persons_served": persons_served,
        },
    )
    return purchase


def purchases_for(user):
    """The contracts of the user's county (county staff) or township."""
    region = getattr(user, "region", None)
    if region is None:
        return ServicePurchase.objects.none()
    qs = ServicePurchase.objects.filter(county=county_of(region)).select_related("township")
    if region.level != Region.Level.COUNTY:
        township = region if region.level == Region.Level.TOWNSHIP else region.parent
        qs = qs.filter(township=township)
    return qs
