from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import anchorfile, audit_anchor, params
from jiuzhu.core.errors import JiuzhuError

from . import selectors, services


@login_required
def audit_list(request, user_id: int | None = None, household_id: int | None = None):
    """The inspector's view of the audit trail: everything, one user's actions, or one household."""
    if not request.user.can(Perm.VIEW_AUDIT):
        raise Http404
    action = params.text_param(request.GET, "action", max_length=100)
    entries, subject = selectors.entries_for(
        user=request.user,
        actor_id=user_id,
        household_id=household_id,
        action=action,
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/audit_list.html",
        {"page": page, "subject": subject, "action": action},
    )


def _require_audit_reader(request) -> None:
    if not request.user.can(Perm.VIEW_AUDIT):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def audit_verify(request):
    """审计链校验: when the chain last passed, the checks and anchors so far; the button (a POST)
    verifies the whole chain now. A GET only reads."""
    _require_audit_reader(request)
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
    _require_audit_reader(request)
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
