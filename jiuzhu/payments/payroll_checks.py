"""The payroll's checks (R17): the totals by township — lines, households, persons, amount — are
counted again from the enrolments and their approved changes, by a different road from the
generation (the ORM for the enrolments without amount or pause changes, the reference rule
``rules.due_for_month`` for the few with them, and the arrears rows themselves), and every
approved change counted in the month must show in the lines: a new enrolment has its line, a
stopped or suspended one none, an amount change's line pays its new amount. Any difference is
listed and blocks approval. Run at generation and again at approval (the data may drift)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from jiuzhu.core.money import format_yuan
from jiuzhu.regions.models import Region

from .models import Arrears, Enrolment, EnrolmentChange, Payroll, PayrollLine
from .rules import AMOUNT_KINDS, PAUSE_KINDS, ChangeFact, due_for_month

FIGURES = (("lines", "笔数"), ("households", "户数"), ("persons", "人数"), ("amount", "金额"))
ZERO = Decimal("0.00")
NO_LINE_KINDS = (EnrolmentChange.Kind.NAME, EnrolmentChange.Kind.BANK)


def _blank() -> dict:
    return {"lines": 0, "households": 0, "persons": 0, "amount": ZERO}


def check_payroll(payroll: Payroll) -> dict:
    """The check result stored on the payroll: both sets of totals by township and every
    difference (each with the text shown to the reviewer)."""
    stored = stored_totals(payroll)
    expected = expected_totals(payroll)
    names = dict(Region.objects.filter(parent_id=payroll.county_id).values_list("pk", "name"))
    differences = []
    for township in sorted(set(stored) | set(expected), key=lambda t: names.get(t, str(t))):
        have, want = stored.get(township, _blank()), expected.get(township, _blank())
        for key, label in FIGURES:
            if have[key] != want[key]:
                shown = format_yuan if key == "amount" else str
                differences.append(
                    {
                        "kind": "township",
                        "township": township,
                        "text": f"{names.get(township, township)}{label}：名册{shown(have[key])}，"
                        f"按保障对象和异动重新统计为{shown(want[key])}",
                    }
                )
    differences += changes_not_reflected(payroll)
    return {
        "checked_at": timezone.now().isoformat(),
        "townships": {str(t): _plain(v) for t, v in stored.items()},
        "expected": {str(t): _plain(v) for t, v in expected.items()},
        "differences": differences,
    }


def _plain(figures: dict) -> dict:
    return {**figures, "amount": f"{figures['amount']:.2f}"}


def stored_totals(payroll: Payroll) -> dict[int, dict]:
    """What the payroll's lines add up to, by township."""
    out: dict[int, dict] = defaultdict(_blank)
    rows = (
        PayrollLine.objects.filter(payroll=payroll)
        .values("township_id")
        .annotate(
            lines=Count("id"),
            amount=Sum("amount"),
            households=Count(
                "household_id", distinct=True, filter=~Q(kind=PayrollLine.Kind.ARREARS)
            ),
        )
        .order_by()
    )
    for row in rows:
        out[row["township_id"]].update(
            lines=row["lines"], amount=_dec(row["amount"]), households=row["households"]
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT township_id, SUM(m) FROM (SELECT township_id, enrolment_id, MAX(members) AS m"
            " FROM payments_payrollline WHERE payroll_id = %s AND kind <> 'arrears'"
            " GROUP BY township_id, enrolment_id) s GROUP BY township_id",
            [payroll.pk],
        )
        for township, persons in cursor.fetchall():
            out[township]["persons"] = int(persons or 0)
    return dict(out)


def _dec(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _in_force(payroll: Payroll):
    month = payroll.month
    base = Enrolment.objects.filter(
        county_id=payroll.county_id,
        programme_id=payroll.programme_id,
        payroll_from__gt="",
        payroll_from__lte=month,
        start_month__lte=month,
    ).filter(Q(end_month="") | Q(end_month__gte=month))
    if payroll.programme.payment == "once":
        base = base.filter(start_month=month)
    return base


def _with_changes(base):
    return base.filter(
        pk__in=EnrolmentChange.objects.filter(
            status=EnrolmentChange.Status.APPROVED, kind__in=AMOUNT_KINDS + PAUSE_KINDS
        ).values("enrolment_id")
    )


def expected_totals(payroll: Payroll) -> dict[int, dict]:
    """The totals counted again from the enrolments, their approved changes and the arrears."""
    base = _in_force(payroll)
    changed = _with_changes(base)
    plain = base.exclude(pk__in=changed.values("pk")).filter(monthly_amount__gt=0)
    out: dict[int, dict] = defaultdict(_blank)
    rows = (
        plain.values("township_id")
        .annotate(
            regular=Count("id", filter=Q(monthly_amount__gt=F("care_amount"))),
            care=Count("id", filter=Q(care_amount__gt=0)),
            amount=Sum("monthly_amount"),
            persons=Sum("members"),
            households=Count("household_id", distinct=True),
        )
        .order_by()
    )
    for row in rows:
        out[row["township_id"]].update(
            lines=row["regular"] + row["care"],
            amount=_dec(row["amount"]),
            persons=int(row["persons"] or 0),
            households=row["households"],
        )
    paid = due_by_rule(payroll, changed)
    # households paid only through an enrolment with changes are counted once more
    plain_households = set(
        plain.filter(household_id__in={p[1] for p in paid.values()}).values_list(
            "household_id", flat=True
        )
    )
    seen: set[int] = set()
    for township, household, members, amount, care in paid.values():
        care = min(care, amount)
        figures = out[township]
        figures["lines"] += (amount - care > 0) + (care > 0)
        figures["amount"] += amount
        figures["persons"] += members
        if household not in plain_households and household not in seen:
            figures["households"] += 1
            seen.add(household)
    for row in (
        Arrears.objects.filter(paid_line__payroll=payroll)
        .values("enrolment__township_id")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
    ):
        figures = out[row["enrolment__township_id"]]
        figures["lines"] += row["n"]
        figures["amount"] += _dec(row["amount"])
    return dict(out)


def due_by_rule(payroll: Payroll, enrolments) -> dict[int, tuple]:
    """Enrolment id → (township, household, members, amount, care amount) for those the rule says are paid
    a positive amount this month, read with their approved amount and pause changes."""
    facts: dict[int, list[ChangeFact]] = defaultdict(list)
    for c in EnrolmentChange.objects.filter(
        enrolment__in=enrolments,
        status=EnrolmentChange.Status.APPROVED,
        kind__in=AMOUNT_KINDS + PAUSE_KINDS,
    ).values("id", "enrolment_id", "kind", "effective_month", "old_amount", "new_amount"):
        facts[c["enrolment_id"]].append(
            ChangeFact(c["id"], c["kind"], c["effective_month"], c["old_amount"], c["new_amount"])
        )
    out = {}
    for e in enrolments.values(
        "id",
        "township_id",
        "household_id",
        "members",
        "payroll_from",
        "start_month",
        "end_month",
        "monthly_amount",
        "care_amount",
    ):
        due = due_for_month(
            month=payroll.month,
            payroll_from=e["payroll_from"],
            start_month=e["start_month"],
            end_month=e["end_month"],
            current_amount=e["monthly_amount"],
            changes=facts.get(e["id"], ()),
        )
        if due.paid and due.amount > 0:
            out[e["id"]] = (
                e["township_id"],
                e["household_id"],
                e["members"],
                due.amount,
                _dec(e["care_amount"]),
            )
    return out


_WHAT = {
    EnrolmentChange.Kind.NEW: "新增",
    EnrolmentChange.Kind.STOP: "停发",
    EnrolmentChange.Kind.SUSPEND: "暂停",
    EnrolmentChange.Kind.GRADUAL_EXIT: "渐退",
}


def changes_not_reflected(payroll: Payroll) -> list[dict]:
    """Every approved change counted in this month (payroll_month) whose enrolment's lines do
    not pay what the rule says it is due after the change."""
    changes = (
        EnrolmentChange.objects.filter(
            status=EnrolmentChange.Status.APPROVED,
            payroll_month=payroll.month,
            enrolment__county_id=payroll.county_id,
            enrolment__programme_id=payroll.programme_id,
        )
        .exclude(kind__in=NO_LINE_KINDS)
        .select_related("enrolment__household")
        .order_by("enrolment_id", "id")
    )
    by_enrolment: dict[int, list[EnrolmentChange]] = defaultdict(list)
    for change in changes:
        by_enrolment[change.enrolment_id].append(change)
    if not by_enrolment:
        return []
    enrolments = Enrolment.objects.filter(pk__in=list(by_enrolment))
    due = due_by_rule(payroll, _in_force(payroll).filter(pk__in=list(by_enrolment)))
    paid = dict(
        PayrollLine.objects.filter(payroll=payroll, enrolment_id__in=list(by_enrolment))
        .exclude(kind=PayrollLine.Kind.ARREARS)
        .values("enrolment_id")
        .annotate(s=Sum("amount"))
        .values_list("enrolment_id", "s")
        .order_by()
    )
    out = []
    for enrolment in enrolments.select_related("household"):
        want = due[enrolment.pk][3] if enrolment.pk in due else ZERO
        have = _dec(paid.get(enrolment.pk))
        if want == have:
            continue
        change = by_enrolment[enrolment.pk][-1]
        who = f"{enrolment.household.head_name}户（{enrolment.household.number}）"
        label = change.get_kind_display()
        if want > 0 and have == 0:
            text = f"{who}本月{label}后应发{format_yuan(want)}，名册中没有该户"
        elif want == 0:
            text = f"{who}本月{_WHAT.get(change.kind, label)}，名册中仍发放{format_yuan(have)}"
        else:
            text = f"{who}本月{label}后应发{format_yuan(want)}，名册为{format_yuan(have)}"
        out.append({"kind": "change", "change": change.pk, "text": text})
    return out
