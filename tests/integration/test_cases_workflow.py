"""One dibao application from registration to enrolment through the services; refusal with
reasons; separation of duties; kin registration and recusal (R1–R5)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.cases import services
from jiuzhu.cases.models import Application, CaseEvent
from jiuzhu.cases.workflow import Status
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.month import Month
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.registry.models import KinDeclaration
from tests.conftest import TOWNSHIP_A

from .case_steps import applied, dated


@pytest.fixture
def staff(users, make_user, regions):
    seed_county_defaults(county=regions["433123000000"])
    return {
        **users,
        "officer_a2": make_user("officer-a2", "township_officer", TOWNSHIP_A),
        "head_a": make_user("head-a", "township_head", TOWNSHIP_A),
        "reviewer": make_user("reviewer", "county_reviewer", "433123000000"),
    }


def take_to_township_review(app, staff, *, investigators=("officer_a", "officer_a2")):
    """From registration (at least 20 days ago: ``case_steps.applied()``) to the township's
    opinion, each step dated in order and entered late with its reason where it must be."""
    services.application_accept(
        actor=staff["officer_a"], application_id=app.pk, **dated("accepted_on", 19)
    )
    services.investigation_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        **dated("visited_on", 17),
        investigator_1=staff[investigators[0]],
        investigator_2=staff[investigators[1]],
        living_conditions="住房简陋，无稳定收入",
        income_findings="务农，年收入不足两千元",
        asset_findings="无车辆，无存款",
        family_signed=True,
    )
    services.verification_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        **dated("checked_on", 15),
        result="consistent",
        details="与申报一致",
    )
    services.notice_publish(actor=staff["officer_a"], application_id=app.pk, **dated("start_on", 8))
    services.notice_close(actor=staff["officer_a"], application_id=app.pk)
    return services.township_opinion_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        opinion="经调查核实，家庭人均收入低于当地低保标准，建议纳入",
    )


def test_dibao_from_registration_to_enrolment(staff, make_household):
    household = make_household(TOWNSHIP_A, size=2)
    app = services.application_register(
        actor=staff["village_a"],
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="因病致贫",
        **applied(),
    )
    assert app.status == Status.DRAFT and app.number.startswith("SQ")
    app = take_to_township_review(app, staff)
    assert app.status == Status.TOWNSHIP_REVIEWED and app.confirming_level == "township"
    app = services.application_confirm(
        actor=staff["head_a"], application_id=app.pk, reason="同意纳入"
    )
    assert app.status == Status.ENROLLED
    # rural standard 5,400/year → 450.00/month; two members, no income: (450 − 0) × 2
    assert app.monthly_amount == Decimal("900.00")
    assert any("¥450.00" in line for line in app.calculation)
    enrolment = Enrolment.objects.get(application=app)
    assert enrolment.start_month == str(Month.of(timezone.localdate()).next())
    assert enrolment.members == 2 and enrolment.monthly_amount == Decimal("900.00")
    steps = list(CaseEvent.objects.filter(application=app).values_list("to_status", flat=True))
    assert steps == [
        "draft",
        "accepted",
        "investigating",
        "verifying",
        "awaiting_notice",
        "noticed",
        "township_reviewed",
        "township_reviewed",
        "confirmed",
        "enrolled",
    ]
    assert (
        AuditEntry.objects.filter(action="enrolment.create", household_id=household.pk).count() == 1
    )


def test_separation_of_duties_and_level(staff, make_household):
    app = services.application_register(
        actor=staff["officer_a"],
        household_id=make_household(TOWNSHIP_A).pk,
        programme_code="dibao_rural",
        reason="申请",
        **applied(),
    )
    app = take_to_township_review(app, staff, investigators=("officer_a2", "head_a"))
    with pytest.raises(PermissionDenied, match="入户调查"):  # the head investigated it
        services.application_confirm(actor=staff["head_a"], application_id=app.pk, reason="同意")
    with pytest.raises(PermissionDenied):  # not a decider at all
        services.application_confirm(actor=staff["officer_a"], application_id=app.pk, reason="同意")
    with pytest.raises(PermissionDenied, match="乡镇"):  # the township holds the power (R1)
        services.application_confirm(actor=staff["reviewer"], application_id=app.pk, reason="同意")
    assert Application.objects.get(pk=app.pk).status == Status.TOWNSHIP_REVIEWED


def test_refusal_needs_written_reasons(staff, make_household):
    app = services.application_register(
        actor=staff["village_a"],
        household_id=make_household(TOWNSHIP_A).pk,
        programme_code="dibao_rural",
        reason="申请",
        **applied(),
    )
    app = take_to_township_review(app, staff)
    with pytest.raises(ValidationFailed):
        services.application_refuse(actor=staff["head_a"], application_id=app.pk, reason="不行")
    app = services.application_refuse(
        actor=staff["head_a"],
        application_id=app.pk,
        reason="家庭人均收入高于当地低保标准，不符合条件",
    )
    assert app.status == Status.REFUSED and not Enrolment.objects.filter(application=app).exists()
    with pytest.raises(Conflict):
        services.application_confirm(actor=staff["head_a"], application_id=app.pk, reason="同意")


def test_steps_cannot_be_skipped(staff, make_household):
    app = services.application_register(
        actor=staff["village_a"],
        household_id=make_household(TOWNSHIP_A).pk,
        programme_code="dibao_rural",
        reason="申请",
    )
    services.application_accept(actor=staff["officer_a"], application_id=app.pk)
    with pytest.raises(Conflict, match="不能执行"):
        services.notice_publish(actor=staff["officer_a"], application_id=app.pk)
    with pytest.raises(Conflict):
        services.application_confirm(actor=staff["head_a"], application_id=app.pk, reason="同意")


def test_temporary_above_cap_goes_to_county(staff, make_household):
    app = services.application_register(
        actor=staff["village_a"],
        household_id=make_household(TOWNSHIP_A).pk,
        programme_code="temporary",
        reason="火灾",
        requested_amount=Decimal("2000.01"),
    )
    app = services.application_accept(actor=staff["officer_a"], application_id=app.pk)
    assert app.confirming_level == "county" and "2,000" in app.confirming_reason


def test_kin_registered_case_is_marked_and_staff_recused(staff, make_household):
    from jiuzhu.core.crypto import decrypt
    from jiuzhu.registry.sensitive import id_lookup_hash

    household = make_household(TOWNSHIP_A, size=2)
    daughter = household.members.get(relation="daughter")
    KinDeclaration.objects.create(
        declarant=staff["head_a"],
        declarant_name="乡镇长",
        declarant_role="civil_affairs",
        declarant_unit="沱江镇人民政府",
        county=household.county,
        relative_name=daughter.name,
        relative_id_hash=id_lookup_hash(decrypt(daughter.id_cipher)),
        relative_id_masked=daughter.id_masked,
        kin="child",
        declared_on=timezone.localdate(),
        recorded_by=staff["county"],
    )
    app = services.application_register(
        actor=staff["village_a"],
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="申请",
        **applied(),
    )
    assert app.kin_registered
    app = take_to_township_review(app, staff)
    with pytest.raises(PermissionDenied, match="回避"):
        services.application_confirm(actor=staff["head_a"], application_id=app.pk, reason="同意")


def test_incomplete_material_is_told_once(staff, make_household):
    app = services.application_register(
        actor=staff["village_a"],
        household_id=make_household(TOWNSHIP_A).pk,
        programme_code="dibao_rural",
        reason="申请",
    )
    app = services.application_mark_incomplete(
        actor=staff["officer_a"], application_id=app.pk, missing=["户口簿复印件", "收入证明", " "]
    )
    assert app.status == Status.INCOMPLETE and app.missing_materials == ["户口簿复印件", "收入证明"]
    app = services.application_supplement(
        actor=staff["village_a"], application_id=app.pk, note="已补齐"
    )
    assert app.status == Status.DRAFT and app.missing_materials == []


def test_one_case_decision_for_a_major_hardship(staff, make_household):
    app = services.application_register(
        actor=staff["village_a"],
        household_id=make_household(TOWNSHIP_A).pk,
        programme_code="temporary",
        reason="重病住院，自付医疗费巨大",
        requested_amount=Decimal("1800"),
    )
    app = services.application_accept(actor=staff["officer_a"], application_id=app.pk)
    assert app.confirming_level == "township"
    with pytest.raises(ValidationFailed, match="一事一议起点"):
        services.one_case_decision_record(
            actor=staff["officer_a"],
            application_id=app.pk,
            held_on=timezone.localdate(),
            record="县民政局局务会议记录",
            amount="5000",
        )
    app = services.one_case_decision_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        held_on=timezone.localdate(),
        record="县民政局局务会议，参会7人，议定一次性救助30000元",
        amount="30000",
    )
    assert app.confirming_level == "county" and app.one_case_amount == Decimal("30000.00")
    from jiuzhu.cases.benefit import calculate

    assert calculate(app, timezone.localdate()).amount == Decimal("30000.00")
    assert AuditEntry.objects.filter(action="case.one_case_decision").count() == 1


@pytest.mark.parametrize("role", ["finance", "auditor", "inspector", "village_assistant"])
def test_supervisors_and_village_assistants_are_not_investigators(
    staff, make_user, make_household, client, role
):
    """Finance, audit and discipline inspection supervise the work and the village assistant
    helps: none of them is offered, or accepted, as one of the two home-visit investigators."""
    region = staff["village_a"].region.code if role == "village_assistant" else "433123000000"
    outsider = make_user(f"x-{role}", role, region)
    household = make_household(TOWNSHIP_A, size=2)
    app = services.application_register(
        actor=staff["officer_a"],
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="因病致贫",
        **applied(),
    )
    services.application_accept(
        actor=staff["officer_a"], application_id=app.pk, **dated("accepted_on", 19)
    )
    client.force_login(staff["officer_a"])
    page = client.get(f"/cases/{app.pk}/").content.decode()
    form = page.split('name="investigation-investigator_1"')[1].split("</select>")[0]
    assert staff["officer_a2"].display_name in form
    assert outsider.display_name not in form
    with pytest.raises(ValidationFailed, match="不能担任入户调查人"):
        services.investigation_record(
            actor=staff["officer_a"],
            application_id=app.pk,
            **dated("visited_on", 17),
            investigator_1=staff["officer_a"],
            investigator_2=outsider,
            living_conditions="住房简陋",
            income_findings="务农",
            asset_findings="无",
            family_signed=True,
        )


def test_the_history_names_the_investigators(staff, make_household, client):
    household = make_household(TOWNSHIP_A, size=2)
    app = services.application_register(
        actor=staff["officer_a"],
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="因病致贫",
        **applied(),
    )
    take_to_township_review(app, staff)
    client.force_login(staff["county"])
    page = client.get(f"/registry/households/{household.pk}/").content.decode()
    history = page.split('id="history"')[1]
    assert "调查人" in history and "已删除的账号" not in history
    assert "乡镇民政经办人员" in history.split("调查人")[1].split("<br>")[0]
