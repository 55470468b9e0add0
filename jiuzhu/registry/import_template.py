"""The import template and the problem report as Excel files."""

from jiuzhu.core.spreadsheet import Column, Export, XlsxWriter

from .import_format import COLUMNS

TEMPLATE_ROWS = 1000  # blank rows formatted as text, so IDs and codes stay text, not numbers
PROBLEM_COLUMNS = (Column("行号"), Column("列", width=20), Column("类别"), Column("说明", width=70))


def template_xlsx() -> Export:
    book = XlsxWriter()
    sheet = book.sheet(
        "家庭人员",
        [
            Column(
                col.header, width=max(10, len(col.header) * 2 + 2), required=col.required, text=True
            )
            for col in COLUMNS
        ],
    )
    sheet.append_blank(TEMPLATE_ROWS, len(COLUMNS))
    notes = book.sheet("填写说明", ["列名", "是否必填", "示例"])
    for col in COLUMNS:
        notes.append([col.header, "必填" if col.required else "选填", col.example])
    notes.append([])
    notes.append(
        [
            "同一家庭的成员填写相同的“家庭编号”，且恰有一名“户主”。详细说明见 docs/import-formats.md。"
        ]
    )
    return book.finish()


def problems_xlsx(problems: list[dict]) -> Export:
    """The problems of an import check; a message may quote what the user typed."""
    book = XlsxWriter()
    sheet = book.sheet("检查结果", PROBLEM_COLUMNS)
    for p in problems:
        sheet.append(
            [p["row"], p["column"], "错误" if p["severity"] == "error" else "提示", p["message"]]
        )
    return book.finish()
