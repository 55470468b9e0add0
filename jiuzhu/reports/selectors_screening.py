"""Reads for the rural screening table (seed 003 attachment 2): the month's re-screening lists,
which are cross-check findings (crosscheck.checks.rescreen and .missed), and the households'
persons."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from jiuzhu.core.month import Month
from jiuzhu.crosscheck.models import Finding
from jiuzhu.payments.models import Enrolment
from jiuzhu.registry.models import Household, Person

from .scope import Scope

LISTS = {
    "refused": Q(check_code="rescreen_refused"),
    "exited": Q(check_code="rescreen_exited"),
    "poverty": Q(check_code="missed", snapshot__kind="poverty"),
}


def _month_bounds(month: Month) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(month.first_day, time.min, tzinfo=tz)
    end = datetime.combine(month.next().first_day, time.min, tzinfo=tz)
    return start, end


def listed_households(scope: Scope, month: Month) -> dict[str, set[int]]:
    """Per list, the households of our registry in the region raised in the month."""
    start, end = _month_bounds(month)
    field = "household__" + scope.filter_field()
    base = Finding.objects.filter(
        raised_at__gte=start, raised_at__lt=end, household__isnull=False, **{field: scope.region.pk}
    ).filter(county_id=scope.county.pk)
    return {
        name: set(base.filter(q).values_list("household_id", flat=True))
        for name, q in LISTS.items()
    }


def household_people(listed: dict[str, set[int]], col: int) -> dict[int, tuple[int, int]]:
    """household → (row region, living members), col 2 = township, 3 = village."""
    ids = set().union(*listed.values()) if listed else set()
    field = "township_id" if col == 2 else "village_id"
    qs = (
        Household.objects.filter(pk__in=ids)
        .annotate(alive=Count("members", filter=Q(members__died_on__isnull=True)))
        .values_list("pk", field, "alive")
    )
    return {pk: (row, alive) for pk, row, alive in qs}


def included_since(scope: Scope, month: Month, code: str) -> set[int]:
    """Households of the region with an enrolment of `code` beginning in `month` or later."""
    return set(
        Enrolment.objects.filter(
            programme__code=code, start_month__gte=str(month), county_id=scope.county.pk
        )
        .filter(**{scope.filter_field(): scope.region.pk})
        .exclude(payroll_from="")
        .values_list("household_id", flat=True)
    )


def living_members(household_ids) -> dict[int, int]:
    return dict(
        Person.objects.filter(household_id__in=list(household_ids), died_on__isnull=True)
        .values("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    )
