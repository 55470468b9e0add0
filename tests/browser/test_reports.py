"""The official forms in Chromium (R21): each form's web view is screenshotted into
test-artifacts/reports/, a click on a traced number opens the list behind it and the list adds
up to it (its rows, or the sum of its weights), and at 390 px the page does not scroll sideways
(the table scrolls inside its card)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from jiuzhu.reports.catalogue import FORMS
from tests.conftest import PASSWORD
from tests.integration.reports_world import MONTH, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
PERIOD = {"month": MONTH, "quarter": "2026-Q4", "half": "2026-H2"}
PHONE = {"width": 390, "height": 844}


def _number(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def _login(browser, live_server, viewport):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "county-admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _check_trace(page, expected: str) -> None:
    weights = page.locator("#trace-rows td.weight").all_inner_texts()
    count = int(page.locator("#trace-count").inner_text())
    if weights:
        assert sum(_number(w) for w in weights) == _number(expected)
    else:
        assert count == _number(expected)
        assert page.locator("#trace-rows tbody tr").count() == count


def test_each_form_is_shown_and_its_numbers_trace(
    browser, live_server, regions, users, make_household
):
    build_world(regions, users, make_household)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    context, page = _login(browser, live_server, {"width": 1366, "height": 900})
    try:
        for code, definition in FORMS.items():
            page.goto(f"{live_server.url}/reports/{code}/?month={PERIOD[definition.period]}")
            assert page.locator("#report-table").is_visible()
            page.screenshot(path=str(ARTEFACTS / f"{code}.png"), full_page=True)
            links = page.locator("#report-table a.traced")
            if definition.is_register:
                assert links.count() == 0
                assert page.locator("#report-table tbody tr").count() >= 1
                continue
            assert links.count() > 0, code
            # the last link is on the 合计 row: the largest list of the form's first column
            link = links.last
            expected = link.inner_text()
            link.click()
            page.wait_for_load_state()
            assert page.locator("#trace-value").inner_text() == expected
            _check_trace(page, expected)
            page.screenshot(path=str(ARTEFACTS / f"{code}_trace.png"), full_page=True)
        officer = users["officer_a"].pk  # the county prints a township officer's report
        page.goto(f"{live_server.url}/reports/self-report/?user={officer}")
        assert page.locator("#self-report tr.relative").count() == 1
        page.screenshot(path=str(ARTEFACTS / "self_report.png"), full_page=True)
    finally:
        context.close()


def test_forms_fit_a_phone(browser, live_server, regions, users, make_household):
    build_world(regions, users, make_household)
    context, page = _login(browser, live_server, PHONE)
    try:
        for code in ("rural_screening", "assistance_monthly"):
            page.goto(f"{live_server.url}/reports/{code}/?month={MONTH}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{code}: the page is {width}px wide"
            page.screenshot(path=str(ARTEFACTS / f"{code}_phone.png"))
    finally:
        context.close()
