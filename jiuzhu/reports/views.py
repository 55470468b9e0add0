from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jiuzhu.accounts.roles import Perm


@login_required
@require_GET
def index(request):
    if not request.user.can(Perm.VIEW_REPORTS):
        raise PermissionDenied
    return render(request, "reports/index.html")
