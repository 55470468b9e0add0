"""A township officer logs in, searches a household by ID number and sees the masked ID and
the members; the full number appears only after an audited reveal."""

import re

import pytest

from jiuzhu.core.crypto import decrypt
from jiuzhu.core.models import AuditEntry
from tests.conftest import PASSWORD, TOWNSHIP_A, TOWNSHIP_B

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FULL_ID = re.compile(r"\d{17}[\dX]")


def test_officer_finds_household_by_id_number(login, page, live_server, users, make_household):
    household = make_household(TOWNSHIP_A, size=3, head_name="龙大山")
    other = make_household(TOWNSHIP_B, head_name="石二妹")
    head = household.members.get(relation="self")
    id_number = decrypt(head.id_cipher)

    login(users["officer_a"].username, PASSWORD)
    assert page.locator("nav").inner_text().count("乡镇民政经办人员") == 1
    page.click("nav >> text=家庭与人员")  # login lands on the work queue
    page.fill("#id_q", id_number)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"text={household.number}")
    rows = page.locator("#household-rows tbody tr")
    assert rows.count() == 1
    # the number is posted, never put in a URL: the address bar and the export link carry
    # its keyed hash
    page.wait_for_url("**/registry/households/?idh=*")
    assert id_number not in page.url
    assert id_number not in page.locator("#export-link").get_attribute("href")
    page.click(f"text={household.number}")
    page.wait_for_selector("#members")

    body = page.locator("body").inner_text()
    assert head.id_masked in body and id_number not in body
    assert not FULL_ID.search(body)
    members = page.locator("#members tbody tr")
    assert members.count() == 3
    names = members.locator("td:first-child").all_inner_texts()
    assert names == [p.name for p in household.members.order_by("id")]
    assert "户主" in members.nth(0).inner_text()
    page.screenshot(path=str(live_server_screenshot_dir() / "household_detail.png"), full_page=True)

    # the full number is shown only after giving a reason, and the view is audited
    first = page.locator("#members tbody tr").nth(0)
    first.locator("input[name=reason]").fill("入户核查核对身份")
    first.locator("button", has_text="查看完整号码").click()
    page.wait_for_selector(f"text={id_number}")
    assert (
        AuditEntry.objects.filter(
            action="person.reveal_id", actor=users["officer_a"], reason="入户核查核对身份"
        ).count()
        == 1
    )

    # a household of another township is not found by the same officer
    page.goto(f"{live_server.url}/registry/households/")
    page.fill("#id_q", decrypt(other.members.first().id_cipher))
    page.keyboard.press("Enter")
    page.wait_for_selector("text=没有符合条件的家庭")
    assert other.number not in page.locator("#household-rows").inner_text()
    # the export of a search by ID number records the hash, not the number
    with page.expect_download():
        page.click("#export-link")
    export = AuditEntry.objects.filter(action="household.export").latest("seq")
    assert list(export.new["query"]) == ["idh"] and not FULL_ID.search(str(export.new))


def live_server_screenshot_dir():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
