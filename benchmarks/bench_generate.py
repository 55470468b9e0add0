"""Time the demo generator into a throwaway database and print one JSON line.

    dir=$(scripts/pg-throwaway.sh start)
    JIUZHU_DB_HOST=$dir .venv/bin/python benchmarks/bench_generate.py 1000000
    scripts/pg-throwaway.sh stop "$dir"

Without JIUZHU_DB_HOST it runs on the test settings' temporary SQLite file.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jiuzhu.demo.generator import generate_demo

    households = int(argv[1]) if len(argv) > 1 else 1_000_000
    call_command("migrate", verbosity=0, interactive=False)
    step = max(1, households // 20)
    began = time.monotonic()
    shown = {"next": step}

    def progress(done: int, total: int) -> None:
        if done >= shown["next"] or done == total:
            shown["next"] = done + step
            rate = done / max(time.monotonic() - began, 1e-9)
            print(
                f"{done:>9}/{total} households  {time.monotonic() - began:8.1f} s  "
                f"{rate:8.0f} households/s",
                file=sys.stderr,
                flush=True,
            )

    summary = generate_demo(households=households, progress=progress)
    rows = summary.households + summary.persons + summary.incomes + summary.assets
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "seconds": summary.seconds,
                "households": summary.households,
                "persons": summary.persons,
                "incomes": summary.incomes,
                "assets": summary.assets,
                "rows": rows,
                "rows_per_s": round(rows / summary.seconds) if summary.seconds else None,
                "persons_per_s": round(summary.persons / summary.seconds)
                if summary.seconds
                else None,
                "peak_rss_mib": round(peak_kib / 1024, 1),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
