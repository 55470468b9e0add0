"""Per-address login throttle beside axes' per-account lockout: one password tried across many
accounts from one address is refused after the threshold, for the cool-off, with a message that
does not tell existing accounts from others; axes still locks one account after 5 failures."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from jiuzhu.accounts import throttle
from jiuzhu.core.models import AuditEntry
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
SPRAYED = "Spring-2026-Password"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, stepped by the test."""
    moment = {"t": 1_800_000_000.0}
    monkeypatch.setattr(throttle, "now", lambda: moment["t"])
    return moment


def page_text(response) -> str:
    """The page without its CSRF token (a new random mask on every page)."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def client_at(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def many_accounts(make_user):
    return [make_user(f"staff-{n:02d}", "township_officer", "433123109000") for n in range(40)]


def test_one_password_across_forty_accounts_is_refused_after_the_threshold(
    many_accounts, settings, clock
):
    settings.JIUZHU_LOGIN_IP_FAILURE_LIMIT = 30
    attacker = client_at("203.0.113.7")
    refused_from = None
    for n, user in enumerate(many_accounts):
        response = login(attacker, user.username, SPRAYED)
        body = response.content.decode()
        if response.status_code == 429:
            refused_from = refused_from if refused_from is not None else n
            assert "登录失败次数过多" in body
        else:
            assert refused_from is None, "a refused address was let through again"
            assert response.status_code == 200 and "用户名或密码错误" in body
        clock["t"] += 5
    assert refused_from == 31  # 31 failures counted (more than 30), every later try refused

    # while blocked, even the right password of a real account is refused, with the same page
    # as for an account that does not exist
    real = login(attacker, "staff-39", PASSWORD)
    ghost = login(attacker, "nobody-at-all", PASSWORD)
    assert real.status_code == ghost.status_code == 429
    assert page_text(real) == page_text(ghost)
    assert "_auth_user_id" not in attacker.session

    # audited once, with the address
    entries = list(AuditEntry.objects.filter(action="user.login_ip_throttled"))
    assert len(entries) == 1
    assert entries[0].new["ip"] == "203.0.113.7" and entries[0].new["failures"] == 31
    assert entries[0].ip == "203.0.113.7"

    # another address is not affected
    colleague = client_at("198.51.100.20")
    assert login(colleague, "staff-00", PASSWORD).status_code == 302


def test_after_the_cooloff_other_users_from_that_address_get_in(many_accounts, settings, clock):
    settings.JIUZHU_LOGIN_IP_FAILURE_LIMIT = 3
    settings.JIUZHU_LOGIN_IP_COOLOFF_SECONDS = 600
    office = client_at("192.0.2.50")
    for user in many_accounts[:4]:
        login(office, user.username, SPRAYED)
    assert login(office, "staff-10", PASSWORD).status_code == 429
    clock["t"] += 590
    assert login(office, "staff-10", PASSWORD).status_code == 429
    clock["t"] += 20
    response = login(office, "staff-10", PASSWORD)
    assert response.status_code == 302
    assert office.session["_auth_user_id"] == str(many_accounts[10].pk)


def test_failures_older_than_the_window_are_forgotten(many_accounts, settings, clock):
    settings.JIUZHU_LOGIN_IP_FAILURE_LIMIT = 3
    settings.JIUZHU_LOGIN_IP_WINDOW_SECONDS = 900
    office = client_at("192.0.2.51")
    for round_ in range(3):
        for user in many_accounts[round_ * 3 : round_ * 3 + 3]:
            assert login(office, user.username, SPRAYED).status_code == 200
        clock["t"] += 901
    assert login(office, "staff-20", PASSWORD).status_code == 302
    assert not AuditEntry.objects.filter(action="user.login_ip_throttled").exists()


def test_five_failures_still_lock_one_account(many_accounts, settings, clock):
    settings.JIUZHU_LOGIN_IP_FAILURE_LIMIT = 30
    office = client_at("192.0.2.60")
    for _ in range(5):
        response = login(office, "staff-01", "wrong-password-0000")
        assert "登录失败次数过多" not in response.content.decode()
    locked = login(office, "staff-01", PASSWORD)
    assert "账号已被临时锁定" in locked.content.decode()
    assert "登录失败次数过多" not in locked.content.decode()  # axes' lock, not the address's
    assert "_auth_user_id" not in office.session
    # the address is far from its limit: a colleague there still gets in
    assert login(office, "staff-02", PASSWORD).status_code == 302


def test_forwarded_address_counts_only_behind_a_trusted_proxy(many_accounts, settings, clock):
    settings.JIUZHU_LOGIN_IP_FAILURE_LIMIT = 2
    proxy = client_at("10.0.0.1")
    for n, user in enumerate(many_accounts[:3]):
        proxy.post(
            LOGIN,
            {"username": user.username, "password": SPRAYED},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    # not trusted: every request is the proxy's address, which is now refused
    assert login(proxy, "staff-05", PASSWORD).status_code == 429

    cache.clear()
    settings.JIUZHU_TRUST_X_FORWARDED_FOR = True
    for n, user in enumerate(many_accounts[:3]):
        proxy.post(
            LOGIN,
            {"username": user.username, "password": SPRAYED},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert login(proxy, "staff-05", PASSWORD).status_code == 302

    # a client that sends its own X-Forwarded-For cannot pose as other addresses: the proxy
    # appends the address it saw, and that is the one counted
    cache.clear()
    for n, user in enumerate(many_accounts[:3]):
        proxy.post(
            LOGIN,
            {"username": user.username, "password": SPRAYED},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.99",
        )
    refused = proxy.post(
        LOGIN,
        {"username": "staff-05", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.99",
    )
    assert refused.status_code == 429
