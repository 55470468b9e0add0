"""工作台 pages: the home page (the work queue for the user's role) and the household page.
Views parse input and call the read functions in home.py and household.py."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jiuzhu.accounts.roles import Perm
from jiuzhu.registry import selectors as registry_selectors
from jiuzhu.registry.forms import RevealForm

from .home import home_for
from .household import household_overview


@login_required
@require_GET
def home(request):
    """The user's work: counts that link to their lists, most urgent first."""
    user = request.user
    if user.region is None:
        raise Http404
    today = timezone.localdate()
    return render(request, "desk/home.html", {"home": home_for(user, today), "today": today})


@login_required
@require_GET
def household(request, pk: int):
    """The officer's home for a family: members, applications, payments, reviews, findings."""
    user = request.user
    if not user.can(Perm.VIEW_HOUSEHOLDS):
        raise Http404
    overview = household_overview(user=user, household_id=pk, today=timezone.localdate())
    household = overview.household
    return render(
        request,
        "desk/household.html",
        {
            "o": overview,
            "household": household,
            "incomes": household.incomes.select_related("person"),
            "assets": household.assets.select_related("person"),
            "history": registry_selectors.household_history(household)[:100],
            "can_edit": user.can(Perm.EDIT_HOUSEHOLDS),
            "can_reveal": user.can(Perm.VIEW_FULL_ID),
            "can_sensitive": user.can(Perm.VIEW_SENSITIVE),
            "can_audit": user.can(Perm.VIEW_AUDIT),
            "can_cases": user.can(Perm.VIEW_CASES),
            "can_register": user.can(Perm.REGISTER_CASES),
            "can_change": user.can(Perm.CHANGE_ENROLMENTS),
            "can_review": user.can(Perm.HANDLE_REVIEWS),
            "can_clue": user.can(Perm.RECORD_COMPLAINTS),
            "can_death": user.can(Perm.CHANGE_ENROLMENTS) and user.can(Perm.MANAGE_RECOVERIES),
            "reveal_form": RevealForm(),
        },
    )
