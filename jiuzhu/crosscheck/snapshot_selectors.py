"""Reading registry snapshots: the latest of each kind for a county, and what a user may see."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jiuzhu.accounts.roles import Perm
from jiuzhu.regions.selectors import county_of as regions_county_of

from . import engine
from .models import RegistrySnapshot


def county_of(region):
    """The county above (or at) a region; None for no region."""
    return regions_county_of(region) if region is not None else None


def latest_snapshots(county, on: date | None = None) -> dict[str, RegistrySnapshot]:
    """kind -> the latest active snapshot of the county (by as_of, then id), optionally the
    latest whose data date is on or before `on`."""
    qs = RegistrySnapshot.objects.filter(county=county, status=RegistrySnapshot.Status.ACTIVE)
    if on is not None:
        qs = qs.filter(as_of__lte=on)
    latest: dict[str, RegistrySnapshot] = {}
    for snap in qs.order_by("kind", "-as_of", "-id"):
        latest.setdefault(snap.kind, snap)
    return latest


def snapshots_for(actor):
    """The snapshots of the user's county, for users who import them or read findings."""
    county = county_of(getattr(actor, "region", None))
    if county is None or not (actor.can(Perm.IMPORT_REGISTRIES) or actor.can(Perm.VIEW_FINDINGS)):
        return RegistrySnapshot.objects.none()
    return (
        RegistrySnapshot.objects.filter(county=county)
        .select_related("uploaded_by", "job")
        .order_by("kind", "-as_of", "-id")
    )


def snapshot_file(snapshot: RegistrySnapshot) -> Path:
    """The Parquet file of an active snapshot (an absolute parquet_path is kept as it is)."""
    return engine.snapshot_dir() / snapshot.parquet_path
