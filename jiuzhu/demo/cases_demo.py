"""Demo applications at every stage, made through the real services (so their history, audit
rows and enrolments are what an officer would produce), in 沱江镇 where the demo users work.

Their steps are dated in the past, in order (ARCHITECTURE rule 11): an application made some days
ago, accepted the next day, investigated and verified within the S2 time limits, on notice for 7
days. Dates further back than the county's late-entry allowance are entered as 补录 with a reason,
as an office moving its paper files into the system would."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.cases import services
from jiuzhu.cases.kin_services import kin_declare
from jiuzhu.cases.models import Application
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.programmes.catalogue import dibao_code
from jiuzhu.registry.models import Household, IncomeFact

LATE_REASON = "演示数据：按纸质档案补录"
# how many days ago each stage's application was made; the other steps follow it
APPLIED_DAYS_AGO = {
    "draft": 1,
    "incomplete": 3,
    "accepted": 6,
    "verifying": 12,
    "noticed": 14,
    "reviewed": 24,
    "enrolled": 30,
    "refused": 26,
}
NOTICE_DAYS_AGO = 3  # the "noticed" stage: a notice still running
CONTINUE_TO_REFUSAL = "申请人对核对结果有异议、坚持申请，依程序公示后报乡镇作出书面决定"


def _dated(field: str, days: int) -> dict:
    """`{field: that many days ago}` with the 补录 reason, which the services keep only when
    the date lies beyond the county's allowance."""
    return {field: timezone.localdate() - timedelta(days=days), "late_reason": LATE_REASON}


STAGES = [
    "draft",
    "incomplete",
    "accepted",
    "verifying",
    "noticed",
    "reviewed",
    "enrolled",
    "enrolled",
    "enrolled",
    "refused",
]


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


def _advance(app, stage: str, u: dict) -> None:
    officer = u["township-officer"]
    applied = APPLIED_DAYS_AGO[stage]
    if stage == "incomplete":
        services.application_mark_incomplete(
            actor=officer,
            application_id=app.pk,
            missing=["户口簿复印件", "近6个月收入证明", "残疾人证复印件"],
        )
        return
    if stage == "draft":
        return
    services.application_accept(
        actor=officer, application_id=app.pk, **_dated("accepted_on", applied - 1)
    )
    if stage == "accepted":
        return
    services.investigation_record(
        actor=officer,
        application_id=app.pk,
        **_dated("visited_on", applied - 3),
        investigator_1=officer,
        investigator_2=u["village-assistant"],
        living_conditions="砖木结构住房，家电陈旧",
        income_findings="主要劳动力患病，收入不稳定",
        asset_findings="无机动车，无大额存款",
        family_signed=True,
    )
    if stage == "verifying":
        return
    services.verification_record(
        actor=officer,
        application_id=app.pk,
        **_dated("checked_on", applied - 5),
        result="consistent",
        details="经核对，与申报一致",
    )
    started = NOTICE_DAYS_AGO if stage == "noticed" else applied - 6
    # A household the calculation finds ineligible stops before the notice (left at 待公示),
    # unless, as for the cases to be refused, the office records why it goes on to a decision.
    services.notice_publish(
        actor=officer,
        application_id=app.pk,
        **_dated("start_on", started),
        continue_reason=CONTINUE_TO_REFUSAL if stage == "refused" else "",
    )
    if stage == "noticed":
        return
    services.notice_close(actor=officer, application_id=app.pk)
    services.township_opinion_record(
        actor=officer, application_id=app.pk, opinion="经入户调查、核对和公示，情况属实，建议纳入"
    )
    if stage == "enrolled":
        services.application_confirm(
            actor=u["township-head"], application_id=app.pk, reason="同意纳入"
        )
    elif stage == "refused":
        services.application_refuse(
            actor=u["township-head"],
            application_id=app.pk,
            reason="经核对，家庭成员有稳定工资收入，人均收入高于当地低保标准",
        )


def create_demo_cases() -> int:
    """Returns how many applications were created (none if any exist already)."""
    if Application.objects.exists():
        return 0
    u = {
        user.username: user
        for user in User.objects.filter(
            username__in=["township-officer", "township-head", "village-assistant", "county-admin"]
        )
    }
    households = _poorest("433123109000", 40)
    kin_target = households[5].members.order_by("id").last()
    kin_declare(
        actor=u["county-admin"],
        declarant_name="石主任",
        declarant_role="village_cadre",
        declarant_unit="虹桥社区党支部书记",
        relative_name=kin_target.name,
        relative_id_number=decrypt(kin_target.id_cipher),
        kin="sibling",
        declared_on=timezone.localdate() - timedelta(days=200),
    )
    created = 0
    for i, household in enumerate(households[:30]):
        code = dibao_code(household.area_type)
        stage = STAGES[i % len(STAGES)]
        app = services.application_register(
            actor=u["township-officer"],
            household_id=household.pk,
            programme_code=code,
            reason="家庭收入低，生活困难",
            **_dated("applied_on", APPLIED_DAYS_AGO[stage]),
        )
        created += 1
        try:
            _advance(app, stage, u)
        except JiuzhuError:
            continue  # e.g. not eligible on its facts: left where it stopped, as in real life
    for household, amount in ((households[31], Decimal("1500")), (households[32], Decimal("8000"))):
        app = services.application_register(
            actor=u["township-officer"],
            household_id=household.pk,
            programme_code="temporary",
            reason="房屋失火，急需救助",
            requested_amount=amount,
        )
        services.application_accept(actor=u["township-officer"], application_id=app.pk)
        created += 1
    return created
