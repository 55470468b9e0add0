"""Supervision's writes. Each service checks the actor's permission itself (ARCHITECTURE rule 9)."""

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit_check
from jiuzhu.core.models import AuditCheck


def audit_chain_check(*, actor) -> AuditCheck:
    """Verify the whole audit chain, its head and every anchor now, and record the outcome
    (the inspector's button; the same check as ``jiuzhu audit verify``)."""
    require(actor, Perm.VIEW_AUDIT, message="只有纪检监察人员、审计人员和县级管理员可以校验审计链")
    return audit_check.check_and_record(actor=actor, via=AuditCheck.Via.WEB)
