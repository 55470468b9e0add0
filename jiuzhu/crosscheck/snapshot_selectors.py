"""Reading registry snapshots: the latest of each kind for a county, and what a user may see."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jiuzhu.accounts.roles import Perm
from jiuzhu.regions.selectors import county_of as regions_county_of

from . import engine
from .models import RegistrySnapshot
from .registries import registry


def county_of(region):
    """The county above (or at) a region; None for no region."""
    return regions_county_of(region) if region is not None else None


def latest_snapshots(county, on: date | None = None) -> dict[str, RegistrySnapshot]:
    """kind -> the latest active snapshot of the county (by as_of, then id), optionally the
    latest whose data date is on or before `on`.

    The newest one wins whatever its size: a much smaller file becomes active only when the
    officer confirmed it replaces this one (snapshot_services.snapshot_commit, snapshot_size)."""
    qs = RegistrySnapshot.objects.filter(county=county, status=RegistrySnapshot.Status.ACTIVE)
    if on is not None:
        qs = qs.filter(as_of__lte=on)
    latest: dict[str, RegistrySnapshot] = {}
    for snap in qs.order_by("kind", "-as_of", "-id"):
        latest.setdefault(snap.kind, snap)
    return latest


def snapshot_replaced_by(snapshot: RegistrySnapshot) -> RegistrySnapshot | None:
    """The active snapshot a new one of the same kind takes the place of once imported: the
    latest whose data date is on or before the new one's (what a run of that month reads)."""
    found = latest_snapshots(snapshot.county, on=snapshot.as_of).get(snapshot.kind)
    return found if found is not None and found.pk != snapshot.pk else None


def snapshots_described(snapshots: dict[str, RegistrySnapshot]) -> dict[str, dict]:
    """kind -> what a run read (for its summary): registry, data date, rows, file name."""
    return {
        kind: {
            "id": snap.pk,
            "label": registry(kind).label,
            "as_of": snap.as_of.isoformat(),
            "rows": snap.rows_stored,
            "file": snap.file_name,
            "source": snap.source,
        }
        for kind, snap in sorted(snapshots.items())
    }


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
