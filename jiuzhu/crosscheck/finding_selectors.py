"""Reads of findings and runs, always within the reader's jurisdiction."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.core.month import Month
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import county_of

from .finding_flow import OPEN_STATUSES
from .models import CheckRun, Finding

ACTED_Q = Q(status__in=["acted", "closed"], acted_at__isnull=False)


def findings_for(user) -> QuerySet[Finding]:
    return Finding.objects.filter(region_q(user))


def known_fingerprints(*, county_id: int, fingerprints: list[str]) -> set[str]:
    """Which of `fingerprints` the county's findings already have (in any status). On
    PostgreSQL as one array parameter: an IN list of tens of thousands of placeholders costs
    seconds to build and parse."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT fingerprint FROM {Finding._meta.db_table} "
                "WHERE county_id = %s AND fingerprint = ANY(%s)",
                [county_id, list(fingerprints)],
            )
            return {fp for (fp,) in cursor.fetchall()}
    known: set[str] = set()
    for start in range(0, len(fingerprints), 5000):  # SQLite's limit on parameters
        known.update(
            Finding.objects.filter(
                county_id=county_id, fingerprint__in=fingerprints[start : start + 5000]
            ).values_list("fingerprint", flat=True)
        )
    return known


def finding_get(*, user, pk: int) -> Finding:
    finding = (
        findings_for(user)
        .select_related(
            "township",
            "village",
            "household",
            "person",
            "enrolment",
            "enrolment__programme",
            "snapshot",
            "run",
            "assignee",
            "verified_by",
            "new_application",
        )
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise Http404("没有找到该核查发现")
    return finding


def finding_for_update(*, user, pk: int) -> Finding:
    finding = findings_for(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if finding is None:
        raise Http404("没有找到该核查发现")
    return finding


def finding_search(
    *,
    user,
    check: str = "",
    status: str = "",
    township_id: int | None = None,
    overdue: bool = False,
    verdict: str = "",
    acted: bool = False,
    open_only: bool = False,
    today: date | None = None,
) -> QuerySet[Finding]:
    """The findings list's filters; the overview's counts link here with the same conditions
    (verdict "true"/"false": verified true or false; acted: acted on or closed after acting)."""
    qs = findings_for(user).select_related("township", "village")
    if check:
        qs = qs.filter(check_code=check)
    if status:
        qs = qs.filter(status=status)
    if township_id:
        qs = qs.filter(township_id=township_id)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_date__lt=today or date.today())
    if verdict:
        qs = qs.filter(verdict=verdict == "true").exclude(status="dismissed")
    if acted:
        qs = qs.filter(ACTED_Q)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs


def runs_for(user) -> QuerySet[CheckRun]:
    return CheckRun.objects.filter(county=county_of(user.region)).select_related(
        "started_by", "job"
    )


def overview(*, user, today: date) -> dict:
    """Counts by check and township: raised, confirmed, acted, closed, overdue (inspector view)."""
    qs = findings_for(user).exclude(status="dismissed")
    overdue_q = Q(status__in=OPEN_STATUSES, due_date__lt=today)
    rows = qs.values("check_code", "township_id").annotate(
        raised=Count("id"),
        confirmed=Count("id", filter=Q(verdict=True)),
        rejected=Count("id", filter=Q(verdict=False)),
        acted=Count("id", filter=ACTED_Q),
        overdue=Count("id", filter=overdue_q),
        review=Count("id", filter=Q(status="review")),
    )
    towns = {r.pk: r.name for r in Region.objects.filter(pk__in={r["township_id"] for r in rows})}
    by_check: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    by_township: dict[tuple[str, int], dict] = defaultdict(lambda: defaultdict(int))
    keys = ("raised", "confirmed", "rejected", "acted", "overdue", "review")
    for r in rows:
        for k in keys:
            by_check[r["check_code"]][k] += r[k]
            by_township[(towns.get(r["township_id"], ""), r["township_id"])][k] += r[k]
    return {
        "by_check": {k: dict(v) for k, v in by_check.items()},
        "by_township": {k: dict(v) for k, v in sorted(by_township.items())},
    }


_DEATH_DATE = re.compile(r"([0-9]{4})年([0-9]{1,2})月(?:([0-9]{1,2})日)?")


def death_date_of(finding: Finding) -> date | None:
    """The date of death a death finding's evidence gives (the registry's side), if whole."""
    for row in finding.evidence or []:
        if row.get("field") == "死亡日期":
            found = _DEATH_DATE.match(str(row.get("theirs", "")))
            if found and found[3]:
                return date(int(found[1]), int(found[2]), int(found[3]))
    return None


def overpaid_from(finding: Finding) -> str:
    """The month a recovery starts from, offered on the act form: for a death finding, the
    month after the death (R9: what was paid from then is not due); empty for other checks,
    where the officer states from when the household was not entitled."""
    if finding.check_code != "death":
        return ""
    for row in finding.evidence or []:
        if row.get("field") == "死亡日期":
            found = _DEATH_DATE.match(str(row.get("theirs", "")))
            if found:
                return str(Month(int(found[1]), int(found[2])).next())
    return ""
