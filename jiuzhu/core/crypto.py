"""Personal data at rest: Fernet ciphertext for reading back, keyed HMAC for exact lookup.

An ID number or bank account is stored three ways: ciphertext (full value, audited to view),
a keyed hash (equality search without decrypting), and a masked string for display.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    return _fernet(settings.JIUZHU_FIELD_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(settings.JIUZHU_FIELD_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or damaged value: never leak the token itself
        raise ValueError("加密数据无法解密（密钥不匹配或数据损坏）") from exc


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet(settings.JIUZHU_FIELD_KEY).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet(settings.JIUZHU_FIELD_KEY).decrypt(token)


def lookup_hash(value: str, *, purpose: str) -> str:
    """Keyed hash for exact-match lookup; `purpose` separates ID numbers from bank accounts."""
    if not value:
        return ""
    key = settings.JIUZHU_LOOKUP_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
