"""Issue 14 acceptance: one month of payment through the pages, by the people who do each step.

The township officer submits a change in the window and a late one (rolled to the next month);
the county approves them and generates the payroll in the worker; the county reviewer approves
it and finance releases it; finance downloads the bank file, imports the bank's result with two
returned lines and sees them in the reconciliation; the township corrects one account, the county
approves the correction, and finance re-issues the returned line into a supplementary payroll.
"""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from jiuzhu.accounts.system import system_actor
from jiuzhu.core.month import Month
from jiuzhu.payments.models import EnrolmentChange, Payroll, PayrollLine
from jiuzhu.programmes.models import CountySetting, SettingKey
from jiuzhu.programmes.seed import seed_county_defaults
from tests.conftest import PASSWORD, TOWNSHIP_A
from tests.integration.payment_builders import enrolment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COUNTY = "433123000000"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"month_{name}.png"), full_page=True)


def window(county, start: int, end: int, on):
    """The county's change window (R17) from `on`."""
    for key, value in (
        (SettingKey.CHANGE_WINDOW_START, start),
        (SettingKey.CHANGE_WINDOW_END, end),
    ):
        CountySetting.objects.update_or_create(
            county=county,
            key=key,
            effective_from=on,
            defaults={"value": Decimal(value), "created_by": system_actor("cli")},
        )


def as_user(page, login, user):
    page.context.clear_cookies()
    return login(user.username, PASSWORD)


def no_error(page):
    errors = page.locator(".alert-danger").all_inner_texts()
    assert not errors, (errors, page.locator("#upload-errors").all_inner_texts())


def approve_change(page, live_server, change_pk):
    page.goto(f"{live_server.url}/payments/changes/{change_pk}/")
    with page.expect_navigation():
        page.click("#review >> text=审批通过")
    no_error(page)
    assert "已审批通过" in page.inner_text("main")


def submit_change(page, live_server, e, **fields):
    page.goto(f"{live_server.url}/payments/household/{e.household_id}/")
    page.click(f"#change-new-{e.pk}")
    page.select_option("#id_kind", fields.pop("kind"))
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    with page.expect_navigation():
        page.click("#change-form button[type=submit]")
    no_error(page)
    return EnrolmentChange.objects.filter(enrolment=e).latest("id")


def bank_result(bank_csv: str, returned: dict[str, str]) -> bytes:
    """The bank's answer to our file: every line paid in full except `returned` (serial → the
    bank's reason)."""
    rows = list(csv.reader(io.StringIO(bank_csv.lstrip("\ufeff"))))
    header = rows[0]
    serial, amount = header.index("业务流水号"), header.index("金额")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["业务流水号", "结果", "实发金额", "失败原因"])
    for row in rows[1:]:
        if not row or not row[serial] or "合计" in row:  # the totals row
            continue
        reason = returned.get(row[serial])
        writer.writerow([row[serial], "失败" if reason else "成功", row[amount], reason or ""])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def month_world(users, make_user, regions, make_household):
    county = regions[COUNTY]
    seed_county_defaults(county=county)
    today = timezone.localdate()
    this = Month.of(today)
    window(county, 1, 28, this.first_day)
    admin = users["county"]
    households = [make_household(TOWNSHIP_A, head_name=n) for n in ("龙大山", "吴秀兰", "麻老三")]
    enrolments = [
        enrolment(
            h,
            created_by=admin,
            amount=amount,
            start_month=str(this.add(-3)),
            payroll_from=str(this.add(-3)),
        )
        for h, amount in zip(households, ("620.00", "455.50", "300.00"), strict=True)
    ]
    return {
        "region": county,
        "today": today,
        "this": this,
        "enrolments": enrolments,
        "reviewer": make_user("reviewer", "county_reviewer", COUNTY),
        **users,
    }


def test_a_month_of_payment_end_to_end(login, page, live_server, month_world, job_worker, tmp_path):
    w = month_world
    officer, admin, reviewer, finance = (
        w["officer_a"],
        w["county"],
        w["reviewer"],
        w["finance"],
    )
    e1, e2, e3 = w["enrolments"]
    today, this = w["today"], w["this"]
    # The month the in-window change counts in: this month, or the next after the 28th.
    month = this if today.day <= 28 else this.next()

    # 1. The township officer: an amount change in the window.
    as_user(page, login, officer)
    raised = submit_change(
        page, live_server, e1, kind="amount", new_amount="680.00", reason="家庭收入减少"
    )
    assert raised.status == "submitted" and raised.payroll_month == str(month)
    assert raised.submitted_late is (today.day > 28)
    shot(page, "change_submitted")

    # 2. The county approves it, then generates the payroll in the worker.
    as_user(page, login, admin)
    page.click("text=发放名册")
    approve_change(page, live_server, raised.pk)
    page.goto(f"{live_server.url}/payments/payroll/")
    page.fill("#month", str(month))
    page.select_option("#programme", "dibao_rural")
    page.click("#generate")
    page.wait_for_selector("#payroll-job-done", timeout=120000)
    payroll = Payroll.objects.get(county=w["region"], month=str(month), kind="regular")
    assert payroll.lines.count() == 3
    assert payroll.lines.get(enrolment=e1).amount == Decimal("680.00")
    page.click("#payroll-job-done >> text=查看名册")
    assert "680.00" in page.inner_text("#lines")
    assert page.locator("#differences li").count() == 0
    # the maker cannot approve what they generated
    assert page.locator("#approve").count() == 0 or page.locator("#approve").is_disabled()

    # 3. A late change: the window closed yesterday (or the payroll is generated), so it rolls.
    if today.day > 1:
        window(w["region"], 1, min(today.day - 1, 28), this.first_day)
    as_user(page, login, officer)
    late = submit_change(page, live_server, e3, kind="suspend", reason="外出务工，暂停领取")
    assert late.submitted_late and late.payroll_month == str(month.next())
    assert "顺延至" in page.inner_text("main")
    shot(page, "change_late")

    # 4. The county reviewer approves the payroll, finance releases it.
    as_user(page, login, reviewer)
    page.goto(f"{live_server.url}/payments/payroll/{payroll.pk}/")
    with page.expect_navigation():
        page.click("#approve")
    no_error(page)
    assert page.inner_text("#payroll-status") == "已审核待发放"
    as_user(page, login, finance)
    page.click("text=发放名册")
    page.click(f"#payrolls >> text={payroll.number}")
    with page.expect_navigation():
        page.click("#release")
    no_error(page)
    shot(page, "payroll_released")

    # 5. The bank file (full accounts only here, a totals row) and the bank's result.
    page.click("#bank-link")
    with page.expect_download() as download:
        page.click("#bank-file-csv")
    bank_csv = Path(download.value.path()).read_bytes().decode("gb18030")  # the default layout
    assert "6230901234567890123" in bank_csv and "合计" in bank_csv
    assert "1435.50" in bank_csv  # 680.00 + 455.50 + 300.00
    serial = {line.enrolment_id: f"{payroll.number}-{line.seq}" for line in payroll.lines.all()}
    result = tmp_path / "银行回盘.csv"
    result.write_bytes(
        bank_result(bank_csv, {serial[e1.pk]: "账户已销户", serial[e2.pk]: "户名不符"})
    )
    page.set_input_files("#result-file", str(result))
    with page.expect_navigation():
        page.click("#result-upload")
    no_error(page)
    returned = page.inner_text("#returned")
    assert "账户已销户" in returned and "户名不符" in returned
    totals = page.inner_text("#by-township")
    assert "300.00" in totals and "1,135.50" in totals  # paid; returned 680.00 + 455.50
    shot(page, "reconciliation")
    assert PayrollLine.objects.filter(payroll=payroll, outcome="returned").count() == 2

    # 6. The township corrects the account; the county approves; finance re-issues.
    as_user(page, login, officer)
    correction = submit_change(
        page,
        live_server,
        e1,
        kind="bank",
        new_bank_name="凤凰县农村商业银行",
        new_bank_account="6230901234567000456",
    )
    as_user(page, login, admin)
    approve_change(page, live_server, correction.pk)
    as_user(page, login, finance)
    page.goto(f"{live_server.url}/payments/bank/payroll/{payroll.pk}/")
    row = page.locator("#returned tr", has_text="账户已销户")
    with page.expect_navigation():
        row.locator("text=重发").click()
    no_error(page)
    assert "补充发放名册" in page.inner_text("main")
    original = payroll.lines.get(enrolment=e1)
    again = PayrollLine.objects.get(reissue_of=original)
    assert again.payroll.kind == "supplementary" and again.payroll_id != payroll.pk
    assert again.amount == Decimal("680.00") and again.bank_account_masked.endswith("0456")
    assert "已重发" in page.locator("#returned tr", has_text="账户已销户").inner_text()
    # the account was never corrected for the other returned line: no re-issue for it
    row2 = page.locator("#returned tr", has_text="户名不符")
    with page.expect_navigation():
        row2.locator("text=重发").click()
    assert page.locator(".alert-danger").count() == 1
    assert not PayrollLine.objects.filter(reissue_of__enrolment=e2).exists()
    shot(page, "reissued")

    # The household's history shows the month: returned, then re-issued.
    page.goto(f"{live_server.url}/payments/household/{e1.household_id}/")
    history = page.inner_text("#payment-lines")
    assert "退回" in history and f"重发自{payroll.number}" in history

    # The inspector follows the re-issued line back to the original, the decision and changes.
    as_user(page, login, w["inspector"])
    page.goto(f"{live_server.url}/payments/payroll/line/{again.pk}/")
    assert "签名一致" in page.inner_text("#signature")
    page.click(f"text={payroll.number}-{original.seq}")
    assert "账户已销户" in page.inner_text("#trace-line")
    changes = page.inner_text("#trace-changes")
    assert "金额调整" in changes and "银行账户变更" in changes
    shot(page, "line_trace")
