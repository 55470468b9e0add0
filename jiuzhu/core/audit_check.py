"""Verifying the whole audit trail: the chain of keyed hashes, the head's MAC, and every anchor
file against the rows; then recording the outcome (AuditCheck, and an ``audit.verify`` entry in
the trail itself) and anchoring once a day (audit_anchor.ANCHOR_EVERY).

Read-only until the outcome is recorded; rows appended while it runs are left for the next
check (jiuzhu.core.audit.verify). The permission to run it from the web is the supervision
app's service; the command line is the operator's.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from . import audit, audit_anchor, hashchain
from .errors import Conflict, PermissionDenied
from .models import AuditAnchor, AuditCheck

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head_seq: int
    anchors: int  # anchor files checked
    problem: hashchain.ChainProblem | None

    @property
    def passed(self) -> bool:
        return self.problem is None


def _listed_but_gone(
    listed: list[int], files: list[audit_anchor.AnchorFile]
) -> hashchain.ChainProblem | None:
    """An anchor listed in the database (of those in `listed`, read before the files) whose
    file is no longer in the directory, or says something else: someone removed or replaced
    the evidence (or moved the directory without its files)."""
    by_name = {f.name: f.head for f in files}
    for record in AuditAnchor.objects.filter(pk__in=listed).order_by("seq", "id"):
        if record.file_name not in by_name:
            return hashchain.ChainProblem(
                record.seq,
                f"存证#{record.pk}的文件{record.file_name}已不在存证目录中（被删除或移走）",
                anchor=record.file_name,
            )
        head = by_name[record.file_name]
        if head is not None and (head.seq, head.hash) != (record.seq, record.hash):
            return hashchain.ChainProblem(
                record.seq,
                f"存证#{record.pk}的文件{record.file_name}与登记的内容不符",
                anchor=record.file_name,
            )
    return None


def check_chain() -> ChainReport:
    """The whole check. The anchors are read before the head, so that none is newer than the
    head it is compared with (heads only grow)."""
    listed_first = list(AuditAnchor.objects.values_list("pk", flat=True))
    files = audit_anchor.anchor_files()
    head = audit.read_head()
    rows, problem = audit.verify(
        head=head, anchors=[f.point() for f in files if f.head is not None]
    )
    if problem is None:
        unreadable = next((f for f in files if f.head is None), None)
        if unreadable is not None:
            problem = hashchain.ChainProblem(
                0, f"{unreadable.label}不可信：{unreadable.error}", anchor=unreadable.name
            )
    if problem is None and listed_first:
        problem = _listed_but_gone(listed_first, files)
    return ChainReport(rows=rows, head_seq=head.seq, anchors=len(files), problem=problem)


def check_and_record(*, actor, via: str) -> AuditCheck:
    """Run check_chain, store its outcome, write it into the trail, and anchor if one is due
    and the chain passed. The actor (a user or the operator's system actor) is never None."""
    if actor is None:
        raise PermissionDenied("校验须记录操作人")
    started = time.monotonic()
    report = check_chain()
    problem = report.problem
    who = getattr(actor, "username", "") or "系统"
    check = AuditCheck.objects.create(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=who,
        via=via,
        rows_checked=report.rows,
        passed=report.passed,
        broken_seq=(problem.seq or None) if problem else None,
        reason=problem.reason[:500] if problem else "",
        anchors_checked=report.anchors,
        seconds=Decimal(time.monotonic() - started).quantize(Decimal("0.01")),
    )
    try:
        audit.record(
            action="audit.verify",
            actor=actor,
            obj=check,
            new={
                "passed": report.passed,
                "rows": report.rows,
                "broken_seq": check.broken_seq,
                "anchors": report.anchors,
            },
            reason=check.reason,
        )
    except Conflict as exc:  # the head was changed by hand: the check above has said so
        logger.error("audit.verify not recorded in the trail: %s", exc.message)
    if report.passed:
        label = AuditCheck.Via(via).label
        audit_anchor.anchor_after_commit(
            made_by=f"审计链校验（{label}，{who}）", actor=actor, only_if_due=True
        )
    return check
