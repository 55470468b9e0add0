"""A county officer uploads a file with bad rows, sees each problem by row and column, imports
the good households in the background and watches the status change to 已导入."""

import pytest

from jiuzhu.registry.models import Household, Person
from tests.browser.conftest import menu
from tests.conftest import PASSWORD
from tests.integration.test_import import bad_file_rows, csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_preview_and_import_good_rows(login, page, live_server, users, job_worker, tmp_path):
    # the real path: a job queued by the page, run by the worker, polled by htmx
    upload = tmp_path / "家庭导入.csv"
    upload.write_bytes(csv_bytes(bad_file_rows()))

    login(users["county"].username, PASSWORD)
    menu(page, "设置", "批量导入")
    page.set_input_files("#id_file", str(upload))
    page.click("text=上传并检查")
    page.wait_for_selector("#problems")

    problems = page.locator("#problems tbody tr").all_inner_texts()
    assert any("第4行" in p and "校验位错误" in p for p in problems)
    assert any("第8行" in p and "没有户主" in p for p in problems)
    assert any("第10行" in p and "不能为负数" in p for p in problems)
    assert Household.objects.count() == 0  # nothing written before the user confirms

    page.click("#commit-import")
    page.wait_for_selector("#batch-status:has-text('已导入')", timeout=60000)
    assert "已导入 2 户" in page.locator("#import-status").inner_text()
    assert Household.objects.count() == 2 and Person.objects.count() == 3
