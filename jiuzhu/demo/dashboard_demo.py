"""The demo county's dashboard, precomputed as the scheduler would (``jiuzhu dashboard
refresh``): the last 24 months and this one, so the 仪表盘 page is full on first look."""

from __future__ import annotations

from jiuzhu.accounts.system import system_actor
from jiuzhu.dashboard.refresh import dashboard_refresh
from jiuzhu.regions.models import Region

from .generator import COUNTY_CODE


def refresh_demo_dashboard() -> str:
    county = Region.objects.get(code=COUNTY_CODE)
    job = dashboard_refresh(actor=system_actor("demo"), county_id=county.pk, inline=True)
    return f"仪表盘数据：{job.message}"
