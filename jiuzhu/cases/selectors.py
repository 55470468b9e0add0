"""Reads of applications and their records, always within the reader's jurisdiction (404
outside it)."""

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404

from jiuzhu.accounts.jurisdiction import region_ids_q, region_q
from jiuzhu.core.month import Month
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import county_of
from jiuzhu.registry.models import KinDeclaration, Person

from .models import Application, Appraisal


def applications_for(user) -> QuerySet[Application]:
    return Application.objects.filter(region_q(user))


def application_get(*, user, pk: int) -> Application:
    app = (
        applications_for(user)
        .select_related(
            "household",
            "programme",
            "applicant",
            "township",
            "village",
            "county",
            "created_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if app is None:
        raise Http404("没有找到该申请")
    return app


def application_for_update(*, user, pk: int) -> Application:
    """Row-locked (SELECT … FOR UPDATE): concurrent actions on one case queue up here."""
    app = applications_for(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if app is None:
        raise Http404("没有找到该申请")
    return app


def appraisals_for(user) -> QuerySet[Appraisal]:
    """民主评议 records of the applications the user sees, newest month first, then by village."""
    return (
        Appraisal.objects.filter(region_q(user, prefix="application__"))
        .select_related(
            "application__household",
            "application__programme",
            "application__township",
            "application__village",
            "recorded_by",
        )
        .annotate(month=TruncMonth("held_on"))
        .order_by("-month", "application__village__code", "held_on", "id")
    )


def appraisal_villages(user) -> QuerySet[Region]:
    """The villages (within the user's jurisdiction) that have at least one appraisal."""
    villages = Appraisal.objects.filter(region_q(user, prefix="application__")).values(
        "application__village"
    )
    return Region.objects.filter(pk__in=villages).select_related("parent").order_by("code")


def appraisal_months(user) -> list[Month]:
    """The months in which the user's appraisals were held, newest first."""
    days = Appraisal.objects.filter(region_q(user, prefix="application__")).dates(
        "held_on", "month", order="DESC"
    )
    return [Month.of(d) for d in days]


def kin_declarations_for(user) -> QuerySet[KinDeclaration]:
    """近亲属备案 the user may read: the whole county's at county level; below it, only those
    recorded in the user's region or whose relative lives there (R5). A township never sees
    another township's relatives or declarants."""
    region = getattr(user, "region", None)
    if region is None:
        return KinDeclaration.objects.none()
    declarations = KinDeclaration.objects.filter(county=county_of(region))
    if region.level != "county":
        relatives = Person.objects.filter(region_q(user, prefix="household__")).values("id_hash")
        declarations = declarations.filter(
            Q(relative_id_hash__in=relatives)
            | Q(recorded_by__region__in=Region.objects.filter(region_ids_q(user)))
        )
    return declarations.select_related("recorded_by")
