import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from jiuzhu.core import audit
from jiuzhu.core.middleware import client_ip

from . import throttle


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续输错5次，账号将被锁定30分钟。",
        "inactive": "该账号已停用。",
    }


class LoginView(auth_views.LoginView):
    """Login with two limits: axes locks an account after 5 failures, and `throttle` refuses an
    address after many failures across accounts (checked before any password is)."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        seconds = throttle.blocked_for(client_ip(request))
        if seconds:
            # an unbound form: no password is checked, so no account is told apart from another
            form = self.get_form_class()(request, initial={"username": ""})
            form.cleaned_data = {}
            form.add_error(None, throttle.refusal_message(seconds))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.record_failure(client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(action="user.login", actor=form.get_user())
        return response


class TokenForm(forms.Form):
    token = forms.CharField(
        label="动态验证码",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


ENROL_SESSION_KEY = "otp_enrol"


def _enrolment_device(request) -> TOTPDevice:
    """The authenticator being bound, not yet stored: its key lives in the session from the page
    that shows the QR code until the first correct code is posted (a GET writes nothing)."""
    pending = request.session.get(ENROL_SESSION_KEY) or {}
    if pending.get("user") != request.user.pk:
        pending = {"user": request.user.pk, "key": random_hex(20)}
        request.session[ENROL_SESSION_KEY] = pending
    return TOTPDevice(user=request.user, name="手机令牌", key=pending["key"], confirmed=False)


def _stored_enrolment_device(request, device: TOTPDevice) -> TOTPDevice:
    """On a POST: the same key as a stored unconfirmed device, so django-otp's throttling of
    wrong codes has a row to count on."""
    stored, _ = TOTPDevice.objects.get_or_create(
        user=request.user, key=device.key, defaults={"name": device.name, "confirmed": False}
    )
    return stored


@login_required
def otp_view(request):
    """TOTP second factor: first use binds an authenticator app, later uses verify a code."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = _enrolment_device(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if enrolling:
            device = _stored_enrolment_device(request, device)
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                request.session.pop(ENROL_SESSION_KEY, None)
                audit.record(action="user.otp_enrol", actor=user, obj=user)
            otp_login(request, device)
            target = request.GET.get("next", "/")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = "/"
            return redirect(target)
        messages.error(request, "验证码不正确或已过期，请重新输入。")
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context["qr_svg"] = _qr_svg(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp.html", context)
