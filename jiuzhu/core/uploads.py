"""The one door in (ARCHITECTURE rule 12): every uploaded file passes here before anything reads it.

For a spreadsheet (households, registry snapshots, and the bank's result file of the payment
cycle) call one function:

    from jiuzhu.core import uploads

    headers, rows = uploads.read_spreadsheet(file_name, data, limits=uploads.spreadsheet_limits(
        max_rows=50_000))

It returns the first row (`headers`, text as typed) and the rows below it (`rows`: lists of
text, in file order, blank rows kept, so `rows[i]` is spreadsheet row `i + 2`), or raises
`ValidationFailed` with a Chinese message for the user. Only .xlsx (first sheet) and .csv
(UTF-8 with or without BOM, or GB18030/GBK) are read.

What it does, in order (the checks themselves are in `upload_guard`, the reading in
`upload_read`):
1. In this process, quickly: size, type (suffix and first bytes), the zip directory (member
   count, expanded sizes, compression ratios), macros and external links. Nothing is expanded
   except the few small package parts that name the sheets and links.
2. In a child process started with `spawn` (never `fork`: the web server is multi-threaded),
   capped at `JIUZHU_UPLOAD_PARSE_MEMORY_MB` of address space and
   `JIUZHU_UPLOAD_PARSE_TIMEOUT_SECONDS`: every check again plus the slow ones (the first
   sheet's declared and actual used range, streamed; every member's real size), then the
   parse with python-calamine or csv. A child that the cap or the clock kills becomes one
   `ValidationFailed` ("文件过大或格式异常，无法读取…"), never a crash of this process.

Call it before opening a transaction: a slow file must not hold other users' saves.
`JIUZHU_UPLOAD_PARSE_IN_PROCESS = True` parses in this process instead (same checks, no cap):
for debugging only.

Attachments kept as evidence (finding verification) go through `check_attachment` (size;
PDF/JPG/PNG/XLSX/DOCX by their first bytes; an .xlsx or .docx passes the zip checks) and are
stored with `store_private` (mode 0600). They are never parsed.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import time
from pathlib import Path

from django.conf import settings

from . import upload_read
from .errors import ValidationFailed
from .private_files import write_private
from .upload_guard import UNREADABLE, UploadLimits, check_spreadsheet, refuse_oversize
from .upload_guard import check_attachment as _check_attachment

__all__ = [
    "UNREADABLE",
    "UploadLimits",
    "attachment_max_bytes",
    "check_attachment",
    "read_spreadsheet",
    "refuse_oversize",
    "spreadsheet_limits",
    "store_private",
]

TIMED_OUT = "文件读取超时，可能过大或格式异常。请检查文件内容，或另存为.xlsx或CSV后分批上传。"


def spreadsheet_limits(
    *, max_rows: int | None = None, max_bytes: int | None = None
) -> UploadLimits:
    """The limits from the settings; `max_rows` and `max_bytes` as the caller's import allows."""
    return UploadLimits(
        max_bytes=max_bytes if max_bytes is not None else settings.JIUZHU_UPLOAD_MAX_BYTES,
        max_members=settings.JIUZHU_UPLOAD_MAX_ZIP_MEMBERS,
        max_member_bytes=settings.JIUZHU_UPLOAD_MAX_MEMBER_BYTES,
        max_total_bytes=settings.JIUZHU_UPLOAD_MAX_UNCOMPRESSED_BYTES,
        max_ratio=settings.JIUZHU_UPLOAD_MAX_RATIO,
        ratio_min_bytes=settings.JIUZHU_UPLOAD_RATIO_MIN_BYTES,
        max_rows=max_rows if max_rows is not None else settings.JIUZHU_UPLOAD_MAX_ROWS,
        max_columns=settings.JIUZHU_UPLOAD_MAX_COLUMNS,
        max_field_chars=settings.JIUZHU_UPLOAD_MAX_FIELD_CHARS,
        memory_mb=settings.JIUZHU_UPLOAD_PARSE_MEMORY_MB,
        timeout_seconds=settings.JIUZHU_UPLOAD_PARSE_TIMEOUT_SECONDS,
    )


def read_spreadsheet(
    file_name: str, data: bytes, *, limits: UploadLimits | None = None
) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of an uploaded .xlsx or .csv, after every check; see the module text."""
    limits = limits or spreadsheet_limits()
    check_spreadsheet(file_name, data, limits, scan=False)
    if settings.JIUZHU_UPLOAD_PARSE_IN_PROCESS:
        table = list(upload_read.read_rows(file_name, data, limits))
    else:
        table = _read_in_child(file_name, data, limits)
    if not table:
        raise ValidationFailed("文件是空的")
    return table[0], table[1:]


def _read_in_child(file_name: str, data: bytes, limits: UploadLimits) -> list[list[str]]:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=upload_read.child_main,
        args=(sender, file_name, data, limits),
        name="jiuzhu-upload-parse",
        daemon=True,
    )
    deadline = time.monotonic() + limits.timeout_seconds
    try:
        child.start()
        sender.close()  # ours: so a dead child reads as end of file, not as silence
        return _receive(receiver, deadline)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(10)


def _receive(receiver, deadline: float) -> list[list[str]]:
    table: list[list[str]] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not receiver.poll(left):
            raise ValidationFailed(TIMED_OUT)
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):  # killed by the memory cap (or anything else)
            raise ValidationFailed(UNREADABLE) from None
        if kind == "rows":
            table.extend(payload)
        elif kind == "done":
            return table
        else:
            raise ValidationFailed(payload)


# --- attachments ------------------------------------------------------------------------------


def attachment_max_bytes() -> int:
    return settings.JIUZHU_ATTACHMENT_MAX_BYTES


def check_attachment(file_name: str, data: bytes) -> str:
    """Refuses anything but a PDF, JPG, PNG, .xlsx or .docx within the size; returns the kind."""
    limits = dataclasses.replace(spreadsheet_limits(), max_bytes=attachment_max_bytes())
    return _check_attachment(file_name, data, limits)


def store_private(path: Path, data: bytes) -> None:
    """Write an uploaded file (already encrypted by the caller) readable by this account only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private(path, data)
