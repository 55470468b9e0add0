"""Reads for the special-governance tables: the period's clues, rectification items, findings
and recoveries in a region, each as (id, township id, village id, weight) facts per column."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from jiuzhu.crosscheck.models import Finding
from jiuzhu.payments.models import Recovery, RecoveryPayment
from jiuzhu.supervision.models import Clue, RectificationItem

from .scope import Scope


class Period:
    """The facts of one region between two dates (inclusive)."""

    def __init__(self, scope: Scope, first: date, last: date):
        self.scope, self.first, self.last = scope, first, last

    def _region(self, prefix: str = "", *, village: bool = True) -> Q:
        scope = self.scope
        field = scope.filter_field()
        if field == "village_id" and not village:
            return Q(pk__in=[])  # the record has no village: not in a village's form
        return Q(**{prefix + "county_id": scope.county.pk, prefix + field: scope.region.pk})

    def _dates(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.first, f"{field}__lte": self.last})

    def _times(self, field: str) -> Q:
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.first, time.min, tzinfo=tz)
        end = datetime.combine(self.last, time.max, tzinfo=tz)
        return Q(**{f"{field}__gte": start, f"{field}__lte": end})

    def facts(self) -> dict[str, list[tuple]]:
        clues = Clue.objects.filter(self._region())
        items = RectificationItem.objects.filter(self._region(village=False))
        findings = Finding.objects.filter(self._region())
        recoveries = Recovery.objects.filter(self._region())
        payments = RecoveryPayment.objects.filter(self._region("recovery__"))
        rc = ("pk", "township_id", "village_id")
        return {
            "clue.in": _ones(clues.filter(self._dates("received_on")).values_list(*rc)),
            "clue.closed": _ones(clues.filter(self._dates("closed_on")).values_list(*rc)),
            "clue.handed": _ones(clues.filter(self._dates("handed_over_on")).values_list(*rc)),
            "item.opened": _ones(items.filter(self._dates("opened_on")).values_list(*rc[:2])),
            "item.closed": _ones(items.filter(self._dates("verified_on")).values_list(*rc[:2])),
            "item.overdue": _ones(self._overdue(items).values_list(*rc[:2])),
            "finding.raised": _ones(findings.filter(self._times("raised_at")).values_list(*rc)),
            "finding.true": _ones(
                findings.filter(self._times("verified_at"), verdict=True).values_list(*rc)
            ),
            "recovery.due": list(
                recoveries.filter(self._times("created_at")).values_list(*rc, "amount")
            ),
            "recovery.paid": list(
                payments.filter(self._dates("paid_on")).values_list(
                    "pk", "recovery__township_id", "recovery__village_id", "amount"
                )
            ),
        }

    def _overdue(self, items):
        """Open at the period's end (not closed by then) and past the deadline."""
        return items.filter(opened_on__lte=self.last, deadline__lt=self.last).filter(
            Q(verified_on__isnull=True) | Q(verified_on__gt=self.last)
        )


def _ones(rows) -> list[tuple]:
    out = []
    for row in rows:
        pk, township, village = (*row, None)[:3]
        out.append((pk, township, village, 1))
    return out
