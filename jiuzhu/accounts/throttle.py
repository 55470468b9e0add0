"""Per-address login throttle, beside django-axes' per-account lockout.

Axes locks an account after 5 failures (AXES_FAILURE_LIMIT), whoever tries it; it cannot also
count failures per address at a different threshold (its limit is one number for every lockout
parameter). So one password tried across many accounts from one address would be unlimited. This
module counts failed logins per client address (taken as the audit trail takes it,
`jiuzhu.core.middleware.client_ip`): more than JIUZHU_LOGIN_IP_FAILURE_LIMIT failures within
JIUZHU_LOGIN_IP_WINDOW_SECONDS refuse every login attempt from that address for
JIUZHU_LOGIN_IP_COOLOFF_SECONDS, before any password is checked, with the same message whatever
the account, so the refusal says nothing about which accounts exist. The threshold is well above
axes' 5 because a township office puts all its staff behind one NAT address.

Counters live in the default cache (a file cache shared by the server's processes on one host).
Two failures at the same instant may be counted once (the cache has no atomic append); that
lets an attacker a few extra tries at most, never locks anyone out wrongly. A successful login
does not clear an address's count: one valid account must not reset the throttle for the rest.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from jiuzhu.core import audit

now = time.time  # replaced in tests that step past the cool-off


@dataclass(frozen=True)
class Limits:
    failures: int
    window: int  # seconds
    cooloff: int  # seconds


def limits() -> Limits:
    return Limits(
        failures=settings.JIUZHU_LOGIN_IP_FAILURE_LIMIT,
        window=settings.JIUZHU_LOGIN_IP_WINDOW_SECONDS,
        cooloff=settings.JIUZHU_LOGIN_IP_COOLOFF_SECONDS,
    )


def _keys(ip: str) -> tuple[str, str]:
    digest = hashlib.sha256(ip.encode()).hexdigest()[:32]
    return f"jiuzhu:login-failures:{digest}", f"jiuzhu:login-blocked:{digest}"


def blocked_for(ip: str) -> int:
    """Seconds until login attempts from `ip` are accepted again (0: not blocked)."""
    until = cache.get(_keys(ip)[1])
    remaining = (until or 0) - now()
    return int(remaining) + 1 if remaining > 0 else 0


def record_failure(ip: str) -> bool:
    """Count one failed login from `ip`. Returns True when this failure blocks the address
    (the block is audited once, not each refused attempt after it)."""
    rule = limits()
    failures_key, blocked_key = _keys(ip)
    moment = now()
    recent = [t for t in cache.get(failures_key, []) if t > moment - rule.window]
    recent.append(moment)
    if len(recent) <= rule.failures:
        cache.set(failures_key, recent, timeout=rule.window)
        return False
    until = moment + rule.cooloff
    cache.set(blocked_key, until, timeout=rule.cooloff + 60)
    cache.delete(failures_key)  # after the cool-off the address starts afresh
    audit.record(
        action="user.login_ip_throttled",
        new={
            "ip": ip,
            "failures": len(recent),
            "window_minutes": rule.window // 60,
            "cooloff_minutes": rule.cooloff // 60,
        },
    )
    return True


def refusal_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"本网络地址登录失败次数过多，已暂停登录，请{minutes}分钟后再试。如有疑问，请联系县级管理员。"
