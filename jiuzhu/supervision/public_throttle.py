"""How many complaints the public form takes: per client address per day, and per day in all
(settings JIUZHU_COMPLAINTS_PER_IP_DAY, JIUZHU_COMPLAINTS_PER_DAY). Counted in the default cache
like the login throttle (jiuzhu.accounts.throttle); two submissions at the same instant may be
counted once, which lets a sender one extra complaint at most."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

PER_IP_DAY, PER_DAY = 5, 500  # defaults when the settings do not say


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "JIUZHU_COMPLAINTS_PER_IP_DAY", PER_IP_DAY),
        getattr(settings, "JIUZHU_COMPLAINTS_PER_DAY", PER_DAY),
    )


def _keys(ip: str) -> tuple[str, str]:
    day = timezone.localdate().isoformat()
    digest = hashlib.sha256(ip.encode()).hexdigest()[:32]
    return f"jiuzhu:complaints:{day}:{digest}", f"jiuzhu:complaints:{day}:all"


def allowed(ip: str) -> bool:
    per_ip, per_day = _limits()
    ip_key, all_key = _keys(ip)
    return cache.get(ip_key, 0) < per_ip and cache.get(all_key, 0) < per_day


def count(ip: str) -> None:
    for key in _keys(ip):
        cache.set(key, cache.get(key, 0) + 1, timeout=2 * 24 * 3600)
