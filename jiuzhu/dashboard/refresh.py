"""Refreshing the dashboard's precomputed series: a job, started by the county administrator's
button (POST) or by ``jiuzhu dashboard refresh`` (cron, as the scheduler's system actor).

Which months: the last SERIES_MONTHS months up to the current one, or one month asked for. A
closed month (before today's month) already stored as final is skipped — computed once — and a
closed month stored while it was current is computed a last time and marked final. The current
month is computed again on every refresh. All months are computed first and written in one
transaction, with one audit entry; running it twice stores the same rows.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, jobs
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.jobs import Progress
from jiuzhu.core.models import JobRun
from jiuzhu.core.month import Month
from jiuzhu.regions.models import Region

from .compute import CountyData, month_data
from .models import SeriesMonth
from .rules import is_closed, months_back

REFRESH_JOB = "dashboard.refresh"
SERIES_MONTHS = 24
NO_PERMISSION = "只有县级管理员可以重新生成仪表盘数据"


def dashboard_refresh(
    *, actor, county_id: int | None = None, month: str = "", inline: bool | None = None
) -> JobRun:
    """Start the refresh of the county's series (the actor's county; a system actor names it):
    queued for the worker, or run now (`inline`). `month` "" means the whole window."""
    county = _county_for(actor, county_id)
    months = _months(month)
    jobs.reap_stale()
    with transaction.atomic():
        job = jobs.job_create(
            kind=REFRESH_JOB,
            title=f"{county.name}仪表盘数据（{months[0]}至{months[-1]}）",
            actor=actor,
            kwargs={"actor_id": actor.pk, "county_id": county.pk, "months": months},
            inline=jobs.runs_inline(inline),
        )
        audit.record(
            action="dashboard.refresh",
            actor=actor,
            obj=job,
            new={"county": county.name, "months": f"{months[0]}至{months[-1]}"},
        )
    if job.status == JobRun.Status.RUNNING:
        return jobs.job_run_inline(job)
    return job


def _county_for(actor, county_id: int | None) -> Region:
    require(actor, Perm.VIEW_REPORTS, message=NO_PERMISSION)
    require(actor, Perm.MANAGE_SETTINGS, message=NO_PERMISSION)
    if getattr(actor, "is_system", False):
        county = Region.objects.filter(pk=county_id, level=Region.Level.COUNTY).first()
        if county is None:
            raise ValidationFailed("请指定县（区）")
        return county
    region = actor.region
    if region is None or region.level != Region.Level.COUNTY:
        raise ValidationFailed(NO_PERMISSION)
    if county_id is not None and county_id != region.pk:
        raise Http404("没有找到该县（区）")
    return region


def _months(month: str) -> list[str]:
    current = Month.of(timezone.localdate())
    if not month:
        return months_back(current, SERIES_MONTHS)
    try:
        asked = Month.parse(month)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None
    if asked > current:
        raise ValidationFailed(f"{asked.label}尚未到来，不能生成")
    return [str(asked)]


def _release(job, message: str) -> None:
    """Nothing to free: a refresh writes its months in one transaction, which died with it."""


@jobs.job(REFRESH_JOB, release=_release)
def refresh_job(*, progress: Progress, actor_id: int, county_id: int, months: list[str]) -> dict:
    """The worker's side: the actor read again and checked again."""
    actor = User.objects.get(pk=actor_id)
    county = _county_for(actor, county_id)
    return refresh_months(county=county, months=months, progress=progress)


def refresh_months(*, county: Region, months: list[str], progress: Progress) -> dict:
    """Compute the months that need it and store them in one transaction."""
    today = timezone.localdate()
    final = _final_months(county, months)
    todo = [m for m in months if m not in final]
    progress.start(len(todo), "计算中")
    data = CountyData.load(county)
    computed = {}
    for n, month in enumerate(todo, start=1):
        computed[month] = month_data(data, month)
        progress.update(n, f"已计算{n}个月")
    now = timezone.now()
    with transaction.atomic():
        # two refreshes of one county write one after the other: the county's row is the lock
        # (NO KEY: rows that merely refer to the county are not held up)
        list(Region.objects.select_for_update(no_key=True).filter(pk=county.pk).values_list("pk"))
        done = _final_months(county, months)  # a concurrent refresh may have closed some
        for month, values in computed.items():
            if month in done:
                continue
            SeriesMonth.objects.update_or_create(
                county=county,
                month=month,
                defaults={"data": values, "final": is_closed(month, today), "computed_at": now},
            )
    skipped = len(months) - len(todo)
    message = f"已生成{len(todo)}个月的数据" + (f"，已结月{skipped}个月无需重算" if skipped else "")
    return {"message": message, "computed": todo, "skipped": skipped}


def _final_months(county: Region, months: list[str]) -> set[str]:
    return set(
        SeriesMonth.objects.filter(county=county, month__in=months, final=True).values_list(
            "month", flat=True
        )
    )
