"""The county's mark that withholds a household from the public portal (R18, publication.py)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from jiuzhu.accounts.roles import Perm

from . import selectors
from .publication import household_publication_set
from .views import _run_service


class PublicationForm(forms.Form):
    withheld = forms.BooleanField(
        label="不在公开页面公布本户（本户仍计入不予公开户数）", required=False
    )
    withheld_reason = forms.CharField(
        label="不予公开的原因（不公开）", max_length=200, required=False
    )
    reason = forms.CharField(label="办理说明", max_length=500)


@login_required
def household_publication(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    if not request.user.can(Perm.VIEW_HOUSEHOLDS):
        raise Http404
    form = PublicationForm(
        request.POST or None,
        initial={
            "withheld": household.publication_withheld,
            "withheld_reason": household.publication_withheld_reason,
        },
    )
    response = _run_service(
        request,
        form,
        lambda d: household_publication_set(actor=request.user, household_id=pk, **d),
        "公开设置已保存",
        "registry/form.html",
        {"household": household, "title": f"公开页面设置：{household}"},
    )
    return response or redirect("registry:household_detail", pk=pk)
