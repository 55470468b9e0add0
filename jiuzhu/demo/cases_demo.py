"""Demo applications at every stage, made through the real services (so their history, audit
rows and enrolments are what an officer would produce), in 沱江镇 where the demo users work."""

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
    today = timezone.localdate()
    officer = u["township-officer"]
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
        actor=officer, application_id=app.pk, accepted_on=today - timedelta(days=12)
    )
    if stage == "accepted":
        return
    services.investigation_record(
        actor=officer,
        application_id=app.pk,
        visited_on=today - timedelta(days=10),
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
        checked_on=today - timedelta(days=9),
        result="consistent",
        details="经核对，与申报一致",
    )
    started = today - timedelta(days=3 if stage == "noticed" else 8)
    services.notice_publish(actor=officer, application_id=app.pk, start_on=started)
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
        app = services.application_register(
            actor=u["township-officer"],
            household_id=household.pk,
            programme_code=code,
            reason="家庭收入低，生活困难",
        )
        created += 1
        try:
            _advance(app, STAGES[i % len(STAGES)], u)
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
