"""The exact month joins its links to the people they reach (checks.base.linked_people), not to
every person: the findings are the same as through the whole people table."""

from __future__ import annotations

import pytest

from jiuzhu.crosscheck import run as run_module
from jiuzhu.crosscheck.models import Finding

from .test_crosscheck_spark import demo_county, findings_of, run_month

__all__ = ["demo_county"]  # the fixture, shared with the Spark tests

pytestmark = pytest.mark.django_db


def shown(run) -> list[tuple]:
    """Each finding as findings_of gives it, with whom it names (the household's head for
    assets and income) and its evidence."""
    named = {
        fingerprint: (name, masked, evidence)
        for fingerprint, name, masked, evidence in Finding.objects.filter(run=run).values_list(
            "fingerprint", "subject_name", "subject_id_masked", "evidence"
        )
    }
    return [row + named[row[1]] for row in findings_of(run)]


def test_the_exact_month_through_the_linked_people_finds_what_everyone_gives(
    demo_county, monkeypatch
):
    narrowed = run_month(demo_county, exact_only=True)
    expected = shown(narrowed)
    checks = {row[0] for row in expected}
    # the joins that read the linked people: deaths, kin and staff, assets, income, neighbours
    assert {"death", "kin", "asset_vehicle", "asset_real_estate", "income_pension"} <= checks
    assert len(checks) >= 10

    Finding.objects.filter(run=narrowed).delete()
    monkeypatch.setattr(run_module._Linker, "people", lambda self, kind: "people")
    whole = run_month(demo_county, exact_only=True)
    assert shown(whole) == expected
