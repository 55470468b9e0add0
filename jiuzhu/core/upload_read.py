"""Reading a checked spreadsheet into rows of text, and the child process that does it (pure:
no Django, so the child starts in a fraction of a second and a hostile file meets no settings,
no database connection, no keys).

`uploads.read_spreadsheet` starts `child_main` in a spawned process with an address-space cap
(RLIMIT_AS) and a time limit. The child runs every check of `upload_guard` (the slow ones
too: the first sheet's used range, every member's real size), then parses and sends the rows
back in batches. A child killed by the cap dies mid-way; the parent turns that into one error.

Text is kept as typed: only ordinary spaces and U+3000 (the full-width space) are trimmed from
the ends of a cell. A tab or a carriage return stays, so "\\t=1+1" never becomes a formula; the
import checks report control characters instead.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

from .errors import ValidationFailed
from .upload_guard import CSV_ENCODING, UNREADABLE, UploadLimits, check_spreadsheet

TRIM = " \u3000"
BATCH = 2000  # rows per message from the child


def cell_text(value) -> str:
    """One cell as text: blank for empty, whole numbers without ".0" (Excel stores long digit
    strings typed as numbers as floats; IDs must be text), dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip(TRIM)


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        start = sheet.start
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several types for damaged files
        raise ValidationFailed(f"无法读取Excel文件，文件可能已损坏：{str(exc)[:200]}") from exc
    if start is None:
        return
    # Rows and columns before the first cell are kept as blanks, so row numbers are the
    # spreadsheet's own and the header is always row 1. iter_rows yields the rows above the
    # first cell itself, but starts each row at the first cell's column.
    pad = [""] * start[1]
    for row in rows:  # text, the common case, first: this loop runs for every cell
        yield pad + [v.strip(TRIM) if type(v) is str else cell_text(v) for v in row]


def csv_encoding(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else GB18030 (a superset of GBK, what Excel in China
    saves); checked by decoding in pieces, nothing kept."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(data[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValidationFailed(CSV_ENCODING)


def _csv_rows(data: bytes, limits: UploadLimits) -> Iterator[list[str]]:
    encoding = csv_encoding(data)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    previous = csv.field_size_limit(limits.max_field_chars)
    try:
        reader = csv.reader(text)
        count = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise ValidationFailed(
                        f"第{reader.line_num}行附近有单元格超过{limits.max_field_chars}个字符，"
                        "文件格式可能有误（例如引号没有成对）。请检查后重新上传。"
                    ) from None
                raise ValidationFailed(f"CSV文件第{reader.line_num}行格式有误：{exc}") from None
            count += 1
            if count > limits.max_rows + 1:
                raise ValidationFailed(f"文件超过{limits.max_rows}行数据，请分批导入。")
            if len(row) > limits.max_columns:
                raise ValidationFailed(
                    f"CSV文件第{reader.line_num}行有{len(row)}列，超过{limits.max_columns}列的上限。"
                    "请检查分隔符是否为英文逗号，或删除多余的列。"
                )
            yield [c.strip(TRIM) for c in row]
    finally:
        csv.field_size_limit(previous)


def read_rows(file_name: str, data: bytes, limits: UploadLimits) -> Iterator[list[str]]:
    """Every check, then the first sheet's (or the CSV's) rows as text, header first."""
    kind = check_spreadsheet(file_name, data, limits)
    if kind == "xlsx":
        yield from _xlsx_rows(data)
    else:
        yield from _csv_rows(data, limits)


def _cap_memory(megabytes: int) -> None:
    import resource

    cap = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def child_main(connection, file_name: str, data: bytes, limits: UploadLimits) -> None:
    """The parse child: ("rows", [...])…, then ("done", None) or ("error", message)."""
    _cap_memory(limits.memory_mb)
    try:
        batch: list[list[str]] = []
        for row in read_rows(file_name, data, limits):
            batch.append(row)
            if len(batch) >= BATCH:
                connection.send(("rows", batch))
                batch = []
        connection.send(("rows", batch))
        connection.send(("done", None))
    except ValidationFailed as exc:
        connection.send(("error", exc.message))
    except MemoryError:
        batch = []
        connection.send(("error", UNREADABLE))
    finally:
        connection.close()
