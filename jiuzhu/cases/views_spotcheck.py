"""County spot-check pages (R3): draw, see the sample and its seed, record each visit."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.roles import Perm
from jiuzhu.core.errors import JiuzhuError

from . import spot_checks
from .models import SpotCheckDraw, SpotCheckVisit
from .sampling import REASON_LABELS


def _county_user(request):
    user = request.user
    if not user.can(Perm.SPOT_CHECK) or user.region is None or user.region.level != "county":
        raise Http404
    return user


@login_required
def draw_list(request):
    user = _county_user(request)
    if request.method == "POST":
        try:
            fraction = Decimal(request.POST.get("fraction") or "0.30")
            seed = request.POST.get("seed", "").strip()
            draw = spot_checks.spot_check_draw(
                actor=user,
                period_start=date.fromisoformat(request.POST["period_start"]),
                period_end=date.fromisoformat(request.POST["period_end"]),
                fraction=fraction,
                seed=int(seed) if seed else None,
            )
        except (ValueError, KeyError, InvalidOperation):
            messages.error(request, "请正确填写抽查期间（日期）、比例和种子（整数，可不填）")
        except JiuzhuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"已抽取{len(draw.selected_ids)}件，随机种子{draw.seed}已保存"
            )
            return redirect("spotchecks:detail", pk=draw.pk)
    today = timezone.localdate()
    draws = SpotCheckDraw.objects.filter(county=user.region).select_related("created_by")
    # after an error the form shows what was typed, not the defaults again
    values = {
        "period_start": today.replace(day=1).isoformat(),
        "period_end": today.isoformat(),
        "fraction": "0.30",
        "seed": "",
    }
    if request.method == "POST":
        values.update({k: request.POST.get(k, "")[:40] for k in values})
    return render(
        request,
        "cases/spotcheck_list.html",
        {"draws": draws, "values": values, "today": today},
    )


@login_required
def draw_detail(request, pk: int):
    user = _county_user(request)
    return _render_detail(request, get_object_or_404(SpotCheckDraw, pk=pk, county=user.region))


def _render_detail(request, draw: SpotCheckDraw, *, failed_visit: int | None = None):
    """The draw and its visits; after a refused visit record, that row keeps what was typed."""
    visits = draw.visits.select_related(
        "application__household", "application__township", "application__programme", "visited_by"
    )
    rows = [(v, [REASON_LABELS.get(r, r) for r in v.reasons]) for v in visits]
    reproduced = tuple(draw.selected_ids) == spot_checks.redraw(draw)
    return render(
        request,
        "cases/spotcheck_detail.html",
        {
            "draw": draw,
            "rows": rows,
            "reproduced": reproduced,
            "today": timezone.localdate(),
            "today_iso": timezone.localdate().isoformat(),
            "failed_visit": failed_visit,
            "typed": request.POST if failed_visit else {},
        },
    )


@login_required
@require_POST
def visit_record(request, pk: int):
    user = _county_user(request)
    visit = get_object_or_404(SpotCheckVisit, pk=pk, draw__county=user.region)
    try:
        visited_on = request.POST.get("visited_on", "").strip()
        spot_checks.spot_check_record(
            actor=user,
            visit_id=visit.pk,
            passed=request.POST.get("result") == "passed",
            findings=request.POST.get("findings", ""),
            visited_on=date.fromisoformat(visited_on) if visited_on else None,
            late_reason=request.POST.get("late_reason", ""),
        )
    except ValueError:
        messages.error(request, "核查日期格式错误")
    except JiuzhuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "核查结果已记录")
        return redirect("spotchecks:detail", pk=visit.draw_id)
    return _render_detail(request, visit.draw, failed_visit=visit.pk)
