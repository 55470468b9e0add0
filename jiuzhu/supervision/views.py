from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import params

from . import selectors


@login_required
def audit_list(request, user_id: int | None = None, household_id: int | None = None):
    """The inspector's view of the audit trail: everything, one user's actions, or one household."""
    if not request.user.can(Perm.VIEW_AUDIT):
        raise Http404
    action = params.text_param(request.GET, "action", max_length=100)
    entries, subject = selectors.entries_for(
        user=request.user,
        actor_id=user_id,
        household_id=household_id,
        action=action,
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/audit_list.html",
        {"page": page, "subject": subject, "action": action},
    )
