"""统计报表 pages: the list of forms, a form as on paper (every non-zero figure a link to the list
behind it), the list behind a figure, the Excel downloads, and 封存. Views parse the query and
call the services; errors come back as the services' Chinese messages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, params
from jiuzhu.core.downloads import export_view, xlsx_response
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.core.month import Month
from jiuzhu.regions.models import Region

from . import export
from .catalogue import FORMS, HALF, QUARTER, period_label
from .definitions import COUNT, DERIVED, SUM, TEXT, header_grid, leaves
from .scope import county_of
from .services import form_build, form_definition, sealed_at
from .trace import figure_trace

PAGE_SIZE = 50


def _reader(request) -> None:
    if not request.user.can(Perm.VIEW_REPORTS):
        raise DjangoPermissionDenied


def default_period(kind: str, today) -> str:
    last = Month.of(today).prev()
    if kind == QUARTER:
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    if kind == HALF:
        return f"{today.year}-H{1 if today.month <= 6 else 2}"
    return str(last)


def _regions(user) -> list[Region]:
    """The regions the reader may choose: their own and those below it, by code."""
    region = user.region
    if region is None:
        return []
    below = Region.objects.filter(parent=region).order_by("code")
    return [region, *below]


@login_required
@require_GET
def index(request):
    _reader(request)
    today = timezone.localdate()
    forms = [(f, default_period(f.period, today)) for f in FORMS.values()]
    last = Month.of(today).prev()
    county = county_of(request.user.region) if request.user.region else None
    context = {
        "forms": forms,
        "regions": _regions(request.user),
        "last_month": str(last),
        "can_seal": _can_seal(request.user),
        "sealed": county and sealed_at(county=county, period=str(last)),
        "can_purchases": request.user.can(Perm.MANAGE_SETTINGS),
    }
    return render(request, "reports/index.html", context)


def _can_seal(user) -> bool:
    return (
        user.can(Perm.APPROVE_CHANGES)
        and user.region is not None
        and user.region.level == Region.Level.COUNTY
    )


def _query(request, definition) -> tuple[str, str]:
    region = params.text_param(request.GET, "region", max_length=12)
    period = params.text_param(request.GET, "month", max_length=10)
    return region, period or default_period(definition.period, timezone.localdate())


def _display(value, col) -> str:
    from jiuzhu.core.templatetags.jiuzhu import yuan

    if col.money and not isinstance(value, str):
        return yuan(value)
    return "" if value is None else str(value)


def table(result, link_base: str | None) -> dict:
    """What the template draws: header lines of merged blocks, and rows of cells with their
    trace links (only for figures that are not zero and are counted, not derived)."""
    depth, blocks = header_grid(result.columns, result.first_header)
    header = [[b for b in blocks if b.row == r] for r in range(depth)]
    cols = leaves(result.columns)
    rows = [*result.rows, *([result.total] if result.total else [])]
    body = []
    for row in rows:
        cells = []
        for col in cols:
            cell = row.cells.get(col.key)
            value = cell.value if cell else ""
            link = ""
            traced = col.measure in (COUNT, SUM) and cell and value and link_base
            if traced:
                which = "total" if row.region_id is None else row.region_id
                link = f"{link_base}&{urlencode({'row': which, 'col': col.key})}"
            cls = "traced"
            if col.key == "name" and row.household_id:  # a register line: its household page
                link, cls = reverse("registry:household_detail", args=[row.household_id]), "hh"
            text = _display(value, col)
            cells.append({"text": text, "link": link, "cls": cls, "num": col.measure != TEXT})
        body.append({"label": row.label, "total": row is result.total, "cells": cells})
    return {"header": header, "body": body, "derived": DERIVED}


def _built(request, code: str):
    """The form's definition and its figures for the region and period asked for."""
    definition = form_definition(code)
    region, period = _query(request, definition)
    return definition, form_build(actor=request.user, code=code, region=region, month=period)


@login_required
@require_GET
def form_view(request, code: str):
    _reader(request)
    try:
        definition, result = _built(request, code)
    except JiuzhuError as exc:
        return render(request, "reports/error.html", {"message": exc.message}, status=400)
    query = urlencode({"region": result.region_id, "month": result.period})
    link_base = f"{reverse('reports:trace', args=[code])}?{query}"
    context = {
        "definition": definition,
        "result": result,
        "table": table(result, None if definition.is_register else link_base),
        "query": query,
        "period_label": period_label(result.period),
        "regions": _regions(request.user),
        "period_input": result.period,
    }
    return render(request, "reports/form.html", context)


def _unit(user, result) -> str:
    region = Region.objects.filter(pk=result.region_id).first()
    return region.full_name if region else ""


@export_view
@login_required
@require_GET
def form_export(request, code: str):
    """The form in the official layout (an audited export)."""
    _reader(request)
    try:
        definition, result = _built(request, code)
    except JiuzhuError as exc:
        return render(request, "reports/error.html", {"message": exc.message}, status=400)
    today = timezone.localdate()
    data = export.form_xlsx(result, unit=_unit(request.user, result), today=today)
    audit.record(
        action="reports.export",
        actor=request.user,
        new={"form": code, "region": result.region_name, "period": result.period},
    )
    return xlsx_response(data, f"{definition.title}_{result.region_name}_{result.period}.xlsx")


def _trace(request, code: str):
    q = request.GET
    region, period = _query(request, form_definition(code))
    return figure_trace(
        actor=request.user,
        code=code,
        region=region,
        month=period,
        row=params.text_param(q, "row", max_length=12),
        column=params.text_param(q, "col", max_length=40),
    )


@login_required
@require_GET
def trace_view(request, code: str):
    """The list behind a figure, a page at a time; its count or sum is the figure."""
    _reader(request)
    try:
        trace = _trace(request, code)
    except JiuzhuError as exc:
        return render(request, "reports/error.html", {"message": exc.message}, status=400)
    cell = trace.cell
    page = Paginator(list(range(len(cell.keys))), PAGE_SIZE).get_page(request.GET.get("page"))
    part = slice(page.start_index() - 1, page.end_index()) if cell.keys else slice(0, 0)
    rows = trace.rows(cell.keys[part], cell.weights[part] if trace.weighted else None)
    context = {
        "trace": trace,
        "rows": rows,
        "page": page,
        "query": params.query_without_page(request.GET),
        "value": _display(cell.value, trace.column),
        "count": len(cell.keys),
        "period_label": period_label(trace.form.period),
        "form_query": urlencode({"region": trace.form.region_id, "month": trace.form.period}),
    }
    return render(request, "reports/trace.html", context)


@export_view(query={"row": "total", "col": "all.a"})
@login_required
@require_GET
def trace_export(request, code: str):
    """The whole list behind a figure as Excel (an audited export)."""
    _reader(request)
    try:
        trace = _trace(request, code)
    except JiuzhuError as exc:
        return render(request, "reports/error.html", {"message": exc.message}, status=400)
    cell = trace.cell
    data = export.trace_xlsx(trace, cell.keys, cell.weights if trace.weighted else [])
    audit.record(
        action="reports.trace_export",
        actor=request.user,
        new={"form": code, "column": trace.column.label, "row": trace.row_label, "rows": data.rows},
    )
    return xlsx_response(data, f"{trace.form.title}_{trace.row_label}_{trace.column.label}.xlsx")


@login_required
@require_POST
def seal(request):
    """封存 a month (county approvers): its forms are kept as they are now."""
    from .services import form_seal

    month = params.text_param(request.POST, "month", max_length=10)
    try:
        sealed = form_seal(actor=request.user, month=month)
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        labels = "、".join(period_label(s.period) for s in sealed)
        messages.success(request, f"已封存：{labels}")
    return HttpResponseRedirect(reverse("reports:index"))
