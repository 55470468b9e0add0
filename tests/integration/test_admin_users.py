"""系统管理 → 用户: the county administrator manages the county's accounts in the web UI, through
the same services as the `jiuzhu user` command; every change is audited, another county's
accounts do not exist for them, and the county always keeps an active administrator."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuzhu.accounts import services
from jiuzhu.accounts.models import User
from jiuzhu.accounts.system import system_actor
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.regions.models import Region
from tests.conftest import PASSWORD, TOWNSHIP_A, TOWNSHIP_B

LIST = "/accounts/admin/users/"
NEW = "/accounts/admin/users/new/"
COUNTY = "433123000000"


def detail(user) -> str:
    return f"/accounts/admin/users/{user.pk}/"


def action(user, name: str) -> str:
    return f"/accounts/admin/users/{user.pk}/{name}/"


def audited(action_name: str, user, actor) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=action_name, object_id=str(user.pk), object_type="accounts.user", actor=actor
        )
    )


def logs_in(username: str) -> bool:
    response = Client().post("/accounts/login/", {"username": username, "password": PASSWORD})
    return response.status_code == 302


@pytest.fixture
def other_county(db):
    county = Region.objects.create(code="433199000000", name="测试县", level="county")
    town = Region.objects.create(
        code="433199100000", name="测试镇", level="township", parent=county
    )
    stranger = User.objects.create(
        username="stranger-officer", role="township_officer", region=town, full_name="外县人员"
    )
    stranger.set_password(PASSWORD)
    stranger.save()
    return {"county": county, "town": town, "user": stranger}


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["county"])
    return client


def test_list_shows_the_countys_accounts_in_chinese_and_filters(admin_client, users, other_county):
    users["officer_a"].full_name = "张晓梅"
    users["officer_a"].save()
    TOTPDevice.objects.create(user=users["inspector"], name="手机令牌", confirmed=True)
    system_actor("cli")
    body = admin_client.get(LIST).content.decode()
    assert "张晓梅" in body and "乡镇民政经办人员" in body and "沱江镇" in body
    assert "officer-b" in body and "山江镇" in body
    assert "stranger-officer" not in body and "外县人员" not in body  # another county
    assert "system-cli" not in body  # a system actor is nobody's to manage
    assert "township_officer" not in body.split('id="users"')[1]  # codes stay out of the rows
    assert body.count("未绑定") == 5 and body.count("已绑定") == 1
    assert "在用" in body

    only_officers = admin_client.get(LIST, {"role": "township_officer"}).content.decode()
    assert "officer-a" in only_officers and "inspector" not in only_officers.split('id="users"')[1]
    in_a = admin_client.get(LIST, {"region": TOWNSHIP_A}).content.decode().split('id="users"')[1]
    assert "officer-a" in in_a and "village-a" in in_a and "officer-b" not in in_a
    # another county's region in the filter is ignored, not a way in
    foreign = admin_client.get(LIST, {"region": other_county["town"].code}).content.decode()
    assert "stranger-officer" not in foreign and "officer-a" in foreign


def test_list_pages_and_keeps_its_filters(admin_client, regions):
    for i in range(55):
        User.objects.create(
            username=f"cun-{i:02d}", role="township_officer", region=regions[TOWNSHIP_B]
        )
    first = admin_client.get(LIST, {"region": TOWNSHIP_B}).content.decode()
    assert "第 1 / 2 页" in first and f"region={TOWNSHIP_B}&amp;page=2" in first
    second = admin_client.get(LIST, {"region": TOWNSHIP_B, "page": "2"}).content.decode()
    assert "第 2 / 2 页" in second and "cun-54" in second and "officer-a" not in second


def test_create_with_a_generated_password_shown_once(admin_client, users):
    response = admin_client.post(
        NEW,
        {
            "full_name": "吴建国",
            "username": "wu-jianguo",
            "role": "township_head",
            "region": TOWNSHIP_A,
            "unit": "沱江镇人民政府",
            "password": "",
        },
    )
    assert response.status_code == 200
    user = User.objects.get(username="wu-jianguo")
    shown = response.content.decode().split('id="shown-password">')[1].split("<")[0]
    assert len(shown) >= 12 and user.check_password(shown)
    assert user.role == "township_head" and user.region.code == TOWNSHIP_A
    assert user.full_name == "吴建国" and user.unit == "沱江镇人民政府"
    [entry] = audited("user.create", user, users["county"])
    assert entry.new["role"] == "township_head" and shown not in str(entry.new)
    # shown once: the account page never shows it again
    assert shown not in admin_client.get(detail(user)).content.decode()


def test_create_refuses_a_wrong_level_a_weak_password_and_another_county(
    admin_client, other_county
):
    base = {"full_name": "某某", "username": "x1", "unit": ""}
    wrong_level = admin_client.post(
        NEW, {**base, "role": "county_admin", "region": TOWNSHIP_A, "password": ""}
    )
    assert "县级管理员应设在县（区）一级" in wrong_level.content.decode()
    weak = admin_client.post(
        NEW, {**base, "role": "township_officer", "region": TOWNSHIP_A, "password": "12345678"}
    )
    assert "密码不符合要求" in weak.content.decode()
    foreign = admin_client.post(
        NEW,
        {**base, "role": "township_officer", "region": other_county["town"].code, "password": ""},
    )
    assert foreign.status_code == 200 and "测试镇" not in foreign.content.decode()
    assert not User.objects.filter(username="x1").exists()
    assert not AuditEntry.objects.filter(action="user.create").exists()


def test_role_and_region_change_is_audited(admin_client, users):
    officer = users["officer_a"]
    response = admin_client.post(
        detail(officer),
        {"full_name": "张三", "role": "township_head", "region": TOWNSHIP_B, "unit": ""},
    )
    assert response.status_code == 303
    officer.refresh_from_db()
    assert officer.role == "township_head" and officer.region.code == TOWNSHIP_B
    [entry] = audited("user.update", officer, users["county"])
    assert entry.old["role"] == "township_officer" and entry.new["role"] == "township_head"
    assert entry.old["region"] == TOWNSHIP_A and entry.new["region"] == TOWNSHIP_B
    page = admin_client.get(detail(officer)).content.decode()
    assert "修改账号信息" in page  # the account's own history, in Chinese


def test_unlock_through_the_page(client, users):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "officer-a", "password": "wrong-password"})
    assert "账号已被临时锁定" in (
        client.post(
            "/accounts/login/", {"username": "officer-a", "password": PASSWORD}
        ).content.decode()
    )
    client.force_login(users["county"])
    locked = client.get(LIST, {"status": "locked"}).content.decode().split('id="users"')[1]
    assert "officer-a" in locked and "已锁定" in locked and "officer-b" not in locked
    assert 'id="unlock"' in client.get(detail(users["officer_a"])).content.decode()
    response = client.post(action(users["officer_a"], "unlock"), follow=True)
    assert "已解除账号锁定" in response.content.decode()
    assert len(audited("user.unlock", users["officer_a"], users["county"])) == 1
    client.logout()
    again = client.post("/accounts/login/", {"username": "officer-a", "password": PASSWORD})
    assert again.status_code == 302


def test_reset_second_factor_through_the_page(admin_client, users):
    inspector = users["inspector"]
    TOTPDevice.objects.create(user=inspector, name="手机令牌", confirmed=True)
    assert 'id="reset-otp"' in admin_client.get(detail(inspector)).content.decode()
    admin_client.post(action(inspector, "reset-otp"))
    assert not TOTPDevice.objects.filter(user=inspector).exists()
    [entry] = audited("user.reset_otp", inspector, users["county"])
    assert entry.new == {"removed": 1}


def test_reset_password_shows_the_new_one_once(admin_client, users):
    officer = users["officer_b"]
    response = admin_client.post(f"/accounts/admin/users/{officer.pk}/password/", {})
    shown = response.content.decode().split('id="shown-password">')[1].split("<")[0]
    officer.refresh_from_db()
    assert officer.check_password(shown) and not officer.check_password(PASSWORD)
    assert len(audited("user.set_password", officer, users["county"])) == 1


def test_deactivate_and_reactivate(client, users):
    officer = users["officer_b"]
    client.force_login(users["county"])
    client.post(action(officer, "deactivate"), {"reason": "调离民政岗位"})
    officer.refresh_from_db()
    assert not officer.is_active
    [entry] = audited("user.deactivate", officer, users["county"])
    assert entry.reason == "调离民政岗位"
    assert "已停用" in client.get(LIST, {"status": "inactive"}).content.decode()
    assert not logs_in("officer-b")
    client.post(action(officer, "reactivate"))
    officer.refresh_from_db()
    assert officer.is_active and len(audited("user.reactivate", officer, users["county"])) == 1
    assert logs_in("officer-b")


def test_nobody_deactivates_themselves_or_the_last_administrator(admin_client, users, make_user):
    me = users["county"]
    response = admin_client.post(action(me, "deactivate"), follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active
    with pytest.raises(ValidationFailed, match="不能修改自己的角色"):
        services.user_update(
            actor=me, username=me.username, role="inspector", region_code=COUNTY, full_name=""
        )
    # a second administrator may be stopped while one remains ...
    second = make_user("county-admin-2", "county_admin", COUNTY)
    services.user_deactivate(actor=me, username=second.username)
    # ... but the operator cannot stop or demote the last one
    cli = system_actor("cli")
    with pytest.raises(ValidationFailed, match="唯一在用的县级管理员"):
        services.user_deactivate(actor=cli, username=me.username)
    with pytest.raises(ValidationFailed, match="唯一在用的县级管理员"):
        services.user_update(
            actor=cli, username=me.username, role="inspector", region_code=COUNTY, full_name=""
        )
    me.refresh_from_db()
    assert me.is_active and me.role == "county_admin"
    assert not AuditEntry.objects.filter(action="user.deactivate", object_id=str(me.pk)).exists()


def test_another_countys_account_is_not_found(admin_client, users, other_county):
    stranger = other_county["user"]
    assert admin_client.get(detail(stranger)).status_code == 404
    for name in ("unlock", "reset-otp", "deactivate", "reactivate"):
        response = admin_client.post(action(stranger, name))
        assert response.status_code == 404 and "外县人员" not in response.content.decode()
    assert admin_client.post(f"/accounts/admin/users/{stranger.pk}/password/").status_code == 404
    # the services refuse too, without saying whether the account exists elsewhere
    with pytest.raises(ValidationFailed) as refused:
        services.user_deactivate(actor=users["county"], username=stranger.username)
    assert "测试县" not in refused.value.message and "外县人员" not in refused.value.message
    with pytest.raises(ValidationFailed):
        services.user_set_password(
            actor=users["county"], username=stranger.username, password="Xk9-long-password"
        )
    stranger.refresh_from_db()
    assert stranger.is_active and stranger.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(object_id=str(stranger.pk)).exists()


def test_a_township_officer_cannot_reach_the_pages_or_the_services(client, users):
    officer, colleague = users["officer_a"], users["officer_b"]
    client.force_login(officer)
    assert "系统管理" not in client.get("/registry/households/").content.decode()
    assert client.get(LIST).status_code == 404
    assert client.get(NEW).status_code == 404
    assert client.get(detail(colleague)).status_code == 404
    assert client.post(action(colleague, "deactivate")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=officer, username=colleague.username)
    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=officer,
            username=colleague.username,
            role="township_head",
            region_code=TOWNSHIP_B,
            full_name="",
        )
    colleague.refresh_from_db()
    assert colleague.is_active and colleague.role == "township_officer"


def test_the_administrator_finds_the_menu(admin_client):
    body = admin_client.get("/registry/households/").content.decode()
    assert 'href="/accounts/admin/users/">系统管理</a>' in body


def test_the_command_line_uses_the_same_services(users):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("jiuzhu_user", "deactivate", "officer-b", "--reason", "退休")
    officer = User.objects.get(username="officer-b")
    assert not officer.is_active
    [entry] = audited("user.deactivate", officer, system_actor("cli"))
    assert entry.reason == "退休"
    call_command("jiuzhu_user", "reactivate", "officer-b")
    assert User.objects.get(username="officer-b").is_active
    with pytest.raises(CommandError, match="唯一在用的县级管理员"):
        call_command("jiuzhu_user", "deactivate", "county-admin")
