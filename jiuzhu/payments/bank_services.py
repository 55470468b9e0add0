"""Finance's work after the bank file: importing the bank's result, re-issuing returned lines
and closing a payroll (design: "Bank").

The result file is parsed through the upload guard before any transaction opens; then, with
the payroll row locked, it is reconciled again against the lines as they are now (a second
import of the same file waits for the first and then finds it done), and the outcomes are
written in one statement. Nothing is written when the file has an error, unless the user
chose to import the good rows; the rows left out are kept on the import record."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.roles import Perm
from jiuzhu.core import audit, crypto, uploads
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.core.month import Month

from . import reconcile
from .models import BankResultImport, Enrolment, EnrolmentChange, Payroll, PayrollLine
from .payroll import payroll_number
from .payroll_services import payroll_scope
from .signing import SIGNED_FIELDS, Signer

ALREADY_IMPORTED = "该文件已导入，未作任何更改"
ERRORS_SHOWN = 20
ROW_BYTES = 200  # generous bytes per result row: the file-size limit scales with the payroll


class ResultFileRejected(ValidationFailed):
    """The file has errors and the user did not choose to import the good rows; `errors` lists
    every one (the message names the first few)."""

    def __init__(self, errors: tuple[reconcile.RowError, ...]):
        shown = "；".join(f"第{e.row}行：{e.message}" for e in errors[:ERRORS_SHOWN])
        more = f"（另有{len(errors) - ERRORS_SHOWN}处）" if len(errors) > ERRORS_SHOWN else ""
        super().__init__(
            f"银行反馈文件有{len(errors)}处错误，未导入任何结果：{shown}{more}。"
            "请改正后重新导入，或选择“仅导入无误的行”。"
        )
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    record: BankResultImport
    written: int
    unchanged: int
    errors: tuple[reconcile.RowError, ...]
    closed: bool


def _payroll(actor, payroll_id: int, *, lock: bool) -> Payroll:
    rows = Payroll.objects.filter(payroll_scope(actor), pk=payroll_id)
    payroll = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if payroll is None:
        raise Http404("没有找到该发放名册")
    return payroll


def _parse(payroll: Payroll, file_name: str, data: bytes) -> list[reconcile.ResultRow]:
    """The file's rows, through the upload guard, limits scaled to the payroll's size."""
    max_rows = max(payroll.line_count * 2, 100)
    limits = uploads.spreadsheet_limits(
        max_rows=max_rows, max_bytes=max(settings.JIUZHU_UPLOAD_MAX_BYTES, max_rows * ROW_BYTES)
    )
    headers, rows = uploads.read_spreadsheet(file_name, data, limits=limits)
    try:
        return list(reconcile.result_rows(headers, rows))
    except reconcile.LayoutError as exc:
        raise ValidationFailed(exc.message) from None


def _line_states(payroll: Payroll) -> dict[int, reconcile.LineState]:
    rows = (
        PayrollLine.objects.filter(payroll=payroll)
        .values_list("seq", "amount", "outcome", "paid_amount", "returned_amount")
        .iterator(chunk_size=20_000)
    )
    return {r[0]: reconcile.LineState(*r) for r in rows}


def _write(payroll: Payroll, record: BankResultImport, settlements) -> int:
    """Write the outcomes of still-pending lines in one statement (PostgreSQL: UPDATE … FROM
    unnest of arrays; elsewhere in batches); returns the lines written."""
    if not settlements:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE payments_payrollline AS l
                   SET outcome = v.outcome, paid_amount = v.paid, returned_amount = v.returned,
                       return_reason = v.reason, result_import_id = %s
                  FROM unnest(%s::int[], %s::text[], %s::numeric[], %s::numeric[], %s::text[])
                       AS v(seq, outcome, paid, returned, reason)
                 WHERE l.payroll_id = %s AND l.seq = v.seq AND l.outcome = 'pending'
                """,
                [
                    record.pk,
                    [s.seq for s in settlements],
                    [s.outcome for s in settlements],
                    [s.paid_amount for s in settlements],
                    [s.returned_amount for s in settlements],
                    [s.reason for s in settlements],
                    payroll.pk,
                ],
            )
            return cursor.rowcount
    written = 0
    for s in settlements:
        written += PayrollLine.objects.filter(
            payroll=payroll, seq=s.seq, outcome=PayrollLine.Outcome.PENDING
        ).update(
            outcome=s.outcome,
            paid_amount=s.paid_amount,
            returned_amount=s.returned_amount,
            return_reason=s.reason,
            result_import=record,
        )
    return written


def _close_if_settled(payroll: Payroll) -> bool:
    if PayrollLine.objects.filter(payroll=payroll, outcome=PayrollLine.Outcome.PENDING).exists():
        return False
    now = timezone.now()
    Payroll.objects.filter(pk=payroll.pk, status=Payroll.Status.RELEASED).update(
        status=Payroll.Status.CLOSED, closed_at=now
    )
    payroll.status, payroll.closed_at = Payroll.Status.CLOSED, now
    return True


def _check_importable(payroll: Payroll, file_hash: str) -> None:
    # The same file first: after it closed the payroll, it is "already imported", not "closed".
    if BankResultImport.objects.filter(payroll=payroll, file_hash=file_hash).exists():
        raise Conflict(ALREADY_IMPORTED)
    if payroll.status != Payroll.Status.RELEASED:
        raise Conflict("只有已发放待对账的名册可以导入银行反馈")


def bank_result_import(
    *, actor, payroll_id: int, file_name: str, data: bytes, import_good_rows: bool = False
) -> ImportResult:
    """Import the bank's result file for a released payroll (see the module docstring)."""
    require(actor, Perm.RELEASE_PAYROLL, message="只有财务人员可以导入银行反馈")
    payroll = _payroll(actor, payroll_id, lock=False)
    file_hash = hashlib.sha256(data).hexdigest()
    _check_importable(payroll, file_hash)
    rows = _parse(payroll, file_name, data)  # outside the transaction: a slow file holds no lock
    try:
        with transaction.atomic():
            return _import_locked(actor, payroll_id, file_name, file_hash, rows, import_good_rows)
    except IntegrityError:  # the same file committed by another import in the meantime
        raise Conflict(ALREADY_IMPORTED) from None


def _import_locked(actor, payroll_id, file_name, file_hash, rows, import_good_rows):
    payroll = _payroll(actor, payroll_id, lock=True)
    _check_importable(payroll, file_hash)  # again, under the lock
    result = reconcile.reconcile(
        payroll_number=payroll.number, lines=_line_states(payroll), rows=rows
    )
    if result.errors and not import_good_rows:
        raise ResultFileRejected(result.errors)
    record = BankResultImport.objects.create(
        payroll=payroll,
        file_name=file_name[:200],
        file_hash=file_hash,
        rows=result.rows,
        paid_count=result.paid_count,
        returned_count=result.returned_count,
        skipped_rows=[{"row": e.row, "ref": e.ref, "message": e.message} for e in result.errors],
        imported_by=actor,
    )
    written = _write(payroll, record, result.settlements)
    if written != len(result.settlements):  # the payroll lock makes this unreachable
        raise Conflict("名册明细已被他人更新，请重新导入")
    closed = _close_if_settled(payroll)
    audit.record(
        action="bank.result_import",
        actor=actor,
        obj=payroll,
        old={"status": Payroll.Status.RELEASED},
        new={
            "file_name": file_name[:200],
            "sha256": file_hash,
            "rows": result.rows,
            "paid": result.paid_count,
            "returned": result.returned_count,
            "unchanged": result.unchanged,
            "errors": len(result.errors),
            "status": payroll.status,
        },
    )
    return ImportResult(record, written, result.unchanged, result.errors, closed)


# --- re-issue -----------------------------------------------------------------------------


def _reissue_refusal(line: PayrollLine) -> str | None:
    if line.outcome != PayrollLine.Outcome.RETURNED:
        return "只有银行退回的发放记录可以重发"
    if PayrollLine.objects.filter(reissue_of=line).exists():
        return "该笔已经重发过，不能再次重发"
    if line.enrolment.status == Enrolment.Status.STOPPED:
        return "该保障对象已停保，退回的款项不再重发"
    return None


def _bank_change_after_return(line: PayrollLine) -> EnrolmentChange | None:
    returned_at = line.result_import.imported_at if line.result_import else None
    changes = EnrolmentChange.objects.filter(
        enrolment__household_id=line.household_id,
        kind=EnrolmentChange.Kind.BANK,
        status=EnrolmentChange.Status.APPROVED,
    )
    if returned_at is not None:
        changes = changes.filter(created_at__gt=returned_at)
    return changes.order_by("-reviewed_at", "-id").first()


def _open_supplementary(actor, line: PayrollLine, month: str) -> Payroll:
    """The month's supplementary payroll still open for lines (generated), locked; a new batch
    when the latest one is already approved or released."""
    original = line.payroll
    same = Payroll.objects.filter(
        county_id=original.county_id,
        programme_id=original.programme_id,
        month=month,
        kind=Payroll.Kind.SUPPLEMENTARY,
    )
    latest = same.select_for_update().order_by("-batch").first()
    if latest is not None and latest.status == Payroll.Status.GENERATED:
        return latest
    batch = (latest.batch + 1) if latest else 1
    try:
        with transaction.atomic():
            return Payroll.objects.create(
                county_id=original.county_id,
                programme_id=original.programme_id,
                month=month,
                kind=Payroll.Kind.SUPPLEMENTARY,
                batch=batch,
                number=payroll_number(
                    original.county, original.programme, month, Payroll.Kind.SUPPLEMENTARY, batch
                ),
                generated_by=actor,
            )
    except IntegrityError:
        raise Conflict("补充发放名册正被他人创建，请稍后重试") from None


def _resign(payroll: Payroll) -> str:
    """The payroll's digest, every line signed again in seq order (a supplementary payroll is
    small)."""
    signer = Signer(payroll.number)
    lines = PayrollLine.objects.filter(payroll=payroll).order_by("seq").values_list(*SIGNED_FIELDS)
    for values in lines:
        signer.line(values)
    return signer.digest()


@transaction.atomic
def payroll_line_reissue(*, actor, line_id: int) -> PayrollLine:
    """Re-issue a returned line to the household's corrected account as a REISSUE line of this
    month's open supplementary payroll (the original line is never edited); once per line."""
    require(actor, Perm.RELEASE_PAYROLL, message="只有财务人员可以办理退回重发")
    line = (
        PayrollLine.objects.select_for_update(of=("self",))
        .select_related("payroll__county", "payroll__programme", "enrolment", "result_import")
        .filter(Q(payroll__in=Payroll.objects.filter(payroll_scope(actor))), pk=line_id)
        .first()
    )
    if line is None:
        raise Http404("没有找到该发放记录")
    refusal = _reissue_refusal(line)
    if refusal:
        raise ValidationFailed(refusal)
    change = _bank_change_after_return(line)
    household = line.household
    if change is None or household.bank_account_cipher == line.bank_account_cipher:
        raise ValidationFailed("该户的银行账户尚未经审批变更，请先办理银行账户变更")
    if crypto.decrypt(household.bank_account_cipher) == crypto.decrypt(line.bank_account_cipher):
        raise ValidationFailed("变更后的银行账户与退回时相同，请核实后再重发")
    month = str(Month.of(timezone.localdate()))
    payroll = _open_supplementary(actor, line, month)
    seq = (PayrollLine.objects.filter(payroll=payroll).aggregate(m=Max("seq"))["m"] or 0) + 1
    new = PayrollLine(
        payroll=payroll,
        seq=seq,
        kind=PayrollLine.Kind.REISSUE,
        for_month=line.for_month,
        enrolment_id=line.enrolment_id,
        household_id=line.household_id,
        township_id=line.township_id,
        village_id=line.village_id,
        members=line.members,
        payee_name=line.payee_name,
        payee_id_cipher=line.payee_id_cipher,
        payee_id_masked=line.payee_id_masked,
        bank_name=household.bank_name,
        bank_account_cipher=household.bank_account_cipher,
        bank_account_masked=household.bank_account_masked,
        amount=line.amount,
        change_id=line.change_id,
        reissue_of=line,
    )
    new.line_hash = Signer(payroll.number).line_hash([getattr(new, f) for f in SIGNED_FIELDS])
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError:
        raise Conflict("该笔已经重发过，不能再次重发") from None
    _refresh_totals(payroll)
    audit.record(
        action="bank.reissue",
        actor=actor,
        obj=new,
        household_id=line.household_id,
        old={"line": reconcile.line_ref(line.payroll.number, line.seq)},
        new={
            "line": reconcile.line_ref(payroll.number, seq),
            "amount": line.amount,
            "account": household.bank_account_masked,
            "bank_change": change.pk,
        },
    )
    return new


def _refresh_totals(payroll: Payroll) -> None:
    lines = PayrollLine.objects.filter(payroll=payroll)
    payroll.line_count = lines.count()
    payroll.household_count = lines.values("household_id").distinct().count()
    payroll.person_count = sum(
        lines.order_by()
        .values("household_id", "members")
        .distinct()
        .values_list("members", flat=True)
    )
    payroll.total_amount = sum(lines.values_list("amount", flat=True), start=0)
    payroll.digest = _resign(payroll)
    payroll.save(
        update_fields=["line_count", "household_count", "person_count", "total_amount", "digest"]
    )
