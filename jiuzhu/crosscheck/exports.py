"""Findings as an Excel list (masked personal data only), for townships and inspectors."""

from jiuzhu.core.spreadsheet import Column, Export, XlsxWriter

COLUMNS = (
    Column("编号"),
    Column("核查项目", width=20),
    Column("依据", width=24),
    Column("乡镇（街道）", width=14),
    Column("村（社区）", width=16),
    Column("对象姓名", width=12),
    Column("身份证号码", width=20),
    Column("摘要", width=60),
    Column("匹配方式"),
    Column("匹配概率"),
    Column("应追回金额（元）", width=18),
    Column("状态"),
    Column("核实期限", width=16),
    Column("发现时间", width=20),
)
MAX_ROWS = 100_000


def findings_xlsx(findings, labels: dict[str, str]) -> Export:
    book = XlsxWriter()
    sheet = book.sheet("核查发现", COLUMNS)
    for f in findings.order_by("township__code", "id")[:MAX_ROWS].iterator(chunk_size=2000):
        sheet.append(
            [
                f.pk,
                labels.get(f.check_code, f.check_code),
                f.rule,
                f.township.name,
                f.village.name if f.village_id else "",
                f.subject_name,
                f.subject_id_masked,
                f.summary,
                f.get_tier_display(),
                f.score,
                f.amount_to_recover,
                f.get_status_display(),
                f.due_date,
                f.raised_at,
            ]
        )
    return book.finish()
