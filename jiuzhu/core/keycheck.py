"""Refusing weak keys at start-up (production settings), with a message the operator can act on.

Pure: no Django, so the settings module can call it before Django is configured. A key is weak
when it is short, made of few distinct characters (``aaaa…``, ``abab…``), or one of the values
that appear in this repository (the test settings, the documentation's placeholders): those are
public, so a server using one has no secret at all.
"""

from __future__ import annotations

import base64
import binascii
import re

SECRET_KEY_MIN_LENGTH = 50
LOOKUP_KEY_MIN_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12

# Values published in this repository (config/settings/test.py, docs) and common placeholders.
KNOWN_PUBLIC_VALUES = frozenset(
    {
        "test-secret-key-not-for-production-0123456789",
        "test-lookup-key",
        "kWq1Yc3xq4gHzdD5f8O0l8wqv2n2X5l6Jt1m9b0cQeU=",
    }
)
PLACEHOLDER_WORDS = (
    "changeme",
    "change-me",
    "change_me",
    "not-for-production",
    "django-insecure",
    "placeholder",
    "your-secret",
    "your_secret",
    "xxxxxxxx",
    "replace-me",
    "example",
)

_FERNET_TEXT = re.compile(r"[A-Za-z0-9_-]{43}=")

GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
GENERATE_FERNET = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


def _public_value_problem(value: str) -> str | None:
    if value in KNOWN_PUBLIC_VALUES:
        return "是本项目代码或文档中公开的示例值"
    lowered = value.lower()
    for word in PLACEHOLDER_WORDS:
        if word in lowered:
            return f"含有占位词“{word}”"
    return None


def text_key_problem(value: str, *, min_length: int) -> str | None:
    """Why `value` is not an acceptable random text key (a Chinese phrase), or None."""
    if not value:
        return "未设置"
    if len(value) < min_length:
        return f"长度只有{len(value)}个字符，至少需要{min_length}个"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return (
            f"只含{len(set(value))}种不同字符，至少需要{MIN_DISTINCT_CHARACTERS}种（应为随机生成）"
        )
    return _public_value_problem(value)


def fernet_key_problem(value: str) -> str | None:
    """Why `value` is not a usable Fernet key (a Chinese phrase), or None."""
    if not value:
        return "未设置"
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if not _FERNET_TEXT.fullmatch(value) or len(raw) != 32:
        return "不是有效的Fernet密钥（应为32字节的URL安全Base64编码，44个字符）"
    if len(set(raw)) < MIN_DISTINCT_CHARACTERS:
        return "不是随机生成的密钥（字节重复过多）"
    return _public_value_problem(value)


# Every key production reads from the environment, with its check. The audit chain's two keys
# (docs/operations.md section 6) are random text like the lookup key.
PRODUCTION_KEYS = (
    ("JIUZHU_SECRET_KEY", text_key_problem, {"min_length": SECRET_KEY_MIN_LENGTH}),
    ("JIUZHU_LOOKUP_KEY", text_key_problem, {"min_length": LOOKUP_KEY_MIN_LENGTH}),
    ("JIUZHU_FIELD_KEY", fernet_key_problem, {}),
    ("JIUZHU_AUDIT_KEY", text_key_problem, {"min_length": LOOKUP_KEY_MIN_LENGTH}),
    ("JIUZHU_AUDIT_ANCHOR_KEY", text_key_problem, {"min_length": LOOKUP_KEY_MIN_LENGTH}),
)


def production_key_problems(env: dict[str, str]) -> list[str]:
    """Every problem with the production keys in `env`, one Chinese line each."""
    problems = []
    seen: dict[str, str] = {}
    for name, check, options in PRODUCTION_KEYS:
        value = env.get(name, "")
        problem = check(value, **options)
        if problem:
            problems.append(f"{name}：{problem}")
        elif value in seen:
            problems.append(f"{name}：与 {seen[value]} 相同，每个密钥必须各不相同")
        seen.setdefault(value, name)
    return problems


def refusal_message(problems: list[str]) -> str:
    """The start-up error: what is wrong and how to generate good keys."""
    lines = "\n".join(f"  - {p}" for p in problems)
    return (
        "生产环境拒绝启动：密钥不安全。\n"
        f"{lines}\n"
        "生成 JIUZHU_SECRET_KEY、JIUZHU_LOOKUP_KEY、JIUZHU_AUDIT_KEY 或 JIUZHU_AUDIT_ANCHOR_KEY："
        f"{GENERATE_SECRET}\n"
        f"生成 JIUZHU_FIELD_KEY：{GENERATE_FERNET}\n"
        "注意：已有数据的系统不能随意更换 JIUZHU_FIELD_KEY 和 JIUZHU_LOOKUP_KEY（见 docs/operations.md"
        "第3节），已有审计记录的系统不能更换两个审计密钥（见第6节）。"
    )
