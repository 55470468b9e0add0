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
