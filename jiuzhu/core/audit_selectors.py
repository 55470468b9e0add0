"""Reading one object's audit history (the caller has already checked it may see the object).
The inspector's pages over the whole trail live in jiuzhu.supervision."""

from django.db.models import QuerySet

from .models import AuditEntry


def entries_for_object(obj) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.select_related("actor")
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("seq")
    )
