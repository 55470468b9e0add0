"""Signed anchor files: the audit chain's head (sequence number, hash, row count, time, host)
written outside the database, so that even someone holding the audit key cannot rewrite rows up
to the last anchor without the anchors giving it away.

Signed with Ed25519 (``cryptography``), not an HMAC: an HMAC key that checks a file can also
forge one, so only the server could check its own anchors; with Ed25519 the public key can be
printed on the anchor sheet and handed to the inspector or the province, who can then check an
anchor file with any Ed25519 tool, holding nothing that lets them make one. The private key is
derived (SHA-256) from ``JIUZHU_AUDIT_ANCHOR_KEY``, a random text like the other keys, so it is
generated and kept the same way; it is a second key, apart from the audit key, and like it never
in the database.

A file is UTF-8 JSON: the fields below, the signer's public key, and the signature (base64) of
the canonical JSON of everything else. Pure: no Django.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FORMAT = "jiuzhu-audit-anchor/1"
_SEED_CONTEXT = "jiuzhu-audit-anchor-key|"


class AnchorFileError(ValueError):
    """An anchor file that cannot be trusted; ``str(error)`` is Chinese."""


@dataclass(frozen=True)
class AnchorHead:
    seq: int  # the last sequence number when anchored
    hash: str  # its hash
    count: int  # rows in the table up to seq (equals seq in a whole chain)
    at: str  # ISO 8601, UTC
    host: str  # the server that wrote the file


def signing_key(secret: str) -> Ed25519PrivateKey:
    """The Ed25519 key derived from the configured anchor key text."""
    if not secret:
        raise AnchorFileError("未设置存证签名密钥（JIUZHU_AUDIT_ANCHOR_KEY）")
    seed = hashlib.sha256((_SEED_CONTEXT + secret).encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def fingerprint(key: Ed25519PublicKey) -> str:
    """A short, readable name of the public key (for the printed sheet): 4 groups of 4."""
    digest = hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def _signed_text(fields: dict) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def dumps(head: AnchorHead, key: Ed25519PrivateKey) -> bytes:
    """The file's bytes: the head, the public key and the signature."""
    fields = {"format": FORMAT, **asdict(head), "public_key": public_key_text(key.public_key())}
    signature = base64.b64encode(key.sign(_signed_text(fields))).decode()
    return json.dumps({**fields, "signature": signature}, ensure_ascii=False, indent=1).encode()


def loads(data: bytes, public: Ed25519PublicKey) -> AnchorHead:
    """The head in a file, after checking its signature with `public` (the configured key's,
    never the one the file names: anyone can sign with a key of their own)."""
    try:
        fields = json.loads(data.decode())
        signature = base64.b64decode(fields.pop("signature"), validate=True)
        head = AnchorHead(
            seq=int(fields["seq"]),
            hash=str(fields["hash"]),
            count=int(fields["count"]),
            at=str(fields["at"]),
            host=str(fields["host"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise AnchorFileError("存证文件无法读取（内容不完整或被改动）") from None
    if fields.get("format") != FORMAT:
        raise AnchorFileError("存证文件格式不对")
    if fields.get("public_key") != public_key_text(public):
        raise AnchorFileError("存证文件不是用本系统的存证密钥签名的（公钥不同）")
    try:
        public.verify(signature, _signed_text(fields))
    except InvalidSignature:
        raise AnchorFileError("存证文件签名无效：文件内容在签名之后被改动") from None
    return head


def hash_groups(text: str, size: int = 8) -> list[str]:
    """A hash in groups of `size` characters, for reading aloud and comparing on paper."""
    return [text[i : i + size] for i in range(0, len(text), size)]
