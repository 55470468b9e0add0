"""Load benchmark of the public portal (issue 16): the village recipient list (/gongkai/village/
<code>/) served by the production server and settings, on PostgreSQL, with the demo county.

In one run (``bash benchmarks/run.sh portal [--households N] [--users U] [--seconds S]``):

  1. build the demo county into the throwaway PostgreSQL (``jiuzhu demo --no-serve``, default
     20,000 households, the demo's own default county);
  2. start ``jiuzhu serve`` (waitress, 8 threads, no worker) in a child process with
     ``config.settings.production`` (fresh random keys; TLS redirect off: loopback, no proxy);
  3. U concurrent users (default 50), each a thread with its own keep-alive connection, ask for
     a random village's list page for S seconds (default 60) with no think time; every answer
     other than 200 with the page's table, and every exception, is an error; then the same
     load for 30 s with the page copy off (JIUZHU_PUBLIC_CACHE_SECONDS=0, page_cache.py);
  4. the floor, in the same run: the SQL the page runs (captured from a rendering of each of a
     sample of villages) executed bare on one connection, its median per page; the ratio of the
     served median and p95 to that floor is printed.

Prints one JSON document (also written to benchmarks/out/portal-YYYYMMDD-HHMM.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("JIUZHU_PUBLIC_CACHE_SECONDS", "0")  # the floor captures every query

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

MARK = 'id="recipients"'


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def build(households: int) -> list[str]:
    from jiuzhu.payments.models import Enrolment
    from jiuzhu.regions.models import Region

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("jiuzhu_demo", households=households, no_serve=True)
    log(f"demo county built in {time.perf_counter() - started:.0f} s")
    used = Enrolment.objects.values("village_id")
    return list(Region.objects.filter(pk__in=used).values_list("code", flat=True))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(port: int) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        JIUZHU_SECRET_KEY=secrets.token_urlsafe(50),
        JIUZHU_LOOKUP_KEY=secrets.token_urlsafe(40),
        JIUZHU_AUDIT_KEY=secrets.token_urlsafe(40),
        JIUZHU_AUDIT_ANCHOR_KEY=secrets.token_urlsafe(40),
        JIUZHU_FIELD_KEY=Fernet.generate_key().decode(),
        JIUZHU_ALLOWED_HOSTS="127.0.0.1",
        JIUZHU_SSL_REDIRECT="0",
        JIUZHU_HSTS_SECONDS="0",
        JIUZHU_DB_PORT=env.get("JIUZHU_DB_PORT", "5432"),
        JIUZHU_VAR_DIR=str(ROOT / "benchmarks/out/portal-var"),
    )
    return env


def start_server(port: int, cache_seconds: int) -> subprocess.Popen:
    env = production_env(port)
    env["JIUZHU_PUBLIC_CACHE_SECONDS"] = str(cache_seconds)
    server = subprocess.Popen(
        [sys.executable, "-m", "jiuzhu.cli", "serve", "--port", str(port), "--no-worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        # a file, not a pipe: waitress warns of its queue depth under load, and a full pipe
        # would block the server
        stderr=(ROOT / "benchmarks/out/portal-server.log").open("ab"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("the server stopped: benchmarks/out/portal-server.log") from None
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("the server did not start within 60 s")


def load(port: int, codes: list[str], users: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        while time.monotonic() < stop_at:
            path = f"/gongkai/village/{rng.choice(codes)}/"
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - t0
                if response.status != 200 or MARK.encode() not in body:
                    bad.append(f"{response.status} {path}")
                mine.append(elapsed)
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    return {
        "users": users,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 1),
        "errors": len(errors),
        "error_examples": errors[:5],
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
    }


def floor(codes: list[str], sample: int) -> dict:
    """The page's own SQL, bare: captured from one rendering per village, then run again (the
    median of three runs per village) on one connection, without Django, templates or HTTP."""
    client = Client(HTTP_HOST="localhost")
    per_page, queries = [], 0
    for code in random.Random(1).sample(codes, min(sample, len(codes))):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/gongkai/village/{code}/").status_code == 200
        statements = [q["sql"] for q in captured.captured_queries]
        queries = max(queries, len(statements))
        runs = []
        with connection.cursor() as cursor:
            for _ in range(3):
                t0 = time.perf_counter()
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
                runs.append(time.perf_counter() - t0)
        per_page.append(statistics.median(runs))
    return {
        "villages_sampled": len(per_page),
        "queries_per_page": queries,
        "sql_median_ms": round(statistics.median(per_page) * 1000, 2),
        "sql_p95_ms": round(sorted(per_page)[int(0.95 * (len(per_page) - 1))] * 1000, 2),
    }


def phase(codes: list[str], users: int, seconds: float, *, cache_seconds: int) -> dict:
    port = free_port()
    server = start_server(port, cache_seconds)
    try:
        log(
            f"server up on :{port} (page copy {cache_seconds} s); {users} users for {seconds:.0f} s"
        )
        load(port, codes, 2, 5)  # warm-up: connections, templates
        result = load(port, codes, users, seconds)
        result["page_copy_seconds"] = cache_seconds
        log(f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, errors {result['errors']}")
        if result["errors"]:
            log(f"errors, e.g.: {result['error_examples']}")
        return result
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--uncached-seconds", type=float, default=30)
    args = parser.parse_args()

    codes = build(args.households)
    log(f"{len(codes)} villages with recipients")
    bare = floor(codes, args.sample)
    log(f"floor: {bare}")
    connection.close()
    served = phase(codes, args.users, args.seconds, cache_seconds=30)
    # the same load with the page copy off: what jiuzhu.disclosure.page_cache buys
    uncached = phase(codes, args.users, args.uncached_seconds, cache_seconds=0)
    out = {
        "benchmark": "public portal: village recipient list under load",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "households": args.households,
        "villages": len(codes),
        "server": "waitress (jiuzhu serve, 8 threads), config.settings.production, PostgreSQL",
        "load": served,
        "load_without_page_copy": uncached,
        "floor": bare,
        "ratio_p50_to_floor": round(served["p50_ms"] / bare["sql_median_ms"], 1),
        "ratio_p95_to_floor": round(served["p95_ms"] / bare["sql_median_ms"], 1),
        "ratio_p95_to_floor_without_page_copy": round(
            uncached["p95_ms"] / bare["sql_median_ms"], 1
        ),
        "target": "p95 < 300 ms, no errors",
        "met": served["p95_ms"] < 300 and served["errors"] == 0,
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    name = f"portal-{dt.datetime.now():%Y%m%d-%H%M}.json"
    (ROOT / "benchmarks/out" / name).write_text(text + "\n")


if __name__ == "__main__":
    main()
