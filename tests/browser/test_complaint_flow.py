"""Issue 16 acceptance: on a phone a member of the public files a complaint on the portal and
gets a tracking code; the township officer finds the clue, investigates, answers it and opens a
rectification ledger entry; the responsible officer submits the fix, which only someone else (a
county officer) may verify; the clue is closed with a conclusion; the tracking page then shows
the conclusion (and no internal notes or names)."""

import re

import pytest

from jiuzhu.supervision.models import Clue
from tests.conftest import PASSWORD, TOWNSHIP_A, first_village

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def _login(page, live_server, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_public_complaint_to_conclusion(browser, live_server, users, regions):
    from django.core.cache import cache

    cache.clear()
    village = first_village(regions, TOWNSHIP_A)
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()

    # the public, no login
    page.goto(f"{live_server.url}/gongkai/jubao/")
    assert _fits(page)
    page.select_option("#id_village", str(village.pk))
    page.select_option("#id_category", "wrong_inclusion")
    page.fill("#id_content", "本村有一户家有小轿车，仍在享受低保")
    question = page.locator("label[for=id_answer]").inner_text()
    a, b = map(int, re.findall(r"\d+", question))
    page.fill("#id_answer", str(a + b))
    page.click("#complaint-form button")
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    assert _fits(page)

    # the township officer, on the same phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", users["officer_a"].username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/clues/?status=open")
    assert _fits(page)
    page.click("#clues tbody tr >> nth=0 >> a")
    assert "公开页面投诉" in page.locator("#clue-facts").inner_text()
    page.fill(
        "#step-investigate textarea[name=notes]", "入户核实：该户有小轿车一辆，户主系个体经营者"
    )
    page.click("#step-investigate button")
    assert page.locator("#clue-status").inner_text() == "调查中"
    page.fill("#step-reply textarea[name=reply_text]", "经核实，反映问题属实，已停发该户低保。")
    page.click("#step-reply button")
    assert page.locator("#clue-status").inner_text() == "已答复"
    clue_url = page.url

    # the problem goes on the rectification ledger, the officer himself responsible for it
    page.click("#ledger-open-link")
    page.fill("#id_measure", "停发该户低保，核减多发金额，复核同村同类家庭")
    page.select_option("#id_responsible", str(users["officer_a"].pk))
    page.fill("#id_deadline_days", "10")
    page.click("#ledger-open button")
    page.wait_for_selector("#item-number")
    assert page.locator("#item-status").inner_text() == "整改中"
    item_url = page.url
    page.fill("#step-submit textarea[name=note]", "已停发，多发金额已登记追回")
    page.click("#step-submit button")
    assert page.locator("#item-status").inner_text() == "已提交销号"
    assert page.locator("#step-verify").count() == 0  # the responsible person cannot verify
    assert _fits(page)

    # someone else, at the county, verifies the fix
    _login(page, live_server, users["county"])
    page.goto(item_url)
    page.fill("#step-verify textarea[name=note]", "经核对停发和追回记录，整改到位，同意销号")
    page.click("#step-verify button")
    assert page.locator("#item-status").inner_text() == "已销号"
    assert "销号" in page.locator("#verified").inner_text()

    # the township officer closes the clue
    _login(page, live_server, users["officer_a"])
    page.goto(clue_url)
    page.click("#step-close button")  # no conclusion: refused
    assert "办理结论" in page.locator("main").inner_text()
    page.select_option("#step-close select[name=conclusion]", "true")
    page.fill("#step-close textarea[name=measures]", "停发低保，追回多发资金，对经办人员批评教育")
    page.click("#step-close button")
    assert page.locator("#clue-status").inner_text() == "已办结"
    assert _fits(page)
    assert Clue.objects.get(tracking_code=code).status == Clue.Status.CLOSED
    context.close()

    # the complainant again, in a fresh browser
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/gongkai/jubao/track/")
    page.fill("#id_code", code)
    page.click("#track-form button")
    assert page.locator("#track-status").inner_text() == "已办结"
    assert "属实" in page.locator("#track-conclusion").inner_text()
    assert "已停发该户低保" in page.locator("#track-reply").inner_text()
    body = page.locator("body").inner_text()
    assert "入户核实" not in body and "批评教育" not in body
    assert users["officer_a"].username not in body
    assert _fits(page)
    context.close()
