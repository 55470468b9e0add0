"""The Excel template of each registry kind: headers, one example row, and the accepted words."""

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from jiuzhu.registry.exports import workbook_bytes

from .registries import registry
from .snapshot_formats import Field, FieldType, fields_for

REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_TYPE_TEXT = {
    FieldType.ID: "18位公民身份号码（15位旧号码自动转换）",
    FieldType.NAME: "姓名",
    FieldType.DATE: "日期，如 2025-03-14",
    FieldType.TEXT: "文字",
    FieldType.DECIMAL: "非负数字",
    FieldType.GRADE: "1至4级",
    FieldType.REGION: "12位统计用区划代码",
}


def _allowed(f: Field) -> str:
    if f.words:
        return "；".join("、".join(words) for words in f.words.values())
    return _TYPE_TEXT.get(f.type, "")


def template_xlsx(kind: str) -> bytes:
    fields = fields_for(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = registry(kind).label[:31]
    for index, f in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=index, value=f.header)
        cell.font = Font(bold=True)
        if f.required:
            cell.fill = REQUIRED_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(f.header) * 2 + 2)
        for row in range(2, 1002):  # IDs and codes must stay text, not numbers
            sheet.cell(row=row, column=index).number_format = "@"
        sheet.cell(row=2, column=index, value=f.example)
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "可填写的内容", "示例", "说明"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for f in fields:
        notes.append([f.header, "必填" if f.required else "选填", _allowed(f), f.example, f.note])
    notes.column_dimensions["C"].width = 60
    notes.append([])
    notes.append(
        [
            "第2行是示例，请删除后填写。公民身份号码有误的行仍会导入（以姓名、出生日期核对）。"
            "详细说明见 docs/import-formats.md。"
        ]
    )
    return workbook_bytes(book)
