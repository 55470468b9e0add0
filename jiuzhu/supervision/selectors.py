"""Reading the audit trail within the reader's jurisdiction (the inspector's pages)."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from jiuzhu.core.models import AuditAnchor, AuditCheck, AuditEntry
from jiuzhu.registry.selectors import household_get  # the registry owns households


def entries_for(
    *, user, actor_id: int | None = None, household_id: int | None = None, action: str = ""
) -> tuple[QuerySet[AuditEntry], str]:
    entries = AuditEntry.objects.select_related("actor").order_by("-seq")
    subject = "全部操作"
    if household_id is not None:
        household = household_get(user=user, pk=household_id)  # 404 outside jurisdiction
        entries, subject = entries.filter(household_id=household.pk), f"家庭：{household}"
    elif actor_id is not None:
        actor = get_user_model().objects.filter(pk=actor_id).first()
        if actor is None:
            raise Http404
        entries, subject = (
            entries.filter(actor=actor),
            f"用户：{actor.username}（{actor.display_name}）",
        )
    if action:
        entries = entries.filter(action__startswith=action)
    return entries, subject


def audit_checks(*, limit: int = 50) -> QuerySet[AuditCheck]:
    """The latest verifications of the audit chain (the chain is one for the whole database:
    whoever may read the audit trail sees them all)."""
    return AuditCheck.objects.order_by("-at", "-id")[:limit]


def audit_last_passed() -> AuditCheck | None:
    return AuditCheck.objects.filter(passed=True).order_by("-at", "-id").first()


def audit_anchors(*, limit: int = 50) -> QuerySet[AuditAnchor]:
    return AuditAnchor.objects.order_by("-at", "-id")[:limit]


def audit_anchor_get(*, pk: int) -> AuditAnchor:
    anchor = AuditAnchor.objects.filter(pk=pk).first()
    if anchor is None:
        raise Http404
    return anchor
