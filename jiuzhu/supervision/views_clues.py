"""问题线索: the list (filters, pager, Excel), the register form, the clue page with its steps
as forms, and the printable reply letter. Views parse input and call the services."""

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
from jiuzhu.core import audit, params, spreadsheet
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.regions.models import Region
from jiuzhu.registry.selectors import households_for, villages_for

from . import clues
from . import forms_clues as f
from .clue_selectors import (
    ClueFilter,
    can_read_clues,
    can_see_evidence,
    clue_get,
    clues_filtered,
    household_links,
    townships_for,
)
from .models import Clue
from .typical_selectors import reader_county

PAGE_SIZE = 50
OPEN_STATES = {Clue.Status.REGISTERED, Clue.Status.ASSIGNED, Clue.Status.INVESTIGATING}


def _require_reader(request) -> None:
    if not can_read_clues(request.user):
        raise Http404


def _filters(request) -> ClueFilter:
    q = request.GET
    township = params.int_param(q, "township")
    return ClueFilter(
        status=params.choice_param(q, "status", [*Clue.Status.values, "open"]),
        category=params.choice_param(q, "category", Clue.Category.values),
        channel=params.choice_param(q, "channel", Clue.Channel.values),
        township_id=township,
        overdue=params.flag_param(q, "overdue"),
        handover=params.flag_param(q, "handover"),
    )


@login_required
@require_GET
def clue_list(request):
    _require_reader(request)
    filters = _filters(request)
    qs = clues_filtered(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/clue_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Clue.Status.choices,
            "categories": Clue.Category.choices,
            "channels": Clue.Channel.choices,
            "townships": townships_for(request.user)
            if request.user.region and request.user.region.level == "county"
            else [],
            "query": params.query_without_page(request.GET),
            "today": timezone.localdate(),
            "can_register": request.user.can(Perm.RECORD_COMPLAINTS),
            "can_typical": reader_county(request.user) is not None,
        },
    )


EXPORT_COLUMNS = (
    spreadsheet.Column("线索编号", 20),
    spreadsheet.Column("受理日期", 12),
    spreadsheet.Column("线索来源", 14),
    spreadsheet.Column("问题类别", 22),
    spreadsheet.Column("反映对象类型", 12),
    spreadsheet.Column("反映对象", 14),
    spreadsheet.Column("乡镇（街道）", 14),
    spreadsheet.Column("村（社区）", 14),
    spreadsheet.Column("办理状态", 10),
    spreadsheet.Column("承办人", 12),
    spreadsheet.Column("办理期限", 12),
    spreadsheet.Column("是否逾期", 8),
    spreadsheet.Column("办理结论", 10),
    spreadsheet.Column("办结日期", 12),
    spreadsheet.Column("移交纪检监察", 14),
)


def _export_rows(qs):
    for c in qs.iterator(chunk_size=2000):
        yield (
            c.number,
            c.received_on,
            c.get_channel_display(),
            c.get_category_display(),
            c.get_subject_kind_display(),
            c.subject_name or (c.household.head_name if c.household_id else ""),
            c.township.name,
            c.village.name,
            c.get_status_display(),
            c.assignee.display_name if c.assignee_id else "",
            c.due_on,
            "是" if c.is_overdue and c.is_open else "",
            c.get_conclusion_display() if c.conclusion else "",
            c.closed_on,
            c.get_handover_status_display() if c.handover_status else "",
        )


@export_view
@login_required
@require_GET
def clue_export(request):
    """The filtered list, whole, as Excel (an audited export; no complainant's data)."""
    _require_reader(request)
    qs = clues_filtered(user=request.user, filters=_filters(request)).select_related("household")
    export = spreadsheet.xlsx("问题线索", EXPORT_COLUMNS, _export_rows(qs))
    audit.record(
        action="clue.export",
        actor=request.user,
        new={"query": params.query_without_page(request.GET), "rows": export.rows},
    )
    return xlsx_response(export, f"问题线索_{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def clue_new(request):
    if not request.user.can(Perm.RECORD_COMPLAINTS):
        raise Http404
    villages = villages_for(request.user)
    household = None
    hid = params.int_param(request.GET, "household")
    if hid:
        household = households_for(request.user).filter(pk=hid).first()
    finding = _finding_for(request.user, params.int_param(request.GET, "finding"))
    form = f.ClueRegisterForm(
        request.POST or None,
        villages=villages,
        initial={
            "received_on": timezone.localdate(),
            "household_number": household.number if household else "",
            "subject_kind": Clue.Subject.HOUSEHOLD if household else "",
            "subject_name": household.head_name if household else "",
            "finding": finding.pk if finding else None,
            "channel": Clue.Channel.FINDING if finding else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        number = d["household_number"].strip()
        found = households_for(request.user).filter(number=number).first() if number else None
        if number and found is None:
            form.add_error("household_number", "没有找到该家庭编号")
        else:
            try:
                clue = clues.clue_register(
                    actor=request.user,
                    channel=d["channel"],
                    received_on=d["received_on"],
                    category=d["category"],
                    subject_kind=d["subject_kind"],
                    content=d["content"],
                    village_id=d["village"] or None,
                    household_id=found.pk if found else None,
                    subject_name=d["subject_name"],
                    complainant_name=d["complainant_name"],
                    complainant_phone=d["complainant_phone"],
                    finding_id=d["finding"],
                )
            except JiuzhuError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"已登记问题线索{clue.number}，办理期限{clue.due_on:%Y年%-m月%-d日}。"
                )
                return HttpResponseRedirect(reverse("clues:detail", args=[clue.pk]), status=303)
    return render(
        request,
        "supervision/clue_new.html",
        {"form": form, "household": household, "finding": finding},
    )


def _finding_for(user, pk: int | None):
    """The finding a clue is registered from (比对核查发现), within the reader's regions."""
    if not pk:
        return None
    from jiuzhu.crosscheck.finding_selectors import findings_for

    return findings_for(user).filter(pk=pk).first()


def _assign_people(clue: Clue):
    people = User.objects.filter(
        region_id__in=[clue.township_id, clue.county_id],
        is_active=True,
        role__in=[Role.TOWNSHIP_OFFICER, Role.COUNTY_ADMIN, Role.COUNTY_REVIEWER],
    ).select_related("region")
    return people.order_by("region__level", "full_name", "pk")


def _steps(user, clue: Clue) -> dict:
    """The step forms the page shows this reader (the services decide again on submit)."""
    handler = (user.can(Perm.RECORD_COMPLAINTS) and user.can(Perm.HANDLE_CASES)) or (
        clue.assignee_id == user.pk
    )
    county = user.region is not None and user.region.level == "county"
    steps = {}
    if county and handler and clue.status in OPEN_STATES:
        steps["assign"] = f.AssignForm(people=_assign_people(clue))
    if handler and clue.status in OPEN_STATES:
        steps["investigate"] = f.InvestigateForm()
    if handler and clue.status in {Clue.Status.INVESTIGATING, Clue.Status.REPLIED}:
        steps["reply"] = f.ReplyForm(initial={"reply_text": clue.reply_text})
    if handler and clue.status in {Clue.Status.INVESTIGATING, Clue.Status.REPLIED}:
        steps["close"] = f.CloseForm()
    if county and handler and clue.flagged_for_handover and not clue.handover_status:
        steps["handover"] = f.HandoverForm()
    if user.role == Role.INSPECTOR and clue.handover_status == Clue.Handover.HANDED:
        steps["progress"] = f.ProgressForm()
        steps["conclude"] = f.ConcludeForm()
    return steps


@login_required
@require_GET
def clue_detail(request, pk: int):
    _require_reader(request)
    clue = clue_get(user=request.user, pk=pk)
    return render(
        request,
        "supervision/clue_detail.html",
        {
            "clue": clue,
            "steps": _steps(request.user, clue),
            "evidence_visible": can_see_evidence(request.user),
            "links": household_links(clue),
            "today": timezone.localdate(),
            "can_open_item": request.user.can(Perm.HANDLE_FINDINGS)
            and request.user.region is not None
            and request.user.region.level in ("county", "township"),
        },
    )


_STEP_FORMS = {
    "assign": f.AssignForm,
    "investigate": f.InvestigateForm,
    "reply": f.ReplyForm,
    "close": f.CloseForm,
    "handover": f.HandoverForm,
    "progress": f.ProgressForm,
    "conclude": f.ConcludeForm,
}
_DONE = {
    "assign": "已交办。",
    "investigate": "已登记调查核实情况。",
    "reply": "已登记答复。",
    "close": "问题线索已办结。",
    "handover": "已移交纪检监察。",
    "progress": "已登记办理进展。",
    "conclude": "纪检监察已办结。",
}


def _run_step(user, clue: Clue, step: str, d: dict) -> None:
    if step == "assign":
        clues.clue_assign(actor=user, clue_id=clue.pk, assignee_id=d["assignee"])
    elif step == "investigate":
        clues.clue_investigate(actor=user, clue_id=clue.pk, notes=d["notes"])
    elif step == "reply":
        clues.clue_reply(
            actor=user, clue_id=clue.pk, reply_text=d["reply_text"], replied_on=d["replied_on"]
        )
    elif step == "close":
        clues.clue_close(
            actor=user, clue_id=clue.pk, conclusion=d["conclusion"], measures=d["measures"]
        )
    elif step == "handover":
        clues.clue_handover(actor=user, clue_id=clue.pk, evidence=d["evidence"])
    elif step == "progress":
        clues.handover_progress(actor=user, clue_id=clue.pk, note=d["note"])
    elif step == "conclude":
        clues.handover_conclude(actor=user, clue_id=clue.pk, result=d["result"])


@login_required
@require_POST
def clue_step(request, pk: int, step: str):
    _require_reader(request)
    clue = clue_get(user=request.user, pk=pk)
    if step not in _STEP_FORMS:
        raise Http404
    kwargs = {"people": _assign_people(clue)} if step == "assign" else {}
    form = _STEP_FORMS[step](request.POST, **kwargs)
    if not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"请检查填写的内容：{errors}")
    else:
        try:
            _run_step(request.user, clue, step, form.cleaned_data)
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _DONE[step])
    return HttpResponseRedirect(reverse("clues:detail", args=[clue.pk]), status=303)


@login_required
@require_GET
def clue_reply_print(request, pk: int):
    """The reply letter (答复意见书), A4, to the complainant; printing records nothing."""
    _require_reader(request)
    clue = clue_get(user=request.user, pk=pk)
    if not clue.reply_text:
        raise Http404("该线索尚未答复")
    county = Region.objects.get(pk=clue.county_id)
    return render(
        request,
        "supervision/clue_reply_print.html",
        {"clue": clue, "county": county, "authority": f"{county.name}民政局"},
    )
