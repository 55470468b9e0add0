"""Reads of applications, always within the reader's jurisdiction (404 outside it)."""

from django.db.models import QuerySet
from django.http import Http404

from jiuzhu.accounts.jurisdiction import region_q

from .models import Application


def applications_for(user) -> QuerySet[Application]:
    return Application.objects.filter(region_q(user))


def application_get(*, user, pk: int) -> Application:
    app = (applications_for(user).select_related("household", "programme", "applicant", "township",
                                                 "village", "county", "created_by", "decided_by")
           .filter(pk=pk).first())
    if app is None:
        raise Http404("没有找到该申请")
    return app


def application_for_update(*, user, pk: int) -> Application:
    """Row-locked (SELECT … FOR UPDATE): concurrent actions on one case queue up here."""
    app = applications_for(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if app is None:
        raise Http404("没有找到该申请")
    return app
