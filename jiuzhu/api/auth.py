"""Who is calling: the key in ``Authorization: Bearer <key>`` (or ``X-API-Key: <key>``), its
rate limit, its scopes and its regions. Every refusal is an ApiRefusal with a Chinese message;
an unknown region and a region outside the key's reach get the same 404, which reveals
nothing."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from jiuzhu.core.middleware import client_ip
from jiuzhu.regions.models import Region

from . import keys, selectors, throttle
from .models import ApiKey

NO_KEY = "缺少接口密钥：请在请求头中提供 Authorization: Bearer <密钥>"
BAD_KEY = "接口密钥无效、已过期或已吊销"
NO_REGION = "区域不存在或不在本密钥可读取的范围内"


class ApiRefusal(Exception):
    def __init__(self, status: int, message: str, *, audit: bool = True):
        super().__init__(message)
        self.status, self.message, self.audit = status, message, audit


def _presented(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()[:200]
    return request.headers.get("X-API-Key", "").strip()[:200]


def _refuse_unknown(request: HttpRequest, message: str) -> None:
    if not throttle.failure_allowed(client_ip(request)):
        raise ApiRefusal(429, "无效请求过多，请一分钟后再试", audit=False)
    raise ApiRefusal(401, message)


class KeyAuth(HttpBearer):
    """ninja's bearer scheme (so the OpenAPI document names it), also reading X-API-Key."""

    def __call__(self, request: HttpRequest) -> ApiKey:
        plaintext = _presented(request)
        if not plaintext:
            _refuse_unknown(request, NO_KEY)
        key = selectors.key_presented(plaintext)
        if key is None:
            request.api_key_prefix = keys.prefix_of(plaintext) or ""
            _refuse_unknown(request, BAD_KEY)
        if not key.usable() or not key.actor.is_active:
            request.api_key_refused = key  # audited as the agency's call, refused
            raise ApiRefusal(401, BAD_KEY)
        request.api_key = key
        allowed, audited = throttle.key_allows(key.pk, key.rate_per_minute)
        if not allowed:
            raise ApiRefusal(
                429,
                f"调用过于频繁：本密钥每分钟最多调用{key.rate_per_minute}次，请稍后再试",
                audit=audited,
            )
        return key

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:  # pragma: no cover
        return None  # __call__ does the work


def require_scope(request: HttpRequest, scope: str) -> ApiKey:
    key: ApiKey = request.auth
    if scope not in key.scopes:
        raise ApiRefusal(403, "本密钥没有此项权限（" + scope + "），请联系县级管理员")
    return key


def region_of(request: HttpRequest, code: str) -> Region:
    region = selectors.readable_region(request.auth, code)
    if region is None:
        raise ApiRefusal(404, NO_REGION)
    return region
