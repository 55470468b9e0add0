"""The payroll's lines as an Excel sheet (masked ID numbers and accounts only: the bank file,
with full accounts, is finance's separate export)."""

from __future__ import annotations

from collections.abc import Iterable

from jiuzhu.core.spreadsheet import Column, Export, XlsxWriter

from .models import Payroll, PayrollLine

COLUMNS = (
    Column("序号", 8),
    Column("乡镇（街道）", 14),
    Column("村（社区）", 14),
    Column("收款人", 10),
    Column("身份证号码", 20, text=True),
    Column("开户银行", 18),
    Column("银行账号", 24, text=True),
    Column("类别", 12),
    Column("所属月份", 10),
    Column("保障人数", 8),
    Column("发放金额（元）", 14),
    Column("签名", 20),
)


def payroll_lines_xlsx(payroll: Payroll, lines: Iterable[PayrollLine]) -> Export:
    book = XlsxWriter()
    sheet = book.sheet(payroll.number[:31], COLUMNS)
    for line in lines.iterator(chunk_size=5000) if hasattr(lines, "iterator") else lines:
        sheet.append(
            [
                line.seq,
                line.township.name,
                line.village.name,
                line.payee_name,
                line.payee_id_masked,
                line.bank_name,
                line.bank_account_masked,
                line.get_kind_display(),
                line.for_month,
                line.members,
                line.amount,
                line.line_hash[:16],
            ]
        )
    sheet.append(
        ["合计", "", "", "", "", "", "", "", "", payroll.person_count, payroll.total_amount]
    )
    return book.finish()
