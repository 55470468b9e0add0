"""Household import pages: upload → preview (nothing written) → import the good rows."""

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

from . import import_services, import_template
from .forms import UploadForm
from .models import ImportBatch


def _require_import(user):
    if not user.can(Perm.IMPORT_HOUSEHOLDS):
        raise Http404


@login_required
def import_upload(request):
    _require_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # The guard's own limit, before the file is read into memory.
            uploads.refuse_oversize(upload.size, import_services.upload_limits().max_bytes)
            batch = import_services.import_preview(
                actor=request.user, file_name=upload.name, data=upload.read()
            )
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("registry:import_preview", pk=batch.pk)
    batches = import_services.batches_for(request.user)[:10]
    return render(request, "registry/import_upload.html", {"form": form, "batches": batches})


def _batch(request, pk) -> ImportBatch:
    _require_import(request.user)
    return get_object_or_404(import_services.batches_for(request.user), pk=pk)


@login_required
def import_preview(request, pk: int):
    batch = _batch(request, pk)
    problems = batch.report.get("problems", [])
    context = {
        "batch": batch,
        "problems": problems[:1000],
        "problem_count": len(problems),
        "error_count": sum(p["severity"] == "error" for p in problems),
    }
    # the job's progress, or that its worker died (shown as failed, to start again)
    context.update(job_display(batch.job if batch.job_id else None))
    if request.htmx:
        return render(request, "registry/_import_status.html", context)
    return render(request, "registry/import_preview.html", context)


@export_view
@login_required
def import_errors(request, pk: int):
    """The problems as an Excel file the officer can fix the source file from."""
    batch = _batch(request, pk)
    data = import_template.problems_xlsx(batch.report.get("problems", []))
    return xlsx_response(data, f"导入检查结果_{batch.pk}.xlsx")


@login_required
@require_POST
def import_commit(request, pk: int):
    batch = _batch(request, pk)
    try:
        import_services.import_commit(actor=request.user, batch_id=batch.pk)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    return redirect("registry:import_preview", pk=batch.pk)


@login_required
@require_POST
def import_discard(request, pk: int):
    batch = _batch(request, pk)
    try:
        import_services.import_discard(actor=request.user, batch_id=batch.pk)
        messages.info(request, "已放弃该批次，未写入任何数据")
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    return redirect("registry:import_upload")


@export_view
@login_required
def import_template_view(request):
    _require_import(request.user)
    return xlsx_response(import_template.template_xlsx(), "家庭人员导入模板.xlsx")
