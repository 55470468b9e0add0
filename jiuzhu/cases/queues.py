"""Deadlines of each case and the work queues built from them (S2 time limits, working days)."""

from dataclasses import dataclass
from datetime import date

from jiuzhu.core.workdays_db import calendar as workday_calendar

from . import deadlines
from .models import Application
from .selectors import applications_for
from .workflow import DECIDED_STATUSES, Status

OPEN = [s.value for s in Status if s not in DECIDED_STATUSES]
AFTER_INVESTIGATION = {
    Status.VERIFYING,
    Status.AWAITING_NOTICE,
    Status.NOTICED,
    Status.APPRAISAL,
    Status.TOWNSHIP_REVIEWED,
    Status.CONFIRMED,
    Status.REFUSED,
    Status.ENROLLED,
}
DECIDED = DECIDED_STATUSES
# Events that answer a refusal in writing: "print_refusal" is what opening the letter recorded
# before the delivery became a POST of its own (services.refusal_letter_delivered).
REFUSAL_DELIVERED = frozenset({"refusal_delivered", "print_refusal"})


@dataclass(frozen=True)
class DeadlineView:
    item: deadlines.DeadlineItem
    days_left: int
    done: bool

    @property
    def overdue(self) -> bool:
        return not self.done and self.days_left < 0


def _done_codes(app: Application) -> set[str]:
    status = Status(app.status)
    done = set()
    if status not in (Status.DRAFT, Status.INCOMPLETE, Status.ACCEPTED, Status.PAID_FIRST):
        done.add("investigation_start")
    if status in AFTER_INVESTIGATION - {Status.VERIFYING}:
        done |= {"verification_start", "investigation_done"}
    if status in {Status.TOWNSHIP_REVIEWED} | DECIDED:
        done.add("notice_end")
    if status in DECIDED:
        done |= {"county_decision", "county_decision_extreme_poverty", "whole_case"}
    if status != Status.PAID_FIRST:
        done.add("emergency_filing")
    # delivered in writing (R2, S2 art. 21); "print_refusal" is what older cases recorded
    if any(e.action in REFUSAL_DELIVERED for e in app.events.all()):  # prefetched in queues
        done.add("refusal_letter")
    return done


def case_deadlines(app: Application, today: date, cal=None) -> list[DeadlineView]:
    if app.accepted_on is None:
        return []
    cal = cal or workday_calendar()
    paid_first = next((e.at for e in app.events.all() if e.action == "emergency_pay"), None)
    items = deadlines.case_deadlines(
        accepted_on=app.accepted_on,
        calendar=cal,
        limits=deadlines.TimeLimits(),
        delegated=app.delegated,
        extended=app.extended,
        county_received_on=app.county_received_on,
        refused_on=app.decided_on if app.status == Status.REFUSED else None,
        paid_first_on=paid_first.date() if paid_first else None,
        programme_kind=app.programme.code,
        notice_started_on=app.notice_started_on,
    )
    done = _done_codes(app)
    return [DeadlineView(i, deadlines.days_left(i, today, cal), i.code in done) for i in items]


@dataclass(frozen=True)
class QueueRow:
    application: Application
    next_due: DeadlineView | None
    overdue: tuple[DeadlineView, ...]
    handler: object  # the officer who accepted the case (else who registered it)


def handler_of(app: Application):
    """Who answers for the case's deadlines: whoever accepted it, else whoever registered it."""
    accepted = [e for e in app.events.all() if e.action == "accept"]
    return accepted[-1].actor if accepted else app.created_by


def work_queue(user, today: date, *, township_id: int | None = None) -> list[QueueRow]:
    """Open cases in the user's jurisdiction, most urgent first."""
    cal = workday_calendar()
    qs = (
        applications_for(user)
        .filter(status__in=OPEN)
        .select_related("programme", "household", "township", "village", "created_by")
        .prefetch_related("events__actor")
    )
    if township_id:
        qs = qs.filter(township_id=township_id)
    rows = []
    for app in qs:
        views = case_deadlines(app, today, cal)
        pending = [v for v in views if not v.done]
        rows.append(
            QueueRow(
                app,
                min(pending, key=lambda v: v.item.due) if pending else None,
                tuple(v for v in pending if v.overdue),
                handler_of(app),
            )
        )
    return sorted(
        rows, key=lambda r: (r.next_due is None, r.next_due.item.due if r.next_due else today)
    )


def township_summary(rows: list[QueueRow]) -> list[tuple[str, int, int, int]]:
    """(township, open cases, due within 3 working days, overdue) for the county's view."""
    return _summary(rows, lambda row: row.application.township.name)


def handler_summary(rows: list[QueueRow]) -> list[tuple[str, int, int, int]]:
    """(officer, open cases, due within 3 working days, overdue): the per-person view."""
    return _summary(rows, lambda row: row.handler.display_name)


def _summary(rows: list[QueueRow], key) -> list[tuple[str, int, int, int]]:
    summary: dict[str, list[int]] = {}
    for row in rows:
        counts = summary.setdefault(key(row), [0, 0, 0])
        counts[0] += 1
        if row.next_due and 0 <= row.next_due.days_left <= 3:
            counts[1] += 1
        if row.overdue:
            counts[2] += 1
    return [(name, *counts) for name, counts in sorted(summary.items())]


# ---- the queue's filters, shared by the queue page and the home page's counts -------------

DUE_FILTERS = {"overdue": "已逾期", "today": "今日到期", "soon": "3个工作日内到期"}
WAITING_FILTERS = {
    "acceptance": "待受理",
    "opinion": "待乡镇提出审核意见",
    "decision": "待审核确认",
}


def due_state(row: QueueRow) -> str:
    """ "overdue", "today", "soon" (within 3 working days) or "" for a queue row."""
    if row.overdue:
        return "overdue"
    if row.next_due is None:
        return ""
    if row.next_due.days_left == 0:
        return "today"
    return "soon" if 0 < row.next_due.days_left <= 3 else ""


def waiting_for(app: Application) -> str:
    """What the case waits for: acceptance, the township's opinion or the decision."""
    if app.status in (Status.DRAFT, Status.INCOMPLETE):
        return "acceptance"
    if app.status == Status.TOWNSHIP_REVIEWED:
        return "decision" if app.township_opinion.strip() else "opinion"
    return ""


def filter_rows(
    rows: list[QueueRow],
    *,
    township_id: int | None = None,
    status: str = "",
    handler_id: int | None = None,
    due: str = "",
    waiting: str = "",
    level: str = "",
) -> list[QueueRow]:
    """The rows the queue shows for its filters; the home page counts with the same function,
    so a count and the list it links to agree. `level`: who decides (county or township)."""
    return [
        r
        for r in rows
        if (not township_id or r.application.township_id == township_id)
        and (not status or r.application.status == status)
        and (not handler_id or r.handler.pk == handler_id)
        and (not due or due_state(r) == due)
        and (not waiting or waiting_for(r.application) == waiting)
        and (not level or r.application.confirming_level == level)
    ]
