"""Logging in: Chinese pages, lockout after repeated failures (django-axes), an audited login,
the TOTP second factor for county roles, the idle timeout and the demo banner."""

import base64
import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuzhu.core.models import AuditEntry
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
HOUSEHOLDS = "/registry/households/"
OTP = "/accounts/otp/"


def post_login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def is_logged_in(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


def test_login_page_is_chinese(client, db):
    response = client.get(LOGIN)
    body = response.content.decode()
    assert response.status_code == 200
    assert "用户名" in body and "密码" in body
    assert 'name="username"' in body and 'name="password"' in body


def test_login_with_the_right_password(client, users):
    response = post_login(client, "officer-a")
    assert response.status_code == 302
    assert response.url == reverse("desk:home")  # the work queue
    assert is_logged_in(client, users["officer_a"])
    assert client.get(HOUSEHOLDS).status_code == 200


def test_wrong_password_is_refused_in_chinese(client, users):
    response = post_login(client, "officer-a", "not-the-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert not is_logged_in(client, users["officer_a"])


@pytest.mark.django_db
def test_lockout_after_five_failures_even_with_the_right_password(client, users):
    for _ in range(5):
        response = post_login(client, "officer-a", "wrong-password-0000")
        assert not is_logged_in(client, users["officer_a"])
    response = post_login(client, "officer-a")  # the right password, sixth attempt
    assert response.status_code != 302
    assert "账号已被临时锁定" in response.content.decode()
    assert not is_logged_in(client, users["officer_a"])
    assert client.get(HOUSEHOLDS).status_code == 302  # still anonymous

    # locking is per account: a colleague behind the same address still gets in
    response = post_login(client, "officer-b")
    assert response.status_code == 302
    assert is_logged_in(client, users["officer_b"])


def test_successful_login_is_audited(client, users):
    officer = users["officer_a"]
    assert not AuditEntry.objects.filter(action="user.login").exists()
    post_login(client, "officer-a")
    entries = list(AuditEntry.objects.filter(action="user.login"))
    assert len(entries) == 1
    assert entries[0].actor_id == officer.pk and entries[0].actor_name == "officer-a"


def test_failed_login_is_not_audited_as_login(client, users):
    post_login(client, "officer-a", "wrong-password-0000")
    assert not AuditEntry.objects.filter(action="user.login").exists()


def _wrong_token(device):
    """A six-digit code that is valid in none of the steps the device accepts."""
    valid = {
        totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=d)
        for d in range(-device.tolerance - 1, device.tolerance + 2)
    }
    return next(f"{n:06d}" for n in range(123456, 1000000) if n not in valid)


def _pending_device(client, user):
    """The authenticator shown on the binding page, whose key the session keeps until the first
    correct code is posted."""
    return TOTPDevice(user=user, key=client.session["otp_enrol"]["key"])


def test_county_admin_must_pass_totp(client, users, settings):
    settings.JIUZHU_REQUIRE_2FA_FOR_COUNTY = True
    # django-otp throttles a device for a second after a wrong code; not under test here
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    admin = users["county"]
    assert post_login(client, "county-admin").status_code == 302

    response = client.get(HOUSEHOLDS)
    assert response.status_code == 302
    assert response.url == f"{OTP}?next={HOUSEHOLDS}"

    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<img" in body and "data:image/svg+xml;base64," in body
    assert not TOTPDevice.objects.filter(user=admin).exists()  # a GET writes nothing
    device = _pending_device(client, admin)
    assert f"<code>{base64.b32encode(device.bin_key).decode()}</code>" in body

    wrong = client.post(f"{OTP}?next={HOUSEHOLDS}", {"token": _wrong_token(device)})
    assert wrong.status_code == 200
    assert "验证码不正确" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)  # stored on the first POST
    assert device.key == _pending_device(client, admin).key
    assert client.get(HOUSEHOLDS).status_code == 302

    right = client.post(f"{OTP}?next={HOUSEHOLDS}", {"token": f"{totp(device.bin_key):06d}"})
    assert right.status_code == 302 and right.url == HOUSEHOLDS
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOUSEHOLDS).status_code == 200
    assert AuditEntry.objects.filter(action="user.otp_enrol", actor=admin).count() == 1


def test_otp_next_to_another_site_is_ignored(client, users, settings):
    settings.JIUZHU_REQUIRE_2FA_FOR_COUNTY = True
    client.force_login(users["county"])
    client.get(OTP)
    device = _pending_device(client, users["county"])
    response = client.post(
        f"{OTP}?next=https://evil.example/", {"token": f"{totp(device.bin_key):06d}"}
    )
    assert response.status_code == 302 and response.url == "/"


def test_township_officer_is_not_asked_for_totp(client, users, settings):
    settings.JIUZHU_REQUIRE_2FA_FOR_COUNTY = True
    post_login(client, "officer-a")
    response = client.get(HOUSEHOLDS)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=users["officer_a"]).exists()


def test_county_admin_is_not_asked_when_2fa_is_off(client, users, settings):
    settings.JIUZHU_REQUIRE_2FA_FOR_COUNTY = False
    post_login(client, "county-admin")
    assert client.get(HOUSEHOLDS).status_code == 200


def test_idle_session_is_logged_out(client, users, settings):
    settings.JIUZHU_IDLE_TIMEOUT_SECONDS = 60
    officer = users["officer_a"]
    post_login(client, "officer-a")
    assert client.get(HOUSEHOLDS).status_code == 200
    assert is_logged_in(client, officer)

    session = client.session
    session["last_seen"] = int(time.time()) - 120
    session.save()
    response = client.get(HOUSEHOLDS)
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert not is_logged_in(client, officer)
    again = client.get(HOUSEHOLDS)
    assert again.status_code == 302 and again.url.startswith(reverse("accounts:login"))
    assert "长时间未操作" in client.get(LOGIN).content.decode()


def test_recently_active_session_stays(client, users, settings):
    settings.JIUZHU_IDLE_TIMEOUT_SECONDS = 60
    post_login(client, "officer-a")
    client.get(HOUSEHOLDS)
    session = client.session
    session["last_seen"] = int(time.time()) - 45
    session.save()
    assert client.get(HOUSEHOLDS).status_code == 200
    assert is_logged_in(client, users["officer_a"])


@pytest.mark.parametrize("demo", [True, False])
def test_demo_banner(client, db, settings, demo):
    settings.JIUZHU_DEMO = demo
    body = client.get(LOGIN).content.decode()
    assert ("演示环境" in body) is demo
