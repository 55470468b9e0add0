"""Findings as an Excel list (masked personal data only), for townships and inspectors."""

from openpyxl import Workbook

from jiuzhu.registry.exports import header_cells, workbook_bytes

HEADERS = (
    "编号",
    "核查项目",
    "依据",
    "乡镇（街道）",
    "村（社区）",
    "对象姓名",
    "身份证号码",
    "摘要",
    "匹配方式",
    "匹配概率",
    "应追回金额（元）",
    "状态",
    "核实期限",
    "发现时间",
)
MAX_ROWS = 100_000


def findings_xlsx(findings, labels: dict[str, str]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("核查发现")
    sheet.append(header_cells(sheet, HEADERS))
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
                f.raised_at.strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return workbook_bytes(book)
