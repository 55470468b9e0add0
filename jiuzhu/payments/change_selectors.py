"""Reads of changes (异动) and re-pricing adjustments, always through the user's jurisdiction
(ARCHITECTURE rule 5): a change outside it is a 404."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm

from .models import Adjustment, Enrolment, EnrolmentChange

READERS = (Perm.CHANGE_ENROLMENTS, Perm.APPROVE_CHANGES, Perm.VIEW_PAYROLL)


def can_read(user) -> bool:
    return any(user.can(p) for p in READERS)


def changes_for(user) -> QuerySet:
    if not can_read(user):
        return EnrolmentChange.objects.none()
    return (
        EnrolmentChange.objects.filter(region_q(user, prefix="enrolment__"))
        .select_related(
            "enrolment",
            "enrolment__household",
            "enrolment__programme",
            "enrolment__township",
            "enrolment__village",
            "created_by",
            "reviewed_by",
            "person",
        )
        .order_by("-id")
    )


def change_list(
    user, *, status="", kind="", month="", township_id=None, late: bool = False
) -> QuerySet:
    """The changes list's filters; `late`: submitted after the window, rolled to a later
    month (R17)."""
    qs = changes_for(user)
    if late:
        qs = qs.filter(submitted_late=True)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if month:
        qs = qs.filter(payroll_month=month)
    if township_id:
        qs = qs.filter(enrolment__township_id=township_id)
    return qs


def change_get(user, pk: int) -> EnrolmentChange:
    change = changes_for(user).filter(pk=pk).first()
    if change is None:
        raise Http404("没有找到该异动")
    return change


def enrolment_get(user, pk: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.filter(region_q(user), pk=pk)
        .select_related("household", "programme", "township", "village")
        .first()
    )
    if enrolment is None or not can_read(user):
        raise Http404("没有找到该保障对象")
    return enrolment


def adjustments_for(user) -> QuerySet:
    region = getattr(user, "region", None)
    if not user.can(Perm.APPROVE_CHANGES) or getattr(region, "level", "") != "county":
        return Adjustment.objects.none()
    return Adjustment.objects.filter(county=region).select_related(
        "programme", "created_by", "applied_by"
    )


def adjustment_get(user, pk: int) -> Adjustment:
    adjustment = adjustments_for(user).filter(pk=pk).first()
    if adjustment is None:
        raise Http404("没有找到该提标调整")
    return adjustment


def adjustment_rows(adjustment: Adjustment) -> list[dict]:
    """The review table: one row per difference, with its household and village."""
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(
            pk__in=[line["enrolment"] for line in adjustment.lines]
        ).select_related("household", "township", "village")
    }
    rows = []
    for line in adjustment.lines:
        e = enrolments.get(line["enrolment"])
        old, new = Decimal(line["old"]), Decimal(line["new"])
        rows.append(
            {
                "enrolment": e,
                "household": e.household if e else None,
                "township": e.township.name if e else "",
                "village": e.village.name if e else "",
                "old": old,
                "new": new,
                "difference": new - old,
            }
        )
    return rows
