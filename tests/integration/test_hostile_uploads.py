"""Hostile files through the real upload pages: each gives a Chinese error on the page and
writes nothing (no batch or snapshot row, no audit row, no file kept); finding attachments go
through the same guard and are stored 0600."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from django.urls import reverse

from jiuzhu.core.models import AuditEntry
from jiuzhu.crosscheck.models import RegistrySnapshot
from jiuzhu.registry.models import ImportBatch
from tests.integration.test_crosscheck_views import finding  # noqa: F401 (a fixture)
from tests.integration.test_import import HEADERS, idn, row
from tests.unit.upload_files import (
    OLE_MAGIC,
    XLSM_MAIN,
    cell,
    last_cell_sheet,
    relationships,
    sheet_xml,
    small_sheet,
    xlsx,
    zip_bomb,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def snapshot_dir(settings, tmp_path):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    settings.JIUZHU_DUCKDB_TEMP_DIR = tmp_path / "duckdb"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb(200)


def _duplicate_headers() -> bytes:
    headers = [*HEADERS, "姓名"]
    line = row("1", "户主", "龙大山", idn(1960, 1, 1, 1)) + ["龙小山"]
    return ("\n".join([",".join(headers), ",".join(line)]) + "\n").encode("utf-8-sig")


def _external_link() -> bytes:
    rels = relationships(("rId1", "externalLinkPath", "file:///C:/机密.xlsx", "External"))
    return xlsx(
        small_sheet(),
        extra={
            "xl/externalLinks/externalLink1.xml": b"<externalLink/>",
            "xl/externalLinks/_rels/externalLink1.xml.rels": rels,
        },
    )


HOSTILE = {
    "last cell, no dimension": ("户.xlsx", lambda: xlsx(last_cell_sheet(False)), "XFD1048576"),
    "last cell, dimension": ("户.xlsx", lambda: xlsx(last_cell_sheet(True)), "XFD1048576"),
    "huge dimension": (
        "户.xlsx",
        lambda: xlsx(sheet_xml(f'<row r="1">{cell("A1", "姓名")}</row>', "A1:XFD1048576")),
        "声明的数据区域",
    ),
    "macro": ("户.xlsx", lambda: xlsx(small_sheet(), extra={"xl/vbaProject.bin": bytes(64)}), "宏"),
    "macro enabled": ("户.xlsx", lambda: xlsx(small_sheet(), main=XLSM_MAIN), "宏"),
    "external link": ("户.xlsx", _external_link, "外部链接"),
    "xls renamed": ("户.xlsx", lambda: OLE_MAGIC + bytes(2000), "旧版Excel"),
    "xls": ("户.xls", lambda: OLE_MAGIC + bytes(2000), ".xls"),
    "utf-16 csv": ("户.csv", lambda: "姓名,身份证号码\n龙大山,1\n".encode("utf-16"), "编码"),
    "random bytes": ("户.csv", lambda: bytes(range(1, 256)) * 16, "编码"),
    "enormous field": ("户.csv", lambda: ("姓名\n" + "龙" * 40_000 + "\n").encode(), "32767"),
}


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    """Uploads kept by other tests of the session stay in their own directory: "nothing left
    in imports/" is about this test's upload only."""
    settings.VAR_DIR = tmp_path / "var"


def _upload(client, url: str, name: str, data: bytes, **fields) -> str:
    upload = io.BytesIO(data)
    upload.name = name
    response = client.post(url, {**fields, "file": upload})
    assert response.status_code == 200  # the form again, with the message; no redirect
    return response.content.decode()


def _nothing_written(settings, audit_before: int) -> None:
    assert not ImportBatch.objects.exists() and not RegistrySnapshot.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    imports = Path(settings.VAR_DIR) / "imports"
    assert not imports.exists() or not any(imports.iterdir())


@pytest.mark.parametrize("case", [*HOSTILE, "zip bomb", "duplicate headers"])
def test_hostile_household_files_are_refused_and_write_nothing(client, users, settings, bomb, case):
    if case == "zip bomb":
        name, data, words = "户.xlsx", bomb, "压缩炸弹"
    elif case == "duplicate headers":
        name, data, words = "户.csv", _duplicate_headers(), "文件中有重复的列：姓名"
    else:
        name, make, words = HOSTILE[case]
        data = make()
    client.force_login(users["officer_a"])
    before = AuditEntry.objects.count()
    page = _upload(client, reverse("registry:import_upload"), name, data)
    assert words in page and 'role="alert"' in page
    _nothing_written(settings, before)


@pytest.mark.parametrize("case", [*HOSTILE, "zip bomb"])
def test_hostile_registry_files_are_refused_and_write_nothing(client, users, settings, bomb, case):
    if case == "zip bomb":
        name, data, words = "死亡.xlsx", bomb, "压缩炸弹"
    else:
        name, make, words = HOSTILE[case]
        data = make()
    client.force_login(users["county"])
    before = AuditEntry.objects.count()
    page = _upload(
        client,
        reverse("snapshots:upload"),
        name,
        data,
        kind="death",
        as_of="2025-05-31",
        source="县公安局",
    )
    assert words in page
    _nothing_written(settings, before)


def test_an_oversize_upload_is_refused_before_it_is_read(client, users, settings):
    settings.JIUZHU_UPLOAD_MAX_BYTES = 1000
    client.force_login(users["officer_a"])
    page = _upload(client, reverse("registry:import_upload"), "户.csv", b"a,b\n" * 500)
    assert "超过1000字节的上限" in page
    assert not ImportBatch.objects.exists()


def test_a_good_file_still_previews_and_its_upload_is_private(client, users, settings):
    data = ("\n".join([",".join(HEADERS), ",".join(row("1", "户主", "龙大山", idn(1960, 1, 1, 1)))])
            + "\n").encode("utf-8-sig")  # fmt: skip
    client.force_login(users["officer_a"])
    upload = io.BytesIO(data)
    upload.name = "户.csv"
    response = client.post(reverse("registry:import_upload"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.rows_good == 1
    stored = Path(batch.stored_path)
    assert stored.parent == Path(settings.VAR_DIR) / "imports"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_a_tab_before_a_formula_is_an_error_not_a_formula(users):
    from jiuzhu.registry import import_services

    data = (
        "\n".join(
            [
                ",".join(HEADERS),
                ",".join(row("1", "户主", "\t=HYPERLINK(1)", idn(1960, 1, 1, 1))),
                ",".join(row("2", "户主", "龙大山", idn(1961, 1, 1, 2))),
            ]
        )
        + "\n"
    ).encode()
    batch = import_services.import_preview(actor=users["officer_a"], file_name="户.csv", data=data)
    problems = {(p["row"], p["column"]): p["message"] for p in batch.report["problems"]}
    assert "控制字符" in problems[(2, "姓名")]
    assert batch.rows_good == 1 and batch.report["bad_rows"] == [2]


# --- finding attachments ----------------------------------------------------------------------


def _attach(client, finding_pk: int, name: str, data: bytes):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        f"/crosscheck/findings/{finding_pk}/verify_true/",
        {"note": "入户核实属实", "attachment": upload},
        follow=True,
    ).content.decode()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("核实.exe", b"MZ" + bytes(200), "附件只能是"),
        ("核实.pdf", b"MZ" + bytes(200), "与扩展名.pdf不符"),
        ("核实.xlsx", xlsx(small_sheet(), extra={"xl/vbaProject.bin": bytes(64)}), "宏"),
    ],
)
def test_a_hostile_attachment_is_refused_and_the_finding_unchanged(
    client,
    users,
    finding,  # noqa: F811 (the fixture imported above)
    settings,
    name,
    data,
    words,  # noqa: F811
):
    client.force_login(users["officer_a"])
    page = _attach(client, finding.pk, name, data)
    assert words in page
    finding.refresh_from_db()
    assert finding.verdict is None and not finding.attachment_path
    folder = Path(settings.VAR_DIR) / "attachments" / "findings"
    assert not folder.exists() or not any(folder.iterdir())


def test_an_attachment_is_stored_0600_and_comes_back_as_sent(
    client,
    users,
    finding,  # noqa: F811 (the fixture imported above)
):
    client.force_login(users["officer_a"])
    pdf = b"%PDF-1.4\n" + b"evidence " * 100
    page = _attach(client, finding.pk, "核实记录.pdf", pdf)
    assert "已保存" in page
    finding.refresh_from_db()
    assert finding.verdict is True and finding.attachment_name == "核实记录.pdf"
    stored = Path(finding.attachment_path)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and pdf not in stored.read_bytes()
    response = client.get(f"/crosscheck/findings/{finding.pk}/attachment/")
    assert response.status_code == 200 and b"".join(response) == pdf


def test_the_guard_limits_are_the_views_limits(settings):
    from jiuzhu.crosscheck import snapshot_services
    from jiuzhu.registry import import_services

    assert import_services.upload_limits().max_bytes == settings.JIUZHU_UPLOAD_MAX_BYTES
    assert import_services.upload_limits().max_rows == settings.JIUZHU_IMPORT_MAX_ROWS
    assert snapshot_services.upload_limits().max_bytes == settings.JIUZHU_SNAPSHOT_MAX_BYTES
    assert snapshot_services.upload_limits().max_rows == settings.JIUZHU_SNAPSHOT_MAX_ROWS
