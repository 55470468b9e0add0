"""The reads behind the forms: each returns plain rows (tuples) of another app's tables, already
limited to the form's region, for the builders to count. Nothing here writes."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q

from jiuzhu.core.month import Month
from jiuzhu.payments.models import Enrolment, EnrolmentChange, Review
from jiuzhu.programmes.models import Standard
from jiuzhu.programmes.selectors import standard_in_force

from .scope import Scope


def _in(scope: Scope, prefix: str = "") -> Q:
    return Q(**{prefix + scope.filter_field(): scope.region.pk})


def _live(qs):
    # An enrolment confirmed (payroll_from set) and not stopped before it began
    return qs.exclude(payroll_from="").exclude(~Q(end_month=""), end_month__lt=F("start_month"))


ENROLMENT_FIELDS = ("pk", "household_id", "township_id", "village_id", "members")


def enrolments_started(scope: Scope, month: Month, codes) -> list[tuple]:
    """Enrolments of the programmes whose first month is `month` (新增)."""
    qs = Enrolment.objects.filter(
        _in(scope), programme__code__in=codes, start_month=str(month)
    ).filter(county_id=scope.county.pk)
    return list(_live(qs).values_list(*ENROLMENT_FIELDS, "programme__code"))


def enrolments_exited(scope: Scope, month: Month, codes) -> list[tuple]:
    """Enrolments stopped from `month` (the last month paid is the one before): 退出."""
    qs = Enrolment.objects.filter(
        _in(scope),
        programme__code__in=codes,
        status=Enrolment.Status.STOPPED,
        end_month=str(month.prev()),
    ).filter(county_id=scope.county.pk)
    return list(_live(qs).values_list(*ENROLMENT_FIELDS, "programme__code"))


def enrolments_in_force(scope: Scope, month: Month, codes) -> list[tuple]:
    """Enrolments in force in `month`: begun by then and not ended before it."""
    m = str(month)
    qs = Enrolment.objects.filter(_in(scope), programme__code__in=codes, start_month__lte=m).filter(
        Q(end_month="") | Q(end_month__gte=m), county_id=scope.county.pk
    )
    return list(_live(qs).values_list(*ENROLMENT_FIELDS, "programme__code"))


def stop_changes(enrolment_ids) -> dict[int, tuple[str, str]]:
    """The latest approved stop or gradual exit of each enrolment: (kind, source)."""
    out: dict[int, tuple[str, str]] = {}
    qs = (
        EnrolmentChange.objects.filter(
            enrolment_id__in=list(enrolment_ids),
            status=EnrolmentChange.Status.APPROVED,
            kind__in=(EnrolmentChange.Kind.STOP, EnrolmentChange.Kind.GRADUAL_EXIT),
        )
        .order_by("enrolment_id", "id")
        .values_list("enrolment_id", "kind", "source", "pk")
    )
    for enrolment_id, kind, source, _pk in qs:
        out[enrolment_id] = (kind, source)
    return out


def review_exits(enrolment_ids) -> set[int]:
    """Enrolments whose review concluded 退出 (family circumstances re-assessed)."""
    return set(
        Review.objects.filter(
            enrolment_id__in=list(enrolment_ids), outcome=Review.Outcome.EXIT
        ).values_list("enrolment_id", flat=True)
    )


def finding_checks(finding_ids) -> dict[int, str]:
    from jiuzhu.crosscheck.models import Finding

    return dict(Finding.objects.filter(pk__in=list(finding_ids)).values_list("pk", "check_code"))


def monthly_standard_on(county, code: str, area: str, on: date):
    """The monthly standard in force (yuan per person per month), or None when none is set."""
    from jiuzhu.core.errors import ValidationFailed
    from jiuzhu.programmes.benefit import monthly_standard

    try:
        return monthly_standard(
            standard_in_force(county=county, programme_code=code, area=area, on=on)
        )
    except (ValidationFailed, Standard.DoesNotExist):
        return None
