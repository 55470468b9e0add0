from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import errors, jobs, params
from jiuzhu.core.models import JobRun
from jiuzhu.regions.models import Region

from .refresh import REFRESH_JOB, dashboard_refresh
from .services import dashboard_series


def _can_refresh(user) -> bool:
    region = user.region
    return bool(user.can(Perm.MANAGE_SETTINGS) and region is not None and region.level == "county")


@login_required
@require_GET
def index(request):
    user = request.user
    region_id = params.int_param(request.GET, "region")
    if region_id is None and user.region is not None and user.region.level == "village":
        return render(request, "dashboard/village.html")  # a village has no dashboard of its own
    try:
        series = dashboard_series(actor=user, region=region_id)
    except errors.PermissionDenied as exc:
        raise PermissionDenied(exc.message) from None
    job = None
    job_id = params.int_param(request.GET, "job")
    if job_id and _can_refresh(user):
        job = JobRun.objects.filter(pk=job_id, kind=REFRESH_JOB, started_by=user).first()
    county_level = user.region is not None and user.region.level == "county"
    return render(
        request,
        "dashboard/index.html",
        {
            "series": series,
            "townships": (
                Region.objects.filter(parent=user.region).order_by("code") if county_level else ()
            ),
            "selected": series["region"]["id"],
            "computed_at": (
                timezone.localtime(datetime.fromisoformat(series["computed_at"]))
                if series["computed_at"]
                else None
            ),
            "can_refresh": _can_refresh(user),
            **jobs.job_display(job),
        },
    )


@login_required
@require_POST
def refresh(request):
    try:
        job = dashboard_refresh(actor=request.user)
    except errors.JiuzhuError as exc:
        messages.error(request, exc.message)
        return redirect("dashboard:index")
    if job.status == JobRun.Status.SUCCEEDED:
        messages.success(request, job.message)
    elif job.status == JobRun.Status.FAILED:
        messages.error(request, job.message)
    else:
        messages.info(request, "已提交后台生成，完成后刷新本页即可看到")
    return redirect(reverse("dashboard:index") + f"?job={job.pk}")
