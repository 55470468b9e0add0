"""Applications as the column set the cross-checks read (re-screening lists, R8)."""

from django.db.models import QuerySet

from .models import Application

APPLICATION_EXPORT_COLUMNS = {
    "application_id": ("id", "BIGINT"),
    "number": ("number", "VARCHAR"),
    "household_id": ("household_id", "BIGINT"),
    "programme_code": ("programme__code", "VARCHAR"),
    "status": ("status", "VARCHAR"),
    "decided_on": ("decided_on", "DATE"),
    "township_id": ("township_id", "BIGINT"),
    "village_id": ("village_id", "BIGINT"),
}


def applications_for_export(*, county_id: int, refused_since) -> QuerySet:
    """The county's applications refused since a date: the only ones a check reads (R8)."""
    return (
        Application.objects.filter(
            county_id=county_id, status="refused", decided_on__gte=refused_since
        )
        .values_list(*[field for field, _ in APPLICATION_EXPORT_COLUMNS.values()])
        .order_by()
    )
