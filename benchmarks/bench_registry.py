"""Registry benchmark at county-and-more scale, on PostgreSQL, in one run:

  1. generate and load N households (default 1,000,000) with the demo generator;
  2. search by exact ID number (keyed-hash lookup) — target median < 20 ms;
  3. the first page of a township's household list — target median < 150 ms.

Each query is timed twice: the selector's SQL alone, and the whole page through Django's test
client as a logged-in township officer (the time an officer waits, less the network).

Run through benchmarks/run.sh (it starts a throwaway PostgreSQL); prints one JSON document.
"""

import itertools
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from jiuzhu.accounts.models import User  # noqa: E402
from jiuzhu.core.crypto import decrypt  # noqa: E402
from jiuzhu.demo.generator import generate_demo  # noqa: E402
from jiuzhu.regions.models import Region  # noqa: E402
from jiuzhu.registry import selectors  # noqa: E402
from jiuzhu.registry.models import Household, Person  # noqa: E402


def timed(fn, runs: int) -> dict:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "runs": runs,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(runs * 0.95) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }


def main() -> None:
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    assert connection.vendor == "postgresql", "run through benchmarks/run.sh (PostgreSQL)"
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    result = {
        "machine": f"{platform.node()} {os.cpu_count()} cores, {platform.machine()}",
        "python": platform.python_version(),
        "households_requested": households,
    }

    start = time.perf_counter()
    last = [0.0]

    def progress(done, total):
        if done == total or time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  generated {done}/{total} households", file=sys.stderr, flush=True)

    summary = generate_demo(households=households, seed=20261122, progress=progress)
    result["generate"] = {
        "seconds": round(time.perf_counter() - start, 1),
        "households": summary.households,
        "persons": summary.persons,
        "incomes": summary.incomes,
        "assets": summary.assets,
    }
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    result["peak_rss_mb_after_generate"] = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    )

    busiest = Household.objects.values("township").annotate(n=Count("id")).order_by("-n").first()
    township = Region.objects.get(pk=busiest["township"])
    officer, _ = User.objects.get_or_create(
        username="bench-officer", defaults={"role": "township_officer", "region": township}
    )
    client = Client()
    client.force_login(officer)

    rng = random.Random(7)
    max_id = (
        Person.objects.filter(household__township=township)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    min_id = (
        Person.objects.filter(household__township=township)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    sample_ids = []
    while len(sample_ids) < 200:
        person = Person.objects.filter(
            pk=rng.randint(min_id, max_id), household__township=township
        ).first()
        if person:
            sample_ids.append(decrypt(person.id_cipher))
    ids = itertools.cycle(sample_ids)

    def search_sql():
        found = list(selectors.household_search(user=officer, query=next(ids))[:20])
        assert len(found) == 1

    def search_page():
        response = client.get("/registry/households/", {"q": next(ids)})
        assert response.status_code == 200 and "共 1 户" in response.content.decode()

    def list_sql():
        page = list(
            selectors.household_list_page(selectors.household_search(user=officer, query=""))[:20]
        )
        assert len(page) == 20

    def list_page():
        response = client.get("/registry/households/")
        assert response.status_code == 200

    timed(search_sql, 10)  # warm caches before measuring
    result["township"] = {"name": township.name, "households": busiest["n"]}
    result["search_by_id_sql"] = timed(search_sql, 200)
    result["search_by_id_page"] = timed(search_page, 200)
    result["township_first_page_sql"] = timed(list_sql, 100)
    result["township_first_page_page"] = timed(list_page, 100)
    result["targets"] = {"search_by_id_median_ms": 20, "township_first_page_median_ms": 150}
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
