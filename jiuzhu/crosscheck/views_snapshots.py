"""Registry snapshot pages: the list by kind, upload → preview (nothing written) → import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import uploads
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.jobs import job_display
from jiuzhu.registry.import_template import problems_xlsx

from . import snapshot_selectors, snapshot_services, snapshot_size
from .forms_snapshots import SnapshotUploadForm
from .models import RegistrySnapshot
from .registries import REGISTRIES, Kind
from .snapshot_template import template_xlsx

SHOWN_PROBLEMS = 500


def _require_import(user):
    region = getattr(user, "region", None)
    if not user.can(Perm.IMPORT_REGISTRIES) or region is None or region.level != "county":
        raise Http404


@login_required
def snapshot_list(request):
    _require_import(request.user)
    snapshots = list(snapshot_selectors.snapshots_for(request.user))
    latest = {s.pk for s in snapshot_selectors.latest_snapshots(request.user.region).values()}
    groups = [
        {"registry": r, "snapshots": [s for s in snapshots if s.kind == r.kind.value]}
        for r in REGISTRIES.values()
    ]
    return render(request, "crosscheck/snapshot_list.html", {"groups": groups, "latest": latest})


@login_required
def snapshot_upload(request):
    _require_import(request.user)
    form = SnapshotUploadForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "")}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # The guard's own limit, before the file is read into memory.
            uploads.refuse_oversize(upload.size, snapshot_services.upload_limits().max_bytes)
            snap = snapshot_services.snapshot_preview(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                as_of=form.cleaned_data["as_of"],
                source=form.cleaned_data["source"],
                file_name=upload.name,
                data=upload.read(),
            )
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("snapshots:detail", pk=snap.pk)
    return render(
        request,
        "crosscheck/snapshot_upload.html",
        {"form": form, "registries": REGISTRIES.values()},
    )


def _snapshot(request, pk) -> RegistrySnapshot:
    _require_import(request.user)
    return get_object_or_404(snapshot_selectors.snapshots_for(request.user), pk=pk)


@login_required
def snapshot_detail(request, pk: int):
    snap = _snapshot(request, pk)
    problems = snap.report.get("problems", [])
    errors = [p for p in problems if p["severity"] == "error"]
    warnings = [p for p in problems if p["severity"] != "error"]
    context = {
        "snap": snap,
        "label": REGISTRIES[Kind(snap.kind)].label,
        "errors": errors[:SHOWN_PROBLEMS],
        "error_count": len(errors),
        "warnings": warnings[:SHOWN_PROBLEMS],
        "warning_count": len(warnings),
        "id_status": snap.report.get("id_status", {}),
        "bad_row_count": len(snap.report.get("bad_rows", [])),
    }
    # the job's progress, or that its worker died (shown as failed, to start again)
    context.update(job_display(snap.job if snap.job_id else None))
    # for the forms that import it: the active snapshot it would replace, and whether it is
    # much smaller (then the officer confirms)
    committable = snap.status in (RegistrySnapshot.Status.PREVIEWED, RegistrySnapshot.Status.FAILED)
    if committable or context.get("interrupted"):
        context["replacement"] = snapshot_size.replacement_for(snap)
    if request.htmx:
        return render(request, "crosscheck/_snapshot_status.html", context)
    return render(request, "crosscheck/snapshot_preview.html", context)


@export_view
@login_required
def snapshot_problems(request, pk: int):
    """Every problem (errors and warnings) as an Excel file to fix the source file from."""
    snap = _snapshot(request, pk)
    return xlsx_response(
        problems_xlsx(snap.report.get("problems", [])), f"比对数据检查结果_{snap.pk}.xlsx"
    )


@login_required
@require_POST
def snapshot_commit(request, pk: int):
    snap = _snapshot(request, pk)
    try:
        snapshot_services.snapshot_commit(
            actor=request.user,
            snapshot_id=snap.pk,
            good_rows=request.POST.get("good_rows") == "1",
            confirm_smaller=request.POST.get("confirm_smaller") == "1",
        )
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    return redirect("snapshots:detail", pk=snap.pk)


@login_required
@require_POST
def snapshot_discard(request, pk: int):
    snap = _snapshot(request, pk)
    try:
        snapshot_services.snapshot_discard(actor=request.user, snapshot_id=snap.pk)
        messages.info(request, "已放弃该批数据，未写入任何比对数据")
    except JiuzhuError as exc:
        messages.error(request, exc.message)
        return redirect("snapshots:detail", pk=snap.pk)
    return redirect("snapshots:list")


@export_view
@login_required
def snapshot_template(request, kind: str):
    _require_import(request.user)
    try:
        reg = REGISTRIES[Kind(kind)]
    except ValueError:
        raise Http404 from None
    return xlsx_response(template_xlsx(kind), f"比对数据模板_{reg.label}.xlsx")
