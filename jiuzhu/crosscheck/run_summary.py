"""What the run page shows beside the findings, read from a run's summary: the snapshot used for
each registry, the rows each check could not use (or used on an assumption) and why, and the
notes to check by hand — the last only for households within the reader's jurisdiction (a
township officer sees the county's runs, not other townships' households)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from jiuzhu.core.month import format_date_cn
from jiuzhu.registry.selectors import households_for

from .checks import LABELS, assets
from .models import CheckRun, RegistrySnapshot
from .registries import REGISTRIES, Kind
from .snapshot_selectors import snapshots_described

__all__ = ["mobility_notes", "snapshots_used", "unused_by_check"]


def _kind_label(kind: str) -> str:
    try:
        return REGISTRIES[Kind(kind)].label
    except ValueError:
        return kind


def snapshots_used(run: CheckRun) -> list[dict]:
    """One line per registry the run read: label, data date, rows, file name. Runs made before
    the summary named them are described from the snapshots they recorded."""
    used = (run.summary or {}).get("snapshots_used")
    if used is None:
        found = RegistrySnapshot.objects.filter(pk__in=(run.snapshots or {}).values())
        used = snapshots_described({s.kind: s for s in found})
    return [
        {**item, "kind": kind, "as_of_text": format_date_cn(date.fromisoformat(item["as_of"]))}
        for kind, item in sorted(used.items(), key=lambda kv: list(REGISTRIES).index(Kind(kv[0])))
    ]


def unused_by_check(summary: dict) -> list[tuple[str, list[dict]]]:
    """(check label, its lines) in the checks' order; each line names the registry, the
    reason, the number of rows and whether they were still checked."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for item in summary.get("unused_rows") or []:
        grouped[item["check"]].append({**item, "kind_label": _kind_label(item["kind"])})
    order = list(LABELS)
    return [
        (LABELS.get(code, code), grouped[code])
        for code in sorted(grouped, key=lambda c: order.index(c) if c in order else len(order))
    ]


def mobility_notes(*, user, run: CheckRun) -> list[dict]:
    """Disabled people's mobility vehicles whose owner has no disability in our registry, for
    the households the user may see, with each household's number."""
    notes = (run.summary or {}).get("notes", {}).get(assets.NOTE_MOBILITY) or []
    ids = {n["household_id"] for n in notes}
    numbers = dict(households_for(user).filter(pk__in=ids).values_list("pk", "number"))
    return [
        {**n, "household_number": numbers[n["household_id"]]}
        for n in notes
        if n["household_id"] in numbers
    ]
