"""The history of a recipient's application decided before the demo starts: every step of the
workflow from registration to the decision, each moved by the workflow's own transition table
and dated as the office would have done it (working hours, a few days between steps)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from jiuzhu.cases.models import Application, CaseEvent
from jiuzhu.cases.workflow import Action, CaseFacts, Status, initial_status, next_status
from jiuzhu.demo.case_schedule import office_times

# The steps of a case that needs a notice, and how many days before the decision each took
# place (None: the acceptance date, or the application date for the registration).
STEPS_BEFORE_DECISION = (
    (Action.ACCEPT, None),
    (Action.START_INVESTIGATION, "visited"),
    (Action.RECORD_INVESTIGATION, "visited"),
    (Action.RECORD_VERIFICATION, "verified"),
    (Action.PUBLISH_NOTICE, "notice"),
    (Action.CLOSE_NOTICE, "closed"),
    (Action.TOWNSHIP_OPINION, "opinion"),
)
DECISIONS = {
    Status.ENROLLED: (Action.CONFIRM, Action.ENROL),
    Status.REFUSED: (Action.REFUSE,),
}
# A notice that has run its 7 days, without objections.
NOTICE_DONE = CaseFacts(needs_notice=True, notice_days_elapsed=7)


def step_days(app: Application) -> dict[str, date]:
    """Each step's day between the acceptance and the notice (posted 9 days before the
    decision, as the application records)."""
    notice = app.notice_started_on
    return {
        "visited": min(app.accepted_on + timedelta(days=2), notice),
        "verified": min(app.accepted_on + timedelta(days=3), notice),
        "notice": notice,
        "closed": notice + timedelta(days=7),
        "opinion": notice + timedelta(days=8),
    }


def decided_history(app: Application, rng: random.Random) -> list[CaseEvent]:
    """The case's events (unsaved), from registration to its status, in order."""
    days = step_days(app)
    moves = [(Action.REGISTER, app.applied_on)]
    moves += [
        (action, days[key] if key else app.accepted_on) for action, key in STEPS_BEFORE_DECISION
    ]
    moves += [(action, app.decided_on) for action in DECISIONS[Status(app.status)]]
    times = office_times([on for _, on in moves], rng)
    events = []
    status: Status | None = None
    for (action, _), at in zip(moves, times, strict=True):
        if action == Action.REGISTER:
            old, new = "", initial_status()
        else:
            old, new = status, next_status(status, action, NOTICE_DONE)
        events.append(_event(app, action, old, new, timezone.make_aware(at)))
        status = new
    if status != app.status:
        raise RuntimeError(f"演示：{app.number}的办理记录未到达{app.status}")
    return events


def _event(app: Application, action: Action, old, new: Status, at) -> CaseEvent:
    decision = action in (Action.CONFIRM, Action.ENROL, Action.REFUSE)
    reason = {
        Action.REGISTER: app.reason,
        Action.TOWNSHIP_OPINION: app.township_opinion,
        Action.CONFIRM: app.decision_reason,
        Action.REFUSE: app.decision_reason,
    }.get(action, "")
    event = CaseEvent(
        application=app,
        action=action.value,
        from_status=old or "",
        to_status=new.value,
        actor=app.decided_by if decision else app.created_by,
        reason=reason,
        data={"demo": "历史数据"},
    )
    event.planned_at = at  # auto_now_add overwrites `at` on insert; put back after
    return event


def version_after(events: list[CaseEvent]) -> int:
    """The application's version once these moves are made: one per move (not the register)."""
    return len(events) - 1


def decision_time(events: list[CaseEvent]):
    """When the decision (confirm or refuse) was taken, as its history row says."""
    decided = (Action.CONFIRM.value, Action.REFUSE.value)
    return next(e.planned_at for e in events if e.action in decided)
