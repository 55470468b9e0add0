"""Production settings refuse weak keys at start-up and turn on HTTPS-only behaviour.

The settings module is imported in a child process, as a server would at start, with only the
environment under test (a settings module cannot be imported twice in one process)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from jiuzhu.core import keycheck

ROOT = Path(__file__).resolve().parents[2]
TEST_SECRET = "test-secret-key-not-for-production-0123456789"
TEST_FIELD = "kWq1Yc3xq4gHzdD5f8O0l8wqv2n2X5l6Jt1m9b0cQeU="
TEST_LOOKUP = "test-lookup-key"

PRINT_SETTINGS = """
import json
import config.settings.production as s
print(json.dumps({
    "hsts": s.SECURE_HSTS_SECONDS,
    "subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "redirect": s.SECURE_SSL_REDIRECT,
    "nosniff": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "referrer": s.SECURE_REFERRER_POLICY,
    "session_secure": s.SESSION_COOKIE_SECURE,
    "csrf_secure": s.CSRF_COOKIE_SECURE,
    "proxy": list(getattr(s, "SECURE_PROXY_SSL_HEADER", None) or []),
}))
"""


def good_keys() -> dict[str, str]:
    return {
        "JIUZHU_SECRET_KEY": secrets.token_urlsafe(50),
        "JIUZHU_LOOKUP_KEY": secrets.token_urlsafe(32),
        "JIUZHU_FIELD_KEY": Fernet.generate_key().decode(),
        "JIUZHU_AUDIT_KEY": secrets.token_urlsafe(32),
        "JIUZHU_AUDIT_ANCHOR_KEY": secrets.token_urlsafe(32),
    }


def load_production(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JIUZHU_", "DJANGO_"))}
    clean.update(JIUZHU_VAR_DIR=str(tmp_path / "var"), JIUZHU_ALLOWED_HOSTS="jiuzhu.test")
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_good_keys_load_with_hsts_and_ssl_redirect(tmp_path):
    done = load_production(tmp_path, **good_keys())
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert loaded["hsts"] == 365 * 24 * 3600
    assert loaded["subdomains"] is True
    assert loaded["redirect"] is True
    assert loaded["nosniff"] is True
    assert loaded["referrer"] == "same-origin"
    assert loaded["session_secure"] and loaded["csrf_secure"]
    assert loaded["proxy"] == []
    assert (tmp_path / "var").stat().st_mode & 0o077 == 0


def test_behind_a_tls_proxy(tmp_path):
    done = load_production(
        tmp_path,
        **good_keys(),
        JIUZHU_BEHIND_PROXY="1",
        JIUZHU_SSL_REDIRECT="0",
        JIUZHU_HSTS_SECONDS="600",
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert loaded["redirect"] is False
    assert loaded["hsts"] == 600
    assert loaded["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    ("name", "value", "phrase"),
    [
        ("JIUZHU_SECRET_KEY", "a", "至少需要50个"),
        ("JIUZHU_SECRET_KEY", "a" * 80, "种不同字符"),
        ("JIUZHU_SECRET_KEY", "ab" * 40, "种不同字符"),
        ("JIUZHU_SECRET_KEY", TEST_SECRET + "x" * 10, "not-for-production"),
        ("JIUZHU_SECRET_KEY", "", "未设置"),
        ("JIUZHU_LOOKUP_KEY", TEST_LOOKUP, "至少需要32个"),
        ("JIUZHU_LOOKUP_KEY", "0123456789" * 3, "至少需要32个"),
        ("JIUZHU_FIELD_KEY", TEST_FIELD, "公开的示例值"),
        ("JIUZHU_FIELD_KEY", "not-a-fernet-key", "不是有效的Fernet密钥"),
        ("JIUZHU_FIELD_KEY", "A" * 43 + "=", "不是随机生成"),
        ("JIUZHU_AUDIT_KEY", "", "未设置"),
        ("JIUZHU_AUDIT_KEY", "short-audit-key", "至少需要32个"),
        (
            "JIUZHU_AUDIT_ANCHOR_KEY",
            "test-audit-anchor-key-not-for-production",
            "not-for-production",
        ),
    ],
)
def test_weak_key_refuses_to_start_with_the_reason(tmp_path, name, value, phrase):
    done = load_production(tmp_path, **{**good_keys(), name: value})
    assert done.returncode != 0
    assert "生产环境拒绝启动：密钥不安全" in done.stderr
    assert name in done.stderr and phrase in done.stderr
    assert "secrets.token_urlsafe" in done.stderr  # says how to make a good one


def test_the_same_value_for_two_keys_is_refused():
    keys = good_keys()
    keys["JIUZHU_LOOKUP_KEY"] = keys["JIUZHU_SECRET_KEY"]
    assert keycheck.production_key_problems(keys) == [
        "JIUZHU_LOOKUP_KEY：与 JIUZHU_SECRET_KEY 相同，每个密钥必须各不相同"
    ]


def test_every_problem_is_listed_at_once():
    problems = keycheck.production_key_problems({"JIUZHU_SECRET_KEY": "a"})
    assert [p.split("：")[0] for p in problems] == [
        "JIUZHU_SECRET_KEY",
        "JIUZHU_LOOKUP_KEY",
        "JIUZHU_FIELD_KEY",
        "JIUZHU_AUDIT_KEY",
        "JIUZHU_AUDIT_ANCHOR_KEY",
    ]


def test_generated_keys_pass():
    for _ in range(50):
        assert keycheck.production_key_problems(good_keys()) == []


def test_check_deploy_with_good_keys_is_clean(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIUZHU_", "DJANGO_"))}
    env.update(good_keys(), JIUZHU_VAR_DIR=str(tmp_path / "var"), JIUZHU_ALLOWED_HOSTS="a.test")
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=config.settings.production",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_audit_keys_must_differ_from_each_other_and_the_others(tmp_path):
    keys = good_keys()
    keys["JIUZHU_AUDIT_ANCHOR_KEY"] = keys["JIUZHU_AUDIT_KEY"]
    done = load_production(tmp_path, **keys)
    assert done.returncode != 0
    assert "JIUZHU_AUDIT_ANCHOR_KEY：与 JIUZHU_AUDIT_KEY 相同" in done.stderr
    keys = good_keys()
    keys["JIUZHU_AUDIT_KEY"] = keys["JIUZHU_LOOKUP_KEY"]
    assert load_production(tmp_path, **keys).returncode != 0
