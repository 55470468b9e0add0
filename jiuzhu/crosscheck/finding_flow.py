"""The life of a finding: which step is allowed from which status. Pure module."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["OPEN_STATUSES", "Step", "STEP_LABELS", "TRANSITIONS", "next_status", "steps_from"]


class Step(StrEnum):
    MATCH_CONFIRM = "match_confirm"  # review queue: the same person
    MATCH_REJECT = "match_reject"  # review queue: not the same person
    ASSIGN = "assign"
    VERIFY_TRUE = "verify_true"
    VERIFY_FALSE = "verify_false"
    ACT = "act"
    CLOSE = "close"


STEP_LABELS = {
    Step.MATCH_CONFIRM: "确认是同一人",
    Step.MATCH_REJECT: "不是同一人",
    Step.ASSIGN: "指派核实人",
    Step.VERIFY_TRUE: "核实属实",
    Step.VERIFY_FALSE: "核实不属实",
    Step.ACT: "处置",
    Step.CLOSE: "办结",
}

TRANSITIONS: dict[tuple[str, Step], str] = {
    ("review", Step.MATCH_CONFIRM): "raised",
    ("review", Step.MATCH_REJECT): "dismissed",
    ("raised", Step.ASSIGN): "assigned",
    ("assigned", Step.ASSIGN): "assigned",
    ("raised", Step.VERIFY_TRUE): "confirmed",
    ("assigned", Step.VERIFY_TRUE): "confirmed",
    ("raised", Step.VERIFY_FALSE): "rejected",
    ("assigned", Step.VERIFY_FALSE): "rejected",
    ("confirmed", Step.ACT): "acted",
    ("acted", Step.CLOSE): "closed",
    ("rejected", Step.CLOSE): "closed",
}

# Statuses that still need work (counted as overdue past the due date).
OPEN_STATUSES = frozenset({"review", "raised", "assigned", "confirmed"})


class StepNotAllowed(ValueError):
    pass


def next_status(status: str, step: Step) -> str:
    try:
        return TRANSITIONS[(status, step)]
    except KeyError:
        raise StepNotAllowed(f"当前状态下不能执行“{STEP_LABELS[step]}”") from None


def steps_from(status: str) -> list[Step]:
    return [step for (s, step) in TRANSITIONS if s == status]
