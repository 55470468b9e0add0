"""Reads of payrolls: a county's payrolls for whoever may view them (VIEW_PAYROLL), their totals by
township and by line kind, their lines, and the latest generation job of the county."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from jiuzhu.core.models import JobRun

from . import payroll_checks
from .models import Payroll, PayrollLine


def payroll_scope(actor) -> Q:
    """The payrolls an actor may see: their county's (a system actor: every county's)."""
    if getattr(actor, "is_system", False):
        return Q()
    region = getattr(actor, "region", None)
    if region is None or region.level != "county":
        return Q(pk__in=[])
    return Q(county_id=region.pk)


def payrolls_for(user) -> QuerySet:
    return (
        Payroll.objects.filter(payroll_scope(user))
        .select_related("programme", "generated_by", "approved_by", "released_by")
        .order_by("-month", "programme_id", "kind", "batch")
    )


def payroll_get(*, user, pk: int) -> Payroll:
    payroll = payrolls_for(user).select_related("county").filter(pk=pk).first()
    if payroll is None:
        raise Http404("没有找到该发放名册")
    return payroll


def totals_by_township(payroll: Payroll) -> list[tuple[str, dict]]:
    """(township name, lines / households / persons / amount) from the stored lines."""
    stored = payroll_checks.stored_totals(payroll)
    names = dict(
        PayrollLine.objects.filter(payroll=payroll)
        .values_list("township_id", "township__name")
        .distinct()
        .order_by()
    )
    return sorted(((names.get(t, str(t)), v) for t, v in stored.items()), key=lambda x: x[0])


def totals_by_kind(payroll: Payroll) -> list[tuple[str, int, Decimal]]:
    labels = dict(PayrollLine.Kind.choices)
    rows = (
        PayrollLine.objects.filter(payroll=payroll)
        .values("kind")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by("kind")
    )
    return [(labels.get(r["kind"], r["kind"]), r["n"], r["amount"]) for r in rows]


def lines_of(payroll: Payroll) -> QuerySet:
    return (
        PayrollLine.objects.filter(payroll=payroll)
        .select_related("township", "village")
        .order_by("seq")
    )


def generation_jobs(*, county_id: int) -> QuerySet:
    from .payroll import PAYROLL_JOB

    return JobRun.objects.filter(kind=PAYROLL_JOB, kwargs__county_id=county_id).order_by("-id")


def line_trace(*, user, pk: int) -> dict:
    """Everything behind one payroll line, for the inspector: the line as frozen and whether its
    signature still holds, the payroll's three signatories, the enrolment and the decision that
    created it (who registered and who decided), every change of the enrolment with who
    submitted and who approved it, the bank's outcome and who imported it, the re-issue either
    way, and any recovery that holds the line."""
    from .signing import SIGNED_FIELDS, Signer

    line = (
        PayrollLine.objects.filter(payroll__in=payrolls_for(user), pk=pk)
        .select_related(
            "payroll__programme",
            "payroll__generated_by",
            "payroll__approved_by",
            "payroll__released_by",
            "township",
            "village",
            "household",
            "enrolment__programme",
            "enrolment__person",
            "enrolment__created_by",
            "enrolment__application__created_by",
            "enrolment__application__decided_by",
            "change",
            "result_import__imported_by",
            "reissue_of__payroll",
        )
        .first()
    )
    if line is None:
        raise Http404("没有找到该发放明细")
    values = [getattr(line, name) for name in SIGNED_FIELDS]
    reissued = PayrollLine.objects.filter(reissue_of=line).select_related("payroll").first()
    return {
        "line": line,
        "signature_ok": Signer(line.payroll.number).line_hash(values) == line.line_hash,
        "enrolment": line.enrolment,
        "application": line.enrolment.application,
        "changes": line.enrolment.changes.select_related("created_by", "reviewed_by").order_by(
            "id"
        ),
        "reissued_as": reissued,
        "recoveries": line.recoveries.select_related("created_by").order_by("id"),
    }
