"""Registry snapshots (比对数据): check an agency's file (write nothing), then on the officer's word
write it as a dated Parquet file in a background job; or register a Parquet file made elsewhere.

Old snapshots are never overwritten: each has its own file, named after its id and date. The
upload holds full ID numbers, so it is kept encrypted and deleted once imported or discarded.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiuzhu.accounts.guards import require
from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Perm
from jiuzhu.accounts.system import system_actor
from jiuzhu.core import audit, crypto, jobs, uploads
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.jobs import Progress
from jiuzhu.registry.import_reader import read_table

from . import engine, snapshot_formats, snapshot_size, snapshot_store
from .models import RegistrySnapshot
from .registries import registry
from .snapshot_check import SnapshotCheck, check_rows, duplicate_columns, missing_columns

Status = RegistrySnapshot.Status


def _county_of(actor):
    """The county an importer works for: only county-level users import registries."""
    require(actor, Perm.IMPORT_REGISTRIES, message="您没有导入比对数据的权限")
    region = getattr(actor, "region", None)
    if region is None or region.level != "county":
        raise PermissionDenied("比对数据由县级民政部门导入")
    return region


def _kind(kind: str) -> str:
    try:
        return registry(kind).kind.value
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from exc


def check_file(
    *, kind: str, file_name: str, data: bytes, today: date | None = None
) -> SnapshotCheck:
    """Read and check an uploaded file; raises ValidationFailed for a file that cannot be read."""
    limits = upload_limits()
    headers, rows = read_table(
        file_name, data, header_to_key=snapshot_formats.header_to_key(kind), limits=limits
    )
    dup = duplicate_columns(kind, headers)
    if dup:
        raise ValidationFailed("文件中有重复的列：" + "、".join(dup) + "。同一项只保留一列。")
    missing = missing_columns(kind, headers)
    if missing:
        raise ValidationFailed("缺少必填列：" + "、".join(missing) + "。请使用导入模板。")
    if len(rows) > limits.max_rows:
        raise ValidationFailed(f"一次最多导入{limits.max_rows}行，请分批导入")
    return check_rows(kind, rows, today=today or timezone.localdate())


def upload_limits() -> uploads.UploadLimits:
    """What a registry file may cost: settings JIUZHU_UPLOAD_* and JIUZHU_SNAPSHOT_MAX_*."""
    return uploads.spreadsheet_limits(
        max_rows=settings.JIUZHU_SNAPSHOT_MAX_ROWS, max_bytes=settings.JIUZHU_SNAPSHOT_MAX_BYTES
    )


def _report(check: SnapshotCheck) -> dict:
    problems = sorted(check.problems, key=lambda p: (p.row, p.severity != "error"))
    return {
        "problems": [asdict(p) for p in problems],
        "bad_rows": sorted(check.bad_rows),
        "errors": len(check.errors),
        "warnings": len(check.warnings),
        "duplicates": check.duplicates,
        "id_status": check.id_status,
        "townships": snapshot_size.township_prefixes(check.rows),  # compared at commit
    }


def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def snapshot_preview(
    *, actor, kind: str, as_of: date, source: str, file_name: str, data: bytes
) -> RegistrySnapshot:
    """Check the file and keep it (encrypted) for the commit step. Writes no snapshot file.
    The file is read and checked outside any transaction (a slow file holds up no one's
    saves); the snapshot row, the stored upload and the audit record are written in one, short."""
    county = _county_of(actor)
    kind = _kind(kind)
    if as_of > timezone.localdate():
        raise ValidationFailed("数据截止日期不能晚于今天")
    check = check_file(kind=kind, file_name=file_name, data=data)
    return _preview_record(
        actor,
        county=county,
        kind=kind,
        as_of=as_of,
        source=source,
        file_name=file_name,
        digest=hashlib.sha256(data).hexdigest(),
        sealed=crypto.encrypt_bytes(data),
        check=check,
    )


@transaction.atomic
def _preview_record(
    actor, *, county, kind, as_of, source, file_name, digest, sealed, check: SnapshotCheck
) -> RegistrySnapshot:
    snap = RegistrySnapshot.objects.create(
        county=county,
        kind=kind,
        as_of=as_of,
        source=source.strip()[:100],
        file_name=file_name[:200],
        file_sha256=digest,
        uploaded_by=actor,
        rows_total=check.rows_total,
        rows_good=check.rows_good,
        report=_report(check),
    )
    suffix = Path(file_name).suffix.lower()
    stored = _upload_dir() / f"snapshot-{snap.pk}-{digest[:16]}-{secrets.token_hex(4)}{suffix}.enc"
    try:
        uploads.store_private(stored, sealed)
        snap.upload_path = str(stored)
        snap.save(update_fields=["upload_path"])
        audit.record(
            action="crosscheck.snapshot_preview",
            actor=actor,
            obj=snap,
            new={
                "kind": kind,
                "as_of": as_of,
                "file": file_name,
                "sha256": digest,
                "rows": check.rows_total,
                "good_rows": check.rows_good,
                "errors": len(check.errors),
                "warnings": len(check.warnings),
            },
        )
    except BaseException:
        stored.unlink(missing_ok=True)  # the row is rolled back: leave no orphaned upload
        raise
    return snap


def _own(actor, snapshot_id: int):
    county = _county_of(actor)
    snap = RegistrySnapshot.objects.filter(pk=snapshot_id, county=county).first()
    if snap is None:
        raise ValidationFailed("比对数据不存在或不属于本县")
    return snap


def snapshot_commit(
    *,
    actor,
    snapshot_id: int,
    good_rows: bool,
    inline: bool | None = None,
    on_progress=None,
    confirm_smaller: bool = False,
) -> RegistrySnapshot:
    """Start writing a previewed snapshot — or again, one whose import failed — as a job with
    progress: queued for the worker, or run now (`inline`). With errors in the file, only when
    the officer chose to import the good rows (`good_rows`)."""
    snap = _own(actor, snapshot_id)
    errors = snap.report.get("errors", 0)
    if errors and not good_rows:
        raise ValidationFailed(
            f"文件中有{errors}处错误（{len(snap.report.get('bad_rows', []))}行），未导入。"
            f"请修改后重新上传，或选择“导入无误的{snap.rows_good}行”。"
        )
    if snap.status == Status.PREVIEWED and not snap.rows_good:
        raise ValidationFailed("没有可导入的行，请修改文件后重新上传")
    _require_confirmed_if_smaller(actor, snap, confirm_smaller)
    jobs.reap_stale()  # a snapshot whose worker died is failed first, so that it can start again
    run_now = jobs.runs_inline(inline)
    with transaction.atomic():
        claimed = (
            RegistrySnapshot.objects.filter(
                pk=snap.pk, status__in=[Status.PREVIEWED, Status.FAILED]
            )
            .exclude(upload_path="")
            .update(status=Status.IMPORTING)
        )
        if not claimed:
            raise Conflict("该批比对数据已导入、已放弃或正在导入，不能再次导入")
        job = jobs.job_create(
            kind=SNAPSHOT_JOB,
            title=f"导入比对数据：{registry(snap.kind).label}（截至{snap.as_of:%Y-%m-%d}）",
            actor=actor,
            kwargs={"actor_id": actor.pk, "snapshot_id": snap.pk, "good_rows": bool(good_rows)},
            inline=run_now,
        )
        RegistrySnapshot.objects.filter(pk=snap.pk).update(job=job)
    if run_now:
        jobs.job_run_inline(job, on_progress=on_progress)
    snap.refresh_from_db()
    return snap


@transaction.atomic
def _require_confirmed_if_smaller(actor, snap: RegistrySnapshot, confirmed: bool) -> None:
    """A snapshot much smaller than the active one it replaces (snapshot_size) is imported only
    on the officer's explicit confirmation, which is audited with what it replaces."""
    replacement = snapshot_size.replacement_for(snap)
    if replacement is None or not replacement.needs_confirmation:
        return
    if not confirmed:
        raise ValidationFailed(
            f"{replacement.text()}。新数据明显少于现有数据，可能不完整，未导入。"
            "核对无误后，请勾选“确认用新数据替换”再导入。"
        )
    audit.record(
        action="crosscheck.snapshot_confirm_smaller",
        actor=actor,
        obj=snap,
        new={"kind": snap.kind, "as_of": snap.as_of, **replacement.audit_values()},
        reason=replacement.text(),
    )


def _relative_path(snap: RegistrySnapshot) -> str:
    return f"{snap.county.code}/{snap.kind}/{snap.pk}-{snap.as_of.isoformat()}.parquet"


SNAPSHOT_JOB = "crosscheck.snapshot_import"


def _release_snapshot(job, message: str) -> None:
    """The job failed or its worker died: the snapshot, still importing, becomes failed, and
    the files its job may have left are removed — the temporary file being written (see
    snapshot_store.write_atomic) and a final file that was never activated."""
    snapshot_id = job.kwargs.get("snapshot_id")
    found = RegistrySnapshot.objects.filter(
        **({"pk": snapshot_id} if snapshot_id else {"job_id": job.pk})
    ).select_related("county")
    for snap in found:
        if snap.status == Status.ACTIVE or snap.job_id not in (None, job.pk):
            continue  # imported after all, or started again by another job: not this one's
        if RegistrySnapshot.objects.filter(
            Q(job_id=job.pk) | Q(job__isnull=True), pk=snap.pk, status=Status.IMPORTING
        ).update(status=Status.FAILED):
            audit.record(
                action="crosscheck.snapshot_fail",
                actor=system_actor("worker"),
                obj=snap,
                old={"status": Status.IMPORTING},
                new={"status": Status.FAILED, "job": job.pk},
                reason=message,
            )
        _remove_unactivated_files(snap)


def _remove_unactivated_files(snap: RegistrySnapshot) -> None:
    final = engine.snapshot_dir() / _relative_path(snap)
    if final.parent.is_dir():
        for tmp in final.parent.glob(f".{final.name}.*.tmp"):
            tmp.unlink(missing_ok=True)
    final.unlink(missing_ok=True)


@jobs.job(SNAPSHOT_JOB, release=_release_snapshot)
def snapshot_import_job(
    *, progress: Progress, actor_id: int, snapshot_id: int, good_rows: bool
) -> dict:
    """The worker's side of snapshot_commit: the actor read again and checked again."""
    actor = User.objects.get(pk=actor_id)
    _own(actor, snapshot_id)  # permission, county
    return _run_import(actor, snapshot_id, good_rows, progress)


def _run_import(actor, snapshot_id: int, good_rows: bool, progress: Progress) -> dict:
    snap = RegistrySnapshot.objects.select_related("county").get(pk=snapshot_id)
    final = engine.snapshot_dir() / _relative_path(snap)
    written = False
    try:
        data = crypto.decrypt_bytes(Path(snap.upload_path).read_bytes())
        check = check_file(kind=snap.kind, file_name=snap.file_name, data=data)
        if check.errors and not good_rows:
            raise ValidationFailed("文件中有错误，未选择“导入无误的行”，未导入")
        progress.start(check.rows_good, "正在写入比对数据")
        count = snapshot_store.write_atomic(
            final, snap.kind, check.rows, lambda done: progress.update(done, f"已写入{done}行")
        )
        written = True
        _activate(actor, snap.pk, _relative_path(snap), count, len(check.bad_rows))
    except Exception:
        if written:
            final.unlink(missing_ok=True)
        RegistrySnapshot.objects.filter(pk=snapshot_id, status=Status.IMPORTING).update(
            status=Status.FAILED
        )
        raise
    Path(snap.upload_path).unlink(missing_ok=True)
    RegistrySnapshot.objects.filter(pk=snapshot_id).update(upload_path="")
    progress.update(count, "完成")
    return {"message": f"已导入{count}行", "rows": count}


@transaction.atomic
def _activate(actor, snapshot_id: int, parquet_path: str, count: int, skipped: int) -> None:
    snap = RegistrySnapshot.objects.select_for_update().get(pk=snapshot_id)
    if snap.status != Status.IMPORTING:
        raise Conflict("该批比对数据的状态已改变，未导入")
    snap.status, snap.parquet_path, snap.rows_stored = Status.ACTIVE, parquet_path, count
    snap.imported_at = timezone.now()
    snap.save(update_fields=["status", "parquet_path", "rows_stored", "imported_at"])
    audit.record(
        action="crosscheck.snapshot_import",
        actor=actor,
        obj=snap,
        old={"status": Status.IMPORTING},
        new={
            "status": Status.ACTIVE,
            "kind": snap.kind,
            "as_of": snap.as_of,
            "rows": count,
            "skipped_rows": skipped,
            "file": snap.file_name,
            "sha256": snap.file_sha256,
        },
    )


@transaction.atomic
def snapshot_discard(*, actor, snapshot_id: int) -> RegistrySnapshot:
    """Drop a previewed (or failed) upload. An imported snapshot is never discarded: findings
    name it as their evidence."""
    snap = _own(actor, snapshot_id)
    old = snap.status
    if not RegistrySnapshot.objects.filter(
        pk=snap.pk, status__in=[Status.PREVIEWED, Status.FAILED]
    ).update(status=Status.DISCARDED, upload_path=""):
        raise Conflict("该批比对数据不能放弃（已导入或正在导入）")
    if snap.upload_path:
        path = Path(snap.upload_path)
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
    snap.refresh_from_db()
    audit.record(
        action="crosscheck.snapshot_discard",
        actor=actor,
        obj=snap,
        old={"status": old},
        new={"status": snap.status},
    )
    return snap


@transaction.atomic
def snapshot_register_file(
    *, county, kind: str, as_of: date, source: str, parquet_path, rows: int | None = None, actor
) -> RegistrySnapshot:
    """Register a Parquet file generated directly (benchmarks, a province feed) as an active
    snapshot. Its columns and types must be exactly the contract's. A file under the snapshot
    directory is recorded relative to it; elsewhere, by its absolute path (never copied)."""
    if _county_of(actor).pk != county.pk:
        raise PermissionDenied("只能为本县登记比对数据")
    kind = _kind(kind)
    path = Path(parquet_path).resolve()
    if not path.is_file():
        raise ValidationFailed(f"文件不存在：{path}")
    problems = snapshot_store.contract_problems(kind, snapshot_store.file_columns(path))
    if problems:
        raise ValidationFailed("文件的列与约定不符：" + "；".join(problems))
    count = snapshot_store.row_count(path)
    if rows is not None and rows != count:
        raise ValidationFailed(f"行数不符：文件中有{count}行，登记为{rows}行")
    base = engine.snapshot_dir().resolve()
    stored = str(path.relative_to(base)) if path.is_relative_to(base) else str(path)
    snap = RegistrySnapshot.objects.create(
        county=county,
        kind=kind,
        as_of=as_of,
        source=source[:100],
        file_name=path.name[:200],
        file_sha256=_sha256(path),
        parquet_path=stored,
        status=Status.ACTIVE,
        rows_total=count,
        rows_good=count,
        rows_stored=count,
        uploaded_by=actor,
        imported_at=timezone.now(),
        report={"registered": True},
    )
    audit.record(
        action="crosscheck.snapshot_register",
        actor=actor,
        obj=snap,
        new={"kind": kind, "as_of": as_of, "path": stored, "rows": count},
    )
    return snap


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
