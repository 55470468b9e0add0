"""The bank file (代发文件): a released payroll as the payment file for the bank or the finance
bureau, in the county's layout (``BankLayout``: which columns, in which order, which CSV
encoding), as CSV or Excel, amounts with two decimals and a totals row at the end.

Full ID and account numbers appear in this file only: they are decrypted row by row while the
file is written (decrypting is the slow part, about 8 µs a value) and never held as a list.
The export is audited with the file's SHA-256, its line count and total. Each line's reference
is ``<payroll number>-<seq>``, what the bank's result file answers by (payments.reconcile)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.http import Http404

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import region_ids_q
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, crypto, spreadsheet
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.regions.models import Region

from .models import BankLayout, Payroll, PayrollLine
from .payroll_services import payroll_scope
from .reconcile import line_ref

XLSX_MAX_ROWS = 1_000_000
ENCODINGS = {"gb18030": "GB18030（默认，银行常用）", "utf-8-sig": "UTF-8（带BOM）"}
LINE_FIELDS = (
    "seq",
    "payee_name",
    "payee_id_cipher",
    "bank_account_cipher",
    "bank_name",
    "amount",
    "for_month",
    "township__name",
    "village__name",
    "kind",
)


@dataclass(frozen=True)
class BankColumn:
    code: str
    title: str
    value: Callable[[Payroll, dict], object]
    width: int = 14


def _note(payroll: Payroll, line: dict) -> str:
    kind = line["kind"]
    return "" if kind == PayrollLine.Kind.REGULAR else PayrollLine.Kind(kind).label


COLUMNS: dict[str, BankColumn] = {
    c.code: c
    for c in (
        BankColumn("seq", "序号", lambda p, r: r["seq"], 8),
        BankColumn("ref", "业务流水号", lambda p, r: line_ref(p.number, r["seq"]), 36),
        BankColumn("payee_name", "收款人姓名", lambda p, r: r["payee_name"]),
        BankColumn(
            "id_number", "身份证号码", lambda p, r: crypto.decrypt(r["payee_id_cipher"]), 22
        ),
        BankColumn(
            "account", "银行账号", lambda p, r: crypto.decrypt(r["bank_account_cipher"]), 24
        ),
        BankColumn("bank_name", "开户银行", lambda p, r: r["bank_name"], 20),
        BankColumn("amount", "金额", lambda p, r: r["amount"]),
        BankColumn("programme", "救助项目", lambda p, r: p.programme.name, 16),
        BankColumn("for_month", "所属月份", lambda p, r: r["for_month"], 10),
        BankColumn("township", "乡镇（街道）", lambda p, r: r["township__name"]),
        BankColumn("village", "村（社区）", lambda p, r: r["village__name"]),
        BankColumn("note", "备注", _note),
    )
}
DEFAULT_COLUMNS = tuple(COLUMNS)
TEXT_CODES = frozenset({"ref", "id_number", "account"})  # digits that must stay text in Excel


@dataclass(frozen=True)
class Layout:
    name: str
    columns: tuple[str, ...]
    csv_encoding: str


DEFAULT_LAYOUT = Layout("默认格式", DEFAULT_COLUMNS, "gb18030")


def layout_for(*, county_id: int, layout_id: int | None = None) -> Layout:
    """The layout asked for (of this county), else the county's default, else DEFAULT_LAYOUT."""
    layouts = BankLayout.objects.filter(county_id=county_id)
    if layout_id is not None:
        row = layouts.filter(pk=layout_id).first()
        if row is None:
            raise Http404("没有找到该文件格式")
    else:
        row = layouts.order_by("-is_default", "id").first()
    if row is None:
        return DEFAULT_LAYOUT
    return Layout(row.name, tuple(c for c in row.columns if c in COLUMNS), row.csv_encoding)


def _check_layout(name: str, columns: list[str], csv_encoding: str) -> None:
    if not name.strip():
        raise ValidationFailed("请填写格式名称")
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise ValidationFailed("未知的列：" + "、".join(unknown))
    if len(set(columns)) != len(columns):
        raise ValidationFailed("同一列不能选择两次")
    if "ref" not in columns or "amount" not in columns or "account" not in columns:
        raise ValidationFailed("代发文件必须包含业务流水号、银行账号和金额三列")
    if csv_encoding not in ENCODINGS:
        raise ValidationFailed("CSV编码只能是GB18030或UTF-8")


@transaction.atomic
def bank_layout_save(
    *,
    actor,
    county_id: int,
    name: str,
    columns: list[str],
    csv_encoding: str = "gb18030",
    is_default: bool = True,
) -> BankLayout:
    """Create or replace (by name) a county's bank-file layout; the county administrator's."""
    require(actor, Perm.MANAGE_SETTINGS, message="只有县级管理员可以设置代发文件格式")
    county = Region.objects.filter(region_ids_q(actor), pk=county_id, level="county").first()
    if county is None:
        raise Http404("没有找到该县（市、区）")
    name = name.strip()
    _check_layout(name, columns, csv_encoding)
    layout = BankLayout.objects.select_for_update().filter(
        county=county, name=name
    ).first() or BankLayout(county=county, name=name)
    old = {"columns": layout.columns, "csv_encoding": layout.csv_encoding} if layout.pk else {}
    layout.columns, layout.csv_encoding, layout.is_default = list(columns), csv_encoding, is_default
    if is_default:
        BankLayout.objects.filter(county=county).exclude(pk=layout.pk).update(is_default=False)
    layout.save()
    audit.record(
        action="bank.layout_save",
        actor=actor,
        obj=layout,
        old=old,
        new={"name": name, "columns": list(columns), "csv_encoding": csv_encoding},
    )
    return layout


@dataclass(frozen=True)
class BankFile:
    export: spreadsheet.Export
    file_name: str
    sha256: str
    lines: int
    total: Decimal


def _rows(payroll: Payroll, codes: tuple[str, ...], totals: list) -> Iterator[list]:
    columns = [COLUMNS[c] for c in codes]
    lines = (
        PayrollLine.objects.filter(payroll=payroll)
        .order_by("seq")
        .values(*LINE_FIELDS)
        .iterator(chunk_size=5000)
    )
    for line in lines:
        totals[0] += 1
        totals[1] += line["amount"]
        yield [c.value(payroll, line) for c in columns]


def _totals_row(codes: tuple[str, ...], count: int, total: Decimal) -> list:
    cells: list = [""] * len(codes)
    cells[0] = "合计"
    amount_at = codes.index("amount")
    free = [i for i in range(1, len(codes)) if i != amount_at]
    if free:
        cells[free[0]] = count
    else:
        cells.append(count)
    cells[amount_at] = total
    return cells


@transaction.atomic
def bank_file_export(
    *, actor, payroll_id: int, fmt: str = "csv", layout_id: int | None = None
) -> BankFile:
    """The released payroll's bank file; audited with the file's SHA-256, lines and total."""
    require(actor, Perm.RELEASE_PAYROLL, message="只有财务人员可以导出代发文件")
    payroll = (
        Payroll.objects.select_related("programme", "county")
        .filter(payroll_scope(actor), pk=payroll_id)
        .first()
    )
    if payroll is None:
        raise Http404("没有找到该发放名册")
    if payroll.status != Payroll.Status.RELEASED:
        raise Conflict("只有已发放待对账的名册可以导出代发文件")
    if fmt not in ("csv", "xlsx"):
        raise ValidationFailed("文件类型只能是CSV或Excel")
    if fmt == "xlsx" and payroll.line_count > XLSX_MAX_ROWS:
        raise ValidationFailed(
            f"名册共{payroll.line_count}笔，超过Excel的{XLSX_MAX_ROWS}行上限，请导出CSV文件"
        )
    layout = layout_for(county_id=payroll.county_id, layout_id=layout_id)
    titles = [
        spreadsheet.Column(COLUMNS[c].title, COLUMNS[c].width, text=c in TEXT_CODES)
        for c in layout.columns
    ]
    totals: list = [0, Decimal("0.00")]
    if fmt == "csv":
        writer = spreadsheet.CsvWriter(titles, encoding=layout.csv_encoding)
    else:
        book = spreadsheet.XlsxWriter()
        writer = book.sheet("代发明细", titles)
    for values in _rows(payroll, layout.columns, totals):
        writer.append(values)
    writer.append(_totals_row(layout.columns, totals[0], totals[1]))
    export = writer.finish() if fmt == "csv" else book.finish()
    digest = hashlib.sha256(export.data).hexdigest()
    audit.record(
        action="bank.file_export",
        actor=actor,
        obj=payroll,
        new={
            "format": fmt,
            "layout": layout.name,
            "sha256": digest,
            "lines": totals[0],
            "total": totals[1],
        },
    )
    name = f"代发文件_{payroll.number}.{fmt}"
    return BankFile(export, name, digest, totals[0], totals[1])
