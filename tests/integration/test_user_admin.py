"""Operators manage accounts from the command line; every change is audited."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuzhu.accounts import services
from jiuzhu.accounts.models import User
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry


def test_add_user_with_role_and_region(regions):
    call_command(
        "jiuzhu_user",
        "add",
        "zhang-san",
        "--role",
        "township_officer",
        "--region",
        "433123109000",
        "--name",
        "张三",
        "--password",
        "Qiang-Mima-2026",
    )
    user = User.objects.get(username="zhang-san")
    assert user.region.name == "沱江镇" and user.check_password("Qiang-Mima-2026")
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_role_must_match_region_level_and_password_must_be_strong(regions):
    with pytest.raises(CommandError, match="乡镇"):
        call_command(
            "jiuzhu_user",
            "add",
            "x",
            "--role",
            "county_admin",
            "--region",
            "433123109000",
            "--password",
            "Qiang-Mima-2026",
        )
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command(
            "jiuzhu_user",
            "add",
            "y",
            "--role",
            "township_officer",
            "--region",
            "433123109000",
            "--password",
            "12345678",
        )
    assert not User.objects.filter(username__in=["x", "y"]).exists()


def test_only_county_admin_manages_accounts(users):
    with pytest.raises(PermissionDenied):
        services.user_set_password(
            actor=users["officer_a"], username="officer-b", password="Qiang-Mima-2026"
        )
    services.user_set_password(
        actor=users["county"], username="officer-b", password="Qiang-Mima-2026"
    )
    assert User.objects.get(username="officer-b").check_password("Qiang-Mima-2026")
    with pytest.raises(ValidationFailed):
        services.user_set_password(
            actor=users["county"], username="nobody", password="Qiang-Mima-2026"
        )


def test_reset_otp_removes_devices(users):
    TOTPDevice.objects.create(user=users["county"], name="phone", confirmed=True)
    call_command("jiuzhu_user", "reset-otp", "county-admin")
    assert not TOTPDevice.objects.filter(user=users["county"]).exists()
    assert AuditEntry.objects.filter(action="user.reset_otp").count() == 1


def test_unlock_after_lockout(client, users):
    from tests.conftest import PASSWORD

    for _ in range(5):
        client.post("/accounts/login/", {"username": "officer-a", "password": "wrong-password"})
    locked = client.post("/accounts/login/", {"username": "officer-a", "password": PASSWORD})
    assert "账号已被临时锁定" in locked.content.decode()
    call_command("jiuzhu_user", "unlock", "officer-a")
    response = client.post("/accounts/login/", {"username": "officer-a", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"  # the work queue
