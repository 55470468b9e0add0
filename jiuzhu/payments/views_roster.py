"""The roster (在保名册) pages: the filtered list, its Excel export, the printable sheet per
village, and a household's payment history. Views parse input and call selectors; GET never
writes (an export's audit row is the house rule's one exception: the download is the act)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from jiuzhu.accounts.jurisdiction import covers
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, params
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.month import Month
from jiuzhu.core.spreadsheet import Column, XlsxWriter
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import children_of

from .history import household_payments
from .roster import STATUS_LABELS, Roster, RosterFilter, programmes_of, roster_county, roster_for

PAGE_SIZE = 50
EXPORT_COLUMNS = (
    Column("序号", width=6),
    Column("家庭编号", width=22, text=True),
    Column("户主姓名", width=12),
    Column("保障对象（单人）", width=12),
    Column("乡镇（街道）", width=14),
    Column("村（社区）", width=16),
    Column("救助项目", width=18),
    Column("保障人数"),
    Column("本月金额（元）", width=14),
    Column("其中照料护理补贴（元）", width=14),
    Column("起始月份", width=10),
    Column("下次复核日期", width=16),
    Column("开户银行", width=18),
    Column("银行账号", width=22, text=True),
    Column("状态", width=22),
    Column("备注", width=20),
)


def _require_view(user) -> None:
    if not user.can(Perm.VIEW_HOUSEHOLDS):
        raise Http404


def _month(query) -> str:
    month = params.month_param(query, "month")
    return str(month or Month.of(timezone.localdate()))


def _filters(request) -> RosterFilter:
    q = request.GET
    return RosterFilter(
        month=_month(q),
        region_id=params.int_param(q, "region"),
        programme_id=params.int_param(q, "programme"),
        status=params.choice_param(q, "status", STATUS_LABELS),
        query=params.text_param(q, "q", max_length=40),
    )


def _query_string(f: RosterFilter) -> str:
    pairs = {
        "month": f.month,
        "region": f.region_id or "",
        "programme": f.programme_id or "",
        "status": f.status,
        "q": f.query,
    }
    return urlencode({k: v for k, v in pairs.items() if v})


def _region_choices(user) -> list[tuple[int, str]]:
    """The townships and villages below the user's region, villages indented under theirs."""
    region = user.region
    if region is None or region.level == "village":
        return []
    choices = []
    for child in children_of(region):
        choices.append((child.pk, child.name))
        if child.level == "township":
            choices += [(v.pk, f"　{v.name}") for v in children_of(child)]
    return choices


@login_required
def roster(request):
    _require_view(request.user)
    filters = _filters(request)
    result = roster_for(user=request.user, filters=filters)
    page = Paginator(result.ids, PAGE_SIZE).get_page(request.GET.get("page"))
    village = _print_village(request.user, filters.region_id)
    return render(
        request,
        "payments/roster.html",
        {
            "roster": result,
            "page": page,
            "rows": result.rows(list(page.object_list)),
            "filters": filters,
            "search": _query_string(filters),
            "regions": _region_choices(request.user),
            "programmes": programmes_of(result.county),
            "statuses": STATUS_LABELS,
            "print_village": village,
            "can_sensitive": request.user.can(Perm.VIEW_SENSITIVE),
        },
    )


def _print_village(user, region_id: int | None) -> Region | None:
    """The village whose printable sheet the page links to: the chosen one, or the user's."""
    if region_id:
        found = Region.objects.filter(pk=region_id, level=Region.Level.VILLAGE).first()
        return found if found is not None and covers(user, found) else None
    region = user.region
    return region if region is not None and region.level == "village" else None


def roster_xlsx(result: Roster, *, sensitive: bool):
    book = XlsxWriter()
    sheet = book.sheet(f"在保名册{result.month}", EXPORT_COLUMNS)
    for n, row in enumerate(result.iter_rows(), start=1):
        e, h = row.enrolment, row.enrolment.household
        sheet.append(
            [
                n,
                h.number,
                h.head_name,
                e.person.name if e.person_id else "",
                e.township.name,
                e.village.name,
                e.programme.name,
                e.members,
                row.amount,
                row.care_amount,
                e.start_month,
                e.next_review_on,
                h.bank_name,
                h.bank_account_masked if sensitive else "",
                row.status_label + ("（本月新增）" if row.new_this_month else ""),
                row.note,
            ]
        )
    sheet.append(
        ["合计", f"{result.households}户", "", "", "", "", "", result.persons, result.amount]
    )
    return book.finish()


@export_view
@login_required
def roster_export(request):
    _require_view(request.user)
    filters = _filters(request)
    result = roster_for(user=request.user, filters=filters)
    export = roster_xlsx(result, sensitive=request.user.can(Perm.VIEW_SENSITIVE))
    audit.record(
        action="roster.export",
        actor=request.user,
        new={
            "month": filters.month,
            "region": filters.region_id,
            "programme": filters.programme_id,
            "status": filters.status,
            "query": filters.query,
            "rows": len(result.ids),
        },
    )
    return xlsx_response(export, f"在保名册_{filters.month}.xlsx")


@login_required
def roster_village_print(request, village_id: int):
    """村级在保名册: the village's rows in payment for the month, totals and signature boxes."""
    _require_view(request.user)
    village = Region.objects.filter(pk=village_id, level=Region.Level.VILLAGE).first()
    if village is None or not covers(request.user, village):
        raise Http404("没有找到该村（社区）")
    filters = RosterFilter(month=_month(request.GET), region_id=village.pk)
    result = roster_for(user=request.user, filters=filters)
    return render(
        request,
        "payments/roster_village_print.html",
        {
            "roster": result,
            "rows": list(result.iter_rows()),
            "village": village,
            "township": village.parent,
            "today": timezone.localdate(),
            "back_query": _query_string(filters),
            "can_sensitive": request.user.can(Perm.VIEW_SENSITIVE),
        },
    )


@login_required
def household(request, household_id: int):
    _require_view(request.user)
    history = household_payments(user=request.user, household_id=household_id)
    return render(
        request,
        "payments/household_payments.html",
        {
            "history": history,
            "household": history.household,
            "county": roster_county(request.user),
            "can_sensitive": request.user.can(Perm.VIEW_SENSITIVE),
        },
    )
