"""The month on Spark gives the findings of the month on DuckDB (issue 17).

The demo county with its planted cases (jiuzhu.demo.crosscheck: deaths found in each linkage
tier — exact, one digit off, probable by name and birth date — kin, assets, income, missed
inclusion, duplicates, re-screening) is run on DuckDB, then on Spark ``local[2]``: a Spark rerun
raises nothing new (the same fingerprints), and a Spark run on a county whose findings were
forgotten writes the same findings — same keys, checks, tiers, amounts, places and texts.

pyspark is the optional extra 'spark' and needs Java 17; ``make test`` installs both, so in CI
these tests run. The SparkSession is made once per test process (``spark_session``), not per
test: the JVM takes seconds to start.
"""

from __future__ import annotations

import importlib.util
import shutil

import pytest
from django.utils import timezone

from jiuzhu.crosscheck.models import CheckRun, Finding
from jiuzhu.crosscheck.run import crosscheck_run
from jiuzhu.demo.cases_demo import create_demo_cases
from jiuzhu.demo.crosscheck import COUNTY_CODE, demo_accounts, prepare_demo_crosscheck
from jiuzhu.demo.generator import generate_demo
from jiuzhu.demo.users import create_demo_users
from jiuzhu.programmes.seed import seed_county_defaults
from jiuzhu.regions.models import Region

NO_SPARK = importlib.util.find_spec("pyspark") is None
NO_JAVA = shutil.which("java") is None

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(NO_SPARK, reason="pyspark (the 'spark' extra) is not installed"),
    pytest.mark.skipif(NO_JAVA, reason="Java 17 is not installed (scripts/test-deps.sh)"),
]


@pytest.fixture(scope="session")
def spark_local():
    """One local[2] session for the test process (reused by every Spark test on local[2])."""
    from jiuzhu.crosscheck import spark

    yield spark.spark_session("local[2]")


@pytest.fixture
def demo_county(tmp_path, settings):
    """The demo county with its planted cases and registry snapshots, not yet run."""
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"
    settings.JIUZHU_SPARK_SHARED_DIR = str(tmp_path / "spark-shared")
    generate_demo(households=600, seed=7)
    county = Region.objects.get(code=COUNTY_CODE)
    seed_county_defaults(county=county)
    create_demo_users()
    create_demo_cases()
    plant, _ = prepare_demo_crosscheck(
        county=county, users=demo_accounts(), today=timezone.localdate(), seed=7
    )
    return plant


def findings_of(run: CheckRun) -> list[tuple]:
    """Everything a run's findings say, but the score (a float; tiers and amounts are kept)."""
    return sorted(
        Finding.objects.filter(run=run).values_list(
            "check_code",
            "fingerprint",
            "status",
            "tier",
            "person_id",
            "household_id",
            "enrolment_id",
            "township_id",
            "village_id",
            "snapshot_id",
            "ref_row",
            "months_paid",
            "amount_to_recover",
            "summary",
        )
    )


def run_month(plant, **options) -> CheckRun:
    run = crosscheck_run(actor=plant.admin, month=plant.month, inline=True, **options)
    assert run.status == CheckRun.Status.DONE, run.message
    return run


def assert_same_month_on(plant, *, exact_only: bool = False, **engine) -> CheckRun:
    """DuckDB first; its findings forgotten, the month on `engine` writes the same findings;
    then DuckDB again raises nothing new (the same fingerprints, whichever engine wrote them)."""
    duck = run_month(plant, exact_only=exact_only)
    expected = findings_of(duck)
    tiers = {row[3] for row in expected if row[0] == "death"}
    # the planted deaths in all three tiers (exact only: the exact ones)
    assert tiers == {"exact"} if exact_only else {"exact", "near", "probable"} <= tiers
    assert len({row[0] for row in expected}) >= 10

    Finding.objects.filter(run=duck).delete()
    other = run_month(plant, exact_only=exact_only, **engine)
    assert other.summary["engine"]["name"] == "spark"
    assert findings_of(other) == expected
    assert _link_counts(other) == _link_counts(duck)
    assert other.summary["unused_rows"] == duck.summary["unused_rows"]
    assert other.summary["notes"] == duck.summary["notes"]
    assert {k: other.summary[k] for k in ("new", "review", "known", "by_check")} == {
        k: duck.summary[k] for k in ("new", "review", "known", "by_check")
    }

    again = run_month(plant, exact_only=exact_only)
    assert again.summary["new"] == again.summary["review"] == 0
    assert again.summary["known"] == duck.summary["new"] + duck.summary["review"]
    return other


def _link_counts(run: CheckRun) -> dict:
    """Per registry: rows, and rows linked in each tier."""
    counts = ("refs", "exact", "near", "probable", "review")
    return {k: {c: v.get(c) for c in counts} for k, v in run.summary["links"].items()}


def test_the_month_on_spark_local_gives_the_duckdb_findings(demo_county, spark_local):
    assert_same_month_on(demo_county, engine="spark", master="local[2]")
