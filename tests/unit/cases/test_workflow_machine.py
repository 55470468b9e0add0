"""Random action sequences through the workflow: prerequisites are never skipped."""

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from jiuzhu.cases.workflow import (
    TRANSITIONS,
    Action,
    CaseFacts,
    IllegalTransition,
    Status,
    allowed_actions,
    initial_status,
    is_terminal,
    next_status,
    possible_targets,
)

S, A = Status, Action

# Written independently of the table: statuses that must have been visited before entering one.
MUST_HAVE_VISITED = {
    S.INCOMPLETE: {S.DRAFT},
    S.ACCEPTED: {S.DRAFT},
    S.PAID_FIRST: {S.ACCEPTED},
    S.INVESTIGATING: {S.ACCEPTED},
    S.VERIFYING: {S.ACCEPTED},  # and an investigation or an emergency payment, checked below
    S.NOTICED: {S.ACCEPTED, S.AWAITING_NOTICE},
    S.TOWNSHIP_REVIEWED: {S.ACCEPTED},
    S.CONFIRMED: {S.ACCEPTED, S.TOWNSHIP_REVIEWED},
    S.REFUSED: {S.ACCEPTED, S.TOWNSHIP_REVIEWED},
    S.ENROLLED: {S.ACCEPTED, S.TOWNSHIP_REVIEWED, S.CONFIRMED},
    S.REOPENED: {S.TOWNSHIP_REVIEWED, S.CONFIRMED},
}
# The only status a move into the key may come from (self-loops aside).
ONLY_FROM = {
    S.CONFIRMED: S.TOWNSHIP_REVIEWED,
    S.REFUSED: S.TOWNSHIP_REVIEWED,
    S.ENROLLED: S.CONFIRMED,
    S.NOTICED: S.AWAITING_NOTICE,
    S.PAID_FIRST: S.ACCEPTED,
}
SAMPLE_FACTS = (
    CaseFacts(),
    CaseFacts(notice_days_elapsed=7),
    CaseFacts(needs_notice=False, emergency_allowed=True, notice_days_elapsed=30),
)


def table_actions(status):
    return {action for (source, action) in TRANSITIONS if source == status}


class WorkflowMachine(RuleBasedStateMachine):
    @initialize(needs_notice=st.booleans(), emergency=st.booleans())
    def start(self, needs_notice, emergency):
        self.needs_notice = needs_notice
        self.emergency = emergency
        self.status = initial_status()
        self.visited = {self.status}
        self.notice_done = False  # a notice was posted since the case was last (re)examined
        self.verified = False  # verification finished since the last investigation
        self.paid_first = False

    def draw_facts(self, data):
        return CaseFacts(
            needs_notice=self.needs_notice,
            emergency_allowed=self.emergency,
            notice_days_elapsed=data.draw(
                st.sampled_from([7, 30, 0, 6]), label="notice_days_elapsed"
            ),
            unresolved_objections=data.draw(st.sampled_from([0, 0, 1]), label="objections"),
        )

    @rule(data=st.data())
    def any_action(self, data):
        facts = self.draw_facts(data)
        action = data.draw(st.sampled_from(list(Action)), label="action")
        choice = data.draw(st.none() | st.sampled_from(list(Status)), label="choice")
        before = self.status
        targets = possible_targets(before, action, facts)
        try:
            after = next_status(before, action, facts, choice=choice)
        except IllegalTransition as exc:
            assert self.status == before
            assert str(exc)
            legal = bool(targets) and (
                choice in targets if choice is not None else action != A.NOTICE_OBJECTION
            )
            assert not legal, (before, action, choice)
            return
        assert action in allowed_actions(before, facts)
        assert after in targets
        self.move(before, action, after)

    @rule(data=st.data())
    def legal_action(self, data):
        facts = self.draw_facts(data)
        # Withdrawal ends a run early; any_action still tries it.
        allowed = [a for a in allowed_actions(self.status, facts) if a != A.WITHDRAW]
        if not allowed:
            return
        action = data.draw(st.sampled_from(allowed), label="legal action")
        targets = possible_targets(self.status, action, facts)
        choice = data.draw(st.sampled_from(targets), label="legal choice")
        self.move(self.status, action, next_status(self.status, action, facts, choice=choice))

    def move(self, before, action, after):
        if after != before:
            assert MUST_HAVE_VISITED.get(after, set()) <= self.visited, (after, self.visited)
            if after in ONLY_FROM:
                assert before == ONLY_FROM[after], (before, action, after)
            if after == S.VERIFYING:
                assert self.visited & {S.INVESTIGATING, S.PAID_FIRST}
            if after == S.TOWNSHIP_REVIEWED:
                assert self.verified or before == S.VERIFYING or self.paid_first
                if self.needs_notice:
                    assert self.notice_done, "township review without a notice"
        if after == S.NOTICED:
            assert self.needs_notice
        if after == S.PAID_FIRST:
            assert self.emergency
        self.track(before, after)

    def track(self, before, after):
        if before == S.VERIFYING and after != S.VERIFYING:
            self.verified = True
        if after in (S.INVESTIGATING, S.VERIFYING, S.APPRAISAL, S.ACCEPTED):
            self.notice_done = False
        if after == S.INVESTIGATING:
            self.verified = False
            self.paid_first = False
        if after == S.NOTICED:
            self.notice_done = True
        if after == S.PAID_FIRST:
            self.paid_first = True
        self.status = after
        self.visited.add(after)

    @invariant()
    def status_is_valid(self):
        assert isinstance(self.status, Status)

    @invariant()
    def terminal_statuses_allow_only_the_table(self):
        if not is_terminal(self.status):
            return
        for facts in SAMPLE_FACTS:
            allowed = set(allowed_actions(self.status, facts))
            assert allowed <= table_actions(self.status)
            if self.status in (S.REFUSED, S.WITHDRAWN):
                assert allowed == set()
            if self.status == S.ENROLLED:
                assert allowed == {A.REOPEN}


WorkflowMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None
)
TestWorkflowMachine = WorkflowMachine.TestCase
