"""Reading an uploaded .xlsx or .csv into rows keyed by column key.

The file goes through the one upload guard (`jiuzhu.core.uploads`): checked, then parsed in a
child process with a memory cap. Text comes back as typed (only spaces and U+3000 trimmed)."""

from collections.abc import Mapping

from jiuzhu.core import uploads
from jiuzhu.core.errors import ValidationFailed

from .import_check import duplicate_columns
from .import_format import HEADER_TO_KEY


def read_table(
    file_name: str,
    data: bytes,
    *,
    header_to_key: Mapping[str, str] = HEADER_TO_KEY,
    limits: uploads.UploadLimits | None = None,
) -> tuple[list[str], list[dict[str, str]]]:
    """Returns (headers as in the file, rows keyed by column key). Blank rows dropped.
    `header_to_key`: the template's headers (default: the household template).
    `limits`: what the file may cost (default: `uploads.spreadsheet_limits()`)."""
    raw_headers, table = uploads.read_spreadsheet(file_name, data, limits=limits)
    headers = [h.strip() for h in raw_headers]  # headers are matched, never stored
    unknown = [h for h in headers if h and h not in header_to_key]
    if unknown:
        raise ValidationFailed("文件中有模板以外的列：" + "、".join(unknown) + "。请使用导入模板。")
    duplicates = duplicate_columns(headers, header_to_key)
    if duplicates:  # a second column would silently overwrite the first
        raise ValidationFailed(
            "文件中有重复的列：" + "、".join(duplicates) + "。同一项只保留一列。"
        )
    rows = []
    for lineno, cells in enumerate(table, start=2):
        if not any(cells):
            continue
        row = {
            header_to_key[h]: (cells[i] if i < len(cells) else "")
            for i, h in enumerate(headers)
            if h
        }
        row["_row"] = lineno  # the spreadsheet's own row number, for error messages
        rows.append(row)
    return headers, rows
