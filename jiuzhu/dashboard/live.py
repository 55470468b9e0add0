"""The dashboard's series of what stands open now — cases by stage and overdue, findings by
check and status, clues and rectifications by status and overdue, recoveries outstanding —
counted on each look (read-only) with the very filter functions of the lists they link to, and
the same query parameters, so a bar and its list agree (as on the home page, desk.home). Each
needs the permission its list needs; without it the series is None and not shown.

A series is {"items": [{"key", "label", "count", "url", …}], …}: JSON-friendly, money as
strings."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils.http import urlencode

from jiuzhu.accounts.roles import Perm
from jiuzhu.cases.queues import filter_rows, work_queue
from jiuzhu.cases.workflow import STATUS_LABELS, Status
from jiuzhu.crosscheck.checks import LABELS as CHECK_LABELS
from jiuzhu.crosscheck.finding_selectors import finding_search
from jiuzhu.crosscheck.models import Finding
from jiuzhu.payments import recovery_selectors
from jiuzhu.payments.models import Recovery
from jiuzhu.supervision.clue_selectors import ClueFilter, can_read_clues, clues_filtered
from jiuzhu.supervision.models import Clue, RectificationItem
from jiuzhu.supervision.rectification_selectors import ItemFilter, can_read_items, items_filtered

ZERO = Decimal("0.00")
OUTSTANDING = (Recovery.Status.PENDING, Recovery.Status.PARTIAL)


def link(name: str, **query) -> str:
    query = {k: v for k, v in query.items() if v not in ("", None, False)}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def applications(user, township_id: int | None, today: date) -> dict | None:
    """Open cases by stage (status) and the overdue ones: the case queue's rows and filters."""
    if not user.can(Perm.VIEW_CASES):
        return None
    rows = work_queue(user, today, township_id=township_id)
    counts = Counter(r.application.status for r in rows)
    items = [
        {
            "key": s.value,
            "label": STATUS_LABELS[s],
            "count": counts[s.value],
            "url": link("cases:queue", status=s.value, township=township_id),
        }
        for s in Status
        if counts[s.value]
    ]
    overdue = len(filter_rows(rows, due="overdue"))
    return {
        "items": items,
        "open": len(rows),
        "overdue": {
            "count": overdue,
            "url": link("cases:queue", due="overdue", township=township_id),
        },
    }


def findings(user, township_id: int | None, today: date) -> dict | None:
    """Findings by check and status (every status), and the overdue open ones."""
    if not user.can(Perm.VIEW_FINDINGS):
        return None
    qs = finding_search(user=user, township_id=township_id)
    grouped = qs.order_by().values("check_code", "status").annotate(n=Count("id"))
    counts = {(g["check_code"], g["status"]): g["n"] for g in grouped}
    checks = sorted(
        {c for c, _ in counts},
        key=lambda c: list(CHECK_LABELS).index(c) if c in CHECK_LABELS else 99,
    )
    statuses = [s for s in Finding.Status if any((c, s.value) in counts for c in checks)]
    cells = [
        {
            "check": c,
            "status": s.value,
            "count": counts.get((c, s.value), 0),
            "url": link("crosscheck:finding_list", check=c, status=s.value, township=township_id),
        }
        for c in checks
        for s in statuses
    ]
    overdue = finding_search(user=user, township_id=township_id, overdue=True, today=today)
    return {
        "checks": [{"key": c, "label": CHECK_LABELS.get(c, c)} for c in checks],
        "statuses": [{"key": s.value, "label": s.label} for s in statuses],
        "cells": cells,
        "total": sum(counts.values()),
        "overdue": {
            "count": overdue.count(),
            "url": link("crosscheck:finding_list", overdue=1, township=township_id),
        },
    }


def _by_status(qs, statuses, url_name: str, township_id: int | None) -> list[dict]:
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    return [
        {
            "key": s.value,
            "label": s.label,
            "count": counts.get(s.value, 0),
            "url": link(url_name, status=s.value, township=township_id),
        }
        for s in statuses
    ]


def _status_chart(qs, overdue, statuses, url_name: str, township_id: int | None) -> dict:
    """A list's rows by status, and its overdue ones, each linked to the list so filtered."""
    return {
        "items": _by_status(qs, statuses, url_name, township_id),
        "overdue": {
            "count": overdue.count(),
            "url": link(url_name, overdue=1, township=township_id),
        },
    }


def clues(user, township_id: int | None) -> dict | None:
    if not can_read_clues(user):
        return None
    return _status_chart(
        clues_filtered(user=user, filters=ClueFilter(township_id=township_id)),
        clues_filtered(user=user, filters=ClueFilter(township_id=township_id, overdue=True)),
        Clue.Status,
        "clues:list",
        township_id,
    )


def rectifications(user, township_id: int | None) -> dict | None:
    if not can_read_items(user):
        return None
    return _status_chart(
        items_filtered(user=user, filters=ItemFilter(township_id=township_id)),
        items_filtered(user=user, filters=ItemFilter(township_id=township_id, overdue=True)),
        RectificationItem.Status,
        "clues:ledger",
        township_id,
    )


def recoveries(user, township_id: int | None) -> dict | None:
    """Recoveries still owed (待追回, 部分追回): count and amount outstanding per status."""
    if not recovery_selectors.can_read_recoveries(user):
        return None
    items = []
    for status in OUTSTANDING:
        qs, totals = recovery_selectors.recovery_ledger(
            user=user, status=status, township_id=township_id
        )
        items.append(
            {
                "key": status.value,
                "label": status.label,
                "count": totals["count"],
                "outstanding": str(totals["outstanding"]),
                "url": link("payments:recovery_list", status=status.value, township=township_id),
            }
        )
    by_township = (
        recovery_selectors.recoveries_for(user)
        .filter(status__in=OUTSTANDING, **({"township_id": township_id} if township_id else {}))
        .order_by()
        .values("township_id", "township__name")
        .annotate(n=Count("id"), owed=Sum(F("amount") - F("recovered_amount")))
        .order_by("township__name")
    )
    return {
        "items": items,
        "outstanding": str(sum((Decimal(i["outstanding"]) for i in items), ZERO)),
        "townships": [
            {
                "id": r["township_id"],
                "name": r["township__name"],
                "count": r["n"],
                "outstanding": str(r["owed"] or ZERO),
                "url": link("payments:recovery_list", township=r["township_id"]),
            }
            for r in by_township
        ],
    }
