"""The step-date rule (step_dates) applied to a case: the dates on record, the county's late-entry
allowance in force, and the refusal a service raises. Every case service that takes a date
entered by a person passes it through ``checked_date`` before writing anything."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.utils import timezone

from jiuzhu.core.errors import ValidationFailed
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.programmes.selectors import setting_value

from . import step_dates
from .models import Application
from .step_dates import StepKind


@dataclass(frozen=True)
class EnteredDate:
    """A date the rule allowed, with the 补录 reason to keep ('' when not a late entry)."""

    check: step_dates.DateCheck
    late_reason: str

    @property
    def late(self) -> bool:
        return self.check.late

    def event_data(self) -> dict:
        """What the case event and the audit record say about the date."""
        data = {"date": self.check.entered}
        if self.late:
            data |= {"late": True, "late_reason": self.late_reason}
        return data


def _latest(related, field: str) -> date | None:
    return related.aggregate(latest=Max(field))["latest"]


def recorded_dates(app: Application) -> dict[StepKind, date | None]:
    """The latest date on record of each dated step of the case."""
    return {
        StepKind.REGISTRATION: app.applied_on,
        StepKind.ACCEPTANCE: app.accepted_on,
        StepKind.INVESTIGATION: _latest(app.investigations, "visited_on"),
        StepKind.VERIFICATION: _latest(app.verifications, "checked_on"),
        StepKind.APPRAISAL: _latest(app.appraisals, "held_on"),
        StepKind.NOTICE_START: app.notice_started_on,
        StepKind.NOTICE_OBJECTION: _latest(app.objections, "received_on"),
        StepKind.DECISION: app.decided_on,
    }


def late_allowance_days(county, today: date) -> int:
    """The county's late-entry allowance in force (补录认定天数, 3 by default)."""
    return int(setting_value(county=county, key=SettingKey.LATE_ENTRY_DAYS, on=today))


def checked_date(
    app: Application | None,
    kind: StepKind,
    entered: date,
    late_reason: str = "",
    *,
    county=None,
    today: date | None = None,
    also_recorded: dict[StepKind, date | None] | None = None,
) -> EnteredDate:
    """Refuse (ValidationFailed, in Chinese) a date the rule does not allow for step `kind` of
    `app` (None while registering: then `county` is given), or a late entry without a reason.
    `also_recorded` adds dates kept outside the case (a spot check's draw)."""
    today = today or timezone.localdate()
    county = county if county is not None else app.county
    recorded = recorded_dates(app) if app is not None else {}
    check = step_dates.check_step_date(
        kind=kind,
        entered=entered,
        today=today,
        recorded=recorded | (also_recorded or {}),
        late_allowance_days=late_allowance_days(county, today),
    )
    problem = step_dates.entry_problem(check, late_reason)
    if problem:
        raise ValidationFailed(problem)
    return EnteredDate(check, late_reason.strip() if check.late else "")
