"""Dates tell the truth (issue 13 item 6, ARCHITECTURE rules 10 and 11): every service that takes
a step date applies the rule; a late entry needs a reason and is shown as 补录; the benefit is
calculated before the notice and an ineligible case stops there without a reason to continue;
opening the refusal letter writes nothing, its delivery is a POST recorded once."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.system import system_actor
from jiuzhu.cases import extreme_poverty, services
from jiuzhu.cases.models import Application, CaseEvent, Investigation
from jiuzhu.cases.queues import case_deadlines
from jiuzhu.cases.workflow import Status
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.programmes import services as programme_services
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.registry.models import IncomeFact
from tests.conftest import TOWNSHIP_A

from .case_steps import LATE_REASON, applied, dated, days_ago

COUNTY = "433123000000"


@pytest.fixture
def staff(users, make_user, regions):
    seed_county_defaults(county=regions[COUNTY])
    return {
        **users,
        "officer_a2": make_user("officer-a2", "township_officer", TOWNSHIP_A),
        "head_a": make_user("head-a", "township_head", TOWNSHIP_A),
    }


def register(staff, household, programme="dibao_rural", **kwargs):
    return services.application_register(
        actor=staff["village_a"],
        household_id=household.pk,
        programme_code=programme,
        reason="生活困难",
        **{**applied(20), **kwargs},
    )


def investigate(staff, app, days: int, **kwargs):
    return services.investigation_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        **{**dated("visited_on", days), **kwargs},
        investigator_1=staff["officer_a"],
        investigator_2=staff["officer_a2"],
        living_conditions="住房简陋",
        income_findings="务农",
        asset_findings="无",
        family_signed=True,
    )


def verify(staff, app, days: int, **kwargs):
    return services.verification_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        **{**dated("checked_on", days), **kwargs},
        result="consistent",
        details="与申报一致",
    )


def to_awaiting_notice(staff, app, *, verified_days_ago=10):
    services.application_accept(
        actor=staff["officer_a"], application_id=app.pk, **dated("accepted_on", 19)
    )
    investigate(staff, app, 15)
    verify(staff, app, verified_days_ago)
    return Application.objects.get(pk=app.pk)


def publish(staff, app, days: int, **kwargs):
    return services.notice_publish(
        actor=staff["officer_a"], application_id=app.pk, **{**dated("start_on", days), **kwargs}
    )


def test_a_notice_cannot_start_before_the_verification_nor_the_registration(staff, make_household):
    app = to_awaiting_notice(staff, register(staff, make_household(TOWNSHIP_A)))
    events = CaseEvent.objects.filter(application=app).count()
    with pytest.raises(ValidationFailed, match="公示开始日期不能早于经济状况核对日期"):
        publish(staff, app, 11)  # the day before the verification, with a 补录 reason
    with pytest.raises(ValidationFailed, match="早于"):
        publish(staff, app, 21)  # before the application itself
    app.refresh_from_db()
    assert app.status == Status.AWAITING_NOTICE and app.notice_started_on is None
    assert CaseEvent.objects.filter(application=app).count() == events
    app = publish(staff, app, 10)  # the day of the verification is allowed
    assert app.status == Status.NOTICED and app.notice_started_on == days_ago(10)


def test_the_notice_end_is_enforced_from_its_true_start(staff, make_household):
    app = to_awaiting_notice(
        staff, register(staff, make_household(TOWNSHIP_A)), verified_days_ago=3
    )
    publish(staff, app, 2)
    with pytest.raises(Conflict, match="公示期未满7天（已公示2天）"):
        services.notice_close(actor=staff["officer_a"], application_id=app.pk)
    assert Application.objects.get(pk=app.pk).status == Status.NOTICED


def test_future_dates_are_refused_at_every_step(staff, make_household):
    tomorrow = days_ago(-1)
    with pytest.raises(ValidationFailed, match="不能填写将来的日期"):
        register(staff, make_household(TOWNSHIP_A), applied_on=tomorrow)
    app = register(staff, make_household(TOWNSHIP_A))
    with pytest.raises(ValidationFailed, match="受理日期.*不能填写将来的日期"):
        services.application_accept(
            actor=staff["officer_a"], application_id=app.pk, accepted_on=tomorrow
        )
    services.application_accept(actor=staff["officer_a"], application_id=app.pk)
    with pytest.raises(ValidationFailed, match="入户调查日期.*不能填写将来的日期"):
        investigate(staff, app, -1)
    with pytest.raises(ValidationFailed, match="不能填写将来的日期"):
        services.complaint_record(
            actor=staff["officer_a"],
            application_id=app.pk,
            received_on=tomorrow,
            channel="hotline",
            content="反映情况",
        )
    assert not Investigation.objects.filter(application=app).exists()
    assert not Application.objects.get(pk=app.pk).has_complaint


def test_a_step_cannot_precede_the_one_before_it(staff, make_household):
    app = register(staff, make_household(TOWNSHIP_A))
    services.application_accept(
        actor=staff["officer_a"], application_id=app.pk, **dated("accepted_on", 10)
    )
    with pytest.raises(ValidationFailed, match="入户调查日期不能早于受理日期"):
        investigate(staff, app, 11)
    investigate(staff, app, 8)
    with pytest.raises(ValidationFailed, match="经济状况核对日期不能早于入户调查日期"):
        verify(staff, app, 9)
    verify(staff, app, 8)  # the same day as the visit is allowed
    assert Application.objects.get(pk=app.pk).status == Status.AWAITING_NOTICE


def test_a_late_entry_without_a_reason_is_refused(staff, make_household):
    app = register(staff, make_household(TOWNSHIP_A))
    assert app.late_reasons == {"applied_on": LATE_REASON}
    with pytest.raises(ValidationFailed, match="距今已5天，超过本县允许的3天，属于补录"):
        services.application_accept(
            actor=staff["officer_a"], application_id=app.pk, accepted_on=days_ago(5)
        )
    assert Application.objects.get(pk=app.pk).status == Status.DRAFT
    # within the allowance no reason is asked, and none is kept
    services.application_accept(
        actor=staff["officer_a"], application_id=app.pk, accepted_on=days_ago(3), late_reason="x"
    )
    app.refresh_from_db()
    assert app.accepted_on == days_ago(3) and app.late_reasons == {"applied_on": LATE_REASON}


def test_late_entries_are_stored_with_the_step_and_shown_as_buliu(client, staff, make_household):
    household = make_household(TOWNSHIP_A)
    app = register(staff, household)
    services.application_accept(
        actor=staff["officer_a"], application_id=app.pk, **dated("accepted_on", 19)
    )
    with pytest.raises(ValidationFailed, match="入户调查日期.*属于补录，须填写补录理由"):
        investigate(staff, app, 15, late_reason="  ")
    investigation = investigate(staff, app, 15, late_reason="调查表由村里转交，延后录入")
    assert investigation.late_reason == "调查表由村里转交，延后录入"
    event = CaseEvent.objects.get(application=app, action="record_investigation")
    assert event.data["late"] and event.data["late_reason"] == "调查表由村里转交，延后录入"
    assert AuditEntry.objects.filter(action="case.record_investigation").exists()
    verify(staff, app, 2)  # within the allowance: not late
    app = Application.objects.get(pk=app.pk)
    assert app.verifications.get().late_reason == ""

    client.force_login(staff["officer_a"])
    page = client.get(reverse("cases:detail", args=[app.pk])).content.decode()
    investigations = re.search(r'id="investigations".*?</table>', page, re.S).group(0)
    assert "补录" in investigations and "调查表由村里转交，延后录入" in investigations
    verifications = re.search(r'id="verifications".*?</table>', page, re.S).group(0)
    assert "补录" not in verifications
    assert LATE_REASON in re.search(r'id="accepted-on".*?</dd>', page, re.S).group(0)
    printed = client.get(reverse("cases:print_investigation", args=[app.pk])).content.decode()
    assert "（补录：调查表由村里转交，延后录入）" in printed
    assert f"（补录：{LATE_REASON}）" in printed  # the application and acceptance dates


def test_the_county_sets_its_late_entry_allowance(staff, regions, make_household):
    programme_services.setting_set(
        actor=system_actor("cli"),
        county=regions[COUNTY],
        key="late_entry_days",
        value="7",
        effective_from=days_ago(30),
    )
    app = register(staff, make_household(TOWNSHIP_A), applied_on=days_ago(6), late_reason="")
    assert app.applied_on == days_ago(6) and app.late_reasons == {}
    with pytest.raises(ValidationFailed, match="超过本县允许的7天"):
        register(staff, make_household(TOWNSHIP_A), applied_on=days_ago(8), late_reason="")


def test_side_steps_are_checked_too(staff, make_household):
    household = make_household(TOWNSHIP_A)
    app = register(
        staff,
        household,
        "extreme_poverty_dispersed",
        applicant_id=household.members.get(relation="self").pk,
    )
    services.application_accept(
        actor=staff["officer_a"], application_id=app.pk, **dated("accepted_on", 12)
    )
    with pytest.raises(ValidationFailed, match="生活自理能力评估日期不能早于受理日期"):
        extreme_poverty.self_care_assess(
            actor=staff["officer_a"],
            application_id=app.pk,
            failed_items=[],
            **dated("assessed_on", 13),
        )
    assessment = extreme_poverty.self_care_assess(
        actor=staff["officer_a"], application_id=app.pk, failed_items=[], **dated("assessed_on", 9)
    )
    assert assessment.late_reason == LATE_REASON
    with pytest.raises(ValidationFailed, match="投诉举报收到日期不能早于申请日期"):
        services.complaint_record(
            actor=staff["officer_a"],
            application_id=app.pk,
            channel="hotline",
            content="反映情况",
            **dated("received_on", 21),
        )

    temp = register(staff, make_household(TOWNSHIP_A), "temporary", requested_amount=Decimal(900))
    services.application_accept(
        actor=staff["officer_a"], application_id=temp.pk, **dated("accepted_on", 5)
    )
    with pytest.raises(ValidationFailed, match="一事一议会议日期不能早于受理日期"):
        services.one_case_decision_record(
            actor=staff["officer_a"],
            application_id=temp.pk,
            record="县民政局局务会议，参会7人，议定救助30000元",
            amount="30000",
            **dated("held_on", 6),
        )
    temp = services.one_case_decision_record(
        actor=staff["officer_a"],
        application_id=temp.pk,
        record="县民政局局务会议，参会7人，议定救助30000元",
        amount="30000",
        **dated("held_on", 4),
    )
    assert temp.late_reasons["one_case_held_on"] == LATE_REASON


def test_the_benefit_is_known_at_the_verification(staff, make_household):
    app = to_awaiting_notice(staff, register(staff, make_household(TOWNSHIP_A, size=2)))
    # rural standard 5,400/year → 450.00/month; two members, no income
    assert app.monthly_amount == Decimal("900.00") and app.calculation
    event = CaseEvent.objects.get(application=app, action="record_verification")
    assert event.data["amount"] == "900.00" and event.data["eligible"] is True


def _ineligible(staff, make_household):
    household = make_household(TOWNSHIP_A, size=2)
    IncomeFact.objects.create(
        household=household,
        person=household.members.get(relation="self"),
        category="wages",
        amount=Decimal("36000"),
        period_start=days_ago(365),
        period_end=days_ago(0),
    )
    return to_awaiting_notice(staff, register(staff, household))


def test_an_ineligible_case_stops_before_the_notice_unless_the_officer_says_why(
    client, staff, make_household
):
    app = _ineligible(staff, make_household)
    assert app.monthly_amount == Decimal("0.00")  # stored at the verification, with its lines
    assert any("不符合低保条件" in line for line in app.calculation)
    with pytest.raises(ValidationFailed, match="不低于保障标准.*不能发布公示") as refused:
        publish(staff, app, 5)
    assert "继续办理的理由" in refused.value.message
    assert Application.objects.get(pk=app.pk).status == Status.AWAITING_NOTICE

    client.force_login(staff["officer_a"])
    page = client.get(reverse("cases:detail", args=[app.pk])).content.decode()
    assert 'id="benefit-stop"' in page
    response = client.post(
        reverse("cases:act", args=[app.pk, "notice_publish"]),
        {"notice_publish-start_on": days_ago(2).isoformat()},
        follow=True,
    )
    assert "不能发布公示" in response.content.decode()
    assert Application.objects.get(pk=app.pk).status == Status.AWAITING_NOTICE

    reason = "申请人称其工资已于上月停发，正在补充证明，先行公示接受监督"
    response = client.post(
        reverse("cases:act", args=[app.pk, "notice_publish"]),
        {
            "notice_publish-start_on": days_ago(2).isoformat(),
            "notice_publish-continue_reason": reason,
        },
        follow=True,
    )
    app.refresh_from_db()
    assert app.status == Status.NOTICED and app.continue_reason == reason
    entry = AuditEntry.objects.filter(action="case.publish_notice").latest("seq")
    assert entry.new["continue_reason"] == reason and "不低于保障标准" in entry.new["stop_reason"]
    assert reason in re.search(r'id="continue-reason".*?</dd>', response.content.decode(), re.S)[0]
    # the village notice shows no amount for it, and nothing of the internal reason
    notice = client.get(reverse("cases:print_notice", args=[app.village_id])).content.decode()
    rows = re.search(r'id="notice-rows".*?</table>', notice, re.S).group(0)
    assert "待核定" in rows and reason not in notice and "不低于" not in notice


def test_an_eligible_case_keeps_no_continue_reason(staff, make_household):
    app = to_awaiting_notice(staff, register(staff, make_household(TOWNSHIP_A)))
    app = publish(staff, app, 5, continue_reason="无需")
    assert app.status == Status.NOTICED and app.continue_reason == ""


def test_a_temporary_assistance_notice_shows_its_amount(client, staff, make_household):
    household = make_household(TOWNSHIP_A, size=3, head_name="龙大山")
    app = register(staff, household, "temporary", requested_amount=Decimal("1500"))
    app = to_awaiting_notice(staff, app)
    publish(staff, app, 5)
    client.force_login(staff["officer_a"])
    body = client.get(reverse("cases:print_notice", args=[app.village_id])).content.decode()
    rows = re.search(r'id="notice-rows".*?</table>', body, re.S).group(0)
    assert "龙*山" in rows and "临时救助" in rows and "¥1,500.00（一次性）" in rows
    start, end = days_ago(5), days_ago(-2)
    assert (
        f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日" in rows
    )
    assert "（补录）" in rows and LATE_REASON not in body  # marked, the reason kept internal
    assert "龙大山" not in body and "申请" not in rows


def test_a_temporary_case_with_nothing_to_pay_stops_at_the_notice(staff, regions, make_household):
    app = register(staff, make_household(TOWNSHIP_A), "temporary", requested_amount=Decimal(800))
    app = to_awaiting_notice(staff, app)
    Application.objects.filter(pk=app.pk).update(requested_amount=Decimal("0"))
    with pytest.raises(ValidationFailed, match="计算金额为零.*不能发布公示"):
        publish(staff, app, 5)


def _refused(staff, make_household):
    app = to_awaiting_notice(staff, register(staff, make_household(TOWNSHIP_A)))
    publish(staff, app, 9)
    services.notice_close(actor=staff["officer_a"], application_id=app.pk)
    services.township_opinion_record(
        actor=staff["officer_a"], application_id=app.pk, opinion="建议不予确认"
    )
    return services.application_refuse(
        actor=staff["head_a"], application_id=app.pk, reason="家庭人均收入高于当地低保标准"
    )


def _refusal_deadline_done(app) -> bool:
    app = Application.objects.get(pk=app.pk)
    views = case_deadlines(app, timezone.localdate())
    return next(v for v in views if v.item.code == "refusal_letter").done


def test_opening_the_refusal_letter_writes_nothing_the_post_records_it_once(
    client, staff, make_household
):
    app = _refused(staff, make_household)
    client.force_login(staff["officer_a"])
    events, audited = CaseEvent.objects.count(), AuditEntry.objects.count()
    url = reverse("cases:print_refusal", args=[app.pk])
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert CaseEvent.objects.count() == events and AuditEntry.objects.count() == audited
    assert not _refusal_deadline_done(app)

    act = reverse("cases:act", args=[app.pk, "refusal_delivered"])
    # a cross-site GET of the recording URL does nothing either
    assert client.get(act).status_code == 405
    assert CaseEvent.objects.count() == events
    with pytest.raises(ValidationFailed, match="书面告知送达日期不能早于决定日期"):
        services.refusal_letter_delivered(
            actor=staff["officer_a"], application_id=app.pk, **dated("delivered_on", 1)
        )
    response = client.post(act, {"refusal_delivered-delivered_on": days_ago(0).isoformat()})
    assert response.status_code == 302
    assert CaseEvent.objects.filter(application=app, action="refusal_delivered").count() == 1
    assert AuditEntry.objects.filter(action="case.refusal_delivered").count() == 1
    assert _refusal_deadline_done(app)
    # once: a second POST changes nothing
    client.post(act, {"refusal_delivered-delivered_on": days_ago(0).isoformat()})
    with pytest.raises(Conflict, match="已登记送达"):
        services.refusal_letter_delivered(actor=staff["head_a"], application_id=app.pk)
    assert CaseEvent.objects.filter(application=app, action="refusal_delivered").count() == 1
    assert AuditEntry.objects.filter(action="case.refusal_delivered").count() == 1
    letter = client.get(url).content.decode()
    assert "本告知书已登记送达" in letter and 'id="step-refusal_delivered"' not in letter
