"""A township officer does not find a family in the registry, registers it on the walk-in form
(the ID numbers checked as typed, the birth date and sex shown beside each), and goes straight
on to the application for it.

Stable hooks of the walk-in form, for tests that start from it (keep them as they are):
  /registry/households/new/          the form (registry:household_new); #walkin-form, its submit
                                     button #walkin-submit "保存并登记"
  #id_village #id_address #id_phone #id_bank_name #id_bank_account      the household
  #add-member "添加成员"             appends a member row; rows are numbered from 0:
    #id_members-N-FIELD (name members-N-FIELD), FIELD one of name, id_number, relation,
    hukou_type, ethnicity, labour_capacity, disability_type, disability_grade, health_status;
    a remove button [data-remove-row] on every row but the first
  #id_members-N-id_number-derived    what the number holds, as typed: "出生日期 1968年5月12日 · 男",
                                     or why it is wrong ("校验位错误：末位应为…")
  #add-income "添加收入", #id_incomes-N-FIELD: person (value = member row from 1, "" = 全户),
    category, amount, period_start, period_end, note
  #add-asset "添加财产", #id_assets-N-FIELD: person, kind, description, identifier, quantity,
    value, is_disability_vehicle
  #walkin-errors                     the problems, each with its row and field, when refused
  after saving, /registry/households/<pk>/registered/: #household-number, #apply-link
    "为该家庭登记申请" (cases:register?household=<pk>), #household-link "查看家庭信息"
  the application's household lookup: #register-lookup (queue) posts to the find page
    (cases:register_find): #find-form, #find-q, #household-picks, #walkin-link "没有找到？登记新家庭"
"""

from datetime import date

import pytest

from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.registry.models import Household
from tests.conftest import PASSWORD, TOWNSHIP_A, first_village

from .test_household_search import live_server_screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEAD_ID = make_resident_id(region_code="433123", birth_date=date(1968, 5, 12), sequence=13, sex="M")
WIFE_ID = make_resident_id(region_code="433123", birth_date=date(1971, 8, 2), sequence=21, sex="F")


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def derived(page, row: int):
    return page.locator(f"#id_members-{row}-id_number-derived")


def test_walk_in_family_registered_then_its_application(
    login, page, live_server, users, regions, make_household
):
    make_household(TOWNSHIP_A, head_name="石大", size=1)
    village = first_village(regions, TOWNSHIP_A)
    login(users["officer_a"].username, PASSWORD)

    # the application's lookup finds no 龙大山, and offers the walk-in form
    page.click("nav >> text=申请办理")
    page.fill("#register-lookup input[name=q]", "龙大山")
    page.click("#register-lookup button")
    page.wait_for_selector("#household-picks")
    assert "没有找到符合条件的家庭" in page.inner_text("#household-picks")
    page.click("#walkin-link")
    page.wait_for_selector("#walkin-form")

    page.select_option("#id_village", str(village.pk))
    page.fill("#id_address", "虹桥社区3组")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_members-0-name", "龙大山")
    # typed key by key: the count while typing, then what the number holds
    page.locator("#id_members-0-id_number").press_sequentially(HEAD_ID[:10])
    assert derived(page, 0).inner_text() == "已输入10位"
    page.locator("#id_members-0-id_number").press_sequentially(HEAD_ID[10:])
    assert derived(page, 0).inner_text() == "出生日期 1968年5月12日 · 男"

    page.click("#add-member")
    page.fill("#id_members-1-name", "吴小花")
    page.select_option("#id_members-1-relation", "spouse")
    page.locator("#id_members-1-id_number").press_sequentially(wrong_check_digit(WIFE_ID))
    assert "校验位错误：末位应为" in derived(page, 1).inner_text()
    assert "is-invalid" in page.get_attribute("#id_members-1-id_number", "class")
    page.fill("#id_members-1-id_number", "")
    page.locator("#id_members-1-id_number").press_sequentially(WIFE_ID)
    assert derived(page, 1).inner_text() == "出生日期 1971年8月2日 · 女"
    page.select_option("#id_members-1-disability_type", "physical")
    page.select_option("#id_members-1-disability_grade", "2")

    # a row added by mistake is removed, and the rows stay numbered for the server
    page.click("#add-member")
    page.locator("#members-table tbody tr").nth(2).locator("[data-remove-row]").click()
    assert page.input_value("#id_members-TOTAL_FORMS") == "2"

    # the wage is the head's: the member list follows the names typed
    page.click("#add-income")
    page.select_option("#id_incomes-0-person", label="第1名成员 龙大山")
    page.fill("#id_incomes-0-amount", "12000")
    page.click("#add-asset")
    page.select_option("#id_assets-0-kind", "real_estate")
    page.screenshot(path=str(live_server_screenshot_dir() / "walkin_form.png"), full_page=True)

    page.click("#walkin-submit")
    page.wait_for_selector("#apply-link")
    household = Household.objects.get(head_name="龙大山")
    assert page.inner_text("#household-number") == household.number
    members = page.locator("#members tbody tr")
    assert members.count() == 2 and "1968年5月12日" in members.nth(0).inner_text()
    assert "女" in members.nth(1).inner_text() and "肢体残疾2级" in members.nth(1).inner_text()
    assert HEAD_ID not in page.inner_text("body")
    assert household.incomes.get().person.name == "龙大山"
    page.screenshot(
        path=str(live_server_screenshot_dir() / "walkin_registered.png"), full_page=True
    )

    # straight on to the application, the household chosen
    page.click("#apply-link")
    page.wait_for_selector("#register-form")
    assert page.url.endswith(f"/cases/new/?household={household.pk}")
    assert household.number in page.inner_text("h1")
    assert page.locator("#members tbody tr").count() == 2

    # the next time, the family is found by its pinyin initials
    page.click("nav >> text=申请办理")
    page.fill("#register-lookup input[name=q]", "lds")
    page.click("#register-lookup button")
    page.wait_for_selector("#household-picks")
    picks = page.locator("#household-picks tbody tr")
    assert picks.count() == 1 and household.number in picks.inner_text()
    assert "4331**********" in picks.inner_text() and HEAD_ID not in page.inner_text("body")
    page.screenshot(path=str(live_server_screenshot_dir() / "register_find.png"), full_page=True)


def test_a_refused_form_keeps_what_was_typed_and_says_where(
    login, page, live_server, users, regions
):
    village = first_village(regions, TOWNSHIP_A)
    login(users["officer_a"].username, PASSWORD)
    page.goto(f"{live_server.url}/registry/households/")
    page.click("#walkin-new")
    page.wait_for_selector("#walkin-form")
    page.select_option("#id_village", str(village.pk))
    page.fill("#id_members-0-name", "龙大山")
    page.fill("#id_members-0-id_number", HEAD_ID)
    page.click("#add-member")
    page.fill("#id_members-1-name", "龙大三")
    page.select_option("#id_members-1-relation", "sibling")
    page.fill("#id_members-1-id_number", HEAD_ID)
    page.click("#walkin-submit")
    page.wait_for_selector("#walkin-errors")
    assert "第2名成员（龙大三）的身份证号码：与第1名成员是同一人" in page.inner_text(
        "#walkin-errors"
    )
    assert page.input_value("#id_members-1-name") == "龙大三"
    # the numbers typed are checked again as the page opens
    assert derived(page, 1).inner_text() == "出生日期 1968年5月12日 · 男"
    page.screenshot(path=str(live_server_screenshot_dir() / "walkin_refused.png"), full_page=True)
    assert not Household.objects.exists()
