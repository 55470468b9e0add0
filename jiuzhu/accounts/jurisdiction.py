"""Which regions a user sees (ARCHITECTURE rule 5). Selectors of every app filter through this."""

from django.db.models import Q

LEVEL_FIELD = {"county": "county_id", "township": "township_id", "village": "village_id"}


def region_q(user, *, prefix: str = "") -> Q:
    """A filter on a model carrying county/township/village foreign keys (optionally via
    `prefix`, e.g. "household__"). A user with no region sees nothing."""
    if getattr(user, "is_system", False):
        return Q()  # a system actor (accounts.system) works for every county
    region = getattr(user, "region", None)
    if not getattr(user, "is_authenticated", False) or region is None:
        return Q(pk__in=[])
    return Q(**{prefix + LEVEL_FIELD[region.level]: region.pk})


def region_ids_q(user, *, field: str = "pk") -> Q:
    """Filter on Region itself: the user's region and everything below it."""
    if getattr(user, "is_system", False):
        return Q()
    region = getattr(user, "region", None)
    if region is None:
        return Q(pk__in=[])
    if region.level == "county":
        return Q(**{field: region.pk}) | Q(**{f"{field}__in": _below(region)})
    if region.level == "township":
        return Q(**{field: region.pk}) | Q(**{f"{field}__in": _children(region)})
    return Q(**{field: region.pk})


def _children(region):
    from jiuzhu.regions.models import Region

    return Region.objects.filter(parent=region).values("pk")


def _below(region):
    from jiuzhu.regions.models import Region

    return Region.objects.filter(Q(parent=region) | Q(parent__parent=region)).values("pk")


def covers(user, region) -> bool:
    """Whether `region` is the user's region or lies below it (a system actor covers all):
    region_ids_q, asked of one region."""
    from jiuzhu.regions.models import Region

    return region is not None and Region.objects.filter(region_ids_q(user), pk=region.pk).exists()
