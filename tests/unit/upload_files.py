"""Spreadsheets and other uploads built in memory for the upload-guard tests: good ones and
hostile ones (no file is committed to the repository)."""

from __future__ import annotations

import io
import zipfile

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def content_types(main: str = XLSX_MAIN) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ).encode()


def relationships(*rels: tuple[str, str, str, str | None]) -> bytes:
    """(Id, Type suffix, Target, TargetMode or None) each."""
    items = "".join(
        f'<Relationship Id="{i}" Type="{REL_NS}/{t}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/>"
        for i, t, target, mode in rels
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
        f"{items}</Relationships>"
    ).encode()


WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="家庭人员" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()


def sheet_xml(body: str, dimension: str | None = None) -> bytes:
    """A worksheet around `body` (the <row> elements)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">{dim}'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx(
    sheet: bytes,
    *,
    extra: dict[str, bytes] | None = None,
    main: str = XLSX_MAIN,
    workbook: bytes = WORKBOOK,
) -> bytes:
    """A minimal workbook whose first sheet is `sheet`, with `extra` members added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types(main))
        z.writestr(
            "_rels/.rels", relationships(("rId1", "officeDocument", "xl/workbook.xml", None))
        )
        z.writestr("xl/workbook.xml", workbook)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            relationships(("rId1", "worksheet", "worksheets/sheet1.xml", None)),
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def small_sheet() -> bytes:
    return sheet_xml(
        '<row r="1">' + cell("A1", "姓名") + cell("B1", "备注") + "</row>"
        '<row r="2">' + cell("A2", "龙大山") + cell("B2", "ok") + "</row>",
        dimension="A1:B2",
    )


def last_cell_sheet(with_dimension: bool) -> bytes:
    """One cell at the very last column and row of a sheet: XFD1048576."""
    return sheet_xml(
        '<row r="1048576">' + cell("XFD1048576", "x") + "</row>",
        dimension="XFD1048576" if with_dimension else None,
    )


def zip_bomb(megabytes: int = 200) -> bytes:
    """A workbook whose sheet member is `megabytes` MB of zeros compressing to a few hundred
    KB; written a megabyte at a time, so building it stays small in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", content_types())
        z.writestr(
            "_rels/.rels", relationships(("rId1", "officeDocument", "xl/workbook.xml", None))
        )
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            relationships(("rId1", "worksheet", "worksheets/sheet1.xml", None)),
        )
        zeros = bytes(1 << 20)
        with z.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(megabytes):
                member.write(zeros)
    return buffer.getvalue()
