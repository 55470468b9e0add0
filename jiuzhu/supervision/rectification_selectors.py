"""Reading the rectification ledger (整改台账) within the reader's jurisdiction (ARCHITECTURE
rule 5): an entry of another township or county is a 404 whose message names nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.regions.models import Region

from .clue_selectors import townships_for
from .models import RectificationItem

NOT_FOUND = "没有找到该整改事项"
Status = RectificationItem.Status


def can_read_items(user) -> bool:
    """County and township staff who handle findings or complaints, and the system actor."""
    if user is None:
        return False
    if user.is_system:
        return True
    region = getattr(user, "region", None)
    if region is None or region.level not in (Region.Level.COUNTY, Region.Level.TOWNSHIP):
        return False
    return user.can(Perm.RECORD_COMPLAINTS) or user.can(Perm.HANDLE_FINDINGS)


def items_for(user) -> QuerySet[RectificationItem]:
    if not can_read_items(user):
        return RectificationItem.objects.none()
    return RectificationItem.objects.filter(region_q(user))


def item_get(*, user, pk: int) -> RectificationItem:
    item = (
        items_for(user)
        .select_related(
            "township",
            "responsible_unit",
            "responsible",
            "fix_submitted_by",
            "verified_by",
            "clue",
            "finding",
            "spot_check__application",
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404(NOT_FOUND)
    return item


def item_for_update(*, user, pk: int) -> RectificationItem:
    item = items_for(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if item is None:
        raise Http404(NOT_FOUND)
    return item


@dataclass(frozen=True)
class ItemFilter:
    status: str = ""
    source: str = ""
    township_id: int | None = None
    overdue: bool = False


def items_filtered(*, user, filters: ItemFilter) -> QuerySet[RectificationItem]:
    qs = items_for(user).select_related("township", "responsible_unit", "responsible")
    if filters.status == "open":
        qs = qs.exclude(status=Status.CLOSED)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.township_id:
        qs = qs.filter(township_id=filters.township_id)
    if filters.overdue:
        qs = qs.filter(is_overdue=True).exclude(status=Status.CLOSED)
    return qs.order_by("-opened_on", "-pk")


def township_summary(user) -> list[dict]:
    """Per township of the reader's regions: open, overdue (open) and closed entries."""
    counts = {
        row["township_id"]: row
        for row in items_for(user)
        .values("township_id")
        .annotate(
            open=Count("pk", filter=~Q(status=Status.CLOSED)),
            overdue=Count("pk", filter=Q(is_overdue=True) & ~Q(status=Status.CLOSED)),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
        )
    }
    rows = []
    for township in townships_for(user):
        c = counts.get(township.pk, {})
        rows.append(
            {
                "township": township,
                "open": c.get("open", 0),
                "overdue": c.get("overdue", 0),
                "closed": c.get("closed", 0),
            }
        )
    return rows
