from django.db.models import QuerySet

from .models import Region


def children_of(region: Region | None) -> QuerySet[Region]:
    """The next level down (a county's townships, a township's villages), in code order."""
    if region is None:
        return Region.objects.none()
    return Region.objects.filter(parent=region).order_by("code")


def county_of(region: Region) -> Region:
    while region.parent_id is not None:
        region = region.parent
    return region


VILLAGE_EXPORT_COLUMNS = {
    "village_id": ("id", "BIGINT"),
    "village_code": ("code", "VARCHAR"),
    "village_name": ("name", "VARCHAR"),
    "township_id": ("parent_id", "BIGINT"),
}


def villages_for_export(*, county: Region) -> QuerySet:
    """The county's villages (cross-check re-screening lists, R8)."""
    return (
        Region.objects.filter(level=Region.Level.VILLAGE, parent__parent=county)
        .values_list(*[field for field, _ in VILLAGE_EXPORT_COLUMNS.values()])
        .order_by()
    )
