from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import anchorfile, audit, audit_anchor, params, spreadsheet
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError

from . import selectors, services

AUDIT_PAGE_SIZE = 50
EXPORT_MAX_ROWS = 200_000  # a bigger export asks for a narrower filter
_FILTER_NAMES = {
    "action": "操作",
    "q": "操作名称",
    "actor": "操作人",
    "household": "家庭",
    "from": "开始日期",
    "to": "结束日期",
}


def _audit_filters(request, user_id=None, household_id=None):
    """The filters of the query string, and the names of those that could not be read (a
    malformed or oversized value is ignored and named, never an error page)."""
    query = request.GET
    actors = selectors.county_users(request.user)
    values = {
        "action": params.choice_param(query, "action", selectors.action_values()),
        "q": params.text_param(query, "q", max_length=40),
        "actor": params.choice_param(query, "actor", [str(pk) for pk, _ in actors]),
        "household": params.text_param(query, "household", max_length=40),
        "from": params.date_param(query, "from"),
        "to": params.date_param(query, "to"),
    }
    bad = [
        label
        for name, label in _FILTER_NAMES.items()
        if (query.get(name) or "").strip() and not values[name]
    ]
    filters = selectors.AuditFilter(
        action=values["action"],
        text=values["q"],
        actor_id=user_id or (int(values["actor"]) if values["actor"] else None),
        household=values["household"],
        household_id=household_id,
        date_from=values["from"],
        date_to=values["to"],
    )
    return filters, values, actors, bad


def _require_reader(request) -> None:
    if not request.user.can(Perm.VIEW_AUDIT):
        raise Http404


@login_required
@require_GET
def audit_list(request, user_id: int | None = None, household_id: int | None = None):
    """The inspector's view of the audit trail, filtered by action (Chinese labels), person,
    household and dates; the filters stay across pages and go into the Excel export."""
    _require_reader(request)
    filters, values, actors, bad = _audit_filters(request, user_id, household_id)
    entries, subject = selectors.entries_for(user=request.user, filters=filters)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/audit_list.html",
        {
            "page": page,
            "subject": subject,
            "values": values,
            "action_choices": selectors.action_choices(),
            "actors": actors,
            "bad_filters": bad,
            "query": params.query_without_page(request.GET),
        },
    )


@export_view
@login_required
@require_GET
def audit_export(request):
    """The filtered audit trail as an Excel file (itself an audited export)."""
    _require_reader(request)
    filters, _, _, _ = _audit_filters(request)
    entries, _ = selectors.entries_for(user=request.user, filters=filters)
    total = entries.count()
    if total > EXPORT_MAX_ROWS:
        messages.error(
            request, f"符合条件的记录有{total}条，超过{EXPORT_MAX_ROWS}条，请缩小筛选范围后再导出。"
        )
        return HttpResponseRedirect(
            f"{reverse('audit:list')}?{params.query_without_page(request.GET)}"
        )
    export = spreadsheet.xlsx("审计记录", EXPORT_COLUMNS, selectors.export_rows(entries))
    audit.record(
        action="audit.export",
        actor=request.user,
        new={"query": params.query_without_page(request.GET), "rows": export.rows},
    )
    return xlsx_response(export, f"审计记录_{timezone.localdate():%Y%m%d}.xlsx")


EXPORT_COLUMNS = (
    spreadsheet.Column("序号", 10),
    spreadsheet.Column("时间", 20),
    spreadsheet.Column("操作人", 24),
    spreadsheet.Column("操作", 24),
    spreadsheet.Column("对象", 30),
    spreadsheet.Column("内容（原值 → 新值）", 60),
    spreadsheet.Column("理由", 30),
    spreadsheet.Column("网络地址", 16),
)


@login_required
@require_http_methods(["GET", "POST"])
def audit_verify(request):
    """审计链校验: when the chain last passed, the checks and anchors so far; the button (a POST)
    verifies the whole chain now. A GET only reads."""
    _require_reader(request)
    if request.method == "POST":
        try:
            check = services.audit_chain_check(actor=request.user)
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            if check.passed:
                messages.success(
                    request, f"审计链完整：共{check.rows_checked}条记录，逐条校验通过。"
                )
            else:
                messages.error(request, f"审计链校验未通过：{check.reason}")
        return HttpResponseRedirect(reverse("audit:verify"), status=303)
    return render(
        request,
        "supervision/audit_verify.html",
        {
            "last_passed": selectors.audit_last_passed(),
            "checks": selectors.audit_checks(),
            "anchors": selectors.audit_anchors(),
            "anchor_dir": audit_anchor.anchor_dir(),
            "fingerprint": audit_anchor.public_key_fingerprint(),
        },
    )


@login_required
@require_GET
def anchor_print(request, pk: int):
    """The printable anchor sheet: the inspector keeps a signed paper copy of the head."""
    _require_reader(request)
    anchor = selectors.audit_anchor_get(pk=pk)
    on_disk = audit_anchor.read_anchor_file(audit_anchor.anchor_dir() / anchor.file_name)
    matches = on_disk.head is not None and (on_disk.head.seq, on_disk.head.hash) == (
        anchor.seq,
        anchor.hash,
    )
    return render(
        request,
        "supervision/anchor_print.html",
        {
            "anchor": anchor,
            "groups": anchorfile.hash_groups(anchor.hash),
            "file_ok": matches,
            "file_error": on_disk.error if on_disk.head is None else "",
            "fingerprint": audit_anchor.public_key_fingerprint(),
        },
    )
