"""Helpers of the API tests: keys issued by the county administrator, and calls with them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from jiuzhu.api import services
from jiuzhu.api.scopes import SCOPES
from jiuzhu.regions.models import Region
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B

COUNTY = "433123000000"
ALL_SCOPES = list(SCOPES)


@pytest.fixture
def fresh_counters():
    """The rate limits' counters (in the shared test cache) start at zero."""
    cache.clear()
    yield
    cache.clear()


def issue(
    admin, *, scopes=None, regions=(COUNTY,), rate=600, expires_on=None, agency="省民政厅核对中心"
):
    """A key of `admin`'s county: (the ApiKey, its plaintext)."""
    issued = services.api_key_create(
        actor=admin,
        agency=agency,
        regions=list(Region.objects.filter(code__in=regions)),
        scopes=ALL_SCOPES if scopes is None else scopes,
        expires_on=expires_on,
        rate_per_minute=rate,
    )
    return issued.key, issued.plaintext


def expire(key) -> None:
    """Make a key expired (its expiry date yesterday; the service refuses issuing one so)."""
    type(key).objects.filter(pk=key.pk).update(expires_on=timezone.localdate() - timedelta(days=1))


def call(method: str, url: str, plaintext: str | None = None, *, header="bearer", **kwargs):
    headers = {}
    if plaintext is not None:
        if header == "bearer":
            headers["Authorization"] = f"Bearer {plaintext}"
        else:
            headers["X-API-Key"] = plaintext
    client = Client()
    return getattr(client, method.lower())(url, headers=headers, **kwargs)


__all__ = [
    "COUNTY",
    "TOWNSHIP_A",
    "TOWNSHIP_B",
    "ALL_SCOPES",
    "issue",
    "expire",
    "call",
    "death_csv",
]


def death_csv(name="death.csv"):
    """A clean death-data file (one row), as an upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiuzhu.core.idnumber import make_resident_id
    from jiuzhu.crosscheck.snapshot_formats import fields_for

    headers = [f.header for f in fields_for("death")]
    number = make_resident_id(
        region_code="433123", birth_date=date(1950, 1, 2), sequence=3, sex="M"
    )
    row = {
        "姓名": "龙大山",
        "公民身份号码": number,
        "死亡日期": "2025-03-14",
        "死亡信息来源": "火化",
    }
    lines = [",".join(headers), ",".join(row.get(h, "") for h in headers)]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8-sig"), "text/csv")
