"""The one writer for every Excel and CSV file the project hands out (ARCHITECTURE rule 12).

Why one writer: openpyxl stores any string beginning with "=" as a formula, and Excel (or WPS,
which many township offices use) evaluates text beginning with ``= + - @``, a tab or a carriage
return when a CSV is opened, when a cell is edited, or when a sheet is saved as CSV and opened
again. A name typed as ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` must reach the officer as
text. So every cell is written as typed data:

- ``str`` is a string cell (its data type set explicitly, never a formula or an error value);
  text whose first character is dangerous is *neutralised*: prefixed with a single quote ``'``,
  as OWASP recommends, in xlsx and in CSV alike;
- ``int`` and ``float`` are numbers; ``Decimal`` is a number shown with two decimal places
  (``#,##0.00``), never passed through float arithmetic here;
- ``date`` and ``datetime`` are dates shown as ``2026年11月22日`` (and ``hh:mm``); aware
  datetimes are converted to local time first (Excel has no time zones);
- ``None`` is an empty cell; ``bool`` is 是 / 否; anything else is written as its text.

Besides the OWASP characters, text beginning with their full-width forms (＝ ＋ － ＠) is
neutralised too: Chinese input methods produce them, and spreadsheet programs used here (WPS,
East Asian Excel builds) may read full-width input as the half-width operator. The cost is one
visible quote on text that almost never starts that way.

Workbooks are write-only (rows stream to a temporary file; memory stays bounded however many
rows an export has); the header row is bold; columns have widths; sheet and file names are made
safe. A CSV has the same neutralising, UTF-8 with a byte-order mark by default (so Excel reads
Chinese correctly) or another encoding such as GB18030 for bank files.

What the writers produce is an :class:`Export`, which only this module can make; the download
helpers in :mod:`jiuzhu.core.downloads` accept nothing else, so a view cannot hand raw bytes past
this guard. A structural test (tests/unit/test_export_guard.py) fails when code elsewhere
creates a workbook, a CSV writer or a spreadsheet response itself.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

__all__ = [
    "CSV_CONTENT_TYPE",
    "DANGEROUS_FIRST",
    "XLSX_CONTENT_TYPE",
    "Column",
    "CsvWriter",
    "Export",
    "SheetWriter",
    "XlsxWriter",
    "csv_file",
    "csv_text",
    "neutralise",
    "safe_file_name",
    "safe_sheet_name",
    "xlsx",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv"

# The first characters that make Excel, LibreOffice or WPS read text as a formula (OWASP CSV
# injection), and their full-width forms (see the module docstring).
DANGEROUS_FIRST = frozenset("=+-@\t\r") | frozenset("\uff1d\uff0b\uff0d\uff20")
QUOTE = "'"

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = 'yyyy"年"mm"月"dd"日"'
DATETIME_FORMAT = 'yyyy"年"mm"月"dd"日" hh:mm'
TIME_FORMAT = "hh:mm"
TEXT_FORMAT = "@"
YES, NO = "是", "否"

MAX_CELL_CHARS = 32_767  # Excel's limit; longer text is cut, never refused
MAX_SHEET_NAME = 31
MAX_FILE_NAME = 120
MIN_WIDTH, MAX_WIDTH = 8, 80

HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=16)
CENTERED = Alignment(horizontal="center")
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
CSV_ENCODINGS = frozenset({"utf-8-sig", "utf-8", "gb18030"})

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_FILE_NAME_BAD = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_SEAL = object()


def neutralise(text: str) -> str:
    """Text safe to show in a spreadsheet: a quote before a dangerous first character."""
    if text and text[0] in DANGEROUS_FIRST:
        return QUOTE + text
    return text


def _clean_text(text: str) -> str:
    # Control characters other than tab, LF and CR cannot be stored in xlsx (openpyxl refuses
    # the whole file); they are dropped rather than failing the export. A bare CR would be read
    # back as LF by any XML parser, so it is written as one (after the first character decided
    # the quote).
    text = neutralise(ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_CHARS])
    return text.replace("\r\n", "\n").replace("\r", "\n")


def display_width(text: str) -> int:
    """Columns a text needs: a Chinese character is two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def safe_sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, not quoted, at most 31 characters, unique."""
    cleaned = _SHEET_NAME_BAD.sub("", str(name)).strip().strip("'").strip()
    cleaned = cleaned[:MAX_SHEET_NAME] or "Sheet"
    if cleaned.casefold() == "history":  # reserved by Excel
        cleaned = "History1"
    existing = {t.casefold() for t in taken}
    candidate, n = cleaned, 1
    while candidate.casefold() in existing:
        n += 1
        suffix = f"({n})"
        candidate = cleaned[: MAX_SHEET_NAME - len(suffix)] + suffix
    return candidate


def safe_file_name(name: str, suffix: str) -> str:
    """A download file name: no path, no control or reserved characters, the given suffix."""
    suffix = "." + suffix.lstrip(".").lower()
    base = _FILE_NAME_BAD.sub("_", str(name)).strip().lstrip(".").strip()
    if base.lower().endswith(suffix):
        base = base[: -len(suffix)].rstrip()
    base = base[: MAX_FILE_NAME - len(suffix)] or "导出"
    return base + suffix


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, width (in characters; from the header when not given),
    whether the header is highlighted as required (import templates), and whether its cells are
    formatted as text (so IDs and codes typed into a template stay text, not numbers)."""

    title: str
    width: float | None = None
    required: bool = False
    text: bool = False


def _columns(columns: Sequence[Column | str]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(str(c)) for c in columns]


@dataclass(frozen=True)
class Export:
    """A finished Excel or CSV file. Only this module's writers make one."""

    data: bytes
    format: str  # "xlsx" or "csv"
    rows: int  # data rows written, headers and blank template rows not counted
    charset: str = ""
    _seal: object = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self._seal is not _SEAL:
            raise TypeError("Export is made only by jiuzhu.core.spreadsheet's writers")

    @property
    def content_type(self) -> str:
        if self.format == "xlsx":
            return XLSX_CONTENT_TYPE
        return f"{CSV_CONTENT_TYPE}; charset={self.charset}"

    @property
    def suffix(self) -> str:
        return self.format


# --- xlsx ---------------------------------------------------------------------------------------


def _local_naive(value: datetime) -> datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


class SheetWriter:
    """One sheet of an :class:`XlsxWriter`: rows are appended and streamed out."""

    def __init__(
        self,
        book: XlsxWriter,
        sheet,
        columns: list[Column],
        titles: Sequence[str] = (),
        header: bool = True,
    ):
        self._book = book
        self._sheet = sheet
        self._text_columns = {i for i, c in enumerate(columns) if c.text}
        self.rows = 0
        self.lines = len(titles) + (1 if columns and header else 0)  # sheet rows written
        for index, col in enumerate(columns, start=1):
            width = col.width or display_width(col.title) + 2
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, width))
        last = get_column_letter(max(1, len(columns)))
        for row, text in enumerate(titles, start=1):  # a form's title lines, each merged
            cell = self._text_cell(text)
            cell.font = TITLE_FONT if row == 1 else HEADER_FONT
            cell.alignment = CENTERED if row == 1 else Alignment()
            sheet.append([cell])
            if len(columns) > 1:
                sheet.merged_cells.add(f"A{row}:{last}{row}")
        if columns and header:
            sheet.freeze_panes = f"A{len(titles) + 2}"
            sheet.append([self._header_cell(c) for c in columns])

    def _header_cell(self, col: Column) -> WriteOnlyCell:
        cell = self._text_cell(col.title)
        cell.font = HEADER_FONT
        if col.required:
            cell.fill = REQUIRED_FILL
        return cell

    def _text_cell(self, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._sheet, value=_clean_text(text))
        cell.data_type = "s"  # never a formula ("=…") or an error value ("#N/A")
        return cell

    def _cell(self, value, index: int) -> WriteOnlyCell | None:
        if value is None or value == "":
            if index not in self._text_columns:
                return None
            cell = WriteOnlyCell(self._sheet)
        elif isinstance(value, bool):
            cell = self._text_cell(YES if value else NO)
        elif isinstance(value, Decimal):
            if not value.is_finite():
                return None
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.number_format = MONEY_FORMAT
            return cell
        elif isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                return None
            return WriteOnlyCell(self._sheet, value=value)
        elif isinstance(value, datetime):
            cell = WriteOnlyCell(self._sheet, value=_local_naive(value))
            cell.number_format = DATETIME_FORMAT
            return cell
        elif isinstance(value, date):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        elif isinstance(value, time):
            cell = WriteOnlyCell(self._sheet, value=value.replace(tzinfo=None))
            cell.number_format = TIME_FORMAT
            return cell
        else:
            cell = self._text_cell(str(value))
        if index in self._text_columns:
            cell.number_format = TEXT_FORMAT
        return cell

    def append(self, values: Iterable = ()) -> None:
        """One data row; each value is written as typed data (see the module docstring)."""
        self._book._check_open()
        self._sheet.append([self._cell(v, i) for i, v in enumerate(values)])
        self.rows += 1
        self.lines += 1

    def append_header(self, texts: Iterable[str | None], *, bold: bool = True) -> None:
        """A line of a form's own header or footer (multi-row headers, 填报单位, 统计经办人员):
        text cells, centred when bold; not counted as data rows."""
        self._book._check_open()
        cells = []
        for text in texts:
            if text is None:
                cells.append(None)
                continue
            cell = self._text_cell(str(text))
            if bold:
                cell.font = HEADER_FONT
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cells.append(cell)
        self._sheet.append(cells)
        self.lines += 1

    def merge(self, top: int, left: int, bottom: int, right: int) -> None:
        """Merge a block of the sheet (1-based rows and columns), e.g. a header spanning its
        sub-columns."""
        if (top, left) != (bottom, right):
            first, last = get_column_letter(left), get_column_letter(right)
            self._sheet.merged_cells.add(f"{first}{top}:{last}{bottom}")

    def append_blank(self, count: int, width: int) -> None:
        """Blank rows for an import template: text-formatted cells in the text columns."""
        self._book._check_open()
        for _ in range(count):
            self._sheet.append([self._cell(None, i) for i in range(width)])
            self.lines += 1


class XlsxWriter:
    """An Excel workbook written row by row (openpyxl's write-only mode).

    ``book.sheet(name, columns)`` adds a sheet with a bold header row; ``sheet.append(values)``
    adds rows; ``book.finish()`` returns the :class:`Export`.
    """

    def __init__(self):
        self._book = Workbook(write_only=True)
        self._sheets: list[SheetWriter] = []
        self._names: list[str] = []
        self._done = False

    def _check_open(self) -> None:
        if self._done:
            raise RuntimeError("this workbook is finished")

    def sheet(
        self,
        name: str,
        columns: Sequence[Column | str] = (),
        *,
        titles: Sequence[str] = (),
        header: bool = True,
    ) -> SheetWriter:
        """A sheet; `titles` are lines above the header row (a form's title, its date), each
        merged across the columns, the first larger and centred. `header=False`: no header row
        from the columns (a form writes its merged multi-row header with append_header and
        merge); the columns then only set widths."""
        self._check_open()
        title = safe_sheet_name(name, self._names)
        self._names.append(title)
        sheet = self._book.create_sheet(title)
        writer = SheetWriter(self, sheet, _columns(columns), titles, header)
        self._sheets.append(writer)
        return writer

    def finish(self) -> Export:
        self._check_open()
        if not self._sheets:
            self.sheet("Sheet")
        self._done = True
        buffer = io.BytesIO()
        self._book.save(buffer)
        rows = sum(s.rows for s in self._sheets)
        return Export(data=buffer.getvalue(), format="xlsx", rows=rows, _seal=_SEAL)


def xlsx(sheet_name: str, columns: Sequence[Column | str], rows: Iterable[Iterable]) -> Export:
    """A one-sheet workbook: a header row and the given rows."""
    book = XlsxWriter()
    sheet = book.sheet(sheet_name, columns)
    for values in rows:
        sheet.append(values)
    return book.finish()


# --- CSV ----------------------------------------------------------------------------------------


def _decimal_text(value: Decimal) -> str:
    # Money keeps two places ("900" → "900.00"); a value with more places is kept exactly.
    if value.as_tuple().exponent >= -2:
        value = value.quantize(Decimal("0.01"))
    return format(value, "f")


def csv_text(value) -> str:
    """The text of one CSV field, typed as the xlsx writer types its cells."""
    if type(value) is str:  # most fields of a large export: skip the type tests below
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        return _decimal_text(value) if value.is_finite() else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, datetime):
        return f"{_local_naive(value):%Y-%m-%d %H:%M:%S}"
    if isinstance(value, date):
        return value.isoformat()
    # The control characters xlsx cannot hold are dropped here too, so that none can hide a
    # dangerous first character from the check.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


class CsvWriter:
    """A CSV file with the spreadsheet's typing and neutralising.

    ``encoding`` is ``"utf-8-sig"`` (UTF-8 with a byte-order mark, which Excel needs to read
    Chinese) by default, ``"gb18030"`` for the bank files that require it, or ``"utf-8"``.
    """

    def __init__(
        self, columns: Sequence[Column | str] = (), *, encoding: str = "utf-8-sig", delimiter=","
    ):
        name = codecs.lookup(encoding).name
        if name not in CSV_ENCODINGS:
            raise ValueError(f"unsupported CSV encoding: {encoding}")
        self.encoding = name
        self._buffer = io.BytesIO()
        self._text = io.TextIOWrapper(self._buffer, encoding=name, newline="")
        self._writer = csv.writer(self._text, delimiter=delimiter, lineterminator="\r\n")
        self._done = False
        self.rows = 0
        titles = [c.title for c in _columns(columns)]
        if titles:
            self._writer.writerow([csv_text(t) for t in titles])

    def append(self, values: Iterable = ()) -> None:
        if self._done:
            raise RuntimeError("this CSV file is finished")
        self._writer.writerow([csv_text(v) for v in values])
        self.rows += 1

    def finish(self) -> Export:
        if self._done:
            raise RuntimeError("this CSV file is finished")
        self._done = True
        self._text.flush()
        data = self._buffer.getvalue()
        self._text.detach()
        charset = "utf-8" if self.encoding.startswith("utf") else self.encoding
        return Export(data=data, format="csv", rows=self.rows, charset=charset, _seal=_SEAL)


def csv_file(
    columns: Sequence[Column | str], rows: Iterable[Iterable], *, encoding: str = "utf-8-sig"
) -> Export:
    """A CSV file: a header row and the given rows."""
    writer = CsvWriter(columns, encoding=encoding)
    for values in rows:
        writer.append(values)
    return writer.finish()
