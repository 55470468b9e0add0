"""Reading an uploaded .xlsx or .csv into rows keyed by column key."""

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from jiuzhu.core.errors import ValidationFailed

from .import_format import HEADER_TO_KEY


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel stores long digit strings typed as numbers as floats; IDs must be text.
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        return [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    except Exception as exc:  # calamine raises several types for damaged files
        raise ValidationFailed(f"无法读取Excel文件：{exc}") from exc


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # offices often save CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed("无法识别CSV文件的编码，请另存为UTF-8或GBK编码")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def read_table(
    file_name: str,
    data: bytes,
    *,
    header_to_key: Mapping[str, str] = HEADER_TO_KEY,
) -> tuple[list[str], list[dict[str, str]]]:
    """Returns (headers as in the file, rows keyed by column key). Trailing blank rows dropped.
    `header_to_key`: the template's headers (default: the household template)."""
    suffix = Path(file_name).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        table = _read_xlsx(data)
    elif suffix == ".csv":
        table = _read_csv(data)
    else:
        raise ValidationFailed("只支持 .xlsx 或 .csv 文件")
    if not table:
        raise ValidationFailed("文件是空的")
    headers = [h.strip() for h in table[0]]
    unknown = [h for h in headers if h and h not in header_to_key]
    if unknown:
        raise ValidationFailed("文件中有模板以外的列：" + "、".join(unknown) + "。请使用导入模板。")
    rows = []
    for lineno, cells in enumerate(table[1:], start=2):
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
