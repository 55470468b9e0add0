"""Anchors: the audit chain's head written outside the database, as signed files.

The keyed chain stops anyone without the audit key; the anchors stop a key holder too: a row
rewritten before the last anchor no longer matches the hash the anchor recorded, whatever was
recomputed after it. The files go into ``settings.JIUZHU_AUDIT_ANCHOR_DIR``, which should be on
another disk, another machine or a write-once (WORM) share; each is also listed in the database
(AuditAnchor) for the pages, but the file is the authority. ``jiuzhu audit anchor`` writes one;
one is written after every monthly cross-check run, and when a verification passes and the last
anchor is older than ANCHOR_EVERY (jiuzhu.core.audit_check).

Before anchoring, the rows since the previous anchor are checked to continue it: an anchor never
vouches for a chain that is already broken.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import anchorfile, audit, hashchain
from .errors import Conflict, JiuzhuError, PermissionDenied
from .models import AuditAnchor
from .month import format_date_cn

logger = logging.getLogger(__name__)

# "once a day": 20 hours, so that a nightly verification that ends a little earlier than the
# night before still anchors
ANCHOR_EVERY = timedelta(hours=20)
_FILES = "audit-anchor-*.json"


@lru_cache(maxsize=4)
def _signing_key(secret: str) -> Ed25519PrivateKey:
    return anchorfile.signing_key(secret)


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(settings.JIUZHU_AUDIT_ANCHOR_KEY)


def public_key_fingerprint() -> str:
    """What the printed sheet shows, so that a file can be checked against the right key."""
    return anchorfile.fingerprint(signing_key().public_key())


def anchor_dir() -> Path:
    return Path(settings.JIUZHU_AUDIT_ANCHOR_DIR)


@dataclass(frozen=True)
class AnchorFile:
    """A file in the anchor directory: its head when its signature holds, else why not."""

    name: str
    head: anchorfile.AnchorHead | None
    error: str = ""

    @property
    def label(self) -> str:
        """How the inspector is told about it: its time and file name."""
        if self.head is None:
            return f"存证文件{self.name}"
        return f"{cn_time(self.head.at)}的存证（{self.name}）"

    def point(self) -> hashchain.AnchorPoint:
        return hashchain.AnchorPoint(self.head.seq, self.head.hash, self.label)


def cn_time(iso: str) -> str:
    """An anchor's ISO time as the pages show times: 2026年11月22日 10:00:00 (local)."""
    local = timezone.localtime(datetime.fromisoformat(iso))
    return f"{format_date_cn(local.date())} {local:%H:%M:%S}"


def read_anchor_file(path: Path) -> AnchorFile:
    try:
        return AnchorFile(
            path.name, anchorfile.loads(path.read_bytes(), signing_key().public_key())
        )
    except anchorfile.AnchorFileError as exc:
        return AnchorFile(path.name, None, str(exc))
    except OSError:
        return AnchorFile(path.name, None, "存证文件无法读取")


def anchor_files() -> list[AnchorFile]:
    """Every anchor file in the directory, oldest first."""
    directory = anchor_dir()
    if not directory.is_dir():
        return []
    files = [read_anchor_file(path) for path in directory.glob(_FILES)]
    return sorted(files, key=lambda f: (f.head.seq if f.head else -1, f.name))


def anchor_create(*, made_by: str, actor) -> AuditAnchor:
    """Check the rows since the last anchor, then write the head into a new signed file and
    list it. Raises Conflict (nothing written) when the chain does not verify. Call it outside
    a transaction (the command line), or through anchor_after_commit. The actor is the
    operator's system actor or the user whose work asked for it (never None)."""
    if actor is None:
        raise PermissionDenied("存证须记录操作人")
    trusted = [f for f in anchor_files() if f.head is not None]
    head = audit.read_head()
    after = (trusted[-1].head.seq, trusted[-1].head.hash) if trusted else (0, hashchain.GENESIS)
    checked, problem = audit.verify(head=head, after=after)
    if problem is not None:
        raise Conflict(f"审计链校验未通过，不能存证：{problem.reason}")
    now = timezone.now()
    head_file = anchorfile.AnchorHead(
        seq=head.seq,
        hash=head.hash,
        # the previous anchor's count and the rows just verified after it (a chain that
        # verifies has no gap): not a count of the whole table, which grows every month
        count=(trusted[-1].head.count if trusted else 0) + checked,
        at=now.astimezone(UTC).isoformat(),
        host=socket.gethostname()[:100],
    )
    name = f"audit-anchor-{head.seq:012d}-{now.astimezone(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}.json"
    _write_new(anchor_dir() / name, anchorfile.dumps(head_file, signing_key()))
    with transaction.atomic():
        record = AuditAnchor.objects.create(
            seq=head_file.seq,
            hash=head_file.hash,
            count=head_file.count,
            at=now,
            host=head_file.host,
            file_name=name,
            made_by=made_by[:150],
        )
        audit.record(
            action="audit.anchor",
            actor=actor,
            obj=record,
            new={"seq": head_file.seq, "hash": head_file.hash, "file": name},
            reason=made_by,
        )
    return record


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (never replacing a file: the directory may be write-once) and flush it
    to the disk before the anchor is listed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def anchor_due() -> bool:
    last = AuditAnchor.objects.order_by("-at").values_list("at", flat=True).first()
    return last is None or timezone.now() - last >= ANCHOR_EVERY


def anchor_after_commit(*, made_by: str, actor, only_if_due: bool = False) -> None:
    """Anchor once the caller's transaction has committed: an anchor must never name a head
    that is then rolled back (its file would stay, and every later verification fail). With
    `only_if_due`, only when the last anchor is older than ANCHOR_EVERY. A failure is logged,
    not raised: the work that asked for the anchor is done, and the next verification reports
    a broken chain anyway."""

    def anchor() -> None:
        try:
            if not only_if_due or anchor_due():
                anchor_create(made_by=made_by, actor=actor)
        except (JiuzhuError, OSError, anchorfile.AnchorFileError) as exc:
            logger.error("audit anchor not written: %s", exc)

    transaction.on_commit(anchor)
