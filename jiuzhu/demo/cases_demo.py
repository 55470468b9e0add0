"""Demo applications at every stage, made through the real services (so their history, audit
rows and enrolments are what an officer would produce), in 沱江镇 where the demo users work.

The story holds together: each case's household is chosen by the system's own calculation
(most eligible, a few honestly not), its notes are written from the household's recorded
members, incomes and assets (jiuzhu.demo.case_notes), and its steps fall on working days in
order (jiuzhu.demo.case_schedule). Dates further back than the county's late-entry allowance
are entered as 补录 with a reason, as an office moving its paper files into the system would;
the history rows are then dated at the office hour each step took place."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.cases import services
from jiuzhu.cases.kin_services import kin_declare
from jiuzhu.cases.models import Application, CaseEvent, Verification
from jiuzhu.cases.workflow import Action, Status
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.workdays_db import calendar
from jiuzhu.demo.case_notes import (
    AssetFacts,
    CaseNotes,
    HouseholdFacts,
    IncomeFacts,
    MemberFacts,
    case_notes,
    refusal_reasons,
)
from jiuzhu.demo.case_schedule import CaseDates, latest_schedule, office_times
from jiuzhu.demo.generator import COUNTY_CODE
from jiuzhu.programmes.benefit import BenefitCase, calculate
from jiuzhu.programmes.catalogue import dibao_code
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, IncomeFact

HOME_TOWNSHIP = "433123109000"  # 沱江镇
LATE_REASON = "演示数据：按纸质档案补录"
MISSING_PAPERS = ["户口簿复印件", "近6个月收入证明", "残疾人证复印件"]
CONTINUE_TO_REFUSAL = "申请人对核对结果有异议、坚持申请，依程序公示后报乡镇作出书面决定"
SCAN_LIMIT = 400  # the poorest households whose benefit is calculated to choose the cases


@dataclass(frozen=True)
class Stage:
    """Where a demo case stops, the step whose date is its last, and how many days before
    today that step lies at the latest."""

    status: Status
    last_step: str  # a CaseDates field
    days_ago: int
    eligible: bool = True


# One round of stages; the demo makes three rounds, each a few working days earlier.
STAGES = (
    Stage(Status.DRAFT, "applied", 1),
    Stage(Status.INCOMPLETE, "incomplete_told", 1),
    Stage(Status.ACCEPTED, "accepted", 2),
    Stage(Status.VERIFYING, "visited", 2),
    Stage(Status.NOTICED, "notice_start", 2),
    Stage(Status.TOWNSHIP_REVIEWED, "opinion", 3),
    Stage(Status.ENROLLED, "opinion", 1),
    Stage(Status.ENROLLED, "opinion", 2),
    Stage(Status.ENROLLED, "opinion", 3),
    Stage(Status.REFUSED, "opinion", 2, eligible=False),
)
ROUNDS = 3
# The second round's case at the township head's desk is honestly ineligible: its notes say why.
INELIGIBLE_AT_DECISION_ROUND = 1
# The history row of each action is dated on the day of this step (decisions happen today).
EVENT_DAY = {
    Action.REGISTER: "applied",
    Action.MARK_INCOMPLETE: "incomplete_told",
    Action.ACCEPT: "accepted",
    Action.START_INVESTIGATION: "visited",
    Action.RECORD_INVESTIGATION: "visited",
    Action.RECORD_VERIFICATION: "verified",
    Action.PUBLISH_NOTICE: "notice_start",
    Action.CLOSE_NOTICE: "notice_closed",
    Action.TOWNSHIP_OPINION: "opinion",
}


@dataclass(frozen=True)
class Candidate:
    household: Household
    refusal_reasons: tuple[str, ...]  # empty: eligible by the calculation

    @property
    def eligible(self) -> bool:
        return not self.refusal_reasons


def _wants_eligible(stage: Stage, round_no: int) -> bool:
    if stage.status == Status.TOWNSHIP_REVIEWED:
        return round_no != INELIGIBLE_AT_DECISION_ROUND
    return stage.eligible


def _poorest(township_code: str, count: int) -> list[Household]:
    income = (
        IncomeFact.objects.filter(
            household=OuterRef("pk"), category__in=["wages", "business", "transfer"]
        )
        .order_by()
        .values("household")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return list(
        Household.objects.filter(township__code=township_code)
        .annotate(income=Subquery(income))
        .order_by("income", "number")[:count]
    )


def _candidates(county, today: date, eligible: int, ineligible: int) -> list[Candidate]:
    """The poorest households of 沱江镇 priced by the system's own calculation: `eligible` that
    pass and `ineligible` that fail, those failing on a car first (the commonest real case)."""
    passed: list[Candidate] = []
    failed: list[Candidate] = []
    for household in _poorest(HOME_TOWNSHIP, SCAN_LIMIT):
        benefit = calculate(
            BenefitCase(
                county=county, programme_code=dibao_code(household.area_type), household=household
            ),
            today,
        )
        if benefit.eligible and benefit.amount > 0:
            passed.append(Candidate(household, ()))
        elif reasons := refusal_reasons(benefit.lines):
            failed.append(Candidate(household, reasons))
        if len(passed) >= eligible and len(failed) >= 3 * ineligible:
            break
    failed.sort(key=lambda c: "机动车辆" not in c.refusal_reasons[0])
    return passed[:eligible] + failed[:ineligible]


def _needs(rounds: int) -> tuple[int, int]:
    """(eligible, ineligible) households that `rounds` rounds of the stages take."""
    slots = [(s, r) for r in range(rounds) for s in STAGES]
    refusals = sum(1 for s, r in slots if not _wants_eligible(s, r))
    return len(slots) - refusals, refusals


def household_facts(household: Household) -> HouseholdFacts:
    """The household as the investigator finds it: the registry's members, incomes, assets."""
    members = tuple(
        MemberFacts(
            name=p.name,
            labour_capacity=p.labour_capacity,
            # the status, not the diagnosis: that is encrypted and stays out of the notes
            illness=p.get_health_status_display() if p.health_status != "healthy" else "",
            disability=p.disability_label if p.disability_type else "",
        )
        for p in household.members.all()
    )
    incomes = tuple(
        IncomeFacts(
            category=f.category,
            source=f.source or f.get_category_display(),
            yearly_amount=f.amount,
            member_name=f.person.name if f.person else "",
        )
        for f in household.incomes.select_related("person").order_by("id")
    )
    assets = tuple(
        AssetFacts(
            kind=a.kind,
            description=a.description or a.get_kind_display(),
            value=a.value,
            identifier=a.identifier,
            is_disability_vehicle=a.is_disability_vehicle,
        )
        for a in household.assets.order_by("id")
    )
    return HouseholdFacts(members, incomes, assets)


def _dated(field: str, day: date) -> dict:
    """`{field: day}` with the 补录 reason, which the services keep only when the date lies
    beyond the county's allowance."""
    return {field: day, "late_reason": LATE_REASON}


class _CaseMaker:
    """Takes one application through the services to its stage, with its dates and notes."""

    def __init__(self, users: dict[str, User]) -> None:
        self.officer = users["township-officer"]
        self.head = users["township-head"]
        # the second investigator: civil-affairs staff, from the county (S2 art. 16)
        self.second_investigator = users["county-reviewer"]

    def advance(self, app: Application, stage: Stage, dates: CaseDates, notes: CaseNotes) -> None:
        if stage.status == Status.DRAFT:
            return  # registered only
        if stage.status == Status.INCOMPLETE:
            services.application_mark_incomplete(
                actor=self.officer, application_id=app.pk, missing=MISSING_PAPERS
            )
            return
        # Each step with the status it leads to; the case takes every step up to the last one
        # that leads to its stage's status (the township's opinion keeps 乡镇审核 as it is).
        steps: list[tuple[Callable[[Application, CaseDates, CaseNotes], None], Status | None]] = [
            (self._accept, Status.ACCEPTED),
            (self._investigate, Status.VERIFYING),
            (self._verify, Status.AWAITING_NOTICE),
            (self._publish, Status.NOTICED),
            (self._close_notice, Status.TOWNSHIP_REVIEWED),
            (self._opinion, Status.TOWNSHIP_REVIEWED),
            (self._decide, None),  # confirmed and enrolled, or refused
        ]
        reaching = [i for i, (_, status) in enumerate(steps) if status == stage.status]
        last = reaching[-1] if reaching else len(steps) - 1
        for step, _ in steps[: last + 1]:
            step(app, dates, notes)
        app.refresh_from_db()
        if app.status != stage.status:
            raise RuntimeError(f"演示：{app.number}停在“{app.status}”，应到“{stage.status.label}”")

    def _accept(self, app, dates, notes) -> None:
        services.application_accept(
            actor=self.officer, application_id=app.pk, **_dated("accepted_on", dates.accepted)
        )

    def _investigate(self, app, dates, notes) -> None:
        services.investigation_record(
            actor=self.officer,
            application_id=app.pk,
            **_dated("visited_on", dates.visited),
            investigator_1=self.officer,
            investigator_2=self.second_investigator,
            living_conditions=notes.living_conditions,
            income_findings=notes.income_findings,
            asset_findings=notes.asset_findings,
            family_signed=True,
        )

    def _verify(self, app, dates, notes) -> None:
        services.verification_record(
            actor=self.officer,
            application_id=app.pk,
            **_dated("checked_on", dates.verified),
            result=Verification.Result.CONSISTENT,
            details=notes.verification_details,
        )

    def _publish(self, app, dates, notes) -> None:
        # A household the calculation finds ineligible goes on to a written decision only
        # with the reason recorded (the service refuses it otherwise).
        services.notice_publish(
            actor=self.officer,
            application_id=app.pk,
            **_dated("start_on", dates.notice_start),
            continue_reason="" if notes.proposes_inclusion else CONTINUE_TO_REFUSAL,
        )

    def _close_notice(self, app, dates, notes) -> None:
        services.notice_close(actor=self.officer, application_id=app.pk)

    def _opinion(self, app, dates, notes) -> None:
        services.township_opinion_record(
            actor=self.officer, application_id=app.pk, opinion=notes.township_opinion
        )

    def _decide(self, app, dates, notes) -> None:
        if notes.proposes_inclusion:
            services.application_confirm(actor=self.head, application_id=app.pk, reason="同意纳入")
        else:
            services.application_refuse(
                actor=self.head,
                application_id=app.pk,
                reason=f"经入户调查和核对，{'；'.join(notes.refusal_reasons)}，不符合低保条件",
            )


def _date_history(app: Application, dates: CaseDates, rng: random.Random) -> None:
    """The services stamp each history row with the moment it was entered; put each row of
    a step that took place before today at an office hour of that step's day."""
    events = [e for e in app.events.order_by("at", "id") if e.action in EVENT_DAY]
    days = [getattr(dates, EVENT_DAY[Action(e.action)]) for e in events]
    for event, at in zip(events, office_times(days, rng), strict=True):
        event.at = timezone.make_aware(at)
    CaseEvent.objects.bulk_update(events, ["at"])
    # the case was registered when its registration row says, not when the demo was built
    registered = next((e.at for e in events if e.action == Action.REGISTER), None)
    if registered is not None:
        Application.objects.filter(pk=app.pk).update(created_at=registered)


def _declare_kin(admin: User, household: Household) -> None:
    """A village cadre's sibling in one applying household: the case is kin-registered."""
    relative = household.members.order_by("id").last()
    kin_declare(
        actor=admin,
        declarant_name="石主任",
        declarant_role="village_cadre",
        declarant_unit="虹桥社区党支部书记",
        relative_name=relative.name,
        relative_id_number=decrypt(relative.id_cipher),
        kin="sibling",
        declared_on=timezone.localdate() - timedelta(days=200),
    )


def _assign(candidates: list[Candidate]) -> list[tuple[Stage, int, Candidate]]:
    """Each (stage, round) slot with a household of the eligibility it needs; in a small demo
    county, where the households run out, the slot is left empty (fewer cases)."""
    pools = {
        True: iter([c for c in candidates if c.eligible]),
        False: iter([c for c in candidates if not c.eligible]),
    }
    plan = []
    for round_no in range(ROUNDS):
        for stage in STAGES:
            candidate = next(pools[_wants_eligible(stage, round_no)], None)
            if candidate is not None:
                plan.append((stage, round_no, candidate))
    return plan


def create_demo_cases() -> int:
    """Returns how many applications were created (none if any exist already)."""
    if Application.objects.exists():
        return 0
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=["township-officer", "township-head", "county-reviewer", "county-admin"]
        )
    }
    today = timezone.localdate()
    eligible, ineligible = _needs(ROUNDS)
    candidates = _candidates(
        Region.objects.get(code=COUNTY_CODE), today, eligible=eligible + 2, ineligible=ineligible
    )
    plan = _assign(candidates)
    if len(plan) > 5:
        _declare_kin(users["county-admin"], plan[5][2].household)
    is_workday = calendar().is_workday
    maker = _CaseMaker(users)
    rng = random.Random(20261122)
    for stage, round_no, candidate in plan:
        dates = latest_schedule(
            last_step=stage.last_step,
            on_or_before=today - timedelta(days=stage.days_ago),
            is_workday=is_workday,
            earlier=round_no,
        )
        household = candidate.household
        app = services.application_register(
            actor=maker.officer,
            household_id=household.pk,
            programme_code=dibao_code(household.area_type),
            reason="家庭收入低，生活困难",
            **_dated("applied_on", dates.applied),
        )
        notes = case_notes(household_facts(household), candidate.refusal_reasons)
        maker.advance(app, stage, dates, notes)
        _date_history(app, dates, rng)
    used = {c.household.pk for _, _, c in plan}
    spare = [c.household for c in candidates if c.eligible and c.household.pk not in used]
    for household, amount in zip(spare, (Decimal("1500"), Decimal("8000")), strict=False):
        app = services.application_register(
            actor=maker.officer,
            household_id=household.pk,
            programme_code="temporary",
            reason="房屋失火，急需救助",
            requested_amount=amount,
        )
        services.application_accept(actor=maker.officer, application_id=app.pk)
    return len(plan) + min(len(spare), 2)
