"""Playwright driving Debian's chromium (never a downloaded browser)."""

import json
import os
import re
import shutil
import threading

import pytest

CHROMIUM = os.environ.get("JIUZHU_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"找不到 {CHROMIUM}：请先运行 scripts/test-deps.sh 安装 Debian chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    def do(username, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return do


# 17 digits and a digit or X: a full resident ID number, whether its check digit holds or not
FULL_ID = re.compile(r"\d{17}[\dXx]")
# a hex token of 32+ characters with a letter in it (a lookup hash, idh=…): its digits are no ID
HEX_TOKEN = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])[0-9a-f]{32,}(?![0-9A-Za-z])")
AUDIT_TEXT = ("actor_name", "action", "object_type", "object_id", "object_repr", "reason", "ip")


@pytest.fixture
def job_worker(settings, transactional_db):
    """The real path of a long job: the page queues it, a worker runs it (here the worker loop
    in a thread of the test process, on its own database connection), htmx polls its progress."""
    from django.db import connection

    from jiuzhu.core.worker import Worker

    settings.JIUZHU_JOBS_INLINE = False
    worker = Worker(poll=0.1, say=lambda line: None)

    def run():
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="test-job-worker", daemon=True)
    thread.start()
    yield worker
    worker.stopping = True
    thread.join(60)


@pytest.fixture(autouse=True)
def _no_full_id_number_in_the_audit_trail(transactional_db):
    """After every browser test (the database is emptied between them), no audit row holds a
    full ID number, in any text column or the JSON values. The chain's own hex hashes (hash,
    prev_hash) are not personal data and are left out."""
    yield
    from jiuzhu.core.models import AuditEntry

    found = []
    for seq, old, new, *texts in AuditEntry.objects.values_list("seq", "old", "new", *AUDIT_TEXT):
        text = "\x00".join([*map(str, texts), json.dumps([old, new], ensure_ascii=False)])
        if FULL_ID.search(HEX_TOKEN.sub("#", text)):
            found.append(seq)
    assert not found, f"审计记录中出现完整身份证号码：第{found}条"


def menu(page, group: str, item: str) -> None:
    """Open a page from a grouped menu of the top bar (监督核查, 统计, 设置)."""
    page.click(f"nav .dropdown-toggle:text-is('{group}')")
    page.click(f"nav .dropdown-menu >> text={item}")
