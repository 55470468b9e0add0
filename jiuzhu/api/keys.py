"""The key itself (pure, no database): ``jz_<prefix>_<secret>``. The prefix (8 characters) is
stored and shown so an administrator can tell keys apart and the server can find the key's row;
the secret (43 characters, 256 random bits) is shown once at creation and never stored — only
the SHA-256 of the whole key is. A slow password hash is not needed: the secret is random, not
chosen by a person, so it cannot be guessed from its hash by trying likely values."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

_PREFIX_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud on the phone
PREFIX_LENGTH = 8
_KEY_RE = re.compile(r"^jz_([a-z2-9]{8})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class NewKey:
    prefix: str
    plaintext: str  # shown once
    digest: str  # stored


def digest_of(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def new_key() -> NewKey:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    plaintext = f"jz_{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(prefix=prefix, plaintext=plaintext, digest=digest_of(plaintext))


def prefix_of(plaintext: str) -> str | None:
    """The prefix of a well-formed key, None for anything else (never raises)."""
    match = _KEY_RE.match(plaintext or "")
    return match.group(1) if match else None


def matches(plaintext: str, digest: str) -> bool:
    """Constant-time comparison of a presented key with the stored digest."""
    return hmac.compare_digest(digest_of(plaintext), digest)
