"""Probabilistic linkage benchmark: 1,000,000 people × 1,000,000 registry rows without a usable ID.

  1. generate the truth set (``jiuzhu.demo.truthset``, the no-ID error mix:
     traditional characters, homophones, swapped day and month, a mistyped birth-date digit,
     plain missing IDs, namesakes with another birth date, strangers) in a child process and
     write it to Parquet — so the generator's Python objects do not count in the peak RSS;
  2. load the Parquet files into DuckDB (memory limit and threads set explicitly);
  3. run ``linkage.link`` (tiers 1 and 2 find nothing here; tier 3 is Splink) — target < 3 min;
  4. score the links against the truth: precision and recall, per error type.

No Django, no database. Prints one JSON document and writes it to benchmarks/out/.

    .venv/bin/python benchmarks/bench_linkage.py                 # 1M × 1M
    .venv/bin/python benchmarks/bench_linkage.py --people 100000 --refs 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from jiuzhu.crosscheck.linkage import LinkSettings, link  # noqa: E402
from jiuzhu.crosscheck.linkage.model import model_u  # noqa: E402
from jiuzhu.demo import truthset as T  # noqa: E402


def rss_mb(who=resource.RUSAGE_SELF) -> int:
    return resource.getrusage(who).ru_maxrss // 1024  # Linux: KiB


def generate(args) -> None:
    """Child process: write people, refs and truth as Parquet into args.data."""
    start = time.perf_counter()
    ts = T.generate(
        args.people,
        args.refs,
        seed=args.seed,
        mix=T.NO_ID_MIX,
        geography=T.Geography(counties=args.counties),
    )
    data = Path(args.data)
    for name in ("people", "refs", "truth"):
        pq.write_table(getattr(ts, name), data / f"{name}.parquet")
    print(json.dumps({"seconds": round(time.perf_counter() - start, 1), "peak_rss_mb": rss_mb()}))


def rss_now_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def connect(args, tmp: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    con.execute(f"SET memory_limit = '{args.memory_limit}'")
    con.execute(f"SET threads = {int(args.threads)}")
    con.execute("SET temp_directory = ?", [str(tmp / "spill")])
    con.execute("SET preserve_insertion_order = false")
    return con


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--refs", type=int, default=1_000_000)
    parser.add_argument(
        "--counties",
        type=int,
        default=60,
        help="60 counties × 15 townships × 18 villages ≈ 16,000 villages",
    )
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", help="keep the generated Parquet files here and re-use them")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(args)
        return

    with tempfile.TemporaryDirectory(prefix="bench-linkage-") as tmpdir:
        tmp = Path(tmpdir)
        data = Path(args.data) if args.data else tmp
        data.mkdir(parents=True, exist_ok=True)
        generated = {"seconds": None, "peak_rss_mb": None}
        if not (data / "truth.parquet").exists():
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--generate-only",
                    "--data",
                    str(data),
                    "--people",
                    str(args.people),
                    "--refs",
                    str(args.refs),
                    "--counties",
                    str(args.counties),
                    "--seed",
                    str(args.seed),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            generated = json.loads(child.stdout.strip().splitlines()[-1])

        con = connect(args, tmp)
        start = time.perf_counter()
        for name in ("people", "refs", "truth"):
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)",
                [str(data / f"{name}.parquet")],
            )
        load_s = time.perf_counter() - start

        revealed = {"people": 0, "refs": 0}

        def reveal_people(ids):
            revealed["people"] += len(ids)
            return {}

        def reveal_refs(ciphers):
            revealed["refs"] += len(ciphers)
            return {}

        rss_before = rss_now_mb()
        start = time.perf_counter()
        stats = link(
            con,
            people="people",
            refs="refs",
            out="links",
            reveal_people=reveal_people,
            reveal_refs=reveal_refs,
            settings=LinkSettings(),
        )
        link_s = time.perf_counter() - start
        rss_after = rss_now_mb()
        quality = T.evaluate(con, links="links", truth="truth")

    result = {
        "benchmark": "linkage (probabilistic tier)",
        "date": dt.date.today().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            "memory_limit": args.memory_limit,
            "threads": args.threads,
        },
        "people": args.people,
        "refs": args.refs,
        "counties": args.counties,
        "seed": args.seed,
        "generate_seconds": generated["seconds"],
        "generate_peak_rss_mb": generated["peak_rss_mb"],
        "load_seconds": round(load_s, 2),
        "link_seconds": round(link_s, 2),
        "peak_rss_mb": rss_mb(),
        "rss_before_link_mb": rss_before,
        "rss_after_link_mb": rss_after,
        "stats": {
            k: (round(v, 9) if isinstance(v, float) else v)
            for k, v in stats.as_dict().items()
            if k != "seconds"
        },
        "phases_seconds": {k: round(v, 2) for k, v in stats.seconds.items()},
        "revealed": revealed,
        "u": model_u(stats.model) if stats.model else None,
        "precision": round(quality.precision, 5),
        "recall": round(quality.recall, 5),
        "by_error": quality.by_error,
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    print(quality.report(), file=sys.stderr)
    out_dir = ROOT / "benchmarks" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"linkage-{dt.datetime.now():%Y%m%d-%H%M}.json"
    path.write_text(text + "\n", encoding="utf-8")
    print(f"written: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
