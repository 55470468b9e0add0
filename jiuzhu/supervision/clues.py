"""Clues and complaints (问题线索 / 信访举报, R19): register, assign, investigate, reply, close,
and hand over to discipline inspection (移交纪检监察); the daily recount of due dates.

Every service checks the actor's permission, jurisdiction and separation of duties itself
(ARCHITECTURE rule 9), locks the clue, audits the change and runs in one transaction.

Deadlines are working days (core.workdays with the holiday table, 调休 included) from the day
the clue was received, per category as county settings (programmes SettingKey.CLUE_DAYS_*);
letters and visits (信访) have their own limit. A clue about a household puts the household's
open case on the county's mandatory visit list (R3), as a complaint recorded on the case does.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import covers
from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Perm, Role
from jiuzhu.cases.models import Application
from jiuzhu.cases.workflow import Status as CaseStatus
from jiuzhu.core import audit
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.workdays_db import calendar
from jiuzhu.programmes.catalogue import SettingKey
from jiuzhu.programmes.selectors import setting_value
from jiuzhu.regions.models import Region
from jiuzhu.registry.selectors import household_get, person_get
from jiuzhu.registry.sensitive import protect_phone

from .clue_selectors import can_read_clues, clue_for_update
from .models import Clue
from .numbering import next_number

NEAR_DUE_WORKDAYS = 3  # a clue due within this many working days is 临近到期
DAYS_KEY = {
    Clue.Category.WRONG_INCLUSION: SettingKey.CLUE_DAYS_WRONG_INCLUSION,
    Clue.Category.FAVOURITISM: SettingKey.CLUE_DAYS_FAVOURITISM,
    Clue.Category.MISSED: SettingKey.CLUE_DAYS_MISSED,
    Clue.Category.PAYMENT: SettingKey.CLUE_DAYS_PAYMENT,
    Clue.Category.CONDUCT: SettingKey.CLUE_DAYS_CONDUCT,
    Clue.Category.OTHER: SettingKey.CLUE_DAYS_OTHER,
}
# Clues about staff or cadres go to discipline inspection (R19)
HANDOVER_CATEGORIES = {Clue.Category.FAVOURITISM, Clue.Category.CONDUCT}
HANDOVER_SUBJECTS = {Clue.Subject.STAFF, Clue.Subject.CADRE}
CLOSED_CASE = [CaseStatus.REFUSED, CaseStatus.WITHDRAWN, CaseStatus.ENROLLED]
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone


def _today() -> date:
    return timezone.localdate()


def new_tracking_code() -> str:
    """16 random characters of 32 (80 bits) in groups of four: ABCD-EFGH-JKLM-NPQR."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def due_days_for(*, county, category: str, channel: str, on: date) -> int:
    key = SettingKey.CLUE_DAYS_PETITION if channel == Clue.Channel.PETITION else DAYS_KEY[category]
    return int(setting_value(county=county, key=key, on=on))


def due_flags(*, due_on: date, today: date, cal=None) -> tuple[bool, bool]:
    """(overdue, near due): past the due day; or due within NEAR_DUE_WORKDAYS working days."""
    cal = cal or calendar()
    if today > due_on:
        return True, False
    return False, cal.workdays_between(today, due_on) <= NEAR_DUE_WORKDAYS


def _next_number(county: Region, year: int) -> str:
    return next_number(Clue, "XS", county, year)


def _place(actor, *, household_id, person_id, village_id):
    """The household, person and village the clue is about, each within the actor's regions."""
    household = person = None
    if person_id:
        person = person_get(user=actor, pk=person_id)
        household_id = household_id or person.household_id
    if household_id:
        household = household_get(user=actor, pk=household_id)
        return household, person, household.village
    village = Region.objects.filter(pk=village_id or 0, level=Region.Level.VILLAGE).first()
    if village is None or not covers(actor, village):
        raise ValidationFailed("请选择反映问题所在的村（社区）")
    return None, person, village


def _may_register(actor, channel: str) -> None:
    if actor is not None and actor.is_system and channel == Clue.Channel.PUBLIC_FORM:
        return  # the public complaint form acts as a system actor
    require(actor, Perm.RECORD_COMPLAINTS, message="您没有登记问题线索的权限")


def _check_text(value: str, label: str, *, max_length: int = 4000) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"请填写{label}")
    if len(value) > max_length:
        raise ValidationFailed(f"{label}不能超过{max_length}字")
    return value


@transaction.atomic
def clue_register(
    *,
    actor,
    channel: str,
    received_on: date,
    category: str,
    subject_kind: str,
    content: str,
    village_id: int | None = None,
    household_id: int | None = None,
    person_id: int | None = None,
    subject_name: str = "",
    complainant_name: str = "",
    complainant_phone: str = "",
    finding_id: int | None = None,
) -> Clue:
    """Register a clue from any channel (anonymous allowed); compute its deadline; a clue about
    a household marks the household's open case for the county's visit (R3)."""
    _may_register(actor, channel)
    if channel not in Clue.Channel.values or category not in Clue.Category.values:
        raise ValidationFailed("请选择线索来源和问题类别")
    if subject_kind not in Clue.Subject.values:
        raise ValidationFailed("请选择反映对象类型")
    content = _check_text(content, "反映内容")
    if received_on > _today():
        raise ValidationFailed("受理日期不能晚于今天")
    finding = _finding(actor, finding_id) if finding_id else None
    if finding is not None and not (household_id or person_id or village_id):
        household_id, village_id = finding.household_id, finding.village_id  # what it concerns
    household, person, village = _place(
        actor, household_id=household_id, person_id=person_id, village_id=village_id
    )
    if channel == Clue.Channel.FINDING and finding is None:
        raise ValidationFailed("来源为比对核查发现的线索须关联该核查发现")
    township, county = village.parent, village.parent.parent
    days = due_days_for(county=county, category=category, channel=channel, on=received_on)
    cal = calendar()
    due_on = cal.add_workdays(received_on, days).day
    overdue, near = due_flags(due_on=due_on, today=_today(), cal=cal)
    phone = (complainant_phone or "").strip()
    protected = protect_phone(phone) if phone else None
    clue = Clue.objects.create(
        number=_next_number(county, received_on.year),
        channel=channel,
        received_on=received_on,
        category=category,
        subject_kind=subject_kind,
        household=household,
        person=person,
        subject_name=(subject_name or "").strip()[:60],
        county=county,
        township=township,
        village=village,
        content=content,
        complainant_name=(complainant_name or "").strip()[:40],
        complainant_phone_cipher=protected.cipher if protected else "",
        complainant_phone_masked=protected.masked if protected else "",
        due_days=days,
        due_on=due_on,
        is_overdue=overdue,
        is_near_due=near,
        flags_on=_today(),
        finding=finding,
        tracking_code=new_tracking_code(),
        flagged_for_handover=category in HANDOVER_CATEGORIES or subject_kind in HANDOVER_SUBJECTS,
        created_by=actor,
    )
    marked = _mark_household_for_visit(clue) if household else 0
    audit.record(
        action="clue.register",
        actor=actor,
        obj=clue,
        household_id=household.pk if household else None,
        new={
            "channel": channel,
            "category": category,
            "subject_kind": subject_kind,
            "received_on": received_on,
            "due_on": due_on,
            "anonymous": clue.is_anonymous,
            "cases_marked": marked,
        },
    )
    return clue


def _finding(actor, finding_id: int):
    from jiuzhu.crosscheck.finding_selectors import finding_get

    return finding_get(user=actor, pk=finding_id)


def _mark_household_for_visit(clue: Clue) -> int:
    """R3: the household's open application or in-force enrolment is marked as complained
    about, so every county spot-check draw includes it (cases.spot_checks._mandatory)."""
    open_cases = Application.objects.filter(household_id=clue.household_id).filter(
        ~Q(status__in=CLOSED_CASE) | Q(enrolment__status__in=["active", "suspended"])
    )
    return open_cases.filter(has_complaint=False).update(has_complaint=True)


# --- handling -------------------------------------------------------------------------------


def _is_county(actor) -> bool:
    return actor.region is not None and actor.region.level == Region.Level.COUNTY


def _require_handler(actor, clue: Clue) -> None:
    """The assignee, or civil-affairs staff who handle cases in the clue's regions."""
    if clue.assignee_id is not None and clue.assignee_id == actor.pk:
        return
    require(actor, Perm.RECORD_COMPLAINTS, message="您没有办理问题线索的权限")
    require(actor, Perm.HANDLE_CASES, message="您没有办理问题线索的权限")


def _locked(actor, clue_id: int) -> Clue:
    if not can_read_clues(actor):
        raise PermissionDenied("您没有办理问题线索的权限")
    return clue_for_update(user=actor, pk=clue_id)


def _transition(clue: Clue, allowed: set[str], to: str, what: str) -> str:
    if clue.status not in allowed:
        raise Conflict(f"该线索当前为“{clue.get_status_display()}”，不能{what}")
    old, clue.status = clue.status, to
    return old


@transaction.atomic
def clue_assign(*, actor, clue_id: int, assignee_id: int, unit_id: int | None = None) -> Clue:
    """交办: the county assigns the clue to a unit (a township, or the county itself) and a
    person there."""
    clue = _locked(actor, clue_id)
    require(actor, Perm.RECORD_COMPLAINTS, message="只有县级民政部门可以交办问题线索")
    require(actor, Perm.HANDLE_CASES, message="只有县级民政部门可以交办问题线索")
    if not _is_county(actor):
        raise PermissionDenied("只有县级民政部门可以交办问题线索")
    unit = Region.objects.filter(pk=unit_id or clue.township_id).first()
    if unit is None or unit.pk not in (clue.township_id, clue.county_id):
        raise ValidationFailed("承办单位应为线索所在乡镇或县级民政部门")
    assignee = User.objects.filter(pk=assignee_id, region=unit, is_active=True).first()
    if assignee is None or not (
        assignee.can(Perm.RECORD_COMPLAINTS) and assignee.can(Perm.HANDLE_CASES)
    ):
        raise ValidationFailed("承办人应为承办单位中办理业务的在岗人员")
    old_status = _transition(
        clue,
        {Clue.Status.REGISTERED, Clue.Status.ASSIGNED, Clue.Status.INVESTIGATING},
        Clue.Status.ASSIGNED if clue.status != Clue.Status.INVESTIGATING else clue.status,
        "交办",
    )
    old = {
        "status": old_status,
        "assignee": clue.assignee_id,
        "assigned_unit": clue.assigned_unit_id,
    }
    clue.assigned_unit, clue.assignee = unit, assignee
    clue.save(update_fields=["status", "assigned_unit", "assignee"])
    audit.record(
        action="clue.assign",
        actor=actor,
        obj=clue,
        household_id=clue.household_id,
        old=old,
        new={"status": clue.status, "assignee": assignee.pk, "assigned_unit": unit.pk},
    )
    return clue


@transaction.atomic
def clue_investigate(*, actor, clue_id: int, notes: str) -> Clue:
    """调查核实: record what the investigation found (each entry dated and added to the notes)."""
    clue = _locked(actor, clue_id)
    _require_handler(actor, clue)
    notes = _check_text(notes, "调查核实情况", max_length=2000)
    old_status = _transition(
        clue,
        {Clue.Status.REGISTERED, Clue.Status.ASSIGNED, Clue.Status.INVESTIGATING},
        Clue.Status.INVESTIGATING,
        "登记调查核实情况",
    )
    entry = f"{_today():%Y-%m-%d} {actor.full_name or actor.username}：{notes}"
    clue.investigation_notes = (
        f"{clue.investigation_notes}\n{entry}" if clue.investigation_notes else entry
    )
    clue.save(update_fields=["status", "investigation_notes"])
    audit.record(
        action="clue.investigate",
        actor=actor,
        obj=clue,
        household_id=clue.household_id,
        old={"status": old_status},
        new={"status": clue.status},
    )
    return clue


@transaction.atomic
def clue_reply(*, actor, clue_id: int, reply_text: str, replied_on: date | None = None) -> Clue:
    """答复: the answer to the complainant (printable as a letter; shown on the tracking page)."""
    clue = _locked(actor, clue_id)
    _require_handler(actor, clue)
    reply_text = _check_text(reply_text, "答复内容", max_length=2000)
    replied_on = replied_on or _today()
    if replied_on > _today() or replied_on < clue.received_on:
        raise ValidationFailed("答复日期应在受理日期之后、今天之前")
    old_status = _transition(
        clue, {Clue.Status.INVESTIGATING, Clue.Status.REPLIED}, Clue.Status.REPLIED, "答复"
    )
    clue.reply_text, clue.replied_on = reply_text, replied_on
    clue.save(update_fields=["status", "reply_text", "replied_on"])
    audit.record(
        action="clue.reply",
        actor=actor,
        obj=clue,
        household_id=clue.household_id,
        old={"status": old_status},
        new={"status": clue.status, "replied_on": replied_on},
    )
    return clue


@transaction.atomic
def clue_close(*, actor, clue_id: int, conclusion: str, measures: str) -> Clue:
    """办结: only with a conclusion (属实 / 部分属实 / 不属实) and what was done. A clue about
    staff or cadres is closed by the county, not by the township whose people it concerns."""
    clue = _locked(actor, clue_id)
    _require_handler(actor, clue)
    if conclusion not in Clue.Conclusion.values:
        raise ValidationFailed("办结须选择办理结论（属实、部分属实或不属实）")
    measures = _check_text(measures, "处理措施（办结须写明采取的措施）", max_length=2000)
    if clue.flagged_for_handover and not _is_county(actor):
        raise PermissionDenied("涉及工作人员或干部的线索由县级民政部门办结")
    allowed = {Clue.Status.REPLIED}
    if clue.is_anonymous and clue.channel != Clue.Channel.PUBLIC_FORM:
        allowed.add(Clue.Status.INVESTIGATING)  # nobody to answer (the public form's reads it)
    old_status = _transition(clue, allowed, Clue.Status.CLOSED, "办结（请先答复）")
    clue.conclusion, clue.measures, clue.closed_on = conclusion, measures, _today()
    clue.is_overdue = clue.is_near_due = False
    clue.save(
        update_fields=["status", "conclusion", "measures", "closed_on", "is_overdue", "is_near_due"]
    )
    audit.record(
        action="clue.close",
        actor=actor,
        obj=clue,
        household_id=clue.household_id,
        old={"status": old_status},
        new={"status": clue.status, "conclusion": conclusion},
    )
    return clue


# --- hand-over to discipline inspection ---------------------------------------------------


@transaction.atomic
def clue_handover(*, actor, clue_id: int, evidence: str) -> Clue:
    """移交纪检监察: the county hands a clue involving staff or cadres over, with its evidence."""
    clue = _locked(actor, clue_id)
    require(actor, Perm.RECORD_COMPLAINTS, message="只有县级民政部门可以移交纪检监察")
    require(actor, Perm.HANDLE_CASES, message="只有县级民政部门可以移交纪检监察")
    if not _is_county(actor):
        raise PermissionDenied("只有县级民政部门可以移交纪检监察")
    if not clue.flagged_for_handover:
        raise Conflict("只有涉及工作人员或干部的线索可以移交纪检监察")
    if clue.handover_status:
        raise Conflict("该线索已移交纪检监察")
    evidence = _check_text(evidence, "移交材料（证据）")
    clue.handover_status, clue.handed_over_on = Clue.Handover.HANDED, _today()
    clue.handover_evidence = evidence
    clue.save(update_fields=["handover_status", "handed_over_on", "handover_evidence"])
    audit.record(
        action="clue.handover",
        actor=actor,
        obj=clue,
        household_id=clue.household_id,
        new={"handover_status": clue.handover_status, "handed_over_on": clue.handed_over_on},
    )
    return clue


def _require_inspector(actor, clue: Clue) -> None:
    if actor.role != Role.INSPECTOR or not actor.is_active:
        raise PermissionDenied("只有纪检监察人员可以办理移交的线索")
    if clue.handover_status != Clue.Handover.HANDED:
        raise Conflict("该线索未移交纪检监察或已办结")


@transaction.atomic
def handover_progress(*, actor, clue_id: int, note: str) -> Clue:
    """The inspector records how the hand-over is going (the county sees that there is
    progress and its date; the text only those who may read the evidence)."""
    clue = _locked(actor, clue_id)
    _require_inspector(actor, clue)
    note = _check_text(note, "办理进展", max_length=2000)
    entry = f"{_today():%Y-%m-%d}：{note}"
    clue.handover_progress = (
        f"{clue.handover_progress}\n{entry}" if clue.handover_progress else entry
    )
    clue.save(update_fields=["handover_progress"])
    audit.record(action="clue.handover_progress", actor=actor, obj=clue)
    return clue


@transaction.atomic
def handover_conclude(*, actor, clue_id: int, result: str) -> Clue:
    """The inspector concludes the hand-over with its result."""
    clue = _locked(actor, clue_id)
    _require_inspector(actor, clue)
    clue.handover_conclusion = _check_text(result, "处理结果", max_length=2000)
    clue.handover_status, clue.handover_concluded_on = Clue.Handover.CONCLUDED, _today()
    clue.save(update_fields=["handover_conclusion", "handover_status", "handover_concluded_on"])
    audit.record(
        action="clue.handover_conclude",
        actor=actor,
        obj=clue,
        old={"handover_status": Clue.Handover.HANDED},
        new={"handover_status": clue.handover_status},
    )
    return clue


# --- the daily job ------------------------------------------------------------------------


@transaction.atomic
def clues_due_refresh(*, actor, today: date | None = None) -> dict[str, int]:
    """The daily job (`jiuzhu supervision due`): recount the overdue and near-due flags of every
    open clue, so a clue nobody touches still turns red; one audit entry for the batch."""
    if actor is None or not actor.is_system:
        raise PermissionDenied("到期标记由系统定时任务每日重算")
    today = today or _today()
    cal = calendar()
    changed = overdue = near = 0
    open_clues = Clue.objects.exclude(status=Clue.Status.CLOSED).select_for_update()
    for clue in open_clues.only("pk", "due_on", "is_overdue", "is_near_due", "flags_on"):
        is_over, is_near = due_flags(due_on=clue.due_on, today=today, cal=cal)
        overdue += is_over
        near += is_near
        if (is_over, is_near) != (clue.is_overdue, clue.is_near_due) or clue.flags_on != today:
            Clue.objects.filter(pk=clue.pk).update(
                is_overdue=is_over, is_near_due=is_near, flags_on=today
            )
            changed += (is_over, is_near) != (clue.is_overdue, clue.is_near_due)
    counts = {"day": today, "changed": changed, "overdue": overdue, "near_due": near}
    audit.record(action="clue.due_refresh", actor=actor, new=counts)
    return counts
