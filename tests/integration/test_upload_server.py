"""The real server (`jiuzhu serve`, a separate process) meets the last-cell sheet and the zip
bomb: each gives a Chinese error, the server still answers afterwards, and its resident memory
grows by less than MEMORY_BOUND_MB (the parse runs in a capped child, not in the server)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import PASSWORD
from tests.unit.upload_files import last_cell_sheet, xlsx, zip_bomb

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MEMORY_BOUND_MB = 150
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def server(users, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "JIUZHU_DB_NAME": connection.settings_dict["NAME"],
    }
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "jiuzhu.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "server.log").read_text(errors="replace")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start within 60 s"
                time.sleep(0.2)
        yield process, base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class Browser:
    """urllib with a cookie jar: enough to log in and post a form with a file."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> str:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (file_name, data) in files.items():
            quoted = urllib.parse.quote(file_name)
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f"filename=\"{quoted}\"; filename*=UTF-8''{quoted}\r\n"
                "Content-Type: application/octet-stream\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request, timeout=120) as response:
            return response.read().decode()

    def post_form(self, path: str, fields: dict[str, str]) -> str:
        request = urllib.request.Request(
            self.base + path, data=urllib.parse.urlencode(fields).encode()
        )
        with self.opener.open(request, timeout=120) as response:
            return response.read().decode()

    def csrf(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_the_server_survives_hostile_uploads_with_little_memory(server):
    process, base = server
    browser = Browser(base)
    login = browser.get("/accounts/login/")
    page = browser.post_form(
        "/accounts/login/",
        {"csrfmiddlewaretoken": browser.csrf(login), "username": "officer-a", "password": PASSWORD},
    )
    assert "退出" in page  # logged in: the page has the logout button
    upload_page = browser.get("/registry/import/")
    # Warm up: one good-sized refusal first, so that the first child start and the pages'
    # imports are not counted as growth.
    browser.post(
        "/registry/import/",
        {"csrfmiddlewaretoken": browser.csrf(upload_page)},
        {"file": ("预热.csv", "姓名\n".encode("utf-16"))},
    )
    before = _rss_mb(process.pid)
    for name, data, words in [
        ("最后一格.xlsx", xlsx(last_cell_sheet(False)), "XFD1048576"),
        ("最后一格含声明.xlsx", xlsx(last_cell_sheet(True)), "XFD1048576"),
        ("压缩炸弹.xlsx", zip_bomb(200), "压缩炸弹"),
    ]:
        upload_page = browser.get("/registry/import/")
        page = browser.post(
            "/registry/import/",
            {"csrfmiddlewaretoken": browser.csrf(upload_page)},
            {"file": (name, data)},
        )
        assert words in page and 'role="alert"' in page, name
        assert process.poll() is None, "the server died"
    grown = _rss_mb(process.pid) - before
    assert "批量导入" in browser.get("/registry/import/")  # still answers
    assert grown < MEMORY_BOUND_MB, f"resident memory grew by {grown:.0f} MB"
