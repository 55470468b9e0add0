"""The officer's day end to end (issue 15's acceptance): a family walks in and is registered on
the form, applies for rural dibao from its household page, the case is taken to confirmation
by the people who do each step, and every step's document is opened from the case page: its
title is the document's name and no field of it is empty."""

from datetime import date
from pathlib import Path

import pytest

from jiuzhu.accounts.system import system_actor
from jiuzhu.cases.models import Application
from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.workdays_db import seed_holidays
from jiuzhu.payments.models import Enrolment
from jiuzhu.programmes.seed import seed_county_defaults
from tests.conftest import PASSWORD, TOWNSHIP_A, first_village
from tests.integration.case_steps import LATE_REASON, days_ago
from tests.integration.print_checks import empty_value_cells, value_cell_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "officer-day"

HEAD_ID = make_resident_id(region_code="433123", birth_date=date(1962, 3, 8), sequence=15, sex="M")
SON_ID = make_resident_id(region_code="433123", birth_date=date(1990, 11, 20), sequence=33, sex="M")
# the documents of a case confirmed by the township, in the order of the procedure
DOCUMENTS = ["一次性告知书", "受理通知书", "入户调查表", "审批表", "确认通知书"]


@pytest.fixture
def staff(users, make_user, regions):
    seed_county_defaults(county=regions["433123000000"])
    seed_holidays([2026, 2027], actor=system_actor("cli"))
    names = {"officer_a": "杨建军", "village_a": "田秀英"}
    for key, name in names.items():
        users[key].full_name = name
        users[key].save()
    second = make_user("officer-a2", "township_officer", TOWNSHIP_A)
    head = make_user("head-a", "township_head", TOWNSHIP_A)
    for user, name in ((second, "吴晓梅"), (head, "龙乡长")):
        user.full_name = name
        user.save()
    return {**users, "officer_a2": second, "head_a": head}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def as_user(page, login, user):
    page.context.clear_cookies()
    return login(user.username, PASSWORD)


def submit(page, step: str) -> None:
    with page.expect_navigation():
        page.click(f"#step-{step} button[type=submit]")
    errors = page.locator(".alert-danger")
    assert errors.count() == 0, errors.all_inner_texts()


def fill_dated(page, step: str, field: str, days: int) -> None:
    page.fill(f"#id_{step}-{field}", days_ago(days).isoformat())
    page.fill(f"#id_{step}-late_reason", LATE_REASON)


def register_walk_in_family(page, village) -> int:
    page.click("nav >> text=家庭与人员")
    page.click("#walkin-new")
    page.wait_for_selector("#walkin-form")
    page.select_option("#id_village", str(village.pk))
    page.fill("#id_address", "沱江镇虹桥社区5组")
    page.fill("#id_members-0-name", "麻老五")
    page.locator("#id_members-0-id_number").press_sequentially(HEAD_ID)
    assert "男" in page.inner_text("#id_members-0-id_number-derived")
    page.select_option("#id_members-0-labour_capacity", "none")
    page.click("#add-member")
    page.fill("#id_members-1-name", "麻小兵")
    page.select_option("#id_members-1-relation", "son")
    page.locator("#id_members-1-id_number").press_sequentially(SON_ID)
    page.click("#add-income")
    page.select_option("#id_incomes-0-person", "2")
    page.select_option("#id_incomes-0-category", "wages")
    page.fill("#id_incomes-0-amount", "3600")
    page.fill("#id_incomes-0-period_start", "2025-12-01")
    page.fill("#id_incomes-0-period_end", "2026-11-30")
    shot(page, "walkin_form")
    with page.expect_navigation():
        page.click("#walkin-submit")
    page.wait_for_selector("#household-number")
    shot(page, "walkin_registered")
    page.click("#household-link")
    page.wait_for_selector("#members")
    return int(page.url.rstrip("/").rsplit("/", 1)[-1])


def test_walk_in_family_to_confirmation_with_every_document(
    login, page, live_server, staff, regions
):
    village = first_village(regions, TOWNSHIP_A)

    # the township officer registers the family that walked in, and applies from its page
    as_user(page, login, staff["officer_a"])
    assert "工作台" in page.inner_text("h1")  # login lands on the work queue
    household_id = register_walk_in_family(page, village)
    assert "麻小兵" in page.inner_text("#members")
    page.click("#household-actions >> text=登记救助申请")
    page.wait_for_selector("#register-form")
    page.select_option("#id_programme_code", "dibao_rural")
    page.fill("#id_reason", "户主因病丧失劳动能力，儿子务工收入低")
    page.fill("#id_applied_on", days_ago(22).isoformat())
    page.fill("#id_late_reason", LATE_REASON)
    with page.expect_navigation():
        page.click("#register-form button[type=submit]")
    app = Application.objects.get(household_id=household_id)
    case_url = page.url

    # one-time notice of what is missing, supplied, accepted, investigated, verified
    page.fill("#id_mark_incomplete-missing", "户口簿复印件\n残疾证复印件")
    submit(page, "mark_incomplete")
    page.fill("#id_supplement-note", "已补交户口簿、残疾证复印件")
    submit(page, "supplement")
    fill_dated(page, "accept", "accepted_on", 21)
    submit(page, "accept")
    page.select_option("#id_investigation-investigator_1", str(staff["officer_a"].pk))
    page.select_option("#id_investigation-investigator_2", str(staff["officer_a2"].pk))
    page.fill("#id_investigation-living_conditions", "两间砖房，户主卧病在床")
    page.fill("#id_investigation-income_findings", "儿子务工，年收入约三千六百元")
    page.fill("#id_investigation-asset_findings", "无机动车，无存款")
    page.check("#id_investigation-family_signed")
    fill_dated(page, "investigation", "visited_on", 19)
    submit(page, "investigation")
    page.select_option("#id_verification-result", "consistent")
    page.fill("#id_verification-details", "民政、人社、不动产、车辆信息核对与申报一致")
    fill_dated(page, "verification", "checked_on", 17)
    submit(page, "verification")
    fill_dated(page, "notice_publish", "start_on", 9)
    submit(page, "notice_publish")
    # the village notice prints while the case is on notice
    notice = page.locator("#print-documents a", has_text="本村公示")
    with page.expect_navigation():
        notice.click()
    assert "公示" in page.inner_text("h1") and "麻" in page.inner_text("#document")
    page.goto(case_url)
    submit(page, "notice_close")
    assert page.inner_text("#case-status") == "待乡镇提出审核意见"
    page.fill("#id_township_opinion-opinion", "经调查核对，家庭人均收入低于保障标准，建议纳入")
    submit(page, "township_opinion")

    # the township head confirms
    as_user(page, login, staff["head_a"])
    page.goto(case_url)
    page.fill("#id_confirm-reason", "符合农村低保条件，同意纳入")
    submit(page, "confirm")
    assert page.inner_text("#case-status") == "已纳入保障"
    assert Enrolment.objects.get(application=app).members == 2
    shot(page, "case_confirmed")

    # every document of the steps passed, from the case page: title, and no empty field
    links = page.locator("#print-documents a")
    found = [links.nth(i).inner_text().replace("打印", "").strip() for i in range(links.count())]
    assert found == DOCUMENTS
    urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for name, url in zip(DOCUMENTS, urls, strict=True):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_selector("#document")
        assert name in page.title() and name in page.inner_text("h1"), name
        html = page.content()
        assert value_cell_count(html) > 0, name
        assert empty_value_cells(html) == [], (name, empty_value_cells(html))
        assert "麻老五" in page.inner_text("#document"), name
        shot(page, f"print_{name}")

    # the household page now shows the case, its stage and the enrolment
    page.goto(f"{live_server.url}/registry/households/{household_id}/")
    assert app.number in page.inner_text("#applications")
    assert "已纳入保障" in page.inner_text("#applications")
    assert "在保" in page.inner_text("#enrolments")
