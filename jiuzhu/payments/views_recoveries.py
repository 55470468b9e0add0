"""Pages: the recoveries ledger (追回台账) and a recovery; the reviews queue (复核) with open
referrals (转介); recording a death; the written stop notice (停发告知书). Thin: parse, call
the service, show its message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.jurisdiction import region_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import params, spreadsheet
from jiuzhu.core.audit_selectors import entries_for_object
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import county_of
from jiuzhu.registry.models import Person

from . import deaths, exits, recoveries, reviews
from . import recovery_selectors as selectors
from .models import Recovery, Referral, Review


def _reader(request):
    if not selectors.can_read_recoveries(request.user):
        raise Http404
    return request.user


def _ledger_filters(request) -> dict:
    query = request.GET
    return {
        "status": params.choice_param(query, "status", Recovery.Status.values),
        "cause": params.choice_param(query, "cause", Recovery.Cause.values),
        "township_id": params.int_param(query, "township"),
    }


def _ledger_xlsx(qs) -> spreadsheet.Export:
    columns = [
        "编号",
        "乡镇（街道）",
        "村（社区）",
        "家庭编号",
        "户主",
        "原因",
        "来源",
        "涉及月份",
        "应追回金额",
        "已追回金额",
        "状态",
        "登记日期",
    ]
    rows = (
        (
            r.pk,
            r.township.name,
            r.village.name,
            r.household.number,
            r.household.head_name,
            r.get_cause_display(),
            r.source,
            r.months,
            r.amount,
            r.recovered_amount,
            r.get_status_display(),
            timezone.localtime(r.created_at).date(),
        )
        for r in qs.iterator()
    )
    return spreadsheet.xlsx("追回台账", columns, rows)


@export_view(query={"format": "xlsx"})
@login_required
def recovery_list(request):
    user = _reader(request)
    filters = _ledger_filters(request)
    qs, totals = selectors.recovery_ledger(user=user, **filters)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_ledger_xlsx(qs), f"追回台账_{timezone.localdate():%Y%m%d}.xlsx")
    return render(
        request,
        "payments/recovery_list.html",
        {
            "recoveries": qs[:200],
            "totals": totals,
            "filters": filters,
            "statuses": Recovery.Status.choices,
            "causes": Recovery.Cause.choices,
            "townships": Region.objects.filter(parent=county_of(user.region)).order_by("code")
            if user.region and user.region.level == "county"
            else [],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def recovery_detail(request, pk: int):
    user = _reader(request)
    recovery = selectors.recovery_get(user=user, pk=pk)
    return render(
        request,
        "payments/recovery_detail.html",
        {
            "r": recovery,
            "lines": selectors.recovery_lines(recovery),
            "payments": recovery.payments.select_related("recorded_by"),
            "history": entries_for_object(recovery),
            "outstanding": recovery.amount - recovery.recovered_amount,
            "can_pay": user.can(Perm.MANAGE_RECOVERIES)
            and recovery.status in (Recovery.Status.PENDING, Recovery.Status.PARTIAL),
            "can_write_off": user.can(Perm.WRITE_OFF_RECOVERIES)
            and recovery.created_by_id != user.pk
            and recovery.status in (Recovery.Status.PENDING, Recovery.Status.PARTIAL),
            "today": timezone.localdate(),
        },
    )


def _money(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None


@require_POST
@login_required
def recovery_pay(request, pk: int):
    amount, paid_on = _money(request.POST.get("amount", "")), _date(request.POST.get("paid_on", ""))
    if amount is None or paid_on is None:
        messages.error(request, "请填写追回金额和追回日期")
        return redirect("payments:recovery_detail", pk=pk)
    try:
        recoveries.recovery_record_payment(
            actor=request.user,
            recovery_id=pk,
            amount=amount,
            paid_on=paid_on,
            note=request.POST.get("note", ""),
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记追回款")
    return redirect("payments:recovery_detail", pk=pk)


@require_POST
@login_required
def recovery_write_off(request, pk: int):
    try:
        recoveries.recovery_write_off(
            actor=request.user, recovery_id=pk, reason=request.POST.get("reason", "")
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已核销")
    return redirect("payments:recovery_detail", pk=pk)


# --- reviews and referrals -------------------------------------------------------------------


def _review_user(request):
    user = request.user
    if not (user.can(Perm.HANDLE_REVIEWS) or user.can(Perm.VIEW_PAYROLL)):
        raise Http404
    return user


@login_required
def review_queue(request):
    user = _review_user(request)
    today = timezone.localdate()
    return render(
        request,
        "payments/review_queue.html",
        {
            "due": selectors.reviews_due(user=user, today=today),
            "referrals": selectors.referrals_open(user=user),
            "outcomes": Review.Outcome.choices,
            "referral_statuses": [
                (Referral.Status.ASSISTED, Referral.Status.ASSISTED.label),
                (Referral.Status.DECLINED, Referral.Status.DECLINED.label),
            ],
            "targets": Referral.Target.choices,
            "can_handle": user.can(Perm.HANDLE_REVIEWS),
            "today": today,
        },
    )


@require_POST
@login_required
def review_done(request, enrolment_id: int):
    outcome = request.POST.get("outcome", "")
    try:
        reviews.review_complete(
            actor=request.user,
            enrolment_id=enrolment_id,
            outcome=outcome,
            note=request.POST.get("note", ""),
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
        return redirect("payments:review_queue")
    if outcome in (Review.Outcome.CHANGE, Review.Outcome.EXIT):
        messages.info(request, "已记录复核结论，请填写异动申报")
        return redirect(reviews.CHANGE_FORM_URL.format(enrolment_id))
    messages.success(request, "已完成复核，下次复核日期已顺延")
    return redirect("payments:review_queue")


@require_POST
@login_required
def referral_new(request):
    try:
        exits.referral_create(
            actor=request.user,
            household_id=params.int_or_404(request.POST, "household"),
            target=request.POST.get("target", ""),
            hardship=request.POST.get("hardship", ""),
            enrolment_id=params.int_param(request.POST, "enrolment"),
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已转介")
    return redirect("payments:review_queue")


@require_POST
@login_required
def referral_done(request, pk: int):
    try:
        exits.referral_close(
            actor=request.user,
            referral_id=pk,
            status=request.POST.get("status", ""),
            outcome=request.POST.get("outcome", ""),
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "转介已办结")
    return redirect("payments:review_queue")


# --- deaths and exits --------------------------------------------------------------------------


@login_required
def death_new(request, person_id: int):
    user = request.user
    if not (user.can(Perm.CHANGE_ENROLMENTS) and user.can(Perm.MANAGE_RECOVERIES)):
        raise Http404
    person = (
        Person.objects.select_related("household")
        .filter(region_q(user, prefix="household__"), pk=person_id)
        .first()
    )
    if person is None:
        raise Http404
    if request.method == "POST":
        died_on = _date(request.POST.get("died_on", ""))
        if died_on is None:
            messages.error(request, "请填写死亡日期")
        else:
            try:
                done = deaths.death_record(
                    actor=user,
                    person_id=person.pk,
                    died_on=died_on,
                    source=request.POST.get("source", ""),
                )
            except JiuzhuError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    f"已登记死亡：停发{len(done['stopped'])}项，"
                    f"{'已生成追回记录' if done['recovery'] else '无需追回'}，"
                    f"安排复核{len(done['reviews'])}项",
                )
                if done["recovery"]:
                    return redirect("payments:recovery_detail", pk=done["recovery"])
                return redirect("payments:review_queue")
    return render(request, "payments/exit_death.html", {"person": person})


@login_required
def stop_notice(request, change_id: int):
    notice = exits.stop_notice(user=request.user, change_id=change_id)
    return render(
        request, "payments/exit_notice.html", {"n": notice, "today": timezone.localdate()}
    )
