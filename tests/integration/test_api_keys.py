"""系统管理 → 对外接口密钥: the county administrator issues a key (shown once, only its SHA-256
kept), which acts through its own account (the API role, the key's county, cannot log in, not
among the staff accounts) holding only its scopes; revoking it stops it at once; every step is
a service with permission, county and audit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Perm
from jiuzhu.api import services
from jiuzhu.api.models import ApiKey
from jiuzhu.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.regions.models import Region
from tests.conftest import first_village
from tests.integration.api_world import COUNTY, TOWNSHIP_A, call, fresh_counters, issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_counters")]
assert fresh_counters


def _form(**extra):
    return {
        "agency": "省民政厅核对中心",
        "purpose": "核对在保名册",
        "scopes": ["roster:read", "reports:read"],
        "regions": [TOWNSHIP_A],
        "rate_per_minute": "30",
        **extra,
    }


def test_the_administrator_issues_a_key_shown_once_and_stored_as_a_hash(client, users):
    client.force_login(users["county"])
    page = client.get(reverse("apikeys:key_list"))
    assert page.status_code == 200 and "对外接口密钥" in page.content.decode()
    response = client.post(reverse("apikeys:key_new"), _form())
    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    assert plaintext.startswith("jz_") and plaintext in response.content.decode()
    key = ApiKey.objects.get()
    assert key.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    secret = plaintext.split("_", 2)[2]
    stored = [str(v) for v in ApiKey.objects.values().get().values()]
    stored += [str(e.new) + e.reason + e.object_repr for e in AuditEntry.objects.all()]
    assert not any(secret in text for text in stored)
    assert key.scopes == ["roster:read", "reports:read"] and key.rate_per_minute == 30
    assert [r.code for r in key.regions.all()] == [TOWNSHIP_A]
    created = AuditEntry.objects.get(action="api.key_create")
    assert created.actor_id == users["county"].pk and created.new["agency"] == "省民政厅核对中心"
    # the list and the detail page show it, never the secret
    listed = client.get(reverse("apikeys:key_list")).content.decode()
    detail = client.get(reverse("apikeys:key_detail", args=[key.pk])).content.decode()
    for html in (listed, detail):
        assert key.prefix in html and "省民政厅核对中心" in html and secret not in html


def test_the_keys_account_cannot_log_in_and_is_not_a_staff_account(client, users):
    key, _plaintext = issue(users["county"])
    actor = User.objects.get(pk=key.actor_id)
    assert actor.role == "api" and actor.region.code == COUNTY
    assert not actor.has_usable_password() and not actor.is_system
    for password in ("", "anything", key.prefix):
        client.post("/accounts/login/", {"username": actor.username, "password": password})
        assert "_auth_user_id" not in client.session
    client.force_login(users["county"])
    users_page = client.get(reverse("sysadmin:user_list")).content.decode()
    assert actor.username not in users_page
    assert "对外接口密钥" in users_page  # the tab beside 用户 and 节假日


def test_the_keys_actor_holds_only_its_scopes_and_nothing_once_revoked(users):
    key, _ = issue(users["county"], scopes=["roster:read"])
    actor = key.actor
    assert actor.can(Perm.VIEW_HOUSEHOLDS)
    assert not actor.can(Perm.IMPORT_REGISTRIES) and not actor.can(Perm.VIEW_REPORTS)
    assert not actor.can(Perm.MANAGE_USERS) and not actor.can(Perm.VIEW_FULL_ID)
    services.api_key_revoke(actor=users["county"], key_id=key.pk, reason="停止合作")
    key.refresh_from_db()
    key.actor.refresh_from_db()
    assert not key.actor.can(Perm.VIEW_HOUSEHOLDS)
    assert not User.objects.get(pk=key.actor_id).is_active


def test_revoking_on_the_page_stops_the_key_at_once(client, users):
    key, plaintext = issue(users["county"])
    url = f"/api/v1/roster?region={COUNTY}"
    assert call("get", url, plaintext).status_code == 200
    client.force_login(users["county"])
    client.post(reverse("apikeys:key_revoke", args=[key.pk]), {"reason": "密钥泄露"})
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoke_reason == "密钥泄露"
    assert key.revoked_by_id == users["county"].pk
    assert call("get", url, plaintext).status_code == 401
    revoked = AuditEntry.objects.get(action="api.key_revoke")
    assert revoked.reason == "密钥泄露" and revoked.new["status"] == "revoked"
    with pytest.raises(Conflict):
        services.api_key_revoke(actor=users["county"], key_id=key.pk, reason="再次")
    page = client.get(reverse("apikeys:key_detail", args=[key.pk])).content.decode()
    assert "已吊销" in page and "密钥泄露" in page and 'id="revoke"' not in page


def test_a_revoke_without_a_reason_changes_nothing(client, users):
    key, _ = issue(users["county"])
    client.force_login(users["county"])
    client.post(reverse("apikeys:key_revoke", args=[key.pk]), {"reason": ""})
    key.refresh_from_db()
    assert key.revoked_at is None


def test_expired_keys_stop_on_their_date(users):
    tomorrow = timezone.localdate() + timedelta(days=1)
    key, plaintext = issue(users["county"], expires_on=tomorrow)
    assert key.status_label == "有效"
    ApiKey.objects.filter(pk=key.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    key.refresh_from_db()
    assert key.status_label == "已过期"
    assert call("get", f"/api/v1/roster?region={COUNTY}", plaintext).status_code == 401


@pytest.mark.parametrize("who", ["officer_a", "inspector", "finance", "village_a"])
def test_only_the_county_administrator_manages_keys(client, users, who):
    key, _ = issue(users["county"])
    client.force_login(users[who])
    for name, args in (("key_list", []), ("key_new", []), ("key_detail", [key.pk])):
        assert client.get(reverse(f"apikeys:{name}", args=args)).status_code == 404
    assert (
        client.post(reverse("apikeys:key_revoke", args=[key.pk]), {"reason": "x"}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.api_key_revoke(actor=users[who], key_id=key.pk, reason="x")
    with pytest.raises(PermissionDenied):
        issue(users[who])
    key.refresh_from_db()
    assert key.revoked_at is None


def test_what_a_key_may_be_given_is_checked(users, regions):
    admin = users["county"]
    village = first_village(regions, TOWNSHIP_A)
    bad = {
        "a village": dict(regions=(village.code,)),
        "no region": dict(regions=()),
        "no scope": dict(scopes=[]),
        "unknown scope": dict(scopes=["roster:write"]),
        "expired at birth": dict(expires_on=timezone.localdate() - timedelta(days=1)),
        "no rate": dict(rate=0),
        "a flood": dict(rate=10**6),
    }
    for name, kwargs in bad.items():
        with pytest.raises(ValidationFailed):
            issue(admin, **kwargs)
        assert not ApiKey.objects.exists(), name
    with pytest.raises(ValidationFailed):
        services.api_key_create(
            actor=admin,
            agency=" ",
            regions=[Region.objects.get(code=COUNTY)],
            scopes=["roster:read"],
        )


def test_the_new_key_form_shows_the_services_refusal(client, users):
    client.force_login(users["county"])
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(reverse("apikeys:key_new"), _form(expires_on=past))
    assert response.status_code == 200 and "有效期不能早于今天" in response.content.decode()
    assert not ApiKey.objects.exists()
