"""Rate limits of the API, counted in the default cache like the login throttle
(jiuzhu.accounts.throttle) and the public complaint form (supervision.public_throttle).

* per key: at most ``ApiKey.rate_per_minute`` calls in each clock minute (set when the key is
  issued; default 60) — past it, 429 until the minute turns; the first AUDITED_REFUSALS of
  those refusals are audited, later ones in the same minute not;
* per client address, for calls with a missing or wrong key: at most
  JIUZHU_API_FAILURES_PER_MINUTE (default 20) refusals a minute are answered (and audited);
  past it, 429 without an audit row, so a flood of made-up keys cannot flood the audit trail.

Two calls at the same instant may be counted once (the file cache has no atomic increment):
a caller gets an extra call at most, no one is refused wrongly."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

FAILURES_PER_MINUTE = 20
now = time.time  # replaced in tests


def _minute() -> int:
    return int(now() // 60)


def _hit(name: str) -> int:
    """Count one call under `name` in this minute; returns the count including it."""
    key = f"jiuzhu:api:{name}:{_minute()}"
    count = cache.get(key, 0) + 1
    cache.set(key, count, timeout=120)
    return count


AUDITED_REFUSALS = 10  # a key's refusals past its limit audited per minute; the rest are not


def key_allows(key_id: int, per_minute: int) -> tuple[bool, bool]:
    """(allowed, audit the answer): past the limit, the first AUDITED_REFUSALS refusals of the
    minute are audited, later ones not — a key cannot flood the audit trail either."""
    count = _hit(f"key:{key_id}")
    return count <= per_minute, count <= per_minute + AUDITED_REFUSALS


def failure_allowed(ip: str) -> bool:
    limit = getattr(settings, "JIUZHU_API_FAILURES_PER_MINUTE", FAILURES_PER_MINUTE)
    digest = hashlib.sha256(ip.encode()).hexdigest()[:32]
    return _hit(f"fail:{digest}") <= limit


def seconds_to_next_minute() -> int:
    return 60 - int(now()) % 60
