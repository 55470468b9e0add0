from django.conf import settings

from .requestctx import current_ip


def client_ip(request) -> str:
    """The client's address: behind the trusted proxy, the one it appended to X-Forwarded-For
    (the last; earlier entries are whatever the client sent, and would let it pose as any
    address to the audit trail and the login throttle)."""
    if settings.JIUZHU_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
