"""系统管理 → 节假日: the holiday calendar, a year a page. The State Council's notice is national
data; every county administrator may enter it (core.workdays_db checks the permission and audits
each change), and the table is shared by all counties on the server."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.core import params
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.holiday_lines import EXAMPLE, weekday_cn
from jiuzhu.core.models import HolidayDay, HolidayYear
from jiuzhu.core.workdays_db import (
    HolidayLinesInvalid,
    holiday_remove,
    holiday_set,
    holiday_year_confirm,
    holidays_enter,
)

from .forms_admin import HolidayConfirmForm, HolidayDayForm, HolidayPasteForm
from .roles import Perm

FIRST_YEAR, LAST_YEAR = 2000, 2100
ENTERED, UNCONFIRMED, MISSING = "已录入", "未确认", "未录入"


def _require_admin(request) -> None:
    if not request.user.can(Perm.MANAGE_SETTINGS) or request.user.is_system:
        raise Http404


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("没有该年份")
    return year


@dataclass(frozen=True)
class YearState:
    year: int
    state: str  # ENTERED, UNCONFIRMED or MISSING
    days: int
    source: str = ""


def year_states(today: date) -> list[YearState]:
    """Every year with data, and this year and the next, each with its state."""
    confirmed = dict(HolidayYear.objects.values_list("year", "source"))
    counts: dict[int, int] = {}
    for day in HolidayDay.objects.values_list("day", flat=True):
        counts[day.year] = counts.get(day.year, 0) + 1
    years = sorted(set(confirmed) | set(counts) | {today.year, today.year + 1})
    states = []
    for y in years:
        n = counts.get(y, 0)
        state = ENTERED if y in confirmed else (UNCONFIRMED if n else MISSING)
        states.append(YearState(y, state, n, confirmed.get(y, "")))
    return states


def _url(year: int) -> str:
    return reverse("sysadmin:holidays_year", args=[year])


@login_required
@require_GET
def holidays_home(request):
    """The first year from this one on whose notice is not yet confirmed (else next year)."""
    _require_admin(request)
    today = timezone.localdate()
    pending = [s.year for s in year_states(today) if s.year >= today.year and s.state != ENTERED]
    return HttpResponseRedirect(_url(pending[0] if pending else today.year + 1))


def _page(request, year: int, *, paste_form=None, line_errors=(), status=200):
    today = timezone.localdate()
    states = year_states(today)
    days = list(HolidayDay.objects.filter(day__year=year).order_by("day"))
    for d in days:
        d.weekday_cn = weekday_cn(d.day)
    return render(
        request,
        "accounts/admin/holidays.html",
        {
            "year": year,
            "states": states,
            "this": next((s for s in states if s.year == year), YearState(year, MISSING, 0)),
            "confirmed": HolidayYear.objects.filter(year=year).first(),
            "days": days,
            "day_form": HolidayDayForm(),
            "paste_form": paste_form or HolidayPasteForm(),
            "confirm_form": HolidayConfirmForm(),
            "line_errors": line_errors,
            "example": EXAMPLE.replace("2027", str(year)),
        },
        status=status,
    )


@login_required
@require_GET
def holidays_year(request, year: int):
    _require_admin(request)
    return _page(request, _year_or_404(year))


def _done(request, year: int, run, success: str):
    try:
        result = run()
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success.format(result=result))
    return HttpResponseRedirect(_url(year), status=303)


@login_required
@require_POST
def holiday_add(request, year: int):
    _require_admin(request)
    _year_or_404(year)
    form = HolidayDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的日期和类别。")
        return HttpResponseRedirect(_url(year), status=303)
    day, is_workday = form.cleaned_data["day"], form.cleaned_data["is_workday"]
    name = form.cleaned_data["name"] or ("调休上班" if is_workday else "节假日")
    return _done(
        request,
        _year_or_404(day.year),
        lambda: holiday_set(actor=request.user, day=day, is_workday=is_workday, name=name),
        f"已录入{day.year}年{day.month}月{day.day}日（{'上班' if is_workday else '放假'}，{name}）。",
    )


@login_required
@require_POST
def holiday_remove_view(request, year: int):
    _require_admin(request)
    _year_or_404(year)
    day = params.date_param(request.POST, "day")
    if day is None:
        raise Http404
    return _done(
        request,
        year,
        lambda: holiday_remove(actor=request.user, day=day),
        f"已删除{day.year}年{day.month}月{day.day}日，该日按周一至周五计算。",
    )


@login_required
@require_POST
def holiday_paste(request, year: int):
    """All lines or none: a page that names every bad line, with the text kept to correct."""
    _require_admin(request)
    _year_or_404(year)
    form = HolidayPasteForm(request.POST)
    if not form.is_valid():
        return _page(request, year, paste_form=form, status=400)
    try:
        stored, weekend = holidays_enter(actor=request.user, text=form.cleaned_data["text"])
    except HolidayLinesInvalid as exc:
        return _page(request, year, paste_form=form, line_errors=exc.errors, status=400)
    except JiuzhuError as exc:
        form.add_error(None, exc.message)
        return _page(request, year, paste_form=form, status=400)
    note = f"，{weekend}个周末放假日本来休息，无需录入" if weekend else ""
    messages.success(request, f"已录入{len(stored)}天{note}。")
    years = sorted({d.day.year for d in stored}) or [year]
    return HttpResponseRedirect(_url(year if year in years else years[0]), status=303)


@login_required
@require_POST
def holiday_confirm(request, year: int):
    _require_admin(request)
    _year_or_404(year)
    form = HolidayConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写依据（如通知的文号）。")
        return HttpResponseRedirect(_url(year), status=303)
    return _done(
        request,
        year,
        lambda: holiday_year_confirm(
            actor=request.user, year=year, source=form.cleaned_data["source"]
        ),
        f"已确认{year}年节假日安排录入完毕，{year}年的期限不再按周一至周五计算。",
    )
