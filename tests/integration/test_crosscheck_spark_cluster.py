"""The month on a real Spark standalone cluster on loopback gives the findings of DuckDB
(exact-ID linkage; tiers 1–3 on Spark: test_crosscheck_spark.py).

A master and two workers (one core each) are started on 127.0.0.1 with pyspark's own
``bin/spark-class`` — the cluster's executors run in JVMs of their own and read the run's
Parquet from the shared directory, as on a provincial centre's cluster — and always stopped
after the test module (the processes this fixture started, by their ids).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

from .test_crosscheck_spark import NO_JAVA, NO_SPARK, assert_same_month_on, demo_county

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(NO_SPARK, reason="pyspark (the 'spark' extra) is not installed"),
    pytest.mark.skipif(NO_JAVA, reason="Java 17 is not installed (scripts/test-deps.sh)"),
]

__all__ = ["demo_county"]  # the fixture, shared with the local[2] test


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def _spark_class(home: Path, args: list[str], log: Path, env: dict) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [str(home / "bin" / "spark-class"), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )


def _wait_for_workers(log: Path, n: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count("Registering worker") >= n:
            return
        time.sleep(0.3)
    raise TimeoutError(f"{n} workers did not register with the master in {seconds} s")


@pytest.fixture(scope="module")
def loopback_cluster(tmp_path_factory):
    """spark://127.0.0.1:<port> with two one-core workers; stopped afterwards, always."""
    import pyspark

    from jiuzhu.crosscheck import spark

    home = Path(pyspark.__file__).parent
    tmp = tmp_path_factory.mktemp("spark-cluster")
    port = _free_port()
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(tmp),
        "SPARK_WORKER_DIR": str(tmp / "work"),
        "PYSPARK_PYTHON": sys.executable,
    }
    started: list[subprocess.Popen] = []
    master_log = tmp / "master.log"
    try:
        started.append(
            _spark_class(
                home,
                ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1"]
                + ["--port", str(port), "--webui-port", str(_free_port())],
                master_log,
                env,
            )
        )
        _wait_for_port(port, 60)
        url = f"spark://127.0.0.1:{port}"
        for n in range(2):
            started.append(
                _spark_class(
                    home,
                    ["org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1"]
                    + ["--cores", "1", "--memory", "1g", "--webui-port", str(_free_port())],
                    tmp / f"worker-{n}.log",
                    env,
                )
            )
        _wait_for_workers(master_log, 2, 60)
        with override_settings(JIUZHU_SPARK_EXECUTOR_MEMORY="768m"):
            session = spark.spark_session(url)
        yield url
        session.stop()
    finally:
        for process in started:  # only what this fixture started, by its process
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_the_month_on_a_loopback_cluster_gives_the_duckdb_findings(demo_county, loopback_cluster):
    # exact IDs only: tiers 2–3 on Spark are the local[2] test's (the same SQL and Splink model;
    # here what differs is executors in JVMs of their own reading the shared directory), and
    # they would double the Spark part of the suite
    run = assert_same_month_on(
        demo_county, exact_only=True, engine="spark", master=loopback_cluster
    )
    assert run.summary["engine"] == {"name": "spark", "master": loopback_cluster}
