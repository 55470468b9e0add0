"""The work queue as Excel: the filtered whole, as the page lists it."""

from jiuzhu.core.spreadsheet import Column, Export, xlsx

from .queues import QueueRow, due_state

QUEUE_COLUMNS = (
    Column("申请编号", width=24, text=True),
    Column("家庭编号", width=22, text=True),
    Column("户主姓名", width=12),
    Column("乡镇（街道）", width=14),
    Column("村（社区）", width=16),
    Column("救助项目", width=18),
    Column("当前环节", width=22),
    Column("下一办理事项", width=20),
    Column("期限", width=14),
    Column("逾期", width=8),
    Column("经办人", width=12),
)
DUE_TEXT = {"overdue": "已逾期", "today": "今日到期", "soon": "即将到期", "": ""}


def queue_xlsx(rows: list[QueueRow]) -> Export:
    return xlsx(
        "申请办理",
        QUEUE_COLUMNS,
        (
            (
                r.application.number,
                r.application.household.number,
                r.application.household.head_name,
                r.application.township.name,
                r.application.village.name,
                r.application.programme.name,
                r.application.stage_label,
                r.next_due.item.label if r.next_due else "",
                r.next_due.item.due if r.next_due else None,
                DUE_TEXT[due_state(r)],
                r.handler.display_name,
            )
            for r in rows
        ),
    )
