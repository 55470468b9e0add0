"""Case pages: jurisdiction, the forms each status offers, one service per POST, service errors
shown without changes, the printable notice and refusal letter, the kin banner."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.system import system_actor
from jiuzhu.cases import services
from jiuzhu.cases.models import Application, CaseEvent
from jiuzhu.cases.workflow import Status
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.workdays_db import seed_holidays
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.registry.models import KinDeclaration
from jiuzhu.registry.sensitive import id_lookup_hash
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B

from .case_steps import LATE_REASON, applied, dated, days_ago

FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def staff(users, make_user, regions):
    seed_county_defaults(county=regions["433123000000"])
    return {
        **users,
        "officer_a2": make_user("officer-a2", "township_officer", TOWNSHIP_A),
        "head_a": make_user("head-a", "township_head", TOWNSHIP_A),
        "head_b": make_user("head-b", "township_head", TOWNSHIP_B),
    }


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def register(staff, household, programme="dibao_rural", actor="village_a", **kwargs):
    """An application made 20 days ago (registered late, with its reason) unless told."""
    return services.application_register(
        actor=staff[actor],
        household_id=household.pk,
        programme_code=programme,
        reason="因病致贫",
        **{**applied(20), **kwargs},
    )


def to_noticed(app, staff, *, days_ago=8):
    services.application_accept(
        actor=staff["officer_a"], application_id=app.pk, **dated("accepted_on", 19)
    )
    services.investigation_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        **dated("visited_on", 17),
        investigator_1=staff["officer_a"],
        investigator_2=staff["officer_a2"],
        living_conditions="住房简陋",
        income_findings="务农",
        asset_findings="无",
        family_signed=True,
    )
    services.verification_record(
        actor=staff["officer_a"],
        application_id=app.pk,
        **dated("checked_on", 15),
        result="consistent",
        details="与申报一致",
    )
    services.application_calculate(actor=staff["officer_a"], application_id=app.pk)
    return services.notice_publish(
        actor=staff["officer_a"], application_id=app.pk, **dated("start_on", days_ago)
    )


def to_reviewed(app, staff):
    to_noticed(app, staff)
    services.notice_close(actor=staff["officer_a"], application_id=app.pk)
    return services.township_opinion_record(
        actor=staff["officer_a"], application_id=app.pk, opinion="经调查核实，建议纳入"
    )


def status_of(app) -> str:
    return Application.objects.get(pk=app.pk).status


def post(client, app, step, data):
    url = reverse("cases:act", args=[app.pk, step])
    return client.post(url, {f"{step}-{k}": v for k, v in data.items()}, follow=True)


def without_number(body: str, app) -> str:
    """The case number (SQ + year + township code + serial) has 18 digits of its own."""
    return body.replace(app.number, "")


def steps_on_page(response) -> set[str]:
    return set(re.findall(r'data-step="([a-z_]+)"', response.content.decode()))


def test_queue_and_case_pages_stay_in_jurisdiction(staff, as_user, make_household):
    app_a = register(staff, make_household(TOWNSHIP_A, head_name="龙大山"))
    services.application_accept(actor=staff["officer_a"], application_id=app_a.pk)
    app_b = services.application_register(
        actor=staff["officer_b"],
        household_id=make_household(TOWNSHIP_B, head_name="石二妹").pk,
        programme_code="dibao_rural",
        reason="申请",
    )

    client = as_user(staff["officer_b"])
    body = client.get(reverse("cases:queue")).content.decode()
    assert app_b.number in body and app_a.number not in body and "龙大山" not in body
    assert "各乡镇办理情况" not in body  # the per-township summary is for county users
    for url in (
        reverse("cases:detail", args=[app_a.pk]),
        reverse("cases:print_investigation", args=[app_a.pk]),
        reverse("cases:print_refusal", args=[app_a.pk]),
        reverse("cases:print_notice", args=[app_a.village_id]),
        reverse("cases:register") + f"?household={app_a.household_id}",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("cases:act", args=[app_a.pk, "withdraw"]), {"withdraw-reason": "撤回"}
        ).status_code
        == 404
    )
    assert status_of(app_a) == Status.ACCEPTED

    client = as_user(staff["county"])
    response = client.get(reverse("cases:queue"))
    body = response.content.decode()
    assert app_a.number in body and app_b.number in body and "各乡镇办理情况" in body
    assert "沱江镇" in body and "山江镇" in body
    # the next deadline of the accepted case: label, date and working days left
    assert "启动入户调查" in body and "个工作日" in body
    filtered = client.get(reverse("cases:queue"), {"township": app_b.township_id}).content.decode()
    assert app_b.number in filtered and app_a.number not in filtered
    by_status = client.get(reverse("cases:queue"), {"status": "draft"}).content.decode()
    assert app_b.number in by_status and app_a.number not in by_status


def test_detail_offers_only_the_forms_the_status_allows(staff, as_user, make_household):
    app = register(staff, make_household(TOWNSHIP_A))
    officer = as_user(staff["officer_a"])
    steps = steps_on_page(officer.get(reverse("cases:detail", args=[app.pk])))
    assert {"accept", "mark_incomplete", "withdraw", "complaint"} <= steps
    assert not steps & {"confirm", "refuse", "notice_publish", "investigation", "extend"}

    to_reviewed(app, staff)
    steps = steps_on_page(officer.get(reverse("cases:detail", args=[app.pk])))
    assert "township_opinion" in steps and not steps & {"confirm", "refuse", "accept"}

    head = as_user(staff["head_a"])  # decides, does not handle
    response = head.get(reverse("cases:detail", args=[app.pk]))
    steps = steps_on_page(response)
    assert {"confirm", "refuse"} <= steps
    assert not steps & {"township_opinion", "withdraw", "extend"}
    assert "乡镇（街道）审核确认" in response.content.decode()


def late_step(field: str, days: int) -> dict:
    """A step form's date `days` ago, with its 补录 reason (as the page posts them)."""
    return {k: v.isoformat() if k == field else v for k, v in dated(field, days).items()}


def test_each_post_moves_the_case(staff, as_user, make_household):
    today = timezone.localdate()
    household = make_household(TOWNSHIP_A, size=2)
    village = as_user(staff["village_a"])
    # the queue's lookup by household number leads to the registration page
    response = village.get(reverse("cases:register"), {"number": household.number})
    assert response.status_code == 302 and f"household={household.pk}" in response["Location"]
    response = village.post(
        reverse("cases:register") + f"?household={household.pk}",
        {
            "programme_code": "dibao_rural",
            "applicant_id": "",
            "reason": "因病致贫",
            "requested_amount": "",
            "temporary_tier": "",
            "applied_on": days_ago(26).isoformat(),
            "late_reason": LATE_REASON,
        },
        follow=True,
    )
    app = Application.objects.get(household=household)
    assert app.status == Status.DRAFT and app.created_by == staff["village_a"]
    assert app.applied_on == days_ago(26) and app.late_reasons == {"applied_on": LATE_REASON}
    assert "申请已登记" in response.content.decode()

    officer = as_user(staff["officer_a"])
    post(officer, app, "mark_incomplete", {"missing": "户口簿复印件\n收入证明\n"})
    app.refresh_from_db()
    assert app.status == Status.INCOMPLETE and app.missing_materials == ["户口簿复印件", "收入证明"]
    post(officer, app, "supplement", {"note": "已补齐"})
    assert status_of(app) == Status.DRAFT
    post(officer, app, "accept", late_step("accepted_on", 25))
    assert status_of(app) == Status.ACCEPTED
    seed_holidays([today.year], actor=system_actor("cli"))
    response = post(officer, app, "extend", {"reason": "需补充调查外地务工收入"})
    assert Application.objects.get(pk=app.pk).extended
    # 45 working days reach into a year whose holidays are not entered: the deadline says so
    assert f"{today.year + 1}年节假日安排未录入，期限按周一至周五计算" in response.content.decode()
    response = post(
        officer,
        app,
        "investigation",
        {
            **late_step("visited_on", 24),
            "investigator_1": staff["officer_a"].pk,
            "investigator_2": staff["officer_a2"].pk,
            "living_conditions": "住房简陋",
            "income_findings": "务农",
            "asset_findings": "无",
            "family_signed": "on",
        },
    )
    assert status_of(app) == Status.VERIFYING, response.content.decode()[:500]
    post(
        officer,
        app,
        "verification",
        {
            **late_step("checked_on", 23),
            "result": "consistent",
            "details": "与申报一致",
            "objection": "",
        },
    )
    assert status_of(app) == Status.AWAITING_NOTICE
    # the verification priced the case: the amount is known before the notice
    assert Application.objects.get(pk=app.pk).monthly_amount == Decimal("900.00")
    post(officer, app, "calculate", {})
    assert Application.objects.get(pk=app.pk).monthly_amount == Decimal("900.00")
    post(officer, app, "notice_publish", late_step("start_on", 22))
    assert status_of(app) == Status.NOTICED
    post(
        officer,
        app,
        "notice_objection",
        {
            **late_step("received_on", 20),
            "content": "有村民反映其子女在外务工",
            "route": "appraisal",
        },
    )
    assert status_of(app) == Status.APPRAISAL
    post(
        officer,
        app,
        "appraisal",
        {
            **late_step("held_on", 18),
            "attendees": 15,
            "votes_for": 13,
            "votes_against": 1,
            "record": "多数同意",
        },
    )
    assert status_of(app) == Status.AWAITING_NOTICE
    post(officer, app, "notice_publish", late_step("start_on", 16))
    post(officer, app, "notice_close", {})
    assert status_of(app) == Status.TOWNSHIP_REVIEWED
    post(officer, app, "township_opinion", {"opinion": "建议纳入"})
    assert Application.objects.get(pk=app.pk).township_opinion == "建议纳入"
    post(
        officer,
        app,
        "complaint",
        {"received_on": today.isoformat(), "channel": "hotline", "content": "反映家中有车"},
    )
    assert Application.objects.get(pk=app.pk).has_complaint

    response = post(as_user(staff["head_a"]), app, "confirm", {"reason": "符合条件，同意纳入"})
    assert status_of(app) == Status.ENROLLED and Enrolment.objects.filter(application=app).exists()
    body = response.content.decode()
    assert "已审核确认" in body and "已纳入保障" in body and "本案已办结" in body
    assert "公示有异议" in body and "民主评议" in body  # the history shows every step


def test_registration_form_asks_for_what_the_programme_needs(staff, as_user, make_household):
    household = make_household(TOWNSHIP_A)
    url = reverse("cases:register") + f"?household={household.pk}"
    client = as_user(staff["village_a"])
    body = client.post(url, {"programme_code": "extreme_poverty_dispersed", "reason": "无人赡养"})
    assert "个人类救助项目须选择申请人（保障对象）" in body.content.decode()
    body = client.post(url, {"programme_code": "temporary", "reason": "火灾"}).content.decode()
    assert "临时救助须填写申请金额或选择救助档次" in body
    body = client.post(
        url, {"programme_code": "temporary", "reason": "火灾", "requested_amount": "一千"}
    ).content.decode()
    assert "金额格式错误" in body
    assert not Application.objects.filter(household=household).exists()
    response = client.get(reverse("cases:register"), {"number": "000000"}, follow=True)
    assert "没有找到家庭编号为“000000”的家庭" in response.content.decode()
    # a user who only decides does not register
    assert as_user(staff["head_a"]).get(url).status_code == 404


def test_withdraw_and_temporary_first_payment(staff, as_user, make_household):
    officer = as_user(staff["officer_a"])
    app = register(staff, make_household(TOWNSHIP_A))
    post(officer, app, "withdraw", {"reason": "申请人主动撤回"})
    assert status_of(app) == Status.WITHDRAWN

    temp = register(
        staff, make_household(TOWNSHIP_A), programme="temporary", requested_amount=Decimal("1500")
    )
    post(officer, temp, "accept", {"accepted_on": timezone.localdate().isoformat()})
    assert "emergency_pay" in steps_on_page(officer.get(reverse("cases:detail", args=[temp.pk])))
    post(officer, temp, "emergency_pay", {"amount": "1,500", "reason": "房屋失火"})
    assert status_of(temp) == Status.PAID_FIRST
    post(officer, temp, "filing", {"note": "已补齐材料"})
    assert status_of(temp) == Status.AWAITING_NOTICE


def test_service_error_is_shown_and_nothing_changes(staff, as_user, make_household):
    app = to_reviewed(register(staff, make_household(TOWNSHIP_A)), staff)
    events = CaseEvent.objects.filter(application=app).count()
    head = as_user(staff["head_a"])
    response = post(head, app, "refuse", {"reason": "不行"})
    assert response.status_code == 200
    assert "不予确认须书面说明理由" in response.content.decode()
    assert status_of(app) == Status.TOWNSHIP_REVIEWED
    assert CaseEvent.objects.filter(application=app).count() == events
    # an illegal step (the notice is over) is refused by the service with its reason
    response = post(as_user(staff["officer_a"]), app, "notice_close", {})
    assert "不能执行" in response.content.decode()
    assert status_of(app) == Status.TOWNSHIP_REVIEWED


def test_notice_print_shows_masked_names_and_no_id_numbers(staff, as_user, make_household):
    first = make_household(TOWNSHIP_A, size=3, head_name="龙大山")
    second = make_household(TOWNSHIP_A, size=2, head_name="欧阳春花")
    to_noticed(register(staff, first), staff)
    to_noticed(register(staff, second), staff, days_ago=2)
    other = register(staff, make_household(TOWNSHIP_A, head_name="麻三妹"))  # not on notice

    response = as_user(staff["officer_a"]).get(
        reverse("cases:print_notice", args=[first.village_id])
    )
    body = response.content.decode()
    assert "龙*山" in body and "欧*花" in body
    assert "龙大山" not in body and "欧阳春花" not in body and "麻" not in body
    assert "龙小1" not in body and "龙小2" not in body  # no other member's details
    assert not FULL_ID.search(body)
    for person in first.members.all():
        assert decrypt(person.id_cipher) not in body and person.id_masked not in body
    assert "3人" in body and "¥" in body and "农村最低生活保障" in body
    assert "打印" in body and "沱江镇人民政府" in body
    assert other.number not in body


def test_refusal_letter_has_reasons_and_its_delivery_is_a_post(staff, as_user, make_household):
    app = to_reviewed(register(staff, make_household(TOWNSHIP_A, head_name="龙大山")), staff)
    head = as_user(staff["head_a"])
    post(head, app, "refuse", {"reason": "家庭人均收入高于当地低保标准，不符合条件"})
    assert status_of(app) == Status.REFUSED
    page = head.get(reverse("cases:detail", args=[app.pk])).content.decode()
    assert "打印不予确认告知书" in page and "不予确认告知书尚未登记送达" in page
    assert 'data-step="refusal_delivered"' in page  # the button on the case page

    audited = AuditEntry.objects.count()
    body = head.get(reverse("cases:print_refusal", args=[app.pk])).content.decode()
    assert "不予确认告知书" in body and "家庭人均收入高于当地低保标准，不符合条件" in body
    assert "行政复议" in body and "行政诉讼" in body and "沱江镇人民政府" in body
    assert "龙大山" in body and not FULL_ID.search(without_number(body, app))
    assert f"于{days_ago(20).year}年" in body  # the application date, not the registration's
    assert 'id="step-refusal_delivered"' in body  # the button on the letter
    assert not CaseEvent.objects.filter(
        application=app, action__in=["print_refusal", "refusal_delivered"]
    ).exists()
    assert AuditEntry.objects.count() == audited

    response = post(head, app, "refusal_delivered", {"delivered_on": days_ago(0).isoformat()})
    assert "已登记不予确认告知书送达" in response.content.decode()
    assert CaseEvent.objects.filter(application=app, action="refusal_delivered").count() == 1
    assert AuditEntry.objects.filter(action="case.refusal_delivered").count() == 1
    response = head.get(reverse("cases:detail", args=[app.pk]))
    assert "不予确认告知书已于" in response.content.decode()
    assert "refusal_delivered" not in steps_on_page(response)

    # no letter for a case that was not refused
    other = register(staff, make_household(TOWNSHIP_A))
    response = head.get(reverse("cases:print_refusal", args=[other.pk]), follow=True)
    assert "只有不予确认的申请才有不予确认告知书" in response.content.decode()
    assert not CaseEvent.objects.filter(application=other, action="refusal_delivered").exists()


def test_investigation_form_prints_masked_ids_and_signature_lines(staff, as_user, make_household):
    household = make_household(TOWNSHIP_A, size=2)
    app = to_noticed(register(staff, household), staff)
    body = (
        as_user(staff["officer_a"])
        .get(reverse("cases:print_investigation", args=[app.pk]))
        .content.decode()
    )
    assert "入户调查表" in body and "住房简陋" in body and "officer-a2" in body
    assert "申请人（家庭成员）签字" in body and not FULL_ID.search(without_number(body, app))
    for person in household.members.all():
        assert person.id_masked in body and decrypt(person.id_cipher) not in body


def test_kin_registered_case_shows_the_banner(staff, as_user, make_household):
    household = make_household(TOWNSHIP_A, size=2)
    daughter = household.members.get(relation="daughter")
    KinDeclaration.objects.create(
        declarant=staff["officer_a2"],
        declarant_name="经办人",
        declarant_role="civil_affairs",
        declarant_unit="沱江镇民政办",
        county=household.county,
        relative_name=daughter.name,
        relative_id_hash=id_lookup_hash(decrypt(daughter.id_cipher)),
        relative_id_masked=daughter.id_masked,
        kin="child",
        declared_on=timezone.localdate(),
        recorded_by=staff["county"],
    )
    kin_case = register(staff, household)
    plain = register(staff, make_household(TOWNSHIP_A))
    client = as_user(staff["officer_a"])
    assert kin_case.kin_registered
    assert (
        "单独登记备案" in client.get(reverse("cases:detail", args=[kin_case.pk])).content.decode()
    )
    assert (
        "单独登记备案" not in client.get(reverse("cases:detail", args=[plain.pk])).content.decode()
    )
    assert "单独登记备案" in client.get(reverse("cases:queue")).content.decode()


def test_queue_shows_each_handlers_load_and_filters_mine(client, staff, make_household):
    from jiuzhu.cases import services as case_services

    app = case_services.application_register(
        actor=staff["village_a"],
        household_id=make_household(TOWNSHIP_A).pk,
        programme_code="dibao_rural",
        reason="申请",
    )
    case_services.application_accept(actor=staff["officer_a2"], application_id=app.pk)
    client.force_login(staff["officer_a"])
    page = client.get("/cases/").content.decode()
    assert "各经办人办理情况" in page and staff["officer_a2"].display_name in page
    mine = client.get("/cases/?mine=1").content.decode()
    assert app.number not in mine
    client.force_login(staff["officer_a2"])
    assert app.number in client.get("/cases/?mine=1").content.decode()
