import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

OPEN_PREFIXES = ("/static/", "/accounts/login", "/accounts/logout", "/accounts/otp")


class IdleTimeoutMiddleware:
    """Log out a session that has been idle longer than JIUZHU_IDLE_TIMEOUT_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen", now)
            if now - last > settings.JIUZHU_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "长时间未操作，已自动退出，请重新登录。")
                return redirect(settings.LOGIN_URL)
            if now - last > 30:  # avoid rewriting the session on every request
                request.session["last_seen"] = now
            request.session.setdefault("last_seen", now)
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """County roles must pass TOTP before any page (a setting; the demo turns it off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.JIUZHU_REQUIRE_2FA_FOR_COUNTY
            and user.is_authenticated
            and getattr(user, "is_county_role", False)
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return redirect(reverse("accounts:otp") + f"?next={request.path}")
        return self.get_response(request)
