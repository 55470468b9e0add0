"""The rectification ledger (问题清单 / 整改台账): open an entry, submit the fix with its
evidence, verify it (对账销号) or send it back (退回重改); the daily recount of overdue entries.

Every service checks the actor's permission, jurisdiction and separation of duties itself
(ARCHITECTURE rule 9), locks the entry, audits the change and runs in one transaction. An entry
is closed only by county staff who are neither its responsible person nor the one who submitted
the fix. Deadlines are a date, typed or counted in working days (core.workdays with the holiday
table, 调休 included) from the day the entry is opened. Evidence files pass the upload guard
and are stored encrypted and private (as a finding's verification attachment), never served
publicly: they are downloaded through `item_attachment`, which checks the reader.
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.jurisdiction import covers, region_q
from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, crypto, uploads
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.workdays_db import calendar
from jiuzhu.regions.models import Region

from .clue_selectors import clues_for
from .models import RectificationAttachment, RectificationItem
from .numbering import next_number
from .rectification_selectors import can_read_items, item_for_update, items_for

Source, Status = RectificationItem.Source, RectificationItem.Status
MAX_DEADLINE_DAYS = 250  # about a year of working days
MAX_FILES = 5  # attachments in one submission


def _today() -> date:
    return timezone.localdate()


def _check_text(value: str, label: str, *, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"请填写{label}")
    if len(value) > max_length:
        raise ValidationFailed(f"{label}不能超过{max_length}字")
    return value


def _level(actor) -> str:
    return actor.region.level if actor.region is not None else ""


def _require_staff(actor, message: str) -> None:
    """County or township civil-affairs staff who handle findings (the ledger's handlers)."""
    require(actor, Perm.HANDLE_FINDINGS, message=message)
    if _level(actor) not in (Region.Level.COUNTY, Region.Level.TOWNSHIP):
        raise PermissionDenied(message)


def _next_number(county: Region, year: int) -> str:
    return next_number(RectificationItem, "ZG", county, year)


def _linked(actor, *, source, clue_id, finding_id, spot_check_id) -> dict:
    """The clue, finding or spot-check visit the entry comes from, each within the actor's
    regions (another township's is a 404), and the township it concerns."""
    links: dict = {"clue": None, "finding": None, "spot_check": None, "township": None}
    if clue_id:
        clue = clues_for(actor).filter(pk=clue_id).select_related("township").first()
        if clue is None:
            raise Http404("没有找到该问题线索")
        links.update(clue=clue, township=clue.township)
    if finding_id:
        from jiuzhu.crosscheck.finding_selectors import finding_get

        finding = finding_get(user=actor, pk=finding_id)
        links.update(finding=finding, township=finding.township)
    if spot_check_id:
        from jiuzhu.cases.models import SpotCheckVisit

        visit = (
            SpotCheckVisit.objects.filter(region_q(actor, prefix="application__"))
            .select_related("application__township")
            .filter(pk=spot_check_id)
            .first()
        )
        if visit is None:
            raise Http404("没有找到该抽查记录")
        links.update(spot_check=visit, township=visit.application.township)
    needed = {Source.CLUE: "clue", Source.FINDING: "finding", Source.SPOT_CHECK: "spot_check"}
    if source in needed and links[needed[source]] is None:
        raise ValidationFailed(
            f"来源为{Source(source).label}的整改事项须关联该{Source(source).label}"
        )
    return links


def _deadline(*, deadline_days: int | None, deadline: date | None, today: date):
    if deadline_days:
        if not 1 <= deadline_days <= MAX_DEADLINE_DAYS:
            raise ValidationFailed(f"整改时限应为1至{MAX_DEADLINE_DAYS}个工作日")
        return deadline_days, calendar().add_workdays(today, deadline_days).day
    if deadline is None:
        raise ValidationFailed("请填写整改时限（工作日数或日期）")
    if deadline < today:
        raise ValidationFailed("整改时限不能早于今天")
    return None, deadline


@transaction.atomic
def item_open(
    *,
    actor,
    source: str,
    problem: str,
    measure: str,
    responsible_id: int,
    township_id: int | None = None,
    responsible_unit_id: int | None = None,
    deadline_days: int | None = None,
    deadline: date | None = None,
    clue_id: int | None = None,
    finding_id: int | None = None,
    spot_check_id: int | None = None,
) -> RectificationItem:
    """列入整改台账: the problem, the measure, the deadline, the responsible unit and person."""
    _require_staff(actor, "您没有登记整改事项的权限")
    if source not in Source.values:
        raise ValidationFailed("请选择问题来源")
    problem = _check_text(problem, "问题描述")
    measure = _check_text(measure, "整改措施")
    links = _linked(
        actor,
        source=source,
        clue_id=clue_id,
        finding_id=finding_id,
        spot_check_id=spot_check_id,
    )
    township = links["township"]
    if township is None:
        township = Region.objects.filter(pk=township_id or 0, level=Region.Level.TOWNSHIP).first()
        if township is None and _level(actor) == Region.Level.TOWNSHIP:
            township = actor.region
    if township is None or township.level != Region.Level.TOWNSHIP or not covers(actor, township):
        raise ValidationFailed("请选择问题所在的乡镇（街道）")
    county = township.parent
    unit_id = responsible_unit_id or township.pk
    if unit_id not in (township.pk, county.pk):
        raise ValidationFailed("责任单位应为问题所在乡镇或县级民政部门")
    unit = township if unit_id == township.pk else county
    responsible = User.objects.filter(pk=responsible_id or 0, region=unit, is_active=True).first()
    if responsible is None or not responsible.can(Perm.HANDLE_FINDINGS):
        raise ValidationFailed("责任人应为责任单位中办理业务的在岗人员")
    today = _today()
    days, due = _deadline(deadline_days=deadline_days, deadline=deadline, today=today)
    item = RectificationItem.objects.create(
        number=_next_number(county, today.year),
        source=source,
        clue=links["clue"],
        finding=links["finding"],
        spot_check=links["spot_check"],
        county=county,
        township=township,
        problem=problem,
        measure=measure,
        opened_on=today,
        deadline_days=days,
        deadline=due,
        responsible_unit=unit,
        responsible=responsible,
        flags_on=today,
        created_by=actor,
    )
    audit.record(
        action="rectification.open",
        actor=actor,
        obj=item,
        new={
            "source": source,
            "deadline": due,
            "responsible": responsible.pk,
            "responsible_unit": unit.pk,
        },
    )
    return item


def _locked(actor, item_id: int) -> RectificationItem:
    if actor is None or not can_read_items(actor):
        raise PermissionDenied("您没有办理整改事项的权限")
    return item_for_update(user=actor, pk=item_id)


def _store(item: RectificationItem, name: str, data: bytes, actor) -> RectificationAttachment:
    """Through the upload guard (size; PDF, JPG, PNG, .xlsx or .docx by its first bytes),
    encrypted, readable by this account only (0600); never opened or parsed beyond the guard."""
    uploads.check_attachment(name, data)
    folder = Path(settings.VAR_DIR) / "attachments" / "rectification"
    stamp = f"{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
    path = folder / f"{item.pk}-{stamp}.enc"
    uploads.store_private(path, crypto.encrypt_bytes(data))
    return RectificationAttachment.objects.create(
        item=item, name=(name or "附件")[:200], path=str(path), uploaded_by=actor
    )


@transaction.atomic
def item_submit_fix(
    *, actor, item_id: int, note: str, attachments: list[tuple[str, bytes]] = ()
) -> RectificationItem:
    """提交销号: the responsible person, or staff of the responsible unit, records what was done,
    with the evidence (attachments)."""
    item = _locked(actor, item_id)
    own_unit = actor.region_id == item.responsible_unit_id and actor.can(Perm.HANDLE_FINDINGS)
    if actor.pk != item.responsible_id and not own_unit:
        raise PermissionDenied("只有责任人或责任单位可以提交整改情况")
    if item.status != Status.IN_PROGRESS:
        raise Conflict(f"该整改事项当前为“{item.get_status_display()}”，不能提交销号")
    note = _check_text(note, "整改情况")
    files = [(n, d) for n, d in attachments if d]
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"一次最多上传{MAX_FILES}个附件")
    stored = [_store(item, name, data, actor) for name, data in files]
    item.status, item.fix_note = Status.SUBMITTED, note
    item.fix_submitted_by, item.fix_submitted_on = actor, _today()
    item.save(update_fields=["status", "fix_note", "fix_submitted_by", "fix_submitted_on"])
    audit.record(
        action="rectification.submit_fix",
        actor=actor,
        obj=item,
        old={"status": Status.IN_PROGRESS},
        new={"status": item.status, "attachment": "、".join(a.name for a in stored)},
    )
    return item


def _require_verifier(actor, item: RectificationItem, what: str) -> None:
    """County staff who are neither the responsible person nor the one who submitted the fix."""
    require(actor, Perm.HANDLE_FINDINGS, message=f"只有县级民政部门可以{what}")
    if _level(actor) != Region.Level.COUNTY:
        raise PermissionDenied(f"只有县级民政部门可以{what}")
    if actor.pk in (item.responsible_id, item.fix_submitted_by_id):
        raise PermissionDenied(f"责任人或提交整改情况的人员不能{what}，须由其他人员核验")
    if item.status != Status.SUBMITTED:
        raise Conflict(f"该整改事项当前为“{item.get_status_display()}”，不能{what}")


@transaction.atomic
def item_verify(*, actor, item_id: int, note: str) -> RectificationItem:
    """对账销号: someone other than the responsible person and the submitter checks the fix."""
    item = _locked(actor, item_id)
    _require_verifier(actor, item, "对账销号")
    item.verification_note = _check_text(note, "核验意见")
    item.status, item.verified_by, item.verified_on = Status.CLOSED, actor, _today()
    item.is_overdue = False
    item.save(
        update_fields=["status", "verified_by", "verified_on", "verification_note", "is_overdue"]
    )
    audit.record(
        action="rectification.verify",
        actor=actor,
        obj=item,
        old={"status": Status.SUBMITTED},
        new={"status": item.status, "verified_on": item.verified_on},
    )
    return item


@transaction.atomic
def item_return(*, actor, item_id: int, reason: str) -> RectificationItem:
    """退回重改: the verifier sends the fix back with the reason; the entry is 整改中 again."""
    item = _locked(actor, item_id)
    _require_verifier(actor, item, "退回重改")
    item.return_reason = _check_text(reason, "退回理由")
    item.status, item.returned_count = Status.IN_PROGRESS, item.returned_count + 1
    item.is_overdue = _today() > item.deadline
    item.save(update_fields=["status", "return_reason", "returned_count", "is_overdue"])
    audit.record(
        action="rectification.return",
        actor=actor,
        obj=item,
        old={"status": Status.SUBMITTED},
        new={"status": item.status},
    )
    return item


def item_attachment(*, actor, attachment_id: int) -> tuple[RectificationAttachment, bytes]:
    """An evidence file, decrypted, for one who may see its entry; every download is audited."""
    if actor is None or not can_read_items(actor):
        raise PermissionDenied("您没有查看整改事项的权限")
    attachment = (
        RectificationAttachment.objects.filter(item__in=items_for(actor), pk=attachment_id)
        .select_related("item")
        .first()
    )
    if attachment is None:
        raise Http404("没有找到该附件")
    data = crypto.decrypt_bytes(Path(attachment.path).read_bytes())
    audit.record(
        action="rectification.attachment_view",
        actor=actor,
        obj=attachment.item,
        new={"file": attachment.name},
    )
    return attachment, data


@transaction.atomic
def items_due_refresh(*, actor, today: date | None = None) -> dict:
    """The daily job (`jiuzhu supervision due`): an open entry past its deadline turns red even
    when nobody touches it; one audit entry for the batch."""
    if actor is None or not actor.is_system:
        raise PermissionDenied("逾期标记由系统定时任务每日重算")
    today = today or _today()
    open_items = RectificationItem.objects.exclude(status=Status.CLOSED).select_for_update()
    changed = overdue = 0
    for item in open_items.only("pk", "deadline", "is_overdue", "flags_on"):
        is_over = today > item.deadline
        overdue += is_over
        if is_over != item.is_overdue or item.flags_on != today:
            RectificationItem.objects.filter(pk=item.pk).update(is_overdue=is_over, flags_on=today)
            changed += is_over != item.is_overdue
    counts = {"day": today, "changed": changed, "overdue": overdue}
    audit.record(action="rectification.due_refresh", actor=actor, new=counts)
    return counts
