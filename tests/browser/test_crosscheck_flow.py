"""Issue 4 acceptance: import a death snapshot with one recipient in it, run the month, open the
finding as the township officer, confirm it, and see the enrolment stopped from the next month."""

import pytest
from django.utils import timezone

from jiuzhu.core.crypto import decrypt
from jiuzhu.core.month import Month
from jiuzhu.payments.models import Enrolment
from tests.browser.conftest import menu
from tests.conftest import PASSWORD
from tests.integration.test_crosscheck_run import HEADER, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_death_snapshot_to_stopped_enrolment(
    login, page, live_server, users, make_household, settings, tmp_path, job_worker
):
    # the real path: jobs queued by the pages, run by the worker, polled by htmx
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    this_month = Month.of(timezone.localdate())
    household = make_household(size=1, head_name="龙老汉")
    person = household.members.get()
    enrolment = enrol(household, users["county"], start=str(this_month.add(-10)))
    died = this_month.add(-2).first_day
    deaths = tmp_path / "死亡火化数据.csv"
    deaths.write_text(
        HEADER + f"龙老汉,{decrypt(person.id_cipher)},,,,{died:%Y-%m-%d},火化\n"
        "张某某,,男,1950-01-01,,2026-01-05,火化\n",
        encoding="utf-8",
    )

    login(users["county"].username, PASSWORD)
    menu(page, "监督核查", "比对数据")
    page.click("#upload-snapshot")
    page.select_option("#id_kind", "death")
    page.fill("#id_as_of", f"{timezone.localdate():%Y-%m-%d}")
    page.set_input_files("#id_file", str(deaths))
    page.click("text=上传并检查")
    page.click("#commit-all")
    page.wait_for_selector("#snapshot-state:has-text('已导入')", timeout=60000)

    menu(page, "监督核查", "比对核查")
    page.click(".nav-tabs >> text=月度比对")
    page.fill("#month", str(this_month))
    page.click("#start-run")
    page.wait_for_selector("#run-state:has-text('已完成')", timeout=120000)
    assert "新发现 1 条" in page.locator("#run-summary").inner_text()
    page.click("text=退出")

    login(users["officer_a"].username, PASSWORD)
    menu(page, "监督核查", "比对核查")
    page.click(".nav-tabs >> text=核查发现")
    page.click("#findings tbody tr >> nth=0 >> a")
    summary = page.locator("#finding-summary").inner_text()
    assert "龙老汉" in summary and "应追回" in summary
    evidence = page.locator("#evidence").inner_text()
    assert "一致" in evidence and "死亡日期" in evidence
    page.fill("#verify-note", "入户核实：本人已去世，见火化证明")
    page.click("#verify-true")
    page.wait_for_selector("#finding-status:has-text('核实属实')")
    page.select_option("#action", "stop")
    page.fill("#act-note", "死亡停发，追回死亡后多发的保障金")
    page.click("#act-submit")
    page.wait_for_selector("#finding-status:has-text('已处置')")
    next_month = str(this_month.next())
    assert f"自{next_month}起" in page.locator("#action-result").inner_text()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.STOPPED
    assert enrolment.end_month == str(this_month)
