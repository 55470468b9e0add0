"""Excel exports of registry lists (masked personal data only)."""

from jiuzhu.core.spreadsheet import Column, Export, XlsxWriter

from .selectors import with_member_count

MAX_EXPORT_ROWS = 100_000
COLUMNS = (
    Column("家庭编号", width=22),
    Column("户主姓名", width=12),
    Column("乡镇（街道）", width=14),
    Column("村（社区）", width=16),
    Column("家庭住址", width=36),
    Column("城乡类别"),
    Column("家庭人口"),
    Column("联系电话", width=14),
)


def households_xlsx(households) -> Export:
    """The household list; ``export.rows`` is the number of households written."""
    book = XlsxWriter()
    sheet = book.sheet("家庭名册", COLUMNS)
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
    return book.finish()
