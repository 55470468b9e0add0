"""One door out: only jiuzhu/core/spreadsheet.py writes a spreadsheet, only jiuzhu/core/downloads.py
builds a spreadsheet response, and every function that returns one is a registered export view.

The source of jiuzhu/ and config/ is scanned with ``ast``; each rule is also tried on a small
module that breaks it, so a scanner that has gone blind fails here too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [ROOT / "jiuzhu", ROOT / "config"]
WRITER = "jiuzhu/core/spreadsheet.py"
DOWNLOADS = "jiuzhu/core/downloads.py"

WRITER_NAMES = {"Workbook", "WriteOnlyCell", "ExcelWriter"}  # what makes a workbook
WRITER_LIBRARIES = ("xlsxwriter", "xlwt", "pyexcelerate", "xlwings")
CSV_WRITERS = {"writer", "DictWriter"}
FRAME_WRITERS = {"to_excel", "to_csv", "write_csv"}  # pandas, polars, pyarrow.csv
RESPONSE_HELPERS = {"xlsx_response", "csv_response"}
SPREADSHEET_MARKS = ("spreadsheet", "ms-excel", "text/csv", "officedocument", ".xlsx", ".csv")


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _marks_spreadsheet(node) -> bool:
    """A literal or a constant's name that says xlsx / csv."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(m in node.value.lower() for m in SPREADSHEET_MARKS)
    if isinstance(node, ast.JoinedStr):
        return any(_marks_spreadsheet(v) for v in node.values)
    name = _dotted(node).rsplit(".", 1)[-1].upper()
    return any(m in name for m in ("XLSX", "CSV", "EXCEL", "SPREADSHEET"))


def _is_export_view(decorator) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return _dotted(target).rsplit(".", 1)[-1] == "export_view"


class Scanner(ast.NodeVisitor):
    def __init__(self, path: str):
        self.path = path
        self.problems: list[str] = []
        self.function_stack: list[ast.FunctionDef | ast.AsyncFunctionDef] = []

    def flag(self, node, what: str) -> None:
        self.problems.append(f"{self.path}:{node.lineno}: {what}")

    # imports: a workbook writer, a CSV writer
    def visit_Import(self, node):
        for alias in node.names:
            if alias.name.split(".")[0] in WRITER_LIBRARIES:
                self.flag(node, f"imports {alias.name}")
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        names = {a.name for a in node.names}
        if module.split(".")[0] in WRITER_LIBRARIES:
            self.flag(node, f"imports from {module}")
        if module.startswith("openpyxl") and names & WRITER_NAMES:
            self.flag(node, f"imports {sorted(names & WRITER_NAMES)} from {module}")
        if module == "csv" and names & CSV_WRITERS:
            self.flag(node, "imports a csv writer")
        self.generic_visit(node)

    def visit_Attribute(self, node):
        dotted = _dotted(node)
        if dotted.startswith("openpyxl") and node.attr in WRITER_NAMES:
            self.flag(node, f"uses {dotted}")
        if dotted in {"csv.writer", "csv.DictWriter"}:
            self.flag(node, f"uses {dotted}")
        if node.attr in FRAME_WRITERS:
            self.flag(node, f"writes a frame with .{node.attr}")
        self.generic_visit(node)

    # responses: content type or file name of a spreadsheet; helpers only in export views
    def visit_Call(self, node):
        name = _dotted(node.func).rsplit(".", 1)[-1]
        if name.endswith("Response"):
            args = node.args[1:2] + [k.value for k in node.keywords if k.arg == "content_type"]
            if any(_marks_spreadsheet(a) for a in args):
                self.flag(node, f"builds a spreadsheet {name} itself")
        if name == "Export":
            self.flag(node, "makes an Export itself")
        if name in RESPONSE_HELPERS and not any(
            _is_export_view(d) for f in self.function_stack for d in f.decorator_list
        ):
            self.flag(node, f"calls {name} outside a view decorated with @export_view")
        self.generic_visit(node)

    def visit_Assign(self, node):
        for target in node.targets:
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
                header = str(target.slice.value).lower()
                if header in {"content-type", "content-disposition"} and _marks_spreadsheet(
                    node.value
                ):
                    self.flag(node, f"sets a spreadsheet {target.slice.value} header itself")
        self.generic_visit(node)

    def _function(self, node):
        self.function_stack.append(node)
        self.generic_visit(node)
        self.function_stack.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function


def scan(source: str, path: str) -> list[str]:
    scanner = Scanner(path)
    scanner.visit(ast.parse(source, filename=path))
    problems = scanner.problems
    if path == WRITER:
        return []
    if path == DOWNLOADS:  # the helpers themselves build the responses
        problems = [p for p in problems if "builds a spreadsheet" not in p and "header" not in p]
    return problems


def project_files():
    for base in SCANNED:
        for file in sorted(base.rglob("*.py")):
            yield file.relative_to(ROOT).as_posix(), file.read_text(encoding="utf-8")


def test_only_the_guarded_writer_writes_spreadsheets():
    files = list(project_files())
    assert any(path == WRITER for path, _ in files) and len(files) > 100
    problems = [p for path, source in files for p in scan(source, path)]
    assert problems == [], "\n".join(problems)


def test_the_writer_and_the_downloads_are_what_the_views_use():
    sources = dict(project_files())
    served = [path for path, source in sources.items() if "xlsx_response(" in source]
    assert set(served) >= {
        "jiuzhu/registry/views.py",
        "jiuzhu/registry/views_import.py",
        "jiuzhu/crosscheck/views.py",
        "jiuzhu/crosscheck/views_snapshots.py",
    }
    assert "Workbook(write_only=True)" in sources[WRITER]


BREAKING = {
    "workbook": "from openpyxl import Workbook\nbook = Workbook()\n",
    "workbook module": "import openpyxl\nbook = openpyxl.Workbook()\n",
    "write-only cell": "from openpyxl.cell import WriteOnlyCell\n",
    "xlsxwriter": "import xlsxwriter\n",
    "csv writer": "import csv\nw = csv.writer(out)\n",
    "csv dict writer": "from csv import DictWriter\n",
    "pandas": "frame.to_excel('x.xlsx')\n",
    "response literal": "r = HttpResponse(data, content_type='text/csv; charset=utf-8')\n",
    "response constant": "r = HttpResponse(data, content_type=XLSX)\n",
    "streaming response": "r = StreamingHttpResponse(rows, 'application/vnd.ms-excel')\n",
    "content type header": "r['Content-Type'] = 'text/csv'\n",
    "file name header": "r['Content-Disposition'] = f'attachment; filename={n}.xlsx'\n",
    "export made by hand": "e = Export(data=b'', format='xlsx', rows=0)\n",
    "undecorated view": "@login_required\ndef v(request):\n    return xlsx_response(e, 'a.xlsx')\n",
    "helper outside a view": "r = downloads.csv_response(e, 'a.csv')\n",
}


@pytest.mark.parametrize("source", BREAKING.values(), ids=BREAKING.keys())
def test_the_scan_catches_each_way_around_the_guard(source):
    assert scan(source, "jiuzhu/payments/bank_file.py")


@pytest.mark.parametrize(
    "source",
    [
        "@export_view\n@login_required\ndef v(request):\n    return xlsx_response(e, 'a.xlsx')\n",
        "@downloads.export_view(query={'format': 'csv'})\ndef v(r):\n"
        "    return downloads.csv_response(e, 'a.csv')\n",
        "from openpyxl import load_workbook\nimport csv\nrows = csv.reader(f)\n",
        "r = HttpResponse(data, content_type='application/octet-stream')\n",
    ],
)
def test_the_scan_lets_the_guarded_way_and_reading_through(source):
    assert scan(source, "jiuzhu/payments/bank_file.py") == []


# --- the same door at run time --------------------------------------------------------------


def test_the_download_helpers_take_only_what_the_writer_made():
    from jiuzhu.core import downloads, spreadsheet

    with pytest.raises(TypeError):
        downloads.xlsx_response(b"PK\x03\x04", "家庭名册.xlsx")
    export = spreadsheet.xlsx("名册", ["姓名"], [["=1+1"]])
    with pytest.raises(TypeError):
        downloads.csv_response(export, "名册.csv")
    response = downloads.xlsx_response(export, "../家庭名册.csv")
    assert response["Content-Type"] == spreadsheet.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''_%E5%AE%B6%E5%BA%AD%E5%90%8D%E5%86%8C.csv.xlsx"
    )


def test_an_export_view_refuses_a_spreadsheet_made_elsewhere():
    from django.core.exceptions import ImproperlyConfigured
    from django.http import HttpResponse
    from django.test import RequestFactory

    from jiuzhu.core import downloads, spreadsheet

    registered = list(downloads.EXPORT_VIEWS)
    try:

        @downloads.export_view
        def by_hand(request):
            return HttpResponse(b"=1+1", content_type="text/csv; charset=utf-8")

        @downloads.export_view(query={"format": "csv"})
        def guarded(request):
            return downloads.csv_response(spreadsheet.csv_file(["a"], [["=1"]]), "a.csv")

        request = RequestFactory().get("/")
        with pytest.raises(ImproperlyConfigured):
            by_hand(request)
        assert guarded(request).content.decode("utf-8-sig") == "a\r\n'=1\r\n"
        assert guarded.jiuzhu_export.query == {"format": "csv"}
        assert downloads.EXPORT_VIEWS[-2:] == [by_hand, guarded]
    finally:
        downloads.EXPORT_VIEWS[:] = registered
