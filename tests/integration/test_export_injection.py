"""Formula injection over every registered export: hostile text typed into every field that reaches
an export (household head and address, a finding's subject and summary, import and snapshot
problems quoting what was typed) comes out as neutralised text, never as a formula.

The exports are found by walking the URL patterns for views decorated with ``@export_view``, so
an export added later is downloaded here without anyone listing it; one that needs URL arguments
fails until ``ARGUMENTS`` says how to call it. tests/unit/test_export_guard.py makes sure no
spreadsheet leaves by another door.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from jiuzhu.core import downloads
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.spreadsheet import DANGEROUS_FIRST
from jiuzhu.crosscheck.models import Finding
from jiuzhu.crosscheck.registries import REGISTRIES
from jiuzhu.crosscheck.run import crosscheck_run
from jiuzhu.crosscheck.snapshot_formats import fields_for
from jiuzhu.crosscheck.snapshot_services import snapshot_preview
from jiuzhu.registry import import_services
from jiuzhu.registry.import_format import COLUMNS
from jiuzhu.registry.models import Household
from jiuzhu.reports.catalogue import FORMS
from tests.integration.bank_world import released_with_texts
from tests.integration.payroll_world import adjustment_with_texts, payroll_with_texts
from tests.integration.test_crosscheck_run import death_snapshot, enrol

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
]
KNOWN_EXPORTS = {
    "registry:household_export",
    "registry:import_template",
    "registry:import_errors",
    "crosscheck:finding_list",
    "snapshots:template",
    "snapshots:problems",
}
# Exports whose rows carry the hostile text: each payload must come out neutralised there.
CARRY_PAYLOADS = {
    "payments:payroll_lines_export",
    "payments:bank_file",
    "payments:bank_reconciliation_export",
    "payments:adjustment_export",
    "registry:household_export",
    "crosscheck:finding_list",
    "registry:import_errors",
    "snapshots:problems",
}
# How to call an export whose URL takes arguments: URL name → the kwargs to try.
ARGUMENTS = {
    "reports:export": lambda ctx: [{"code": code} for code in FORMS],
    "reports:trace_export": lambda ctx: [{"code": "assistance_monthly"}],
    "registry:import_errors": lambda ctx: [{"pk": ctx.batch.pk}],
    "snapshots:problems": lambda ctx: [{"pk": ctx.snapshot.pk}],
    "snapshots:template": lambda ctx: [{"kind": kind.value} for kind in REGISTRIES],
    "payments:payroll_lines_export": lambda ctx: [
        {"pk": payroll_with_texts(ctx.users["county"], PAYLOADS).pk}
    ],
    "payments:bank_file": lambda ctx: [
        {"pk": released_with_texts(ctx.users["county"], PAYLOADS).pk}
    ],
    "payments:bank_reconciliation_export": lambda ctx: [
        {"pk": released_with_texts(ctx.users["county"], PAYLOADS).pk}
    ],
    "payments:adjustment_export": lambda ctx: [
        {"adjustment_id": adjustment_with_texts(ctx.users["county"], PAYLOADS).pk}
    ],
}
USERS_IN_ORDER = ("county", "officer_a", "inspector", "finance", "village_a", "officer_b")


@dataclass(frozen=True)
class Entry:
    name: str
    pattern: URLPattern
    spec: downloads.ExportSpec


def registered_exports() -> list[Entry]:
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, inner)
            elif spec := getattr(p.callback, "jiuzhu_export", None):
                found.append(Entry(f"{namespace}{p.name}", p, spec))

    walk(get_resolver().url_patterns, "")
    return found


@dataclass
class Hostile:
    users: dict
    batch: object
    snapshot: object


def _households(make_household):
    for text in PAYLOADS:
        household = make_household(head_name=text)
        household.address = text
        household.save(update_fields=["address"])
    assert Household.objects.filter(head_name__in=PAYLOADS).count() == len(PAYLOADS)


def _findings(users, make_household):
    household = make_household(size=1, head_name="龙老汉")
    head = household.members.get()
    enrol(household, users["county"], amount="900.00")
    death_snapshot(users["county"], f"龙老汉,{decrypt(head.id_cipher)},,,,2026-09-20,火化\n")
    crosscheck_run(actor=users["county"], month="2026-11", inline=True)
    finding = Finding.objects.get(check_code="death")
    for n, text in enumerate(PAYLOADS):
        finding.pk = None
        finding.fingerprint = f"hostile-{n}"
        finding.subject_name = text
        finding.summary = text
        finding.save()


def _csv(headers, rows) -> bytes:
    # A hostile upload, written with the plain csv module on purpose: it must reach the checks
    # as typed.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _quoted_problems(report: dict) -> None:
    # Today's messages put the typed value after a Chinese lead-in; a future message (or a column
    # named by the file's own header) may start with it, and the export must hold for any text.
    report["problems"] += [
        {"row": 99, "column": text, "severity": "error", "message": text} for text in PAYLOADS
    ]


def _import_batch(officer):
    headers = [c.header for c in COLUMNS]
    rows = []
    for n, text in enumerate(PAYLOADS, start=1):
        values = {
            "家庭编号": str(n),
            "村（社区）代码": "433123109201",
            "与户主关系": text,
            "姓名": text,
            "身份证号码": text,
        }
        rows.append([values.get(h, "") for h in headers])
    batch = import_services.import_preview(
        actor=officer, file_name="hostile.csv", data=_csv(headers, rows)
    )
    assert any(PAYLOADS[0] in p["message"] for p in batch.report["problems"])
    _quoted_problems(batch.report)
    batch.save(update_fields=["report"])
    return batch


def _snapshot(county):
    headers = [f.header for f in fields_for("death")]
    rows = [
        [{"姓名": text, "公民身份号码": text, "死亡日期": text}.get(h, "") for h in headers]
        for text in PAYLOADS
    ]
    snap = snapshot_preview(
        actor=county,
        kind="death",
        as_of=date(2026, 11, 1),
        source=PAYLOADS[0],
        file_name="hostile.csv",
        data=_csv(headers, rows),
    )
    assert any(PAYLOADS[0] in p["message"] for p in snap.report["problems"])
    _quoted_problems(snap.report)
    snap.save(update_fields=["report"])
    return snap


@pytest.fixture
def hostile(users, make_household, settings, tmp_path):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    settings.JIUZHU_DUCKDB_TEMP_DIR = tmp_path / "duckdb"
    settings.VAR_DIR = tmp_path / "var"
    _households(make_household)
    _findings(users, make_household)
    return Hostile(
        users=users, batch=_import_batch(users["officer_a"]), snapshot=_snapshot(users["county"])
    )


def _texts(response) -> tuple[list[str], list[str]]:
    """Every text cell of a downloaded export, and the problems found: formulas, unquoted text."""
    content_type = response["Content-Type"]
    texts, problems = [], []
    if content_type.startswith("text/csv"):
        charset = content_type.split("charset=")[-1]
        encoding = "utf-8-sig" if charset == "utf-8" else charset
        for row in csv.reader(io.StringIO(response.content.decode(encoding), newline="")):
            texts += [v for v in row if v and not _is_number(v)]
    else:
        book = load_workbook(io.BytesIO(response.content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        problems.append(f"{sheet.title}!{cell.coordinate} is a formula")
                    elif isinstance(cell.value, str):
                        texts.append(cell.value)
    problems += [f"unneutralised text {t!r}" for t in texts if t[0] in DANGEROUS_FIRST]
    return texts, problems


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _download(client, hostile, entry: Entry, kwargs: dict):
    url = reverse(entry.name, kwargs=kwargs)
    for role in USERS_IN_ORDER:
        client.force_login(hostile.users[role])
        response = client.get(url, entry.spec.query)
        if response.status_code == 200 and getattr(response, downloads.GUARDED, False):
            return response
    raise AssertionError(f"no test user could download {entry.name} {kwargs}")


def test_every_registered_export_neutralises_hostile_text(client, hostile):
    entries = registered_exports()
    assert {e.name for e in entries} >= KNOWN_EXPORTS
    downloaded = set()
    for entry in entries:
        if entry.pattern.pattern.converters:
            assert entry.name in ARGUMENTS, f"say in ARGUMENTS how to call the export {entry.name}"
            calls = ARGUMENTS[entry.name](hostile)
        else:
            calls = [{}]
        for kwargs in calls:
            response = _download(client, hostile, entry, kwargs)
            texts, problems = _texts(response)
            assert texts, entry.name
            assert problems == [], (entry.name, kwargs, problems)
            if entry.name in CARRY_PAYLOADS:
                for text in PAYLOADS:
                    assert "'" + text.replace("\r", "\n") in texts, (entry.name, text)
            downloaded.add(entry.name)
    assert downloaded == {e.name for e in entries}


def test_every_export_view_is_routed_and_every_spreadsheet_url_is_registered():
    entries = registered_exports()
    routed = {id(e.pattern.callback) for e in entries}
    assert downloads.EXPORT_VIEWS and all(id(v) in routed for v in downloads.EXPORT_VIEWS)
    assert len({e.name for e in entries}) == len(entries)

    def urls(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from urls(p.url_patterns)
            else:
                yield p

    named_like_a_file = [
        p for p in urls(get_resolver().url_patterns) if str(p.pattern).endswith((".xlsx", ".csv"))
    ]
    assert named_like_a_file and all(
        hasattr(p.callback, "jiuzhu_export") for p in named_like_a_file
    )


def test_findings_page_without_the_export_query_is_a_page(client, hostile):
    client.force_login(hostile.users["county"])
    response = client.get(reverse("crosscheck:finding_list"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not getattr(response, downloads.GUARDED, False)
    assert "=HYPERLINK" in response.content.decode()  # the page shows the text as typed
