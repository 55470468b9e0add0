"""Writing and verifying the audit trail. The only code that creates AuditEntry rows."""

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import hashchain
from .models import AuditEntry, AuditHead
from .requestctx import current_ip


@dataclass
class AuditEvent:
    action: str
    actor: Any = None  # a User or None for the system
    obj: Any = None
    household_id: int | None = None
    old: Mapping[str, Any] = field(default_factory=dict)
    new: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


def json_safe(values: Mapping[str, Any]) -> dict:
    """JSON-safe copy (Decimal and dates as strings) so the stored value hashes the same."""
    return json.loads(hashchain.canonical(values or {}))


def _content(entry: AuditEntry) -> dict:
    return {
        "at": entry.at.astimezone(UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "household_id": entry.household_id,
        "old": entry.old,
        "new": entry.new,
        "reason": entry.reason,
        "ip": entry.ip,
    }


def _entry(event: AuditEvent, at: datetime, ip: str) -> AuditEntry:
    obj = event.obj
    actor = event.actor
    return AuditEntry(
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "系统",
        action=event.action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        household_id=event.household_id,
        old=json_safe(event.old),
        new=json_safe(event.new),
        reason=(event.reason or "")[:500],
        ip=ip,
    )


def record_many(events: Iterable[AuditEvent]) -> int:
    """Append events in order, chained, in the caller's transaction. Returns how many."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        at, ip = timezone.now(), current_ip.get()
        seq, prev = head.last_seq, head.last_hash
        rows = []
        for event in events:
            entry = _entry(event, at, ip)
            seq += 1
            entry.seq, entry.prev_hash = seq, prev
            entry.hash = hashchain.entry_hash(seq=seq, prev_hash=prev, content=_content(entry))
            prev = entry.hash
            rows.append(entry)
        AuditEntry.objects.bulk_create(rows, batch_size=2000)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
        return len(rows)


def record(
    *,
    action: str,
    actor=None,
    obj=None,
    household_id: int | None = None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    reason: str = "",
) -> None:
    record_many(
        [
            AuditEvent(
                action=action,
                actor=actor,
                obj=obj,
                household_id=household_id,
                old=old or {},
                new=new or {},
                reason=reason,
            )
        ]
    )


def _chain_rows() -> Iterator[hashchain.ChainRow]:
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=5000):
        yield hashchain.ChainRow(entry.seq, entry.prev_hash, entry.hash, _content(entry))


def verify() -> tuple[int, hashchain.ChainProblem | None]:
    """Check the whole chain. Returns (rows checked, first problem or None)."""
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, hashchain.GENESIS)
    count = AuditEntry.objects.count()
    return count, hashchain.verify_chain(_chain_rows(), head_seq=head_seq, head_hash=head_hash)
