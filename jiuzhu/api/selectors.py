"""Reads of the API: the keys an administrator manages, the key a request presents, and the
regions a key may read (ARCHITECTURE rule 5: outside them a region does not exist)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiuzhu.regions.models import Region

from . import keys
from .models import ApiKey


def keys_for(user) -> QuerySet[ApiKey]:
    """The keys of the administrator's county (none for anyone else)."""
    region = getattr(user, "region", None)
    if region is None or region.level != Region.Level.COUNTY:
        return ApiKey.objects.none()
    return (
        ApiKey.objects.filter(county=region)
        .select_related("county", "created_by", "revoked_by")
        .prefetch_related("regions")
    )


def key_presented(plaintext: str) -> ApiKey | None:
    """The key whose whole value is `plaintext`, compared in constant time; None if none."""
    prefix = keys.prefix_of(plaintext)
    if prefix is None:
        return None
    key = ApiKey.objects.select_related("actor", "actor__region", "county").filter(prefix=prefix)
    found = key.first()
    if found is None:
        keys.matches(plaintext, "0" * 64)  # the same work whether or not the prefix exists
        return None
    return found if keys.matches(plaintext, found.digest) else None


def readable_regions_q(key: ApiKey) -> Q:
    """Regions the key may read: each of its regions and everything below it."""
    ids = list(key.regions.values_list("pk", flat=True))
    return Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids)


def readable_region(key: ApiKey, code: str) -> Region | None:
    """The region `code` if the key may read it, else None (unknown and out of scope alike)."""
    if not (isinstance(code, str) and len(code) == 12 and code.isascii() and code.isdigit()):
        return None
    return (
        Region.objects.filter(readable_regions_q(key), code=code).select_related("parent").first()
    )


def covers_county(key: ApiKey) -> bool:
    """Whether the key reads the whole county (needed to push a county's registry data)."""
    return key.regions.filter(pk=key.county_id).exists()
