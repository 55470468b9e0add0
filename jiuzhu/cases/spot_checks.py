"""County spot checks (R3, S2 art. 20): a reproducible random draw of at least 30% of the cases
confirmed in a period, plus every kin-registered, complained-about or supporter-incapacity case;
each visit's result is recorded, and a failed visit reopens the case."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed

from . import sampling
from .access import require
from .models import Application, SpotCheckDraw, SpotCheckVisit
from .services import transition
from .step_checks import checked_date
from .step_dates import StepKind
from .workflow import Action, Status

CONFIRMED = [Status.CONFIRMED, Status.ENROLLED]


def _mandatory(app: Application) -> list[str]:
    reasons = []
    if app.kin_registered:
        reasons.append(sampling.KIN)
    if app.has_complaint:
        reasons.append(sampling.COMPLAINT)
    if app.supporter_incapable_claim:
        reasons.append(sampling.SUPPORTER_INCAPABLE)
    return reasons


@transaction.atomic
def spot_check_draw(
    *,
    actor,
    period_start: date,
    period_end: date,
    fraction: Decimal = Decimal("0.30"),
    seed: int | None = None,
) -> SpotCheckDraw:
    require(actor, Perm.SPOT_CHECK)
    county = actor.region
    if county is None or county.level != "county":
        raise PermissionDenied("抽查由县级民政部门组织")
    if period_end < period_start:
        raise ValidationFailed("抽查期间的截止日期早于起始日期")
    if fraction < Decimal("0.30"):
        raise ValidationFailed(
            "随机抽查比例不得低于30%（县级对乡镇审核确认的新增对象随机抽查不低于30%）"
        )
    cases = list(
        Application.objects.filter(
            county=county, status__in=CONFIRMED, decided_on__range=(period_start, period_end)
        )
    )
    if not cases:
        raise ValidationFailed("该期间没有审核确认的申请")
    seed = seed if seed is not None else sampling.new_seed()
    mandatory = {a.pk: _mandatory(a) for a in cases if _mandatory(a)}
    sample = sampling.draw_sample(
        case_ids=[a.pk for a in cases], mandatory=mandatory, fraction=fraction, seed=seed
    )
    draw = SpotCheckDraw.objects.create(
        county=county,
        period_start=period_start,
        period_end=period_end,
        fraction=fraction,
        seed=seed,
        case_ids=sorted(a.pk for a in cases),
        selected_ids=list(sample.selected),
        lines=list(sample.lines),
        created_by=actor,
    )
    SpotCheckVisit.objects.bulk_create(
        SpotCheckVisit(draw=draw, application_id=case_id, reasons=list(sample.reasons[case_id]))
        for case_id in sample.selected
    )
    audit.record(
        action="spotcheck.draw",
        actor=actor,
        obj=draw,
        new={
            "seed": seed,
            "cases": len(cases),
            "selected": len(sample.selected),
            "fraction": fraction,
            "period": f"{period_start}~{period_end}",
        },
    )
    return draw


def redraw(draw: SpotCheckDraw) -> tuple[int, ...]:
    """Recompute a stored draw from its seed: anyone can check it was not hand-picked."""
    cases = Application.objects.filter(pk__in=draw.case_ids)
    mandatory = {a.pk: _mandatory(a) for a in cases if _mandatory(a)}
    return sampling.draw_sample(
        case_ids=draw.case_ids, mandatory=mandatory, fraction=draw.fraction, seed=draw.seed
    ).selected


@transaction.atomic
def spot_check_record(
    *,
    actor,
    visit_id: int,
    passed: bool,
    findings: str,
    visited_on: date | None = None,
    late_reason: str = "",
) -> SpotCheckVisit:
    require(actor, Perm.SPOT_CHECK)
    visit = (
        SpotCheckVisit.objects.select_for_update()
        .select_related("draw")
        .filter(pk=visit_id, draw__county=actor.region)
        .first()
    )
    if visit is None:
        raise ValidationFailed("没有找到该抽查任务")
    if visit.result != SpotCheckVisit.Result.PENDING:
        raise Conflict("该抽查已记录结果")
    if not findings.strip():
        raise ValidationFailed("请填写入户核查情况")
    entered = checked_date(
        visit.application,
        StepKind.SPOT_CHECK_VISIT,
        visited_on or timezone.localdate(),
        late_reason,
        also_recorded={
            StepKind.SPOT_CHECK_DRAW: timezone.localdate(visit.draw.created_at),
        },
    )
    visit.result = SpotCheckVisit.Result.PASSED if passed else SpotCheckVisit.Result.FAILED
    visit.findings, visit.visited_by = findings, actor
    visit.visited_on = entered.check.entered
    visit.late_reason = entered.late_reason
    visit.save()
    audit.record(
        action="spotcheck.visit",
        actor=actor,
        obj=visit.application,
        household_id=visit.application.household_id,
        new={"result": visit.result, "draw": visit.draw_id, **entered.event_data()},
        reason=findings,
    )
    if not passed:
        app = Application.objects.select_for_update().get(pk=visit.application_id)
        transition(app, actor=actor, action=Action.REOPEN, reason=f"抽查未通过：{findings}")
    return visit
