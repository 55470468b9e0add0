"""R18: the county withholds a household from the public portal (jiuzhu.disclosure).

A household with a member whose information is protected (people with HIV/AIDS, others the county
decides) is left out of every public list and counted instead ("另有N户依规不予公开"). The
registry records no protected diagnosis in a form the portal could read (the diagnosis text is
encrypted free text), so this mark, set by the county, is the mechanism; unsupported children
(事实无人抚养儿童) and minors are withheld by the portal itself, without a mark."""

from django.db import transaction

from jiuzhu.accounts import guards
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import PermissionDenied, ValidationFailed

from . import selectors
from .models import Household


@transaction.atomic
def household_publication_set(
    *, actor, household_id: int, withheld: bool, withheld_reason: str, reason: str
) -> Household:
    """Mark (or unmark) a household as withheld from the public portal: county administrators
    of the household's county only. Withholding needs its reason (kept, never published)."""
    guards.require(actor, Perm.MANAGE_SETTINGS, message="只有县级管理员可以设置不予公开")
    if getattr(getattr(actor, "region", None), "level", "county") != "county":
        raise PermissionDenied("只有县级管理员可以设置不予公开")
    h = selectors.household_for_update(user=actor, pk=household_id)
    withheld_reason = withheld_reason.strip() if withheld else ""
    if withheld and not withheld_reason:
        raise ValidationFailed("请填写不予公开的原因")
    old = {
        "publication_withheld": h.publication_withheld,
        "publication_withheld_reason": h.publication_withheld_reason,
    }
    new = {"publication_withheld": withheld, "publication_withheld_reason": withheld_reason}
    if old == new:
        raise ValidationFailed("没有任何修改")
    h.publication_withheld, h.publication_withheld_reason = withheld, withheld_reason
    h.save(update_fields=["publication_withheld", "publication_withheld_reason", "updated_at"])
    audit.record(
        action="household.publication_withheld",
        actor=actor,
        obj=h,
        household_id=h.pk,
        old=old,
        new=new,
        reason=reason,
    )
    return h
