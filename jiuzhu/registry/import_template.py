"""The import template and the problem report as Excel files."""

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .exports import workbook_bytes
from .import_format import COLUMNS

REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "家庭人员"
    for index, col in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=col.header)
        cell.font = Font(bold=True)
        if col.required:
            cell.fill = REQUIRED_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(col.header) * 2 + 2)
    for index in range(1, len(COLUMNS) + 1):  # IDs and codes must stay text, not numbers
        for row in range(2, 1002):
            sheet.cell(row=row, column=index).number_format = "@"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "示例"])
    for col in COLUMNS:
        notes.append([col.header, "必填" if col.required else "选填", col.example])
    notes.append([])
    notes.append(
        [
            "同一家庭的成员填写相同的“家庭编号”，且恰有一名“户主”。详细说明见 docs/import-formats.md。"
        ]
    )
    return workbook_bytes(book)


def problems_xlsx(problems: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "检查结果"
    sheet.append(["行号", "列", "类别", "说明"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for p in problems:
        sheet.append(
            [p["row"], p["column"], "错误" if p["severity"] == "error" else "提示", p["message"]]
        )
    sheet.column_dimensions["D"].width = 70
    return workbook_bytes(book)
