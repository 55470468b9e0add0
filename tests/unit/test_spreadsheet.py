"""The one export writer: typed cells, neutralised text, safe names, CSV in two encodings.

Decided: text beginning with the full-width forms ＝ ＋ － ＠ is neutralised too (Chinese input
methods type them and WPS / East Asian Excel may read them as operators); a tab or CR before "="
is neutralised by its first character already. Text beginning with a space, a letter or a
Chinese character is left alone.
"""

import csv
import io
import tracemalloc
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jiuzhu.core import spreadsheet
from jiuzhu.core.spreadsheet import Column, CsvWriter, Export, XlsxWriter, neutralise

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(1)",
]
HARMLESS = ["龙大山", "a=b", " =1", "1-2", "沱江镇1组", "", "'already quoted", "#N/A"]


def read_xlsx(export: Export):
    return load_workbook(io.BytesIO(export.data))


def cells(book):
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


@pytest.mark.parametrize("text", HOSTILE)
def test_each_dangerous_first_character_is_quoted(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_left_as_typed(text):
    assert neutralise(text) == text


def test_xlsx_has_no_formula_and_the_text_as_intended():
    book = XlsxWriter()
    sheet = book.sheet("名册", ["姓名", "说明"])
    for text in HOSTILE + HARMLESS:
        sheet.append([text, "=1+1"])
    read = read_xlsx(book.finish())
    every = cells(read)
    assert every and all(c.data_type != "f" for c in every)
    names = [row[0] for row in read.active.iter_rows(min_row=2, values_only=True)]
    # an empty string is an empty cell; everything else comes back exactly, quote included (a
    # bare CR is stored as a line break: XML keeps no bare CR)
    intended = ["'" + t.replace("\r", "\n") for t in HOSTILE] + [t or None for t in HARMLESS]
    assert names == intended
    assert read.active["B2"].value == "'=1+1" and read.active["A20"].data_type == "s"  # "#N/A"


def test_numbers_money_dates_booleans_and_none_are_typed():
    book = XlsxWriter()
    sheet = book.sheet("值", ["整数", "金额", "小数", "日期", "时间", "布尔", "空", "负数", "钟点"])
    aware = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai
    sheet.append(
        [42, Decimal("900"), 0.875, date(2026, 11, 22), aware, True, None, Decimal("-5.5"), time(8)]
    )
    sheet.append([0, Decimal("1234.5"), float("nan"), None, None, False, "", -3, None])
    ws = read_xlsx(book.finish()).active
    a, money, score, day, when, yes, empty, negative, clock = ws[2]
    assert a.value == 42 and a.data_type == "n"
    assert money.value == 900 and money.data_type == "n" and money.number_format == "#,##0.00"
    assert score.value == 0.875 and score.data_type == "n"
    assert day.value == datetime(2026, 11, 22) and day.is_date
    assert day.number_format == 'yyyy"年"mm"月"dd"日"'
    assert when.value == datetime(2026, 11, 22, 9, 30) and when.is_date
    assert yes.value == "是" and ws["F3"].value == "否"
    assert empty.value is None and ws["G3"].value is None and ws["C3"].value is None
    assert negative.value == -5.5 and negative.data_type == "n"
    assert ws["H3"].value == -3 and ws["H3"].data_type == "n"
    assert clock.is_date and clock.value == time(8)
    assert ws["B3"].value == 1234.5 and ws["B3"].number_format == "#,##0.00"


def test_header_is_bold_and_columns_have_widths():
    book = XlsxWriter()
    book.sheet("名册", [Column("家庭住址", width=36), "户主姓名", Column("必填", required=True)])
    ws = read_xlsx(book.finish()).active
    assert [c.value for c in ws[1]] == ["家庭住址", "户主姓名", "必填"]
    assert all(c.font.bold for c in ws[1])
    assert ws.column_dimensions["A"].width == 36
    assert ws.column_dimensions["B"].width == 10  # 4 Chinese characters, 2 wide each, + 2
    assert ws["C1"].fill.fgColor.rgb.endswith("FFF2CC") and ws["A1"].fill.fill_type is None


def test_text_columns_format_blank_template_rows_as_text():
    book = XlsxWriter()
    sheet = book.sheet("模板", [Column("身份证号码", text=True), "备注"])
    sheet.append(["433123196805120131", "x"])
    sheet.append_blank(3, 2)
    ws = read_xlsx(book.finish()).active
    assert ws["A2"].number_format == "@" and ws["A5"].number_format == "@"
    assert ws["B2"].number_format == "General" and ws.max_row == 5


def test_control_characters_are_dropped_and_long_text_cut():
    book = XlsxWriter()
    book.sheet("x", ["a"]).append(["龙\x01大\x1f山", "长" * 40_000])
    ws = read_xlsx(book.finish()).active
    assert ws["A2"].value == "龙大山" and len(ws["B2"].value) == 32_767


def test_sheet_and_file_names_are_safe():
    book = XlsxWriter()
    book.sheet("a/b:c*d?[e]\\f" + "很长" * 30, ["x"])
    book.sheet("'History'", ["x"])
    book.sheet("名册", ["x"])
    book.sheet("名册", ["x"])
    names = read_xlsx(book.finish()).sheetnames
    assert names[0] == ("abcdef" + "很长" * 30)[:31] and names[1:] == [
        "History1",
        "名册",
        "名册(2)",
    ]
    assert (
        spreadsheet.safe_file_name("../../etc/家庭名册\r\n.xlsx", "xlsx")
        == "_.._etc_家庭名册__.xlsx"
    )
    assert spreadsheet.safe_file_name("核查发现", ".csv") == "核查发现.csv"
    assert spreadsheet.safe_file_name("", "xlsx") == "导出.xlsx"


def test_rows_are_counted_and_a_finished_writer_refuses_more():
    book = XlsxWriter()
    sheet = book.sheet("x", ["a"])
    sheet.append([1])
    sheet.append([2])
    export = book.finish()
    assert export.rows == 2 and export.format == "xlsx"
    assert export.content_type.endswith("spreadsheetml.sheet")
    with pytest.raises(RuntimeError):
        sheet.append([3])


def test_only_the_writers_make_an_export():
    with pytest.raises(TypeError):
        Export(data=b"PK", format="xlsx", rows=0)


def test_a_large_export_streams_in_bounded_memory():
    tracemalloc.start()
    try:
        book = XlsxWriter()
        sheet = book.sheet("大", ["编号", "姓名", "金额", "住址"])
        for n in range(10_000):
            sheet.append([n, f"龙{n}", Decimal("1.50"), "沱江镇某村某组"])
        export = book.finish()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000  # a workbook kept in memory takes about 11 MB for these rows
    rows = load_workbook(io.BytesIO(export.data), read_only=True).active.iter_rows(values_only=True)
    assert export.rows == 10_000 and sum(1 for _ in rows) == 10_001


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(export: Export, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(export.data.decode(encoding), newline="")))


def test_csv_round_trips_with_bom_and_neutralised_text():
    writer = CsvWriter(["姓名", "金额", "日期", "人数", "在保"])
    for text in HOSTILE:
        writer.append([text, Decimal("900"), date(2026, 11, 22), 3, True])
    writer.append(['龙大山,"老"\n二', Decimal("-12.345"), None, -1, False])
    export = writer.finish()
    assert (
        export.data.startswith(b"\xef\xbb\xbf") and export.content_type == "text/csv; charset=utf-8"
    )
    rows = read_csv(export, "utf-8-sig")
    assert rows[0] == ["姓名", "金额", "日期", "人数", "在保"]
    assert [r[0] for r in rows[1:-1]] == ["'" + t for t in HOSTILE]
    assert rows[1][1:] == ["900.00", "2026-11-22", "3", "是"]
    assert rows[-1] == ['龙大山,"老"\n二', "-12.345", "", "-1", "否"]  # numbers are not quoted
    assert export.rows == len(HOSTILE) + 1


def test_csv_in_gb18030_for_bank_files():
    export = spreadsheet.csv_file(
        ["户名", "金额"], [["龙大山", Decimal("1234.5")]], encoding="gb18030"
    )
    assert export.content_type == "text/csv; charset=gb18030"
    assert not export.data.startswith(b"\xef\xbb\xbf")
    assert read_csv(export, "gb18030") == [["户名", "金额"], ["龙大山", "1234.50"]]
    with pytest.raises(ValueError):
        CsvWriter(["a"], encoding="latin-1")


def test_a_control_character_cannot_hide_a_formula():
    assert spreadsheet.csv_text("\x01=1+1") == "'=1+1"
    book = XlsxWriter()
    book.sheet("x", ["a"]).append(["\x00\x08+1"])
    assert read_xlsx(book.finish()).active["A2"].value == "'+1"


def test_csv_datetimes_are_local():
    export = spreadsheet.csv_file(["时间"], [[datetime(2026, 11, 22, 1, 30, tzinfo=UTC)]])
    assert read_csv(export, "utf-8-sig")[1] == ["2026-11-22 09:30:00"]
