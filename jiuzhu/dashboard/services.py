"""The dashboard's one entry point: ``dashboard_series(actor=…, region=…)`` — every series of a
county or township as one JSON-friendly dict (the page embeds it with json_script; the API
returns it). Read-only: a GET never writes. Months without precomputed figures (the refresh job
has not run) are listed in ``missing`` and their points are null — nothing is computed on the
fly, so a look costs the same whatever the window (the page offers the refresh button).

Who sees what: the actor needs VIEW_REPORTS; the region must be the actor's county or
township, or a township of the actor's county (a system actor: any county or township). Any
other region — another county, another township, a village, an unknown id — is one and the same
"not found", naming nothing.

Shape (all keys always present; a series the actor may not read is null):
    region      {"id", "name", "level", "county_id"}
    townships   [{"id", "name"}]           the townships shown (one for a township)
    months      ["YYYY-MM", …]             the window, oldest first, ending this month
    missing     ["YYYY-MM", …]             months of the window not yet generated
    computed_at "ISO datetime" | null      when this month's figures were generated
    programmes  [{"code", "name", "id"}]
    roster_url  the roster of this month (the region's)
    recipients  {"households": {code: [int|null per month]}, "persons": {…},
                 "amount": {code: ["yuan"|null per month]}, "links": {code: [url per month]}}
    by_township [{"id", "name", "households", "persons", "amount", "series", "url"}]: this
                month as the township's roster counts it; "series" its households per month
    payroll     {"amount": {code: ["yuan"|null per month]}, "lines": {…}, "url" ("" if the
                 actor may not open the payroll list)}
    villages    {"window": [months], "min_households": n, "items": [{"id", "name", "township", "households", "new",
                 "exited", "inclusion", "exit", "inclusion_outlier", "exit_outlier", "url"}],
                 "rule": text}
    coverage    {"as_of", "monitored", "covered", "rate", "townships": [...], "url"} | null
    applications, findings, clues, rectifications, recoveries: see live.py
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import covers
from jiuzhu.accounts.roles import Perm
from jiuzhu.core.month import Month
from jiuzhu.programmes.models import Programme
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import county_of

from . import live
from .models import SeriesMonth
from .rules import MIN_HOUSEHOLDS, RATE_WINDOW, flag_outliers, months_back, village_rate

NOT_FOUND = "没有找到该地区的仪表盘"
NO_PERMISSION = "您没有查看统计报表和仪表盘的权限"
ZERO = Decimal("0.00")
OUTLIER_RULE = (
    "近12个月新纳入率（新纳入户数÷平均在保户数）或退出率（退出户数÷平均在保户数）"
    "高于本地区各村平均值两个标准差以上的村（平均在保不足5户的村不标记）"
)


def dashboard_region(*, actor, region_id: int | None = None) -> Region:
    """The region the actor asked for (default: the actor's own), within the actor's view."""
    require(actor, Perm.VIEW_REPORTS, message=NO_PERMISSION)
    own = getattr(actor, "region", None)
    if region_id is None:
        region = own
    else:
        region = Region.objects.filter(pk=region_id).first()
    if (
        region is None
        or region.level not in (Region.Level.COUNTY, Region.Level.TOWNSHIP)
        or not covers(actor, region)
    ):
        raise Http404(NOT_FOUND)
    return region


def dashboard_series(*, actor, region: Region | int | None = None, months: int = 24) -> dict:
    """Every series of `region` for the actor (see the module's docstring for the shape)."""
    region_id = region.pk if isinstance(region, Region) else region
    region = dashboard_region(actor=actor, region_id=region_id)
    county = county_of(region)
    township_id = region.pk if region.level == Region.Level.TOWNSHIP else None
    today = timezone.localdate()
    window = months_back(Month.of(today), max(1, min(int(months), 120)))
    rows = {r.month: r for r in SeriesMonth.objects.filter(county=county, month__in=window)}
    townships = list(
        Region.objects.filter(parent=county, **({"pk": township_id} if township_id else {}))
        .order_by("code")
        .values("id", "name")
    )
    current = rows.get(window[-1])
    programmes = _programmes(rows.values())
    return {
        "region": {
            "id": region.pk,
            "name": region.name,
            "level": region.level,
            "county_id": county.pk,
        },
        "townships": townships,
        "months": window,
        "missing": [m for m in window if m not in rows],
        "computed_at": current.computed_at.isoformat() if current else None,
        "programmes": programmes,
        "roster_url": live.link("payments:roster", month=window[-1], region=township_id),
        "recipients": _recipients(rows, window, programmes, township_id),
        "by_township": _by_township(rows, window, townships),
        "payroll": _payroll(rows, window, programmes, township_id, actor.can(Perm.VIEW_PAYROLL)),
        "villages": _villages(rows, window, township_id, townships),
        "coverage": _coverage(current, township_id),
        "applications": live.applications(actor, township_id, today),
        "findings": live.findings(actor, township_id, today),
        "clues": live.clues(actor, township_id),
        "rectifications": live.rectifications(actor, township_id),
        "recoveries": live.recoveries(actor, township_id),
    }


def _programmes(rows) -> list[dict]:
    codes = {r[0] for row in rows for r in row.data.get("recipients", [])}
    codes |= {r[0] for row in rows for r in row.data.get("payroll", [])}
    return [
        {"code": p.code, "name": p.name, "id": p.pk}
        for p in Programme.objects.filter(code__in=codes).order_by("id")
    ]


def _mine(township_id: int | None, township: int | None) -> bool:
    return township_id is None or township == township_id


def _recipients(rows, window, programmes, township_id) -> dict:
    out = {"households": {}, "persons": {}, "amount": {}, "links": {}}
    for p in programmes:
        code = p["code"]
        for key in ("households", "persons", "amount", "links"):
            out[key][code] = []
        for month in window:
            row = rows.get(month)
            if row is None:
                for key in ("households", "persons", "amount"):
                    out[key][code].append(None)
            else:
                lines = [
                    r
                    for r in row.data.get("recipients", [])
                    if r[0] == code and _mine(township_id, r[1])
                ]
                # a household is in one township: the per-township sets are disjoint
                out["households"][code].append(sum(r[2] for r in lines))
                out["persons"][code].append(sum(r[3] for r in lines))
                out["amount"][code].append(str(sum((Decimal(r[4]) for r in lines), ZERO)))
            out["links"][code].append(
                live.link("payments:roster", month=month, programme=p["id"], region=township_id)
            )
    return out


def _by_township(rows, window, townships) -> list[dict]:
    """Each township this month (the roster's totals: 户 distinct over programmes, 人 and 金额
    summed over enrolments) and its households over the window."""
    row = rows.get(window[-1])
    totals: dict[int, list] = defaultdict(lambda: [0, ZERO])
    for r in row.data.get("recipients", []) if row else []:
        totals[r[1]][0] += r[3]
        totals[r[1]][1] += Decimal(r[4])
    series = {
        t["id"]: [_township_households(rows.get(m), t["id"]) for m in window] for t in townships
    }
    return [
        {
            "id": t["id"],
            "name": t["name"],
            "households": series[t["id"]][-1] or 0,
            "persons": totals[t["id"]][0],
            "amount": str(totals[t["id"]][1]),
            "series": series[t["id"]],
            "url": live.link("payments:roster", month=window[-1], region=t["id"]),
        }
        for t in townships
    ]


def _township_households(row: SeriesMonth | None, township_id: int) -> int | None:
    if row is None or "households" not in row.data:  # not generated (or before this figure)
        return None
    return next((n for t, n in row.data["households"] if t == township_id), 0)


def _payroll(rows, window, programmes, township_id, may_open: bool) -> dict:
    amount: dict[str, list] = {}
    lines: dict[str, list] = {}
    for p in programmes:
        code = p["code"]
        amount[code], lines[code] = [], []
        for month in window:
            row = rows.get(month)
            if row is None:
                amount[code].append(None)
                lines[code].append(None)
                continue
            mine = [
                r for r in row.data.get("payroll", []) if r[0] == code and _mine(township_id, r[1])
            ]
            lines[code].append(sum(r[2] for r in mine))
            amount[code].append(str(sum((Decimal(r[3]) for r in mine), ZERO)))
    url = live.link("payments:payroll_list") if may_open else ""  # the list needs VIEW_PAYROLL
    return {"amount": amount, "lines": lines, "url": url}


def _villages(rows, window, township_id, townships) -> dict:
    recent = window[-RATE_WINDOW:]
    per: dict[int, list] = defaultdict(list)
    place: dict[int, int] = {}
    for month in recent:
        row = rows.get(month)
        for v, t, households, new, exited in row.data.get("villages", []) if row else []:
            if _mine(township_id, t):
                per[v].append((households, new, exited))
                place[v] = t
    names = dict(Region.objects.filter(pk__in=list(per)).values_list("id", "name"))
    township_names = {t["id"]: t["name"] for t in townships}
    rates = flag_outliers([village_rate(v, months) for v, months in sorted(per.items())])
    return {
        "window": recent,
        "rule": OUTLIER_RULE,
        "min_households": MIN_HOUSEHOLDS,
        "items": [
            {
                "id": r.village_id,
                "name": names.get(r.village_id, ""),
                "township": township_names.get(place[r.village_id], ""),
                "households": r.households,
                "new": r.new,
                "exited": r.exited,
                "inclusion": round(r.inclusion, 4),
                "exit": round(r.exit, 4),
                "inclusion_outlier": r.inclusion_outlier,
                "exit_outlier": r.exit_outlier,
                "url": live.link("payments:roster", month=window[-1], region=r.village_id),
            }
            for r in rates
        ],
    }


def _coverage(row: SeriesMonth | None, township_id: int | None) -> dict | None:
    coverage = row.data.get("coverage") if row else None
    if not coverage:
        return None
    lines = [t for t in coverage["townships"] if township_id is None or t[0] == township_id]
    monitored = sum(t[1] for t in lines)
    covered = sum(t[2] for t in lines)
    names = dict(
        Region.objects.filter(pk__in=[t[0] for t in lines if t[0]]).values_list("id", "name")
    )
    return {
        "as_of": coverage["as_of"],
        "monitored": monitored,
        "covered": covered,
        "rate": round(covered / monitored, 4) if monitored else None,
        "townships": [
            {
                "id": t[0],
                "name": names.get(t[0], "县级（未能确定乡镇）"),
                "monitored": t[1],
                "covered": t[2],
            }
            for t in lines
        ],
        "url": live.link("crosscheck:finding_list", check="missed", township=township_id),
    }
