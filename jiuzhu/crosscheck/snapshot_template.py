"""The Excel template of each registry kind: headers, one example row, and the accepted words."""

from jiuzhu.core.spreadsheet import Column, Export, XlsxWriter

from .registries import registry
from .snapshot_formats import Field, FieldType, fields_for

TEMPLATE_ROWS = 1000  # rows formatted as text (the example row included): IDs stay text
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


def template_xlsx(kind: str) -> Export:
    fields = fields_for(kind)
    book = XlsxWriter()
    sheet = book.sheet(
        registry(kind).label,
        [
            Column(f.header, width=max(12, len(f.header) * 2 + 2), required=f.required, text=True)
            for f in fields
        ],
    )
    sheet.append([f.example for f in fields])
    sheet.append_blank(TEMPLATE_ROWS - 1, len(fields))
    notes = book.sheet(
        "填写说明",
        [Column("列名"), Column("是否必填"), Column("可填写的内容", width=60), "示例", "说明"],
    )
    for f in fields:
        notes.append([f.header, "必填" if f.required else "选填", _allowed(f), f.example, f.note])
    notes.append([])
    notes.append(
        [
            "第2行是示例，请删除后填写。公民身份号码有误的行仍会导入（以姓名、出生日期核对）。"
            "详细说明见 docs/import-formats.md。"
        ]
    )
    return book.finish()
