"""整改台账: the list (filters, pager, overdue rows red), the per-township summary, the Excel in
the county's upward-report layout, the open form, the entry's page with its steps as forms,
and the evidence download. Views parse input and call the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Perm, Role
from jiuzhu.core import audit, params, spreadsheet, uploads
from jiuzhu.core.downloads import export_view, file_response, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.regions.models import Region

from . import forms_rectification as f
from . import rectification as services
from .clue_selectors import clues_for, townships_for
from .models import RectificationItem
from .rectification_selectors import (
    ItemFilter,
    can_read_items,
    item_get,
    items_filtered,
    township_summary,
)
from .typical_selectors import reader_county

PAGE_SIZE = 50
Status, Source = RectificationItem.Status, RectificationItem.Source
HANDLER_ROLES = [Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD, Role.COUNTY_ADMIN, Role.COUNTY_REVIEWER]


def _require_reader(request) -> None:
    if not can_read_items(request.user):
        raise Http404


def _is_county(user) -> bool:
    return user.region is not None and user.region.level == Region.Level.COUNTY


def _filters(request) -> ItemFilter:
    q = request.GET
    return ItemFilter(
        status=params.choice_param(q, "status", [*Status.values, "open"]),
        source=params.choice_param(q, "source", Source.values),
        township_id=params.int_param(q, "township"),
        overdue=params.flag_param(q, "overdue"),
    )


def _can_open(user) -> bool:
    return user.can(Perm.HANDLE_FINDINGS) and user.region is not None


@login_required
@require_GET
def item_list(request):
    _require_reader(request)
    filters = _filters(request)
    page = Paginator(items_filtered(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "supervision/rectification_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Status.choices,
            "sources": Source.choices,
            "townships": townships_for(request.user) if _is_county(request.user) else [],
            "query": params.query_without_page(request.GET),
            "can_open": _can_open(request.user),
            "can_typical": reader_county(request.user) is not None,
        },
    )


@login_required
@require_GET
def item_summary(request):
    """Per township: open, overdue and closed entries, each a link to the filtered list."""
    _require_reader(request)
    rows = township_summary(request.user)
    totals = {k: sum(r[k] for r in rows) for k in ("open", "overdue", "closed")}
    return render(
        request, "supervision/rectification_summary.html", {"rows": rows, "totals": totals}
    )


EXPORT_COLUMNS = (
    spreadsheet.Column("序号", 6),
    spreadsheet.Column("问题来源", 12),
    spreadsheet.Column("问题描述", 40),
    spreadsheet.Column("整改措施", 40),
    spreadsheet.Column("责任单位", 16),
    spreadsheet.Column("责任人", 10),
    spreadsheet.Column("整改时限", 14),
    spreadsheet.Column("整改情况", 40),
    spreadsheet.Column("是否销号", 8),
    spreadsheet.Column("销号时间", 14),
    spreadsheet.Column("备注", 24),
)


def _remark(item: RectificationItem) -> str:
    parts = [item.number]
    if item.is_open and item.is_overdue:
        parts.append("已逾期")
    if item.return_reason and item.is_open:
        parts.append(f"退回重改：{item.return_reason}")
    return "；".join(parts)


def _export_rows(qs):
    for n, item in enumerate(qs.iterator(chunk_size=2000), start=1):
        situation = item.get_status_display()
        if item.fix_note:
            situation = f"{situation}：{item.fix_note}"
        yield (
            n,
            item.get_source_display(),
            item.problem,
            item.measure,
            item.responsible_unit.name,
            item.responsible.display_name,
            item.deadline,
            situation,
            "是" if item.status == Status.CLOSED else "否",
            item.verified_on,
            _remark(item),
        )


def _county_name(user) -> str:
    region = user.region
    while region is not None and region.level != Region.Level.COUNTY:
        region = region.parent
    return region.name if region is not None else ""


@export_view
@login_required
@require_GET
def item_export(request):
    """The filtered ledger, whole, in the layout a county submits upwards (an audited export)."""
    _require_reader(request)
    qs = items_filtered(user=request.user, filters=_filters(request)).order_by("opened_on", "pk")
    today = timezone.localdate()
    county = _county_name(request.user)
    book = spreadsheet.XlsxWriter()
    sheet = book.sheet(
        "整改台账",
        EXPORT_COLUMNS,
        titles=[
            f"{county}最低生活保障专项治理问题整改台账",
            f"填报日期：{today.year}年{today.month}月{today.day}日",
        ],
    )
    for row in _export_rows(qs):
        sheet.append(row)
    export = book.finish()
    audit.record(
        action="rectification.export",
        actor=request.user,
        new={"query": params.query_without_page(request.GET), "rows": export.rows},
    )
    return xlsx_response(export, f"整改台账_{today:%Y%m%d}.xlsx")


def _people(user):
    """Who may be made responsible: staff handling findings in the reader's townships and
    county."""
    county = user.region if _is_county(user) else user.region.parent
    regions = [county.pk, *townships_for(user).values_list("pk", flat=True)]
    return (
        User.objects.filter(region_id__in=regions, is_active=True, role__in=HANDLER_ROLES)
        .select_related("region")
        .order_by("region__level", "region__code", "full_name", "pk")
    )


def _source_object(user, request):
    """The clue or finding the form was opened from (列入整改台账), within the reader's regions."""
    clue = finding = None
    clue_id = params.int_param(request.GET, "clue")
    if clue_id:
        clue = clues_for(user).filter(pk=clue_id).first()
    finding_id = params.int_param(request.GET, "finding")
    if finding_id:
        from jiuzhu.crosscheck.finding_selectors import findings_for

        finding = findings_for(user).filter(pk=finding_id).first()
    return clue, finding


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request):
    _require_reader(request)
    if not _can_open(request.user):
        raise Http404
    clue, finding = _source_object(request.user, request)
    source = Source.CLUE if clue else Source.FINDING if finding else ""
    form = f.ItemOpenForm(
        request.POST or None,
        townships=townships_for(request.user),
        people=_people(request.user),
        initial={
            "source": source,
            "clue": clue.pk if clue else None,
            "finding": finding.pk if finding else None,
            "problem": clue.content if clue else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        responsible = User.objects.filter(pk=d["responsible"]).first()
        try:
            item = services.item_open(
                actor=request.user,
                source=d["source"],
                problem=d["problem"],
                measure=d["measure"],
                responsible_id=d["responsible"],
                responsible_unit_id=responsible.region_id if responsible else None,
                township_id=d["township"] or None,
                deadline_days=d["deadline_days"],
                deadline=d["deadline"],
                clue_id=d["clue"],
                finding_id=d["finding"],
                spot_check_id=d["spot_check"],
            )
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"已列入整改台账{item.number}，整改时限"
                f"{item.deadline.year}年{item.deadline.month}月{item.deadline.day}日。",
            )
            return HttpResponseRedirect(reverse("clues:ledger_detail", args=[item.pk]), status=303)
    return render(
        request,
        "supervision/rectification_new.html",
        {"form": form, "clue": clue, "finding": finding},
    )


def _steps(user, item: RectificationItem) -> dict:
    """The step forms the page shows this reader (the services decide again on submit)."""
    steps = {}
    own_unit = user.region_id == item.responsible_unit_id and user.can(Perm.HANDLE_FINDINGS)
    if item.status == Status.IN_PROGRESS and (user.pk == item.responsible_id or own_unit):
        steps["submit"] = f.SubmitFixForm()
    verifier = (
        _is_county(user)
        and user.can(Perm.HANDLE_FINDINGS)
        and user.pk not in (item.responsible_id, item.fix_submitted_by_id)
    )
    if item.status == Status.SUBMITTED and verifier:
        steps["verify"] = f.VerifyForm()
        steps["return"] = f.ReturnForm()
    return steps


@login_required
@require_GET
def item_detail(request, pk: int):
    _require_reader(request)
    item = item_get(user=request.user, pk=pk)
    separated = item.status == Status.SUBMITTED and request.user.pk in (
        item.responsible_id,
        item.fix_submitted_by_id,
    )
    return render(
        request,
        "supervision/rectification_detail.html",
        {
            "item": item,
            "attachments": list(item.attachments.select_related("uploaded_by")),
            "steps": _steps(request.user, item),
            "separated": separated,
        },
    )


_STEP_FORMS = {"submit": f.SubmitFixForm, "verify": f.VerifyForm, "return": f.ReturnForm}
_DONE = {
    "submit": "已提交整改情况，等待对账销号。",
    "verify": "已对账销号。",
    "return": "已退回重改。",
}


@login_required
@require_POST
def item_step(request, pk: int, step: str):
    _require_reader(request)
    item = item_get(user=request.user, pk=pk)
    if step not in _STEP_FORMS:
        raise Http404
    files = request.FILES.getlist("files") if step == "submit" else []
    form = _STEP_FORMS[step](request.POST)
    if not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"请检查填写的内容：{errors}")
        return HttpResponseRedirect(reverse("clues:ledger_detail", args=[item.pk]), status=303)
    d = form.cleaned_data
    try:
        if step == "submit":
            for upload in files:  # the guard's size limit, before a file is read into memory
                uploads.refuse_oversize(upload.size, uploads.attachment_max_bytes())
            services.item_submit_fix(
                actor=request.user,
                item_id=item.pk,
                note=d["note"],
                attachments=[(u.name, u.read()) for u in files],
            )
        elif step == "verify":
            services.item_verify(actor=request.user, item_id=item.pk, note=d["note"])
        else:
            services.item_return(actor=request.user, item_id=item.pk, reason=d["reason"])
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _DONE[step])
    return HttpResponseRedirect(reverse("clues:ledger_detail", args=[item.pk]), status=303)


@login_required
@require_GET
def item_attachment(request, pk: int):
    """An evidence file, for one who may see its entry (another township's: 404)."""
    _require_reader(request)
    try:
        attachment, data = services.item_attachment(actor=request.user, attachment_id=pk)
    except JiuzhuError as exc:
        raise Http404(exc.message) from None
    return file_response(data, attachment.name or "附件", "application/octet-stream")
