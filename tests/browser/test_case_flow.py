"""One rural dibao application from registration to confirmation through the pages, by the
people who do each step; then a refusal with its printed letter and the village notice."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from jiuzhu.accounts.system import system_actor
from jiuzhu.cases import services
from jiuzhu.cases.models import Application, CaseEvent
from jiuzhu.cases.workflow import Status
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.workdays_db import seed_holidays
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.registry.models import KinDeclaration
from jiuzhu.registry.sensitive import id_lookup_hash
from tests.conftest import PASSWORD, TOWNSHIP_A
from tests.integration.case_steps import LATE_REASON, applied, dated, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FULL_ID = re.compile(r"\d{17}[\dX]")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def staff(users, make_user, regions):
    seed_county_defaults(county=regions["433123000000"])
    seed_holidays([2026], actor=system_actor("cli"))
    for user, name in ((users["village_a"], "田秀英"), (users["officer_a"], "杨建军")):
        user.full_name = name
        user.save()
    return {
        **users,
        "officer_a2": make_user("officer-a2", "township_officer", TOWNSHIP_A),
        "head_a": make_user("head-a", "township_head", TOWNSHIP_A),
    }


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"case_{name}.png"), full_page=True)


def as_user(page, login, user):
    page.context.clear_cookies()
    return login(user.username, PASSWORD)


def submit(page, step):
    with page.expect_navigation():
        page.click(f"#step-{step} button[type=submit]")
    assert page.locator(".alert-danger").count() == 0, page.locator(
        ".alert-danger"
    ).all_inner_texts()


def prepare(staff, household, *, until):
    """Take a case through the services up to the notice or the township's opinion, its steps
    dated in the past in order (entered late, with the reason)."""
    officer = staff["officer_a"]
    app = services.application_register(
        actor=staff["village_a"],
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="因残致贫",
        **applied(20),
    )
    services.application_accept(actor=officer, application_id=app.pk, **dated("accepted_on", 19))
    services.investigation_record(
        actor=officer,
        application_id=app.pk,
        **dated("visited_on", 17),
        investigator_1=officer,
        investigator_2=staff["officer_a2"],
        living_conditions="住房为老旧木房",
        income_findings="务农为主",
        asset_findings="无车辆",
        family_signed=True,
    )
    services.verification_record(
        actor=officer,
        application_id=app.pk,
        **dated("checked_on", 15),
        result="consistent",
        details="与申报一致",
    )
    services.application_calculate(actor=officer, application_id=app.pk)
    services.notice_publish(actor=officer, application_id=app.pk, **dated("start_on", 8))
    if until == Status.NOTICED:
        return app
    services.notice_close(actor=officer, application_id=app.pk)
    services.township_opinion_record(actor=officer, application_id=app.pk, opinion="建议纳入")
    return app


def declare_kin(staff, household):
    """The county administrator declares a member as a close relative (R5): the case is then
    registered separately."""
    daughter = household.members.get(relation="daughter")
    KinDeclaration.objects.create(
        declarant=staff["county"],
        declarant_name="县民政局干部",
        declarant_role="civil_affairs",
        declarant_unit="凤凰县民政局",
        county=household.county,
        relative_name=daughter.name,
        relative_id_hash=id_lookup_hash(decrypt(daughter.id_cipher)),
        relative_id_masked=daughter.id_masked,
        kin="child",
        declared_on=timezone.localdate(),
        recorded_by=staff["county"],
    )


def test_dibao_case_from_registration_to_confirmation(
    login, page, live_server, staff, make_household
):
    household = make_household(TOWNSHIP_A, size=3, head_name="龙大山")

    # a village assistant registers the application from the queue's household lookup
    as_user(page, login, staff["village_a"])
    page.click("nav >> text=申请办理")
    page.fill("#register-lookup input[name=q]", household.number)
    page.click("#register-lookup button")
    page.wait_for_selector("#register-form")
    page.select_option("#id_programme_code", "dibao_rural")
    page.fill("#id_reason", "户主因病丧失劳动能力，家庭收入低")
    # a paper application of 20 days ago, registered now: a 补录 with its reason
    page.fill("#id_applied_on", days_ago(20).isoformat())
    page.fill("#id_late_reason", LATE_REASON)
    shot(page, "register")
    with page.expect_navigation():
        page.click("#register-form button[type=submit]")
    assert "申请已登记" in page.inner_text("main")
    app = Application.objects.get(household=household)
    assert page.inner_text("#case-status") == "登记"
    case_url = page.url

    # a township officer accepts it and handles every step up to the township's opinion
    as_user(page, login, staff["officer_a"])
    page.click("nav >> text=申请办理")
    assert app.number in page.inner_text("#queue")
    page.click(f"#queue >> text={app.number}")
    page.fill("#id_accept-accepted_on", days_ago(19).isoformat())
    page.fill("#id_accept-late_reason", LATE_REASON)
    submit(page, "accept")
    assert "补录" in page.inner_text("#accepted-on")
    assert page.inner_text("#case-status") == "已受理"
    page.select_option("#id_investigation-investigator_1", str(staff["officer_a"].pk))
    page.select_option("#id_investigation-investigator_2", str(staff["officer_a2"].pk))
    page.fill("#id_investigation-living_conditions", "三间木房，年久失修；户主卧床")
    page.fill("#id_investigation-income_findings", "女儿务农，年收入约三千元")
    page.fill("#id_investigation-asset_findings", "无车辆，无存款")
    page.check("#id_investigation-family_signed")
    page.fill("#id_investigation-visited_on", days_ago(17).isoformat())
    page.fill("#id_investigation-late_reason", LATE_REASON)
    shot(page, "detail_accepted")
    submit(page, "investigation")
    assert page.inner_text("#case-status") == "经济状况核对中"
    page.select_option("#id_verification-result", "consistent")
    page.fill("#id_verification-details", "民政、人社、不动产、车辆信息核对与申报一致")
    page.fill("#id_verification-checked_on", days_ago(15).isoformat())
    page.fill("#id_verification-late_reason", LATE_REASON)
    submit(page, "verification")
    assert page.inner_text("#case-status") == "待公示"
    assert "¥" in page.inner_text("#calculation")  # priced at the verification
    # a notice backdated before the verification is refused, nothing changes
    page.fill("#id_notice_publish-start_on", days_ago(16).isoformat())
    page.fill("#id_notice_publish-late_reason", LATE_REASON)
    with page.expect_navigation():
        page.click("#step-notice_publish button[type=submit]")
    assert "公示开始日期不能早于经济状况核对日期" in page.inner_text(".alert-danger")
    assert page.inner_text("#case-status") == "待公示"
    page.fill("#id_notice_publish-start_on", days_ago(8).isoformat())
    page.fill("#id_notice_publish-late_reason", LATE_REASON)
    submit(page, "notice_publish")
    assert page.inner_text("#case-status") == "公示中"
    submit(page, "notice_close")
    # the notice is over; no opinion yet, and the status says so
    assert page.inner_text("#case-status") == "待乡镇提出审核意见"
    page.fill(
        "#id_township_opinion-opinion", "经入户调查和核对，家庭人均收入低于保障标准，建议纳入"
    )
    submit(page, "township_opinion")
    assert page.inner_text("#case-status") == "乡镇已提出意见，待审核确认"
    assert page.locator("[data-step=confirm]").count() == 0  # the officer does not decide

    # a different user, the township head, confirms it
    as_user(page, login, staff["head_a"])
    page.goto(case_url)
    assert "乡镇（街道）审核确认" in page.inner_text("#confirming")
    page.fill("#id_confirm-reason", "符合农村低保条件，同意纳入")
    submit(page, "confirm")
    assert page.inner_text("#case-status") == "已纳入保障"
    assert "已纳入保障" in page.inner_text("#events")
    shot(page, "confirmed")
    enrolment = Enrolment.objects.get(application=app)
    assert enrolment.members == 3 and enrolment.monthly_amount > 0
    page.click("text=打印入户调查表")
    page.wait_for_selector("#document")
    assert "杨建军" in page.inner_text("#signatures")
    shot(page, "investigation_print")


def test_refusal_letter_and_village_notice(login, page, live_server, staff, make_household):
    refused = prepare(
        staff, make_household(TOWNSHIP_A, head_name="麻老四"), until=Status.TOWNSHIP_REVIEWED
    )
    noticed_household = make_household(TOWNSHIP_A, size=2, head_name="欧阳春花")
    declare_kin(staff, noticed_household)
    noticed = prepare(staff, noticed_household, until=Status.NOTICED)
    assert noticed.kin_registered

    as_user(page, login, staff["head_a"])
    page.click("nav >> text=申请办理")
    shot(page, "queue")
    page.click(f"#queue >> text={refused.number}")
    page.fill("#id_refuse-reason", "家庭有未申报的经营性收入，人均收入高于当地低保标准")
    submit(page, "refuse")
    assert page.inner_text("#case-status") == "不予确认"
    page.click("text=打印不予确认告知书")
    page.wait_for_selector("#document")
    letter = page.inner_text("#document")
    assert "不予确认告知书" in letter and "麻老四" in letter
    assert "家庭有未申报的经营性收入，人均收入高于当地低保标准" in letter
    assert "行政复议" in letter and "沱江镇人民政府" in page.inner_text("#authority")
    # opening (and printing) the letter records nothing; its delivery is a button (a POST)
    assert not CaseEvent.objects.filter(
        application=refused, action__in=["print_refusal", "refusal_delivered"]
    ).exists()
    shot(page, "refusal_letter")
    submit(page, "refusal_delivered")
    assert "不予确认告知书已于" in page.inner_text("#refusal-delivery")
    assert CaseEvent.objects.filter(application=refused, action="refusal_delivered").count() == 1

    page.goto(f"{live_server.url}/cases/{noticed.pk}/")
    assert "单独登记备案" in page.inner_text("#kin-banner")
    shot(page, "kin_detail")
    page.click("text=打印本村公示")
    page.wait_for_selector("#notice-rows")
    notice = page.inner_text("#document")
    assert "欧*花" in notice and "欧阳春花" not in notice and "麻老四" not in notice
    assert "2人" in notice and "农村最低生活保障" in notice and "¥" in notice
    assert not FULL_ID.search(page.content())
    for person in noticed_household.members.all():
        assert decrypt(person.id_cipher) not in page.content() and person.name not in notice
    shot(page, "notice")
    page.emulate_media(media="print")  # the printed sheet: no navigation, no buttons
    assert not page.is_visible("nav") and not page.is_visible("button:has-text('打印')")
    assert page.is_visible("#notice-rows")
    shot(page, "notice_print")
    page.emulate_media(media="screen")

    # the county sees every township's queue with a summary per township
    as_user(page, login, staff["county"])
    page.click("nav >> text=申请办理")
    assert "沱江镇" in page.inner_text("#township-summary")
    assert noticed.number in page.inner_text("#queue") and refused.number not in page.inner_text(
        "#queue"
    )
    shot(page, "queue_county")
