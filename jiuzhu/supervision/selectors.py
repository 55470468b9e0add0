"""Reading the audit trail within the reader's jurisdiction (the inspector's pages)."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from jiuzhu.core.models import AuditEntry
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
