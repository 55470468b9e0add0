"""Excel exports of registry lists (masked personal data only)."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .selectors import with_member_count

MAX_EXPORT_ROWS = 100_000
HEADERS = (
    "家庭编号",
    "户主姓名",
    "乡镇（街道）",
    "村（社区）",
    "家庭住址",
    "城乡类别",
    "家庭人口",
    "联系电话",
)


def header_cells(sheet, titles) -> list:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def workbook_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def households_xlsx(households) -> tuple[bytes, int]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("家庭名册")
    sheet.append(header_cells(sheet, HEADERS))
    count = 0
    rows = with_member_count(households.select_related("township", "village").order_by("number"))
    for h in rows[:MAX_EXPORT_ROWS].iterator(chunk_size=2000):
        sheet.append(
            [
                h.number,
                h.head_name,
                h.township.name,
                h.village.name,
                h.address,
                h.get_area_type_display(),
                h.member_count,
                h.phone_masked,
            ]
        )
        count += 1
    return workbook_bytes(book), count
