"""Command-line, scheduled and demo work act as a named system actor (accounts.system): the
audit trail names it, it cannot log in, and nobody can create or manage such an account."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiuzhu.accounts import services
from jiuzhu.accounts.models import User
from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.models import AuditEntry
from tests.conftest import TOWNSHIP_A


def test_command_line_work_is_audited_under_the_system_actor(regions):
    call_command(
        "jiuzhu_user",
        "add",
        "new-officer",
        "--role",
        "township_officer",
        "--region",
        TOWNSHIP_A,
        "--password",
        "Xk9-long-password",
    )
    entry = AuditEntry.objects.get(action="user.create")
    cli = system_actor("cli")
    assert entry.actor_id == cli.pk and entry.actor_name == "system-cli"
    assert cli.is_system and cli.full_name == "系统（命令行）"


def test_a_system_actor_cannot_log_in(client, regions):
    cli = system_actor("cli")
    assert not cli.has_usable_password()
    for password in ("", "system", "!"):
        response = client.post("/accounts/login/", {"username": cli.username, "password": password})
        assert "_auth_user_id" not in client.session, password
        assert response.status_code in (200, 429)


def test_nobody_creates_or_manages_a_system_account(regions, users):
    admin = users["county"]
    with pytest.raises(ValidationFailed, match="角色无效"):
        services.user_create(
            actor=admin,
            username="x1",
            role="system",
            region_code="433123000000",
            password="Xk9-long-password",
        )
    with pytest.raises(ValidationFailed, match="系统保留"):
        services.user_create(
            actor=admin,
            username="system-cli2",
            role="township_officer",
            region_code=TOWNSHIP_A,
            password="Xk9-long-password",
        )
    system_actor("scheduler")
    with pytest.raises(ValidationFailed, match="用户不存在"):
        services.user_set_password(
            actor=system_actor("cli"), username="system-scheduler", password="Xk9-long-password"
        )
    with pytest.raises(CommandError):
        call_command("jiuzhu_user", "password", "system-scheduler", "--password", "Xk9-long-pw1")
    assert not User.objects.get(username="system-scheduler").has_usable_password()


def test_a_county_admin_manages_only_the_countys_accounts(regions, users):
    from jiuzhu.regions.models import Region

    other = Region.objects.create(code="433199000000", name="测试县", level="county")
    stranger = User.objects.create(username="stranger", role="county_admin", region=other)
    with pytest.raises(ValidationFailed, match="用户不存在"):
        services.user_unlock(actor=users["county"], username=stranger.username)
    with pytest.raises(ValidationFailed, match="不在您的管辖范围内"):
        services.user_create(
            actor=users["county"],
            username="x2",
            role="county_admin",
            region_code=other.code,
            password="Xk9-long-password",
        )
