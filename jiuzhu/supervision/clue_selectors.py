"""Reading clues (问题线索) within the reader's jurisdiction (ARCHITECTURE rule 5): a clue of
another township or county is a 404 whose message names nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from jiuzhu.accounts.jurisdiction import region_ids_q, region_q
from jiuzhu.accounts.roles import Perm, Role
from jiuzhu.regions.models import Region

from .models import Clue

NOT_FOUND = "没有找到该问题线索"
# Who reads a hand-over's evidence: the discipline inspector and the county administrator; the
# rest of the county and the townships see only its status.
EVIDENCE_ROLES = frozenset({Role.INSPECTOR, Role.COUNTY_ADMIN})


def can_read_clues(user) -> bool:
    return bool(user is not None and (user.can(Perm.RECORD_COMPLAINTS) or user.is_system))


def can_see_evidence(user) -> bool:
    return user is not None and (user.role in EVIDENCE_ROLES or user.is_system)


def clues_for(user) -> QuerySet[Clue]:
    if not can_read_clues(user):
        return Clue.objects.none()
    return Clue.objects.filter(region_q(user))


def clue_get(*, user, pk: int) -> Clue:
    clue = (
        clues_for(user)
        .select_related("township", "village", "assigned_unit", "assignee", "household", "person")
        .filter(pk=pk)
        .first()
    )
    if clue is None:
        raise Http404(NOT_FOUND)
    return clue


def clue_for_update(*, user, pk: int) -> Clue:
    clue = clues_for(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if clue is None:
        raise Http404(NOT_FOUND)
    return clue


@dataclass(frozen=True)
class ClueFilter:
    status: str = ""
    category: str = ""
    channel: str = ""
    township_id: int | None = None
    overdue: bool = False
    handover: bool = False


def clues_filtered(*, user, filters: ClueFilter) -> QuerySet[Clue]:
    qs = clues_for(user).select_related("township", "village", "assignee")
    if filters.status == "open":
        qs = qs.exclude(status=Clue.Status.CLOSED)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.township_id:
        qs = qs.filter(township_id=filters.township_id)
    if filters.overdue:
        qs = qs.filter(is_overdue=True).exclude(status=Clue.Status.CLOSED)
    if filters.handover:
        qs = qs.exclude(handover_status="")
    return qs.order_by("-received_on", "-pk")


def townships_for(user) -> QuerySet[Region]:
    return Region.objects.filter(region_ids_q(user), level=Region.Level.TOWNSHIP).order_by("code")


def open_counts(user) -> tuple[int, int]:
    """(open clues, overdue open clues) of the reader's regions: the home page's tiles."""
    qs = clues_for(user).exclude(status=Clue.Status.CLOSED)
    return qs.count(), qs.filter(is_overdue=True).count()


def public_villages() -> QuerySet[Region]:
    """The villages a member of the public may pick on the complaint form."""
    return (
        Region.objects.filter(level=Region.Level.VILLAGE)
        .select_related("parent", "parent__parent")
        .order_by("code")
    )


def clue_by_tracking_code(code: str) -> Clue | None:
    code = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(code) != 16:
        return None
    formatted = "-".join(code[i : i + 4] for i in range(0, 16, 4))
    return Clue.objects.filter(tracking_code=formatted).first()


def household_links(clue: Clue) -> dict:
    """The household's cases and findings, for the clue page (within the reader's jurisdiction
    already: the clue is)."""
    if clue.household_id is None:
        return {"cases": [], "findings": []}
    from jiuzhu.cases.models import Application
    from jiuzhu.crosscheck.models import Finding

    return {
        "cases": list(
            Application.objects.filter(household_id=clue.household_id)
            .select_related("programme")
            .order_by("-pk")[:20]
        ),
        "findings": list(
            Finding.objects.filter(household_id=clue.household_id).order_by("-pk")[:20]
        ),
    }
