"""Reads for finance's bank pages: the reconciliation report of a payroll — by township and by
line kind: lines, released, paid, returned and outstanding (counts and amounts) — with every
returned line and every import error. Each group is checked: paid + returned + outstanding =
released (reconcile.Totals.check), so a report that does not add up is never shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm

from . import change_selectors, reconcile
from .models import BankLayout, BankResultImport, Payroll, PayrollLine
from .payroll_services import payroll_scope

Outcome = PayrollLine.Outcome


def payroll_get(*, user, pk: int) -> Payroll:
    """A payroll the user may see (VIEW_PAYROLL, their county); 404 otherwise."""
    if not user.can(Perm.VIEW_PAYROLL):
        raise Http404("没有找到该发放名册")
    payroll = (
        Payroll.objects.select_related("county", "programme", "generated_by", "approved_by")
        .filter(payroll_scope(user), pk=pk)
        .first()
    )
    if payroll is None:
        raise Http404("没有找到该发放名册")
    return payroll


@dataclass(frozen=True)
class Group:
    label: str
    totals: reconcile.Totals


@dataclass(frozen=True)
class Report:
    payroll: Payroll
    total: reconcile.Totals
    by_township: tuple[Group, ...]
    by_kind: tuple[Group, ...]
    returned: QuerySet
    imports: tuple[BankResultImport, ...]
    errors: tuple[dict, ...]  # {"import": file name, "row", "ref", "message"}


def _sum(outcome: str | None = None):
    field = {None: "amount", Outcome.PAID: "paid_amount", Outcome.RETURNED: "returned_amount"}
    return Sum(
        field.get(outcome, "amount"), filter=Q(outcome=outcome) if outcome else None, default=0
    )


def _grouped(lines: QuerySet, key: str) -> list[tuple[object, reconcile.Totals]]:
    rows = (
        lines.order_by()
        .values(key)
        .annotate(
            n=Count("id"),
            released=_sum(),
            pc=Count("id", filter=Q(outcome=Outcome.PAID)),
            paid=_sum(Outcome.PAID),
            rc=Count("id", filter=Q(outcome=Outcome.RETURNED)),
            returned=_sum(Outcome.RETURNED),
            qc=Count("id", filter=Q(outcome=Outcome.PENDING)),
            pending=_sum(Outcome.PENDING),
        )
        .order_by(key)
    )
    out = []
    for r in rows:
        totals = reconcile.Totals(
            r["n"],
            r["released"],
            r["pc"],
            r["paid"],
            r["rc"],
            r["returned"],
            r["qc"],
            r["pending"],
        )
        out.append((r[key], totals.check()))
    return out


def _add(groups: list[reconcile.Totals]) -> reconcile.Totals:
    fields = reconcile.Totals.__dataclass_fields__
    return reconcile.Totals(
        **{
            f: sum((getattr(g, f) for g in groups), start=getattr(reconcile.Totals(), f))
            for f in fields
        }
    )


def reconciliation(payroll: Payroll) -> Report:
    lines = PayrollLine.objects.filter(payroll=payroll)
    townships = _grouped(lines, "township__name")
    kinds = _grouped(lines, "kind")
    total = _add([t for _, t in townships]).check()
    if total != _add([t for _, t in kinds]):
        raise AssertionError("对账不平：按乡镇与按类别的合计不一致")
    imports = tuple(BankResultImport.objects.filter(payroll=payroll).order_by("imported_at", "id"))
    errors = tuple({"import": i.file_name, **e} for i in imports for e in (i.skipped_rows or []))
    returned = (
        lines.filter(outcome=Outcome.RETURNED)
        .select_related("township", "village", "reissued_as__payroll")
        .order_by("seq")
    )
    return Report(
        payroll=payroll,
        total=total,
        by_township=tuple(Group(str(k), t) for k, t in townships),
        by_kind=tuple(Group(PayrollLine.Kind(k).label, t) for k, t in kinds),
        returned=returned,
        imports=imports,
        errors=errors,
    )


def layouts_of(*, county_id: int) -> QuerySet:
    return BankLayout.objects.filter(county_id=county_id).order_by("-is_default", "name")


def returned_open(user) -> QuerySet:
    """Lines the bank returned and nobody has re-issued yet, in the user's jurisdiction: the
    township corrects the account (a bank-account change), the county re-issues (R17)."""
    if not change_selectors.can_read(user):
        return PayrollLine.objects.none()
    return (
        PayrollLine.objects.filter(
            region_q(user, prefix="enrolment__"),
            outcome=PayrollLine.Outcome.RETURNED,
            reissued_as__isnull=True,
        )
        .select_related("payroll", "enrolment__programme", "household", "township", "village")
        .order_by("township_id", "household_id", "for_month")
    )
