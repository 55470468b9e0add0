"""POST /api/v1/snapshots: an agency pushes a registry snapshot (比对数据, e.g. the civil-affairs
death data or the verification centre's daily file) through the same guard and checks as the
upload page (crosscheck.snapshot_services: size, zip ratio and sheet dimensions, then every row
and column checked, nothing written before the file has passed the guard).

One call checks and, when the file has no errors, imports (``commit``, the default): the answer
is the snapshot with its status and every problem by row and column. A file with errors is kept
as previewed — nothing imported — and can be imported later with only its good rows
(``POST /snapshots/{id}/commit`` with ``good_rows``), or be fixed and pushed again; the county's
officers see it on the snapshot page like an upload, and may discard it there. A key needs the
scope snapshots:write and the whole county among its regions: a snapshot is the county's."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from jiuzhu.core import uploads
from jiuzhu.core.errors import JiuzhuError
from jiuzhu.crosscheck import snapshot_services
from jiuzhu.crosscheck.models import RegistrySnapshot
from jiuzhu.crosscheck.registries import REGISTRIES, Kind

from . import selectors
from .auth import ApiRefusal, require_scope
from .schemas import CommitIn, Error, Problem, SnapshotOut
from .scopes import SNAPSHOTS_WRITE

router = Router(tags=["比对数据"])
SHOWN_PROBLEMS = 500
MAX_ID = 2**31 - 1
ANSWERS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 429: Error}
NOT_FOUND = "比对数据不存在或不是本密钥推送的"


class PushIn(Schema):
    kind: Kind = Field(
        description="数据类别："
        + "、".join(f"{k.value}（{r.label}）" for k, r in REGISTRIES.items())
    )
    as_of: date = Field(description="数据截止日期 YYYY-MM-DD，不晚于今天")
    source: str = Field("", max_length=100, description="数据来源单位（默认为密钥的使用单位）")
    commit: bool = Field(True, description="没有错误时直接导入；false 只检查")


def _county_key(request: HttpRequest):
    key = require_scope(request, SNAPSHOTS_WRITE)
    if not selectors.covers_county(key):
        raise ApiRefusal(403, "推送比对数据需要本密钥可读取全县，请联系县级管理员")
    return key


def _out(snap: RegistrySnapshot, message: str = "") -> SnapshotOut:
    report = snap.report or {}
    problems = report.get("problems", [])[:SHOWN_PROBLEMS]
    return SnapshotOut(
        id=snap.pk,
        kind=snap.kind,
        kind_label=REGISTRIES[Kind(snap.kind)].label,
        as_of=snap.as_of,
        status=snap.status,
        status_label=snap.get_status_display(),
        rows_total=snap.rows_total,
        rows_good=snap.rows_good,
        rows_stored=snap.rows_stored,
        errors=report.get("errors", 0),
        warnings=report.get("warnings", 0),
        problems=[Problem(**p) for p in problems],
        message=message,
    )


def _commit(key, snap: RegistrySnapshot, *, good_rows: bool, confirm_smaller: bool):
    snap = snapshot_services.snapshot_commit(
        actor=key.actor, snapshot_id=snap.pk, good_rows=good_rows, confirm_smaller=confirm_smaller
    )
    done = snap.status == RegistrySnapshot.Status.ACTIVE
    return _out(snap, f"已导入{snap.rows_stored}行" if done else "已开始导入，请稍后查询状态")


@router.post(
    "",
    response={201: SnapshotOut, **ANSWERS},
    openapi_extra={"x-scope": SNAPSHOTS_WRITE, "x-region": "county"},
    summary="推送比对数据文件（检查，无误时导入）",
)
def snapshot_push(request: HttpRequest, data: Form[PushIn], file: File[UploadedFile]):
    key = _county_key(request)
    uploads.refuse_oversize(file.size or 0, snapshot_services.upload_limits().max_bytes)
    snap = snapshot_services.snapshot_preview(
        actor=key.actor,
        kind=data.kind.value,
        as_of=data.as_of,
        source=data.source or key.agency,
        file_name=(file.name or "upload.csv")[-200:],
        data=file.read(),
    )
    errors = snap.report.get("errors", 0)
    if errors:
        message = f"文件中有{errors}处错误，未导入。可修改后重新推送，或只导入无误的行。"
        return Status(201, _out(snap, message))
    if not data.commit:
        return Status(201, _out(snap, "检查完毕，没有错误，尚未导入"))
    try:
        return Status(201, _commit(key, snap, good_rows=False, confirm_smaller=False))
    except JiuzhuError as exc:  # e.g. much smaller than the active snapshot: kept, not imported
        snap.refresh_from_db()
        return Status(201, _out(snap, exc.message))


def _own_snapshot(key, snapshot_id: int) -> RegistrySnapshot:
    snap = RegistrySnapshot.objects.filter(
        pk=snapshot_id, county_id=key.county_id, uploaded_by_id=key.actor_id
    ).first()
    if snap is None:
        raise ApiRefusal(404, NOT_FOUND)
    return snap


@router.get(
    "/{int:snapshot_id}",
    response={200: SnapshotOut, **ANSWERS},
    openapi_extra={"x-scope": SNAPSHOTS_WRITE, "x-region": "county"},
    summary="查询推送的比对数据及导入状态",
)
def snapshot_get(request: HttpRequest, snapshot_id: int = Path(..., ge=1, le=MAX_ID)):
    key = _county_key(request)
    return _out(_own_snapshot(key, snapshot_id))


@router.post(
    "/{int:snapshot_id}/commit",
    response={200: SnapshotOut, **ANSWERS},
    openapi_extra={"x-scope": SNAPSHOTS_WRITE, "x-region": "county"},
    summary="导入已检查的比对数据（可只导入无误的行）",
)
def snapshot_commit(
    request: HttpRequest, body: CommitIn, snapshot_id: int = Path(..., ge=1, le=MAX_ID)
):
    key = _county_key(request)
    snap = _own_snapshot(key, snapshot_id)
    return _commit(key, snap, good_rows=body.good_rows, confirm_smaller=body.confirm_smaller)
