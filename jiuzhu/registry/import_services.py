"""Household import: check the file (write nothing), then on the user's word import the good
households in one transaction, with progress, audited."""

import hashlib
import secrets
from dataclasses import asdict
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Perm
from jiuzhu.accounts.system import system_actor
from jiuzhu.core import audit, crypto, jobs, uploads
from jiuzhu.core.errors import Conflict, ValidationFailed
from jiuzhu.core.jobs import Progress
from jiuzhu.regions.models import Region

from . import builders
from .import_check import HouseholdRows, ImportCheck, check_rows, id_numbers_in, missing_columns
from .import_reader import read_table
from .models import AssetFact, Household, ImportBatch, IncomeFact, Person, Source
from .selectors import last_household_serials, registered_at, villages_for
from .services import require


def upload_limits() -> uploads.UploadLimits:
    """What a household file may cost: settings JIUZHU_UPLOAD_* and JIUZHU_IMPORT_MAX_ROWS."""
    return uploads.spreadsheet_limits(max_rows=settings.JIUZHU_IMPORT_MAX_ROWS)


def _import_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _villages_for(actor) -> dict[str, str]:
    return {v.code: ("urban" if v.is_urban else "rural") for v in villages_for(actor)}


def _registered(numbers: set[str], actor) -> dict[str, str | None]:
    """ID number → the number of the household already holding that person within the actor's
    jurisdiction, None outside it (the importer learns only that the person is registered)."""
    return {n: at and at.number for n, at in registered_at(user=actor, numbers=numbers).items()}


def check_file(*, actor, file_name: str, data: bytes, today: date | None = None) -> ImportCheck:
    """Read and check a household file against the actor's villages and the registry (reads
    only; it tells who is registered, so it takes the import permission)."""
    require(actor, Perm.IMPORT_HOUSEHOLDS)
    return _check_rows(actor, _read_rows(file_name, data), today)


def _read_rows(file_name: str, data: bytes) -> list[dict[str, str]]:
    """The file's rows, through the upload guard (parsed in a capped child process): call it
    outside any transaction."""
    limits = upload_limits()
    headers, rows = read_table(file_name, data, limits=limits)
    missing = missing_columns(headers)
    if missing:
        raise ValidationFailed("缺少必填列：" + "、".join(missing) + "。请使用导入模板。")
    if len(rows) > limits.max_rows:
        raise ValidationFailed(f"一次最多导入{limits.max_rows}行，请分批导入")
    return rows


def _check_rows(actor, rows: list[dict[str, str]], today: date | None = None) -> ImportCheck:
    return check_rows(
        rows,
        villages=_villages_for(actor),
        registered=_registered(id_numbers_in(rows), actor),
        today=today or timezone.localdate(),
    )


def _report(check: ImportCheck) -> dict:
    problems = sorted(check.problems, key=lambda p: (p.row, p.severity != "error"))
    return {"problems": [asdict(p) for p in problems], "bad_rows": sorted(check.bad_rows)}


def import_preview(*, actor, file_name: str, data: bytes) -> ImportBatch:
    """Check the file and keep it for the commit step. Writes no household.
    The file is read and checked outside any transaction (a slow file holds up no one's
    saves); only the batch row and its audit record are written in one, short."""
    require(actor, Perm.IMPORT_HOUSEHOLDS)
    check = check_file(actor=actor, file_name=file_name, data=data)
    digest = hashlib.sha256(data).hexdigest()
    # The file holds full ID numbers: kept encrypted (0600), deleted once imported or discarded.
    name = f"{digest[:16]}-{secrets.token_hex(8)}{Path(file_name).suffix.lower()}.enc"
    stored = _import_dir() / name
    uploads.store_private(stored, crypto.encrypt_bytes(data))
    try:
        return _preview_record(actor, file_name, digest, stored, check)
    except BaseException:
        stored.unlink(missing_ok=True)  # the row was not written: leave no orphaned upload
        raise


@transaction.atomic
def _preview_record(
    actor, file_name: str, digest: str, stored: Path, check: ImportCheck
) -> ImportBatch:
    batch = ImportBatch.objects.create(
        file_name=file_name[:200],
        file_sha256=digest,
        stored_path=str(stored),
        uploaded_by=actor,
        rows_total=check.rows_total,
        rows_good=check.rows_good,
        households_good=len(check.households),
        report=_report(check),
    )
    audit.record(
        action="import.preview",
        actor=actor,
        obj=batch,
        new={
            "file": file_name,
            "sha256": digest,
            "rows": check.rows_total,
            "good_rows": check.rows_good,
            "errors": len(check.errors),
        },
    )
    return batch


def import_commit(
    *, actor, batch_id: int, inline: bool | None = None, on_progress=None
) -> ImportBatch:
    """Start importing the good households of a previewed batch — or again, of a batch whose
    import failed — as a job with progress: queued for the worker, or run now (`inline`)."""
    require(actor, Perm.IMPORT_HOUSEHOLDS)
    jobs.reap_stale()  # a batch whose worker died is failed first, so that it can start again
    run_now = jobs.runs_inline(inline)
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(
            pk=batch_id,
            uploaded_by=actor,
            status__in=[ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED],
        ).update(status=ImportBatch.Status.IMPORTING)
        if not claimed:
            raise Conflict("该批次已导入、已放弃或正在导入，不能再次导入")
        batch = ImportBatch.objects.get(pk=batch_id)
        job = jobs.job_create(
            kind=IMPORT_JOB,
            title=f"导入家庭：{batch.file_name}",
            actor=actor,
            kwargs={"actor_id": actor.pk, "batch_id": batch.pk},
            inline=run_now,
        )
        ImportBatch.objects.filter(pk=batch.pk).update(job=job)
    if run_now:
        jobs.job_run_inline(job, on_progress=on_progress)
    batch.refresh_from_db()
    return batch


@transaction.atomic
def import_discard(*, actor, batch_id: int) -> None:
    require(actor, Perm.IMPORT_HOUSEHOLDS)
    # a failed import can be dropped too: its encrypted upload is then deleted
    if not ImportBatch.objects.filter(
        pk=batch_id,
        uploaded_by=actor,
        status__in=[ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED],
    ).update(status=ImportBatch.Status.DISCARDED):
        raise Conflict("该批次不能放弃（已导入或正在导入）")
    batch = ImportBatch.objects.get(pk=batch_id)
    audit.record(action="import.discard", actor=actor, obj=batch)
    _remove_file(batch)


def _remove_file(batch: ImportBatch) -> None:
    Path(batch.stored_path).unlink(missing_ok=True)


IMPORT_JOB = "registry.import"


def _release_batch(job, message: str) -> None:
    """The job failed or its worker died: the batch, still importing, becomes failed (its
    households were written in one transaction, which did not commit)."""
    batch_id = job.kwargs.get("batch_id")
    batches = ImportBatch.objects.filter(**({"pk": batch_id} if batch_id else {"job_id": job.pk}))
    for batch in batches.filter(status=ImportBatch.Status.IMPORTING):
        # compare-and-set, and only while the batch is this job's (not started again since)
        if ImportBatch.objects.filter(
            Q(job_id=job.pk) | Q(job__isnull=True),
            pk=batch.pk,
            status=ImportBatch.Status.IMPORTING,
        ).update(status=ImportBatch.Status.FAILED):
            audit.record(
                action="import.fail",
                actor=system_actor("worker"),
                obj=batch,
                old={"status": ImportBatch.Status.IMPORTING},
                new={"status": ImportBatch.Status.FAILED, "job": job.pk},
                reason=message,
            )


@jobs.job(IMPORT_JOB, release=_release_batch)
def import_job(*, progress: Progress, actor_id: int, batch_id: int) -> dict:
    """The worker's side of import_commit: the actor read again and checked again."""
    actor = User.objects.get(pk=actor_id)
    require(actor, Perm.IMPORT_HOUSEHOLDS)
    return _run_import(actor, batch_id, progress)


def _run_import(actor, batch_id: int, progress: Progress) -> dict:
    try:
        batch = ImportBatch.objects.get(pk=batch_id)
        # parsed before the write transaction opens (ARCHITECTURE rule 12)
        data = crypto.decrypt_bytes(Path(batch.stored_path).read_bytes())
        rows = _read_rows(batch.file_name, data)
        count = _write_batch(actor, batch_id, rows, progress)
        _remove_file(ImportBatch.objects.get(pk=batch_id))
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.FAILED)
        raise
    return {"message": f"已导入{count}户", "households": count}


@transaction.atomic
def _write_batch(actor, batch_id: int, rows: list[dict[str, str]], progress: Progress) -> int:
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.uploaded_by_id != actor.pk or batch.status != ImportBatch.Status.IMPORTING:
        raise Conflict("该批次不是由您上传或未处于导入中，未导入")
    check = _check_rows(actor, rows)  # again, against the registry as it is now
    if check.rows_good != batch.rows_good:
        raise Conflict("自预览以来登记数据已有变化（部分人员已被登记），请重新上传文件预览")
    progress.start(len(check.households), "正在导入")
    villages = {
        v.code: v
        for v in Region.objects.select_for_update(of=("self",))
        .select_related("parent")
        .filter(code__in={h.village_code for h in check.households})
    }
    serials = last_household_serials(villages.values())
    events = []
    for done, rows in enumerate(check.households, start=1):
        household = _write_household(rows, villages[rows.village_code], serials, batch)
        events.append(
            audit.AuditEvent(
                action="household.import",
                actor=actor,
                obj=household,
                household_id=household.pk,
                new={
                    "number": household.number,
                    "members": len(rows.people),
                    "batch": batch.pk,
                    "file": batch.file_name,
                },
            )
        )
        if done % 200 == 0:
            progress.update(done, f"已写入{done}户")
    audit.record_many(events)
    batch.status, batch.households_imported = ImportBatch.Status.IMPORTED, len(check.households)
    batch.save(update_fields=["status", "households_imported"])
    audit.record(
        action="import.commit",
        actor=actor,
        obj=batch,
        new={
            "households": batch.households_imported,
            "rows": check.rows_good,
            "skipped_rows": len(check.bad_rows),
        },
    )
    progress.update(len(check.households), "完成")
    return len(check.households)


def _write_household(rows: HouseholdRows, village: Region, serials: dict, batch) -> Household:
    serials[rows.village_code] += 1
    head = rows.people[0]
    household = builders.build_household(
        number=builders.household_number(rows.village_code, serials[rows.village_code]),
        village=village,
        address=rows.address,
        area_type="urban" if village.is_urban else "rural",
        head_name=head.name,
        phone=rows.phone,
        bank_name=rows.bank_name,
        bank_account=rows.bank_account,
        source=Source.IMPORT,
        import_batch=batch,
    )
    household.save()
    people = [
        builders.build_person(
            household=household,
            name=p.name,
            id_number=p.id_number,
            birth_date=p.birth_date,
            sex=p.sex,
            relation=p.relation,
            hukou_type=p.hukou_type,
            ethnicity=p.ethnicity,
            labour_capacity=p.labour_capacity,
            disability_type=p.disability_type,
            disability_grade=p.disability_grade,
            health_status=p.health_status,
        )
        for p in rows.people
    ]
    Person.objects.bulk_create(people)
    _write_facts(household, rows, people)
    return household


def _write_facts(household: Household, rows: HouseholdRows, people: list[Person]) -> None:
    today = timezone.localdate()
    year_ago = (
        today.replace(year=today.year - 1)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 1, day=28)
    )
    incomes, assets = [], []
    for person, p in zip(people, rows.people, strict=True):
        for category, amount in p.incomes.items():
            if amount:
                incomes.append(
                    IncomeFact(
                        household=household,
                        person=person,
                        category=category,
                        amount=amount,
                        period_start=year_ago,
                        period_end=today,
                        source="导入申报",
                    )
                )
        if p.deposit:
            assets.append(
                AssetFact(
                    household=household,
                    person=person,
                    kind="deposit",
                    value=p.deposit,
                    recorded_on=today,
                    source="导入申报",
                )
            )
        for key, kind in (
            ("vehicles", "vehicle"),
            ("real_estate", "real_estate"),
            ("businesses", "business"),
            ("farm_machinery", "farm_machinery"),
        ):
            if p.counts.get(key):
                assets.append(
                    AssetFact(
                        household=household,
                        person=person,
                        kind=kind,
                        quantity=p.counts[key],
                        recorded_on=today,
                        source="导入申报",
                    )
                )
    IncomeFact.objects.bulk_create(incomes)
    AssetFact.objects.bulk_create(assets)


def batches_for(actor):
    return ImportBatch.objects.filter(uploaded_by=actor)
