"""Registering a family that walks into the office (窗口受理), on one page. Views parse input
and call selectors and services; nothing else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import JiuzhuError

from . import selectors, walkin_services
from .forms_walkin import WalkinForms


@login_required
@require_http_methods(["GET", "POST"])
def household_new(request):
    user = request.user
    if not walkin_services.can_register(user):
        raise Http404
    forms = WalkinForms(request.POST or None, villages=selectors.villages_for(user))
    if request.method == "POST" and forms.is_valid():
        try:
            household = walkin_services.household_register(actor=user, **forms.service_kwargs())
        except walkin_services.WalkinRefused as exc:
            forms.add_problems(exc.problems)
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记新家庭，家庭编号{household.number}")
            return redirect("registry:household_registered", pk=household.pk)
    return render(request, "registry/household_new.html", {"forms": forms})


@login_required
def household_registered(request, pk: int):
    """What was registered, and the next steps: the application, the household page."""
    household = selectors.household_get(user=request.user, pk=pk)
    return render(
        request,
        "registry/household_registered.html",
        {
            "household": household,
            "members": selectors.members_of(household),
            "incomes": household.incomes.select_related("person"),
            "assets": household.assets.select_related("person"),
            "can_apply": request.user.can(Perm.REGISTER_CASES),
            "can_register": walkin_services.can_register(request.user),
        },
    )
