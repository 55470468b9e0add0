"""The upload guard (jiuzhu.core.uploads): every hostile file built here is refused with a Chinese
message naming the problem, before any parser runs, and the real parse child (spawned, memory
capped) gives the same answer; good files still read, and text comes back as typed."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import random
import re
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from jiuzhu.core import upload_guard, upload_read, uploads
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.upload_guard import UploadLimits, check_attachment, check_spreadsheet
from jiuzhu.registry.import_check import clean, duplicate_columns
from jiuzhu.registry.import_reader import read_table

from .upload_files import (
    OLE_MAGIC,
    XLSM_MAIN,
    cell,
    last_cell_sheet,
    relationships,
    sheet_xml,
    small_sheet,
    xlsx,
    zip_bomb,
)

LIMITS = UploadLimits()
CJK = re.compile(r"[\u4e00-\u9fff]")


def refused(file_name: str, data: bytes, limits: UploadLimits = LIMITS) -> str:
    """The guard's message, checked in this process and through the real parse child: both
    must refuse, in Chinese, with the same words. An .xlsx is refused by the checks alone,
    before python-calamine sees it (CSV checks run as the CSV is read)."""
    if file_name.endswith(".xlsx"):
        with pytest.raises(ValidationFailed):
            check_spreadsheet(file_name, data, limits)
    with pytest.raises(ValidationFailed) as in_process:
        list(upload_read.read_rows(file_name, data, limits))
    with pytest.raises(ValidationFailed) as through_child:
        uploads.read_spreadsheet(file_name, data, limits=limits)
    assert through_child.value.message == in_process.value.message
    assert CJK.search(in_process.value.message)
    return in_process.value.message


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb(200)


# --- xlsx: the used range ---------------------------------------------------------------------


@pytest.mark.parametrize("with_dimension", [False, True])
def test_the_last_cell_sheet_is_refused(with_dimension):
    data = xlsx(last_cell_sheet(with_dimension))
    assert len(data) < 2048  # the 2 KB file that used to take the server down
    message = refused("户.xlsx", data)
    assert "XFD1048576" in message and "200000行" in message and "100列" in message


def test_a_huge_declared_dimension_is_refused():
    sheet = sheet_xml('<row r="1">' + cell("A1", "姓名") + "</row>", dimension="A1:XFD1048576")
    message = refused("户.xlsx", xlsx(sheet))
    assert "声明的数据区域为A1:XFD1048576" in message


def test_rows_and_columns_are_counted_against_the_callers_limits():
    wide = "".join(cell(f"{upload_guard.column_letters(i)}1", "x") for i in range(1, 102))
    message = refused("宽.xlsx", xlsx(sheet_xml(f'<row r="1">{wide}</row>')))
    assert "CW1" in message  # column 101
    rows = "".join(f'<row r="{r}">{cell(f"A{r}", "x")}</row>' for r in range(1, 13))
    small = dataclasses.replace(LIMITS, max_rows=10)
    assert "A12" in refused("长.xlsx", xlsx(sheet_xml(rows)), small)
    rows = "".join(f'<row r="{r}">{cell(f"A{r}", "x")}</row>' for r in range(1, 12))
    assert uploads.read_spreadsheet("长.xlsx", xlsx(sheet_xml(rows)), limits=small)[1][-1] == ["x"]


@pytest.mark.parametrize(
    "body",
    [
        # no r attributes: positions are counted the way a reader counts them
        "<row><c><v>1</v></c></row>" + "<row>" + "<c><v>1</v></c>" * 101 + "</row>",
        # a namespace prefix on the tags
        '<x:row r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></x:row>',
        # r not the first attribute
        '<row r="1"><c s="0" r="XFD1"><v>1</v></c></row>',
        # a ">" inside a quoted attribute before r
        '<row r="1"><c s="a>b" r="XFD1"><v>1</v></c></row>',
        # single quotes and spaces around "="
        "<row r='1'><c r = 'XFD1'><v>1</v></c></row>",
        # a cell's own row far below its <row>
        '<row r="1"><c r="A1048576"><v>1</v></c></row>',
    ],
)
def test_cells_written_unusually_are_still_placed_and_refused(body):
    message = refused("异.xlsx", xlsx(sheet_xml(body)))
    assert "超出上限" in message


def test_rows_without_r_count_for_the_cells_below_them():
    small = dataclasses.replace(LIMITS, max_rows=100)
    body = "<row/>" * 101 + "<row><c><v>1</v></c></row>"
    assert "A102" in refused("异.xlsx", xlsx(sheet_xml(body)), small)
    body = "<row/>" * 100 + "<row><c><v>1</v></c></row>"
    assert uploads.read_spreadsheet("异.xlsx", xlsx(sheet_xml(body)), limits=small)[1][-1] == ["1"]


def test_a_sheet_split_across_many_chunks_is_scanned_whole():
    rows = "".join(
        f'<row r="{r}">' + "".join(cell(f"{c}{r}", "填写内容" * 3) for c in "ABCDEFGH") + "</row>"
        for r in range(1, 20_001)
    )
    rows += f'<row r="20001">{cell("CW20001", "x")}</row>'
    sheet = sheet_xml(rows)
    assert len(sheet) > 3 * upload_guard.CHUNK
    assert "CW20001" in refused("长.xlsx", xlsx(sheet))


def test_the_regexes_for_numbers_and_columns_past_a_limit():
    for limit in (1, 9, 10, 99, 100, 101, 200_001, 500_001, 999_999):
        over = re.compile(b"^" + upload_guard._digits_over(limit) + b"$")
        for n in [*range(1, 1200), limit - 1, limit, limit + 1, limit * 10, 10**7]:
            if n > 0:
                assert bool(over.match(str(n).encode())) == (n > limit), (limit, n)
    for limit in (1, 26, 27, 52, 100, 702, 703, 16_384):
        over = re.compile(b"^" + upload_guard._letters_over(limit) + b"$")
        for n in [*range(1, 800), 16_383, 16_384, 16_385, 18_278]:
            letters = upload_guard.column_letters(n).encode()
            assert bool(over.match(letters)) == (n > limit), (limit, n)


# --- xlsx: the zip ----------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_the_directory(bomb):
    assert len(bomb) < 1024 * 1024  # 200 MB of zeros in a few hundred KB
    message = refused("炸弹.xlsx", bomb)
    assert "压缩比" in message and "压缩炸弹" in message


def test_members_past_the_expanded_size_limits_are_refused(bomb):
    small = dataclasses.replace(LIMITS, max_ratio=10**6, max_member_bytes=100 * 1024 * 1024)
    assert "解压后为200MB" in refused("炸弹.xlsx", bomb, small)
    small = dataclasses.replace(LIMITS, max_ratio=10**6, max_total_bytes=150 * 1024 * 1024)
    assert "解压后共200" in refused("炸弹.xlsx", bomb, small)


def test_too_many_members_are_refused():
    extra = {f"xl/media/image{i}.png": b"" for i in range(1001)}
    assert "超过1000个" in refused("多.xlsx", xlsx(small_sheet(), extra=extra))


def test_a_member_larger_than_its_directory_entry_says_is_refused():
    rows = "".join(f'<row r="{r}">{cell(f"A{r}", "x")}</row>' for r in range(1, 2000))
    data = bytearray(xlsx(sheet_xml(rows)))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    # Rewrite the central directory's uncompressed size of the sheet to 100 bytes.
    directory = data.find(b"PK\x01\x02")
    while True:
        name_len = int.from_bytes(data[directory + 28 : directory + 30], "little")
        name = bytes(data[directory + 46 : directory + 46 + name_len])
        if name == info.filename.encode():
            data[directory + 24 : directory + 28] = (100).to_bytes(4, "little")
            break
        directory = data.find(b"PK\x01\x02", directory + 4)
    message = refused("谎.xlsx", bytes(data))
    assert "实际大小与文件目录不符" in message


# --- xlsx: what it holds ----------------------------------------------------------------------


def test_a_macro_workbook_is_refused():
    data = xlsx(small_sheet(), extra={"xl/vbaProject.bin": OLE_MAGIC + bytes(500)})
    assert "宏" in refused("宏.xlsx", data)


def test_a_macro_enabled_workbook_renamed_xlsx_is_refused():
    assert "宏" in refused("改名.xlsx", xlsx(small_sheet(), main=XLSM_MAIN))


def test_an_external_link_workbook_is_refused():
    link = relationships(("rId1", "externalLinkPath", "file:///C:/机密/工资.xlsx", "External"))
    data = xlsx(
        small_sheet(),
        extra={
            "xl/externalLinks/externalLink1.xml": b"<externalLink/>",
            "xl/externalLinks/_rels/externalLink1.xml.rels": link,
        },
    )
    assert "外部链接" in refused("链接.xlsx", data)


def test_an_external_relationship_is_refused_but_a_hyperlink_is_not():
    image = relationships(("rId1", "image", "http://example.org/p.png", "External"))
    data = xlsx(small_sheet(), extra={"xl/worksheets/_rels/sheet1.xml.rels": image})
    assert "外部链接" in refused("图.xlsx", data)
    link = relationships(("rId1", "hyperlink", "mailto:someone@example.org", "External"))
    data = xlsx(small_sheet(), extra={"xl/worksheets/_rels/sheet1.xml.rels": link})
    assert uploads.read_spreadsheet("链.xlsx", data)[1] == [["龙大山", "ok"]]


def test_an_xml_part_with_a_dtd_is_refused():
    types = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Types/>'
    buffer = io.BytesIO(xlsx(small_sheet()))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(rebuilt, "w") as new:
        for info in old.infolist():
            body = types if info.filename == "[Content_Types].xml" else old.read(info)
            new.writestr(info.filename, body)
    assert "XML声明" in refused("dtd.xlsx", rebuilt.getvalue())


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("旧.xls", OLE_MAGIC + bytes(600), ".xls"),
        ("旧.xlsx", OLE_MAGIC + bytes(600), "旧版Excel"),
        ("宏.xlsm", b"PK\x03\x04" + bytes(100), ".xlsm"),
        ("二.xlsb", b"PK\x03\x04" + bytes(100), ".xlsb"),
        ("文.xlsx", "姓名,身份证号码\n龙大山,1\n".encode(), "不是有效的Excel工作簿"),
        ("压缩.csv", b"PK\x03\x04" + bytes(100), "不是文本文件"),
        ("图.png", b"\x89PNG\r\n\x1a\n" + bytes(50), ".png"),
        ("无扩展名", b"abc", "无扩展名"),
    ],
)
def test_types_other_than_xlsx_and_csv_are_refused(name, data, words):
    message = refused(name, data)
    assert words in message and (".xlsx" in message or "CSV" in message)


def test_an_xlsb_renamed_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/workbook.bin", bytes(100))
    assert ".xlsb" in refused("二进制.xlsx", buffer.getvalue())


def test_a_file_over_the_size_limit_is_refused():
    message = refused("大.csv", b"a,b\n" * 300, dataclasses.replace(LIMITS, max_bytes=1000))
    assert "1.2KB" in message and "1000字节" in message


# --- CSV ------------------------------------------------------------------------------------


def test_a_utf16_csv_is_refused():
    message = refused("户.csv", "姓名,身份证号码\r\n龙大山,1\r\n".encode("utf-16"))
    assert "编码" in message and "UTF-8" in message


def test_random_bytes_are_refused():
    noise = random.Random(13).randbytes(4096)
    assert "编码" in refused("乱.csv", noise)
    assert "编码" in refused("乱.csv", noise.replace(b"\x00", b"\x01"))  # no NUL either


def test_an_enormous_field_is_refused():
    message = refused("长.csv", ("姓名\n" + "龙" * 40_000 + "\n").encode())
    assert "超过32767个字符" in message
    unclosed = ('姓名,备注\n龙大山,"从这里开始引号没有闭合\n' + "下一行\n" * 20_000).encode()
    assert "引号" in refused("引号.csv", unclosed)


def test_csv_rows_and_columns_are_limited():
    wide = (",".join(["x"] * 101) + "\n").encode()
    assert "101列" in refused("宽.csv", wide)
    small = dataclasses.replace(LIMITS, max_rows=5)
    assert "超过5行" in refused("长.csv", b"a\n" * 7, small)
    assert len(uploads.read_spreadsheet("长.csv", b"a\n" * 6, limits=small)[1]) == 5


# --- good files -------------------------------------------------------------------------------


def test_a_good_xlsx_reads_and_keeps_text_as_typed():
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "备注", "出生日期", "人数"])
    sheet.append(["\t=1+1", "433123196805120131", "  前后空格　", date(1968, 5, 12), 3])
    sheet.append([])
    sheet.append(["\r=HYPERLINK(1)", "433123196805120131", "x", None, 2.5])
    buffer = io.BytesIO()
    book.save(buffer)
    headers, rows = uploads.read_spreadsheet("户.xlsx", buffer.getvalue())
    assert headers == ["姓名", "身份证号码", "备注", "出生日期", "人数"]
    assert rows[0] == ["\t=1+1", "433123196805120131", "前后空格", "1968-05-12", "3"]
    assert not any(rows[1])
    # XML itself turns a CR into LF; the control character stays in front either way
    assert rows[2][0] in ("\r=HYPERLINK(1)", "\n=HYPERLINK(1)") and rows[2][4] == "2.5"


def test_a_sheet_starting_below_and_right_of_a1_keeps_its_row_numbers():
    sheet = sheet_xml(f'<row r="3">{cell("C3", "姓名")}</row><row r="4">{cell("C4", "龙")}</row>')
    headers, rows = uploads.read_spreadsheet("偏.xlsx", xlsx(sheet))
    assert not any(headers) and not any(rows[0])
    assert rows[1] == ["", "", "姓名"] and rows[2] == ["", "", "龙"] and len(rows) == 3


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_a_good_csv_reads_in_each_encoding_and_keeps_text_as_typed(encoding):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["姓名", "备注"], ["\t=1+1", "龍大山　"], ["多行", "第一行\n第二行"]]
    )
    headers, rows = uploads.read_spreadsheet("户.csv", buffer.getvalue().encode(encoding))
    assert headers == ["姓名", "备注"]
    assert rows == [["\t=1+1", "龍大山"], ["多行", "第一行\n第二行"]]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationFailed, match="文件是空的"):
        uploads.read_spreadsheet("空.csv", b"")


# --- the child process ------------------------------------------------------------------------


def test_a_child_out_of_memory_is_one_error_not_a_crash():
    rows = "".join(
        f'<row r="{r}">'
        + "".join(cell(f"{c}{r}", f"第{r}行{c}列的内容") for c in "ABCDEFGHIJ")
        + "</row>"
        for r in range(1, 60_001)
    )
    data = xlsx(sheet_xml(rows))
    capped = dataclasses.replace(LIMITS, memory_mb=48)
    with pytest.raises(ValidationFailed) as caught:
        uploads.read_spreadsheet("大.xlsx", data, limits=capped)
    assert caught.value.message == upload_guard.UNREADABLE
    assert len(uploads.read_spreadsheet("大.xlsx", data)[1]) == 59_999  # fits in the default


def test_a_child_past_its_time_is_one_error():
    slow = dataclasses.replace(LIMITS, timeout_seconds=0.001)
    with pytest.raises(ValidationFailed, match="读取超时"):
        uploads.read_spreadsheet("户.xlsx", xlsx(small_sheet()), limits=slow)


def test_parsing_in_process_when_the_setting_says_so_gives_the_same_answers(settings):
    data = xlsx(small_sheet())
    through_child = uploads.read_spreadsheet("户.xlsx", data)
    settings.JIUZHU_UPLOAD_PARSE_IN_PROCESS = True
    assert (
        uploads.read_spreadsheet("户.xlsx", data)
        == through_child
        == (
            ["姓名", "备注"],
            [["龙大山", "ok"]],
        )
    )
    with pytest.raises(ValidationFailed, match="XFD1048576"):
        uploads.read_spreadsheet("户.xlsx", xlsx(last_cell_sheet(False)))


def test_the_parse_child_imports_no_django():
    import subprocess
    import sys

    code = (
        "import sys, jiuzhu.core.upload_read as r; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip() == "False"


# --- household import: duplicate headers, control characters ---------------------------------


def test_duplicate_headers_are_refused_by_name():
    assert duplicate_columns(["姓名", "身份证号码", "姓名"]) == ["姓名"]
    data = "家庭编号,姓名,身份证号码,姓名\n1,龙大山,433123196805120131,龙小山\n".encode()
    with pytest.raises(ValidationFailed, match="文件中有重复的列：姓名"):
        read_table("户.csv", data)


def test_clean_trims_spaces_only():
    assert clean("　龙大山 ") == "龙大山"
    assert clean("\t=1+1") == "\t=1+1" and clean("=1+1\r") == "=1+1\r"


# --- attachments ------------------------------------------------------------------------------


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("word/document.xml", b"<document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("核实.pdf", b"%PDF-1.7\n" + bytes(100), "pdf"),
        ("照片.JPG", b"\xff\xd8\xff\xe0" + bytes(100), "jpeg"),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "png"),
        ("表.xlsx", xlsx(small_sheet()), "xlsx"),
        ("记录.docx", _docx(), "docx"),
    ],
)
def test_attachments_of_the_allowed_kinds_pass(name, data, kind):
    assert check_attachment(name, data, LIMITS) == kind


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("脚本.exe", b"MZ" + bytes(100), "附件只能是"),
        ("假.pdf", b"MZ" + bytes(100), "与扩展名.pdf不符"),
        ("网页.html", b"<script>", "附件只能是"),
        ("宏.xlsx", xlsx(small_sheet(), extra={"xl/vbaProject.bin": bytes(10)}), "宏"),
        ("宏.docx", _docx({"word/vbaProject.bin": bytes(10)}), "宏"),
        (
            "模板.docx",
            _docx(
                {
                    "word/_rels/settings.xml.rels": relationships(
                        ("rId1", "attachedTemplate", "http://example.org/t.dotm", "External")
                    )
                }
            ),
            "外部链接",
        ),
        ("大.pdf", b"%PDF-" + bytes(11 * 1024 * 1024), "超过10MB"),
    ],
)
def test_other_attachments_are_refused(name, data, words):
    with pytest.raises(ValidationFailed, match=words):
        uploads.check_attachment(name, data)
