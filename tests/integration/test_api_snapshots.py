"""Pushing a registry snapshot through the API goes through the upload page's guard and checks
(crosscheck.snapshot_services): a crafted file gets a Chinese error and writes nothing; a clean
file is imported in one call, as the key's actor, audited; a file with errors is kept unimported
with its problems by row and column, and its good rows can be imported by a second call."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.core.models import AuditEntry
from jiuzhu.crosscheck.models import RegistrySnapshot
from tests.integration.api_world import call, death_csv, fresh_counters, issue
from tests.unit.upload_files import last_cell_sheet, xlsx, zip_bomb

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_counters")]
assert fresh_counters
URL = "/api/v1/snapshots"


@pytest.fixture(autouse=True)
def snapshot_dir(settings, tmp_path):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    settings.JIUZHU_DUCKDB_TEMP_DIR = tmp_path / "duckdb"
    return settings.JIUZHU_SNAPSHOT_DIR


def _files(path):
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def push(plaintext, upload, **fields):
    data = {"kind": "death", "as_of": "2025-05-31", "file": upload, **fields}
    return call("post", URL, plaintext, data=data)


CRAFTED = {
    "zip bomb": ("death.xlsx", lambda: zip_bomb(40)),
    "a sheet claiming the last cell": ("death.xlsx", lambda: xlsx(last_cell_sheet(True))),
    "not a workbook": ("death.xlsx", lambda: b"PK\x03\x04 this is not a zip" * 50),
    "binary as csv": ("death.csv", lambda: bytes(range(256)) * 40),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_file_gets_a_chinese_error_and_writes_nothing(users, snapshot_dir, name):
    _key, plaintext = issue(users["county"])
    file_name, make = CRAFTED[name]
    response = push(plaintext, SimpleUploadedFile(file_name, make()))
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert any("\u4e00" <= c <= "\u9fff" for c in detail)
    assert not RegistrySnapshot.objects.exists()
    assert not _files(snapshot_dir)
    assert not AuditEntry.objects.filter(action__startswith="crosscheck.").exists()
    # the refused call itself is audited, with the message
    refused = AuditEntry.objects.get(action="api.call")
    assert refused.new["status_code"] == 422 and refused.reason == detail[:200]


def test_an_oversized_file_is_refused_before_it_is_read(users, settings):
    settings.JIUZHU_SNAPSHOT_MAX_BYTES = 100
    _key, plaintext = issue(users["county"])
    response = push(plaintext, death_csv())
    assert response.status_code == 422 and "超过" in response.json()["detail"]
    assert not RegistrySnapshot.objects.exists()


def test_a_clean_file_is_imported_in_one_call_as_the_agency(users, snapshot_dir):
    key, plaintext = issue(users["county"], agency="县公安局")
    response = push(plaintext, death_csv())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["rows_stored"] == 1 and body["errors"] == 0
    snap = RegistrySnapshot.objects.get(pk=body["id"])
    assert snap.uploaded_by_id == key.actor_id and snap.source == "县公安局"
    assert len(_files(snapshot_dir)) == 1
    actions = list(
        AuditEntry.objects.filter(actor_id=key.actor_id)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["crosscheck.snapshot_preview", "crosscheck.snapshot_import", "api.call"]
    again = call("get", f"{URL}/{snap.pk}", plaintext)
    assert again.status_code == 200 and again.json()["status_label"] == "已导入"


def test_check_only_then_commit(users):
    _key, plaintext = issue(users["county"])
    checked = push(plaintext, death_csv(), commit="false")
    assert checked.status_code == 201 and checked.json()["status"] == "previewed"
    sid = checked.json()["id"]
    committed = call(
        "post", f"{URL}/{sid}/commit", plaintext, data="{}", content_type="application/json"
    )
    assert committed.status_code == 200 and committed.json()["status"] == "active"
    twice = call(
        "post", f"{URL}/{sid}/commit", plaintext, data="{}", content_type="application/json"
    )
    assert twice.status_code == 409 and "已导入" in twice.json()["detail"]


def _with_an_error():
    upload = death_csv()
    content = upload.read().decode("utf-8-sig").rstrip("\n")
    bad = content.splitlines()[1].replace("2025-03-14", "2025-02-30")
    data = (content + "\n" + bad.replace("龙大山", "滕四") + "\n").encode("utf-8-sig")
    return SimpleUploadedFile("death.csv", data, "text/csv")


def test_a_file_with_errors_is_kept_unimported_with_its_problems(users, snapshot_dir):
    _key, plaintext = issue(users["county"])
    response = push(plaintext, _with_an_error())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "previewed" and body["errors"] >= 1 and "未导入" in body["message"]
    problem = next(p for p in body["problems"] if p["severity"] == "error")
    assert problem["row"] == 3 and problem["column"] and problem["message"]
    assert not _files(snapshot_dir)
    url = f"{URL}/{body['id']}/commit"
    refused = call("post", url, plaintext, data="{}", content_type="application/json")
    assert refused.status_code == 422 and "错误" in refused.json()["detail"]
    good = call("post", url, plaintext, data='{"good_rows": true}', content_type="application/json")
    assert good.status_code == 200 and good.json()["rows_stored"] == 1


def test_an_as_of_date_in_the_future_is_refused(users):
    _key, plaintext = issue(users["county"])
    response = push(plaintext, death_csv(), as_of="2999-01-01")
    assert response.status_code == 422 and "不能晚于今天" in response.json()["detail"]
    unknown_kind = push(plaintext, death_csv(), kind="passwords")
    assert unknown_kind.status_code == 422
