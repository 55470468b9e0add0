"""The API object (django-ninja, OpenAPI 3 at /api/v1/openapi.json), its errors as Chinese JSON,
and the audit of every call.

No interactive docs page: ninja's loads Swagger UI from a CDN, and this system serves nothing
from a CDN; docs/api.md documents the API and the OpenAPI document is served for tools."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from jiuzhu.core.errors import Conflict, JiuzhuError, PermissionDenied

from . import endpoints_figures, endpoints_roster, endpoints_snapshots, services, throttle
from .auth import BAD_KEY, ApiRefusal, KeyAuth


class ChineseJSON(JSONRenderer):
    """UTF-8 JSON: the Chinese messages readable as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="救助系统对外接口",
    version="1",
    description="供省级平台和其他部门按密钥读取统计数据、在保名册（脱敏）和推送比对数据。"
    "说明见 docs/api.md。",
    auth=KeyAuth(),
    docs_url=None,
    renderer=ChineseJSON(),
    urls_namespace="api:v1",  # included under api/ (jiuzhu.api.urls) as v1
)
api.add_router("/roster", endpoints_roster.router)
api.add_router("/snapshots", endpoints_snapshots.router)
api.add_router("/forms", endpoints_figures.forms_router)
api.add_router("/dashboard", endpoints_figures.dashboard_router)


def _error(request: HttpRequest, status: int, message: str, **extra) -> HttpResponse:
    request.api_detail = message
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(ApiRefusal)
def _refusal(request, exc: ApiRefusal):
    if not exc.audit:
        request.api_no_audit = True
    response = _error(request, exc.status, exc.message)
    if exc.status == 429:
        response["Retry-After"] = str(throttle.seconds_to_next_minute())
    return response


def _field(loc) -> str:
    """("query", "page_size") → page_size; ("file", "file") → file."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in ("query", "path", "body", "form", "file"):
        parts = parts[1:]
    return ".".join(parts) or "请求"


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    fields = sorted({_field(e.get("loc", ())) for e in exc.errors})
    missing = sorted({_field(e.get("loc", ())) for e in exc.errors if e.get("type") == "missing"})
    if missing and missing == fields:
        return _error(request, 422, "缺少必填参数：" + "、".join(fields), fields=fields)
    return _error(request, 422, "请求参数不正确：" + "、".join(fields), fields=fields)


@api.exception_handler(JiuzhuError)
def _service_error(request, exc: JiuzhuError):
    """A service's refusal: permission 403, someone changed it first 409, a rule (and any other
    service error, ValidationFailed among them) 422."""
    status = 403 if isinstance(exc, PermissionDenied) else 409 if isinstance(exc, Conflict) else 422
    return _error(request, status, exc.message)


@api.exception_handler(Http404)
def _not_found(request, exc):
    message = str(exc)  # a service's own Chinese message, else a plain one
    return _error(
        request, 404, message if any("\u4e00" <= c <= "\u9fff" for c in message) else "未找到"
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, BAD_KEY)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "请求无效，请检查请求的格式")


def _clean(value: str, limit: int) -> str:
    return "".join(c for c in str(value) if c.isprintable())[:limit]


def _call(request: HttpRequest, response: HttpResponse, kwargs: dict) -> services.Call:
    query = request.GET
    return services.Call(
        method=_clean(request.method or "", 10),
        endpoint=_clean(request.path, 200),
        status=response.status_code,
        region=_clean(query.get("region", ""), 20),
        month=_clean(query.get("month", ""), 10),
        code=_clean(kwargs.get("code") or "", 40),
        key_prefix=_clean(getattr(request, "api_key_prefix", ""), 12),
        detail=_clean(getattr(request, "api_detail", ""), 200),
    )


def _json_405(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ninja answers a method a path does not take in plain text: in JSON, in Chinese."""
    if response.status_code != 405 or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    answer = _error(request, 405, "该接口不支持此请求方法：" + _clean(request.method or "", 10))
    answer["Allow"] = response.get("Allow", "")
    return answer


def audited(view):
    """Wrap one of ninja's views: after the answer, the call goes to the audit trail (who, the
    endpoint, region, month, status) — unless it is the OpenAPI document or a refusal past the
    per-address limit (throttle)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = _json_405(request, view(request, *args, **kwargs))
        if getattr(request, "api_no_audit", False):
            return response
        key = getattr(request, "api_key", None) or getattr(request, "api_key_refused", None)
        services.api_call_record(key=key, call=_call(request, response, kwargs))
        return response

    return wrapper


def api_index(request: HttpRequest) -> HttpResponse:
    """/api/v1/: where the OpenAPI document and the documentation are (no key, no data)."""
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "openapi": request.path.rstrip("/") + "/openapi.json",
            "docs": "docs/api.md",
        },
        json_dumps_params={"ensure_ascii": False},
    )


def url_patterns() -> list[URLPattern]:
    """ninja's URL patterns, each view audited except the OpenAPI document's; ninja's root (a
    404 page) answers with the JSON index instead."""
    patterns, _app, _namespace = api.urls
    out = []
    for p in patterns:
        if p.name == "openapi-json":
            out.append(p)
        elif p.name == "api-root":
            out.append(URLPattern(p.pattern, api_index, p.default_args, p.name))
        else:
            out.append(URLPattern(p.pattern, audited(p.callback), p.default_args, p.name))
    return out
