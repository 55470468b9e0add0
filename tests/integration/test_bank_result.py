"""The bank file and the bank's result (payments.bankfile, payments.bank_services): the export
carries full accounts and a totals row and is audited with its hash; a result file with errors
writes nothing; the good rows only when asked; the same file twice changes nothing; two
concurrent imports of one file give one set of outcomes."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.core import crypto
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.payments import bank_services, bankfile
from jiuzhu.payments.models import BankLayout, BankResultImport, Payroll, PayrollLine
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B
from tests.integration.payment_builders import enrolment

ACCOUNTS = ["6230901234567890001", "6230901234567890002", "6230901234567890003"]
_serial = itertools.count(1)


def released_payroll(users, make_household, amounts=("350.00", "500.00", "120.50"), names=None):
    """A released payroll of one line per amount, each line its own household, made directly."""
    n = next(_serial)
    lines = []
    payroll = None
    for i, amount in enumerate(amounts):
        township = TOWNSHIP_A if i % 2 == 0 else TOWNSHIP_B
        name = names[i] if names else f"龙{i}号"
        household = make_household(township, head_name=name)
        e = enrolment(household, created_by=users["county"])
        if payroll is None:
            payroll = Payroll.objects.create(
                county=e.county,
                programme=e.programme,
                month="2026-11",
                number=f"FF433123-202611-T{n}",
                status=Payroll.Status.RELEASED,
                generated_by=users["county"],
                line_count=len(amounts),
            )
        head = household.members.get(relation="self")
        lines.append(
            PayrollLine(
                payroll=payroll,
                seq=i + 1,
                kind=PayrollLine.Kind.REGULAR,
                for_month="2026-11",
                enrolment=e,
                household=household,
                township=e.township,
                village=e.village,
                members=e.members,
                payee_name=name,
                payee_id_cipher=head.id_cipher,
                payee_id_masked=head.id_masked,
                bank_name="凤凰县农村商业银行",
                bank_account_cipher=crypto.encrypt(ACCOUNTS[i % len(ACCOUNTS)]),
                bank_account_masked="6230***0001",
                amount=Decimal(amount),
                line_hash="0" * 64,
            )
        )
    PayrollLine.objects.bulk_create(lines)
    return payroll


def result_csv(rows, header=("业务流水号", "结果", "实发金额", "失败原因")) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def ref(payroll, seq):
    return f"{payroll.number}-{seq}"


def outcomes(payroll):
    return list(
        PayrollLine.objects.filter(payroll=payroll)
        .order_by("seq")
        .values_list("outcome", "paid_amount", "returned_amount", "return_reason")
    )


@pytest.fixture(autouse=True)
def _parse_in_process(settings):
    settings.JIUZHU_UPLOAD_PARSE_IN_PROCESS = True  # one test below goes through the child


# --- the bank file ---------------------------------------------------------------------------


def test_csv_export_has_full_accounts_a_totals_row_and_is_audited_with_its_hash(
    users, make_household
):
    payroll = released_payroll(users, make_household, names=["=HYPERLINK(1)", "龙二", "+龙三"])
    f = bankfile.bank_file_export(actor=users["finance"], payroll_id=payroll.pk)
    text = f.export.data.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [bankfile.COLUMNS[c].title for c in bankfile.DEFAULT_COLUMNS]
    assert [r[1] for r in rows[1:4]] == [ref(payroll, s) for s in (1, 2, 3)]
    assert [r[4] for r in rows[1:4]] == ACCOUNTS
    head = PayrollLine.objects.get(payroll=payroll, seq=2).payee_id_cipher
    assert rows[2][3] == crypto.decrypt(head) and len(rows[2][3]) == 18
    assert rows[1][2] == "'=HYPERLINK(1)" and rows[3][2] == "'+龙三"
    assert rows[1][6] == "350.00" and rows[3][6] == "120.50"
    assert rows[-1][0] == "合计" and rows[-1][1] == "3" and rows[-1][6] == "970.50"
    assert f.sha256 == hashlib.sha256(f.export.data).hexdigest()
    entry = AuditEntry.objects.filter(action="bank.file_export").latest("seq")
    assert entry.new["sha256"] == f.sha256 and entry.new["lines"] == 3
    assert Decimal(entry.new["total"]) == Decimal("970.50")
    assert ACCOUNTS[0] not in str(entry.new)


def test_xlsx_export_in_a_saved_layout(users, make_household):
    payroll = released_payroll(users, make_household)
    layout = bankfile.bank_layout_save(
        actor=users["county"],
        county_id=payroll.county_id,
        name="农商行",
        columns=["ref", "payee_name", "account", "amount"],
        csv_encoding="utf-8-sig",
    )
    assert layout.is_default
    f = bankfile.bank_file_export(actor=users["finance"], payroll_id=payroll.pk, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(f.export.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["业务流水号", "收款人姓名", "银行账号", "金额"]
    assert values[1][2] == ACCOUNTS[0] and isinstance(values[1][2], str)
    assert values[-1][:3] == ["合计", 3, None]
    assert Decimal(str(values[-1][3])) == Decimal("970.5")


def test_layout_needs_ref_account_and_amount_and_an_admin(users, make_household):
    county_id = users["county"].region_id
    with pytest.raises(ValidationFailed, match="业务流水号、银行账号和金额"):
        bankfile.bank_layout_save(
            actor=users["county"], county_id=county_id, name="缺列", columns=["ref", "amount"]
        )
    with pytest.raises(Exception, match="县级管理员"):
        bankfile.bank_layout_save(
            actor=users["finance"], county_id=county_id, name="x", columns=["ref"]
        )


def test_export_only_of_a_released_payroll(users, make_household):
    payroll = released_payroll(users, make_household)
    Payroll.objects.filter(pk=payroll.pk).update(status=Payroll.Status.APPROVED)
    with pytest.raises(Conflict, match="已发放待对账"):
        bankfile.bank_file_export(actor=users["finance"], payroll_id=payroll.pk)


# --- the bank's result -----------------------------------------------------------------------


def test_a_file_with_errors_writes_nothing(users, make_household):
    payroll = released_payroll(users, make_household)
    data = result_csv(
        [
            [ref(payroll, 1), "成功", "350.00", ""],
            [ref(payroll, 2), "成功", "499.00", ""],  # wrong amount
            [ref(payroll, 9), "成功", "1.00", ""],  # unknown line
            ["FF-OTHER-3", "成功", "120.50", ""],  # another payroll's line
        ]
    )
    with pytest.raises(bank_services.ResultFileRejected) as caught:
        bank_services.bank_result_import(
            actor=users["finance"], payroll_id=payroll.pk, file_name="反馈.csv", data=data
        )
    assert [e.row for e in caught.value.errors] == [3, 4, 5]
    assert "第3行" in caught.value.message and "499.00" in caught.value.message
    assert all(o[0] == "pending" for o in outcomes(payroll))
    assert not BankResultImport.objects.filter(payroll=payroll).exists()


def test_good_rows_only_when_asked_and_the_rest_kept_on_the_record(users, make_household):
    payroll = released_payroll(users, make_household)
    data = result_csv(
        [
            [ref(payroll, 1), "成功", "350.00", ""],
            [ref(payroll, 2), "失败", "", "账户已销户"],
            [ref(payroll, 3), "成功", "120.00", ""],  # wrong amount
        ]
    )
    result = bank_services.bank_result_import(
        actor=users["finance"],
        payroll_id=payroll.pk,
        file_name="反馈.csv",
        data=data,
        import_good_rows=True,
    )
    assert result.written == 2 and not result.closed
    assert outcomes(payroll) == [
        ("paid", Decimal("350.00"), Decimal("0.00"), ""),
        ("returned", Decimal("0.00"), Decimal("500.00"), "账户已销户"),
        ("pending", Decimal("0.00"), Decimal("0.00"), ""),
    ]
    assert result.record.skipped_rows[0]["row"] == 4
    payroll.refresh_from_db()
    assert payroll.status == Payroll.Status.RELEASED
    # the corrected file: the two settled rows are unchanged, the third is written, it closes
    fixed = result_csv(
        [
            [ref(payroll, 1), "成功", "350.00", ""],
            [ref(payroll, 2), "退回", "", "账户已销户"],
            [ref(payroll, 3), "成功", "120.50", ""],
        ]
    )
    second = bank_services.bank_result_import(
        actor=users["finance"], payroll_id=payroll.pk, file_name="反馈2.csv", data=fixed
    )
    assert (second.written, second.unchanged, second.closed) == (1, 2, True)
    payroll.refresh_from_db()
    assert payroll.status == Payroll.Status.CLOSED and payroll.closed_at is not None
    assert AuditEntry.objects.filter(action="bank.result_import").count() == 2


def test_the_same_file_twice_changes_nothing(users, make_household):
    payroll = released_payroll(users, make_household, amounts=("350.00", "500.00"))
    data = result_csv([[ref(payroll, 1), "成功", "350.00", ""]])
    bank_services.bank_result_import(
        actor=users["finance"], payroll_id=payroll.pk, file_name="a.csv", data=data
    )
    before = outcomes(payroll)
    with pytest.raises(Conflict, match="该文件已导入，未作任何更改"):
        bank_services.bank_result_import(
            actor=users["finance"], payroll_id=payroll.pk, file_name="a.csv", data=data
        )
    assert outcomes(payroll) == before
    assert BankResultImport.objects.filter(payroll=payroll).count() == 1


def test_a_line_settled_differently_before_is_an_error(users, make_household):
    payroll = released_payroll(users, make_household, amounts=("350.00", "500.00"))
    bank_services.bank_result_import(
        actor=users["finance"],
        payroll_id=payroll.pk,
        file_name="a.csv",
        data=result_csv([[ref(payroll, 1), "成功", "350.00", ""]]),
    )
    with pytest.raises(bank_services.ResultFileRejected, match="此前已记为“已发放”"):
        bank_services.bank_result_import(
            actor=users["finance"],
            payroll_id=payroll.pk,
            file_name="b.csv",
            data=result_csv([[ref(payroll, 1), "退回", "", "户名不符"]]),
        )


def test_missing_columns_and_the_parse_child(users, make_household, settings):
    settings.JIUZHU_UPLOAD_PARSE_IN_PROCESS = False
    payroll = released_payroll(users, make_household, amounts=("350.00",))
    with pytest.raises(ValidationFailed, match="缺少列：结果"):
        bank_services.bank_result_import(
            actor=users["finance"],
            payroll_id=payroll.pk,
            file_name="a.csv",
            data=result_csv([[ref(payroll, 1), "350.00"]], header=("流水号", "金额")),
        )
    result = bank_services.bank_result_import(
        actor=users["finance"],
        payroll_id=payroll.pk,
        file_name="a.csv",
        data=result_csv(
            [[ref(payroll, 1), "交易成功", "350", ""]],
            header=("交易流水号", "交易状态", "成功金额", "备注"),
        ),
    )
    assert result.closed and outcomes(payroll)[0][0] == "paid"


def test_outside_the_county_and_without_the_permission(users, make_household, make_user):
    payroll = released_payroll(users, make_household, amounts=("350.00",))
    data = result_csv([[ref(payroll, 1), "成功", "350.00", ""]])
    with pytest.raises(Exception, match="财务"):
        bank_services.bank_result_import(
            actor=users["county"], payroll_id=payroll.pk, file_name="a.csv", data=data
        )
    assert outcomes(payroll)[0][0] == "pending"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_one_file_give_one_set_of_outcomes(users, make_household):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL feature; CI runs this on PostgreSQL")
    payroll = released_payroll(users, make_household)
    data = result_csv(
        [
            [ref(payroll, 1), "成功", "350.00", ""],
            [ref(payroll, 2), "退回", "", "账户冻结"],
            [ref(payroll, 3), "成功", "120.50", ""],
        ]
    )
    start = threading.Barrier(4)
    results: list[str] = []
    lock = threading.Lock()

    def run():
        try:
            start.wait()
            bank_services.bank_result_import(
                actor=users["finance"], payroll_id=payroll.pk, file_name="r.csv", data=data
            )
            got = "ok"
        except Conflict as exc:
            got = exc.message
        finally:
            connections.close_all()
        with lock:
            results.append(got)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", *[bank_services.ALREADY_IMPORTED] * 3]
    assert BankResultImport.objects.filter(payroll=payroll).count() == 1
    assert [o[0] for o in outcomes(payroll)] == ["paid", "returned", "paid"]
    assert AuditEntry.objects.filter(action="bank.result_import").count() == 1


# --- pages -----------------------------------------------------------------------------------


def test_bank_page_upload_export_and_report(client, users, make_household):
    payroll = released_payroll(users, make_household)
    client.force_login(users["finance"])
    page = client.get(reverse("payments:bank_payroll", args=[payroll.pk]))
    assert page.status_code == 200 and "导入银行反馈" in page.content.decode()
    bad = result_csv([[ref(payroll, 1), "成功", "1.00", ""]])
    response = client.post(
        reverse("payments:bank_result_upload", args=[payroll.pk]),
        {"file": SimpleUploadedFile("bad.csv", bad)},
        follow=True,
    )
    body = response.content.decode()
    assert "未导入任何结果" in body and "与应发金额350.00元不符" in body
    good = result_csv(
        [
            [ref(payroll, 1), "成功", "350.00", ""],
            [ref(payroll, 2), "退回", "", "账户冻结"],
        ]
    )
    response = client.post(
        reverse("payments:bank_result_upload", args=[payroll.pk]),
        {"file": SimpleUploadedFile("good.csv", good)},
        follow=True,
    )
    body = response.content.decode()
    assert "已导入2笔结果" in body and "账户冻结" in body
    assert "¥350.00" in body and "¥120.50" in body  # paid, and outstanding
    export = client.get(reverse("payments:bank_file", args=[payroll.pk]), {"format": "csv"})
    assert export.status_code == 200 and ACCOUNTS[0] in export.content.decode("gb18030")
    report = client.get(reverse("payments:bank_reconciliation_export", args=[payroll.pk]))
    book = load_workbook(io.BytesIO(report.content))
    assert book.sheetnames == ["按乡镇", "按类别", "退回明细", "导入错误"]
    assert book["退回明细"]["G2"].value == "账户冻结"
    client.force_login(users["county"])  # no RELEASE_PAYROLL: sees the page, not the forms
    page = client.get(reverse("payments:bank_payroll", args=[payroll.pk]))
    assert page.status_code == 200 and "导入银行反馈" not in page.content.decode()


def test_layout_page_saves_a_layout(client, users):
    client.force_login(users["county"])
    url = reverse("payments:bank_layout")
    assert client.get(url).status_code == 200
    client.post(
        url, {"name": "农商行", "columns": "ref,payee_name,account,amount", "is_default": "1"}
    )
    layout = BankLayout.objects.get(county=users["county"].region)
    assert layout.columns == ["ref", "payee_name", "account", "amount"]
    client.force_login(users["finance"])
    assert client.get(url).status_code == 404
