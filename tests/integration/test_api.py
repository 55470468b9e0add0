"""The API's doors, for every endpoint (found in the ninja API object, so a new endpoint is
covered without touching this file): no key, a wrong, expired or revoked key → 401; a key
without the endpoint's scope → 403; a region outside the key's regions → 403/404 with nothing
but a message; every call in the audit trail; the rate limit → 429; hostile input → 4xx with a
Chinese message, never a server error."""

from __future__ import annotations

import re

import pytest

from jiuzhu.api import services, throttle
from jiuzhu.api.api import api
from jiuzhu.api.scopes import SCOPES
from jiuzhu.core.models import AuditEntry
from jiuzhu.regions.models import Region
from jiuzhu.reports.catalogue import FORMS
from tests.integration.api_world import (
    ALL_SCOPES,
    COUNTY,
    TOWNSHIP_A,
    TOWNSHIP_B,
    call,
    death_csv,
    expire,
    fresh_counters,
    issue,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_counters")]
assert fresh_counters
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def operations() -> list[tuple[str, str, dict]]:
    """(method, path template, OpenAPI operation) of every endpoint but the schema itself."""
    paths = api.get_openapi_schema()["paths"]
    return [(m.upper(), p, op) for p, ops in paths.items() for m, op in ops.items()]


OPS = operations()
IDS = [f"{m} {p}" for m, p, _ in OPS]


def _request(method, template, op, plaintext, *, region=COUNTY, path_values=None):
    """Call the operation with valid parameters of the right kind."""
    values = {"snapshot_id": 1, "code": next(iter(FORMS)), **(path_values or {})}
    url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)
    names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
    query = {k: v for k, v in {"region": region, "month": "2026-11"}.items() if k in names}
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    content = op.get("requestBody", {}).get("content", {})
    kwargs = {}
    if "multipart/form-data" in content:
        kwargs["data"] = {"kind": "death", "as_of": "2025-05-31", "file": death_csv()}
    elif "application/json" in content:
        kwargs.update(data="{}", content_type="application/json")
    return call(method, url, plaintext, **kwargs)


def _refused_quietly(response, status):
    assert response.status_code in status, response.content
    body = response.json()
    assert set(body) <= {"detail", "fields"} and CHINESE.search(body["detail"])
    return body


def test_every_endpoint_names_its_scope():
    assert {m for m, _, _ in OPS} >= {"GET", "POST"}
    for method, path, op in OPS:
        assert op.get("x-scope") in SCOPES, f"{method} {path}: openapi_extra x-scope"
        assert op.get("x-region") in ("query", "county", "none"), f"{method} {path}: x-region"
        names = {p["name"] for p in op.get("parameters", [])}
        assert ("region" in names) == (op["x-region"] == "query"), f"{method} {path}"
        assert op.get("security"), f"{method} {path} must require a key"


@pytest.mark.parametrize(("method", "path", "op"), OPS, ids=IDS)
def test_every_endpoint_refuses_a_missing_wrong_expired_or_revoked_key(users, method, path, op):
    admin = users["county"]
    expired, expired_text = issue(admin)
    expire(expired)
    revoked, revoked_text = issue(admin)
    services.api_key_revoke(actor=admin, key_id=revoked.pk, reason="对方更换系统")
    _good, good_text = issue(admin)
    wrong = good_text[:-4] + ("AAAA" if not good_text.endswith("AAAA") else "BBBB")
    for plaintext in (None, "", "not-a-key", wrong, expired_text, revoked_text):
        _refused_quietly(_request(method, path, op, plaintext), {401})
    _refused_quietly(_request(method, path, op, revoked_text.replace("jz_", "jz-")), {401})


@pytest.mark.parametrize(("method", "path", "op"), OPS, ids=IDS)
def test_every_endpoint_refuses_a_key_without_its_scope(users, method, path, op):
    others = [s for s in ALL_SCOPES if s != op["x-scope"]]
    _key, plaintext = issue(users["county"], scopes=others)
    _refused_quietly(_request(method, path, op, plaintext), {403})


@pytest.mark.parametrize(("method", "path", "op"), OPS, ids=IDS)
def test_every_endpoint_reveals_nothing_outside_the_keys_regions(users, method, path, op):
    """A key for township A: township B, a village of B, an unknown code (same answer) and the
    county are refused; an endpoint that writes county-wide data refuses the township's key;
    an object pushed by another key is not found. (x-region "none": reads nothing regional.)"""
    admin = users["county"]
    _key, plaintext = issue(admin, regions=(TOWNSHIP_A,))
    b = Region.objects.get(code=TOWNSHIP_B)
    village_b = Region.objects.filter(parent=b).first()
    if op["x-region"] != "none":
        answers = [
            _request(method, path, op, plaintext, region=code)
            for code in (TOWNSHIP_B, village_b.code, "433123999999", COUNTY)
        ]
        for response in answers:
            body = _refused_quietly(response, {403, 404})
            assert b.name not in body["detail"]
        messages = {r.json()["detail"] for r in answers[:3]}
        assert len(messages) == 1, "unknown and out of reach must answer alike"
    # another agency's object, with a county-wide key holding every scope
    other_key, other_text = issue(admin, agency="县公安局")
    pushed = call(
        "post",
        "/api/v1/snapshots",
        other_text,
        data={"kind": "death", "as_of": "2025-05-31", "file": death_csv()},
    )
    assert pushed.status_code == 201, pushed.content
    _mine, county_text = issue(admin)
    if "{snapshot_id}" in path:
        response = _request(
            method, path, op, county_text, path_values={"snapshot_id": pushed.json()["id"]}
        )
        _refused_quietly(response, {404})


def test_every_call_is_audited_with_the_agency_endpoint_region_month_and_status(users):
    key, plaintext = issue(users["county"], agency="省民政厅核对中心")
    ok = call("get", f"/api/v1/roster?region={TOWNSHIP_A}&month=2026-10", plaintext)
    refused = call("get", f"/api/v1/roster?region={TOWNSHIP_A}&month=2026-13", plaintext)
    unknown = call("get", f"/api/v1/roster?region={TOWNSHIP_A}", "jz_abcdefgh_" + "x" * 43)
    assert (ok.status_code, refused.status_code, unknown.status_code) == (200, 422, 401)
    calls = list(AuditEntry.objects.filter(action="api.call").order_by("seq"))
    assert len(calls) == 3
    first, second, third = calls
    assert first.actor_id == key.actor_id and first.actor.full_name == "对外接口：省民政厅核对中心"
    assert first.new == {
        "method": "GET",
        "endpoint": "/api/v1/roster",
        "status_code": 200,
        "region": TOWNSHIP_A,
        "month": "2026-10",
        "key_prefix": key.prefix,
    }
    assert second.new["status_code"] == 422 and "月份" in second.reason
    assert third.actor_id is None and third.new["key_prefix"] == "abcdefgh"
    assert third.new["status_code"] == 401
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_x_api_key_header_works_too(users):
    _key, plaintext = issue(users["county"])
    response = call("get", f"/api/v1/roster?region={COUNTY}", plaintext, header="x-api-key")
    assert response.status_code == 200


def test_rate_limit_per_key_answers_429_in_chinese(users, monkeypatch):
    monkeypatch.setattr(throttle, "now", lambda: 6_000_000.0)
    _key, plaintext = issue(users["county"], rate=3)
    _other, other_text = issue(users["county"], rate=3)
    url = f"/api/v1/roster?region={COUNTY}"
    statuses = [call("get", url, plaintext).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = call("get", url, plaintext)
    assert refused.status_code == 429 and "每分钟最多调用3次" in refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert call("get", url, other_text).status_code == 200  # per key
    monkeypatch.setattr(throttle, "now", lambda: 6_000_060.0)  # the next minute
    assert call("get", url, plaintext).status_code == 200
    audited = AuditEntry.objects.filter(action="api.call", new__status_code=429).count()
    assert audited == 2
    # a flood past the limit: the first refusals of the minute audited, not every one
    monkeypatch.setattr(throttle, "now", lambda: 6_000_120.0)
    for _ in range(3 + throttle.AUDITED_REFUSALS + 5):
        call("get", url, plaintext)
    flood = AuditEntry.objects.filter(action="api.call", new__status_code=429).count() - audited
    assert flood == throttle.AUDITED_REFUSALS


def test_made_up_keys_from_one_address_are_throttled_without_flooding_the_audit(
    users, settings, monkeypatch
):
    monkeypatch.setattr(throttle, "now", lambda: 7_000_000.0)
    settings.JIUZHU_API_FAILURES_PER_MINUTE = 5
    statuses = [
        call("get", f"/api/v1/roster?region={COUNTY}", f"guess-{i}").status_code for i in range(8)
    ]
    assert statuses == [401] * 5 + [429] * 3
    assert AuditEntry.objects.filter(action="api.call").count() == 5


@pytest.mark.parametrize(
    "query",
    [
        "region=433123000000&month=2026-13",
        "region=433123000000&month=0001-01",
        "region=433123000000&month=9999-12",
        "region=433123000000&month=2026-1",
        "region=433123000000&month=%00%00",
        "region=433123000000&page=0",
        "region=433123000000&page=100000000000000000000000000000",
        "region=433123000000&page_size=100000",
        "region=433123000000&page=-1",
        "region=abc",
        "region=4331230000001",
        "region=",
        "",
        "region=999999999999",
        "region=%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80",
    ],
)
def test_hostile_roster_queries_get_a_chinese_4xx(users, query):
    _key, plaintext = issue(users["county"])
    response = call("get", f"/api/v1/roster?{query}", plaintext)
    assert 400 <= response.status_code < 500, response.content
    assert CHINESE.search(response.json()["detail"])


def test_huge_and_odd_snapshot_ids_get_a_4xx(users):
    _key, plaintext = issue(users["county"])
    for sid in ("99999999999999999999999999", "2147483648", "0", "abc"):
        response = call("get", f"/api/v1/snapshots/{sid}", plaintext)
        assert 400 <= response.status_code < 500, (sid, response.status_code)


def test_the_openapi_document_is_served_without_a_key_and_no_cdn_docs_page(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.") and "/api/v1/roster" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 404


def test_the_audit_page_shows_calls_in_chinese(client, users):
    from jiuzhu.core import audit_values

    _key, plaintext = issue(users["county"], agency="县公安局")
    call("get", f"/api/v1/roster?region={TOWNSHIP_A}&month=2026-10", plaintext)
    entry = AuditEntry.objects.get(action="api.call")
    assert all(audit_values.has_field_label(k, "api.call") for k in entry.new)
    client.force_login(users["inspector"])
    text = client.get("/audit/", {"action": "api.call"}).content.decode()
    assert "调用对外接口" in text and "对外接口：县公安局" in text
    assert "接口地址" in text and "响应状态码" in text and "/api/v1/roster" in text
    assert "status_code" not in text and "key_prefix" not in text
