"""The Spark engine of the cross-checks: one SparkSession, and a connection that runs the checks'
DuckDB SQL on it.

pyspark is an optional extra (``pip install jiuzhu[spark]``): it is imported here only, and
this module only when a run asks for Spark. Nothing is downloaded at run time (no
``spark.jars.packages``): Splink's similarity UDFs come from the jar inside Splink's wheel.

``SparkConnection`` offers the part of DuckDB's connection API that the checks and the linkage
use — ``execute(sql, params)`` with ``fetchall()``/``description``, ``register`` of an Arrow
table, ``unregister`` — so each check's SQL is written once, in DuckDB's dialect, and turned
into Spark SQL by :mod:`.dialect`. A ``CREATE TABLE … AS`` becomes a temporary view of a
DataFrame computed once (``localCheckpoint``: kept on the executors, its plan cut; a lazy
``cache()`` instead made the demo county's run 1.5–2× slower, each later query re-planning the
whole lineage), a ``VIEW`` a temporary view; every name lives in the session, nothing in a
metastore.

Where the cluster reads: ``JIUZHU_SPARK_SHARED_DIR`` (a local or shared directory, or an
``hdfs://``/``s3a://`` URI). Files are put there through Hadoop's FileSystem of the session
(``publish``), so one code path serves a mounted directory and an object store alike.
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from pyspark.sql import SparkSession
from pyspark.sql.types import IntegerType

from . import dialect

__all__ = ["SparkConnection", "shared_uri", "spark_session", "stop_session"]

_lock = threading.Lock()

# Settings that matter for the checks, and their defaults (docs/operations.md).
DEFAULT_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def _conf(master: str) -> dict[str, str]:
    from splink.backends.spark import similarity_jar_location

    conf = dict(DEFAULT_CONF)
    conf.update(
        {
            "spark.master": master,
            "spark.app.name": "jiuzhu-crosscheck",
            "spark.jars": similarity_jar_location(),  # in Splink's wheel: no download
            "spark.sql.shuffle.partitions": str(settings.JIUZHU_SPARK_SHUFFLE_PARTITIONS),
            "spark.driver.memory": settings.JIUZHU_SPARK_DRIVER_MEMORY,
            "spark.executor.memory": settings.JIUZHU_SPARK_EXECUTOR_MEMORY,
            "spark.pyspark.python": sys.executable,  # the damerau_levenshtein UDF's workers
            "spark.pyspark.driver.python": sys.executable,
            "spark.local.dir": str(Path(settings.JIUZHU_DUCKDB_TEMP_DIR) / "spark"),
        }
    )
    if master.startswith("spark://"):
        conf["spark.driver.host"] = settings.JIUZHU_SPARK_DRIVER_HOST
    conf.update(settings.JIUZHU_SPARK_CONF)  # the centre's own settings win
    return conf


def spark_session(master: str | None = None) -> SparkSession:
    """The process's SparkSession on `master` (default JIUZHU_SPARK_MASTER): made once and
    reused (a JVM starts in seconds, not for every run); asked for another master, the old
    session is stopped first."""
    master = master or settings.JIUZHU_SPARK_MASTER
    with _lock:
        active = SparkSession.getActiveSession()
        if active is not None and active.conf.get("spark.master") != master:
            active.stop()
            active = None
        if active is not None:
            return active
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        conf = _conf(master)
        Path(conf["spark.local.dir"]).mkdir(parents=True, exist_ok=True)
        builder = SparkSession.builder
        for key, value in conf.items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        spark.udf.register("damerau_levenshtein", _damerau_levenshtein, IntegerType())
        return spark


def stop_session() -> None:
    with _lock:
        active = SparkSession.getActiveSession()
        if active is not None:
            active.stop()


def _damerau_levenshtein(a: str | None, b: str | None) -> int | None:
    """DuckDB's damerau_levenshtein (optimal string alignment), for Spark, which has none."""
    if a is None or b is None:
        return None
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def shared_uri(*parts: str) -> str:
    """A location under JIUZHU_SPARK_SHARED_DIR (a path, or a URI such as hdfs:// or s3a://)."""
    base = str(settings.JIUZHU_SPARK_SHARED_DIR)
    if "://" not in base:
        base = Path(base).resolve().as_uri()
    return "/".join([base.rstrip("/"), *parts])


class _Result:
    """What ``execute`` returns: the rows fetched, DuckDB-cursor style."""

    def __init__(self, columns: list[str], rows: list[tuple]):
        self.description = [(name,) for name in columns]
        self._rows = rows

    def fetchall(self) -> list[tuple]:
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None


class SparkConnection:
    """A DuckDB-like connection over a SparkSession (see the module docstring)."""

    name = "spark"

    def __init__(self, spark: SparkSession):
        self.spark = spark
        self._views: dict[str, object] = {}  # name -> its DataFrame (unpersisted on drop)
        self._lists = itertools.count()

    # --- DuckDB's API, as the checks use it -----------------------------------------------

    def execute(self, sql: str, params: dict | None = None) -> _Result:
        result = _Result([], [])
        for statement in dialect.parse(sql):
            result = self._run(dialect.bind(statement, params, self._list_table))
        return result

    def cursor(self) -> SparkConnection:
        return self

    def register(self, name: str, table: pa.Table) -> None:
        self._view(name, self.spark.createDataFrame(table))

    def unregister(self, name: str) -> None:
        self._drop(name)

    def close(self) -> None:
        """Drop this run's views and free what they hold; the session stays for the next run."""
        for name in list(self._views):
            self._drop(name)

    # --- Parquet ----------------------------------------------------------------------------

    def read_parquet(self, name: str, uri: str) -> None:
        self._view(name, self.spark.read.parquet(uri))

    def publish(self, local: Path, uri: str, *, keep: bool = False) -> str:
        """Copy a local file to `uri` through the session's Hadoop FileSystem (a shared
        directory, HDFS or S3); with `keep`, a file already there with the same size is kept
        (a snapshot's file never changes once active)."""
        jvm = self.spark.sparkContext._jvm
        conf = self.spark.sparkContext._jsc.hadoopConfiguration()
        target = jvm.org.apache.hadoop.fs.Path(uri)
        fs = target.getFileSystem(conf)
        if (
            keep
            and fs.exists(target)
            and fs.getFileStatus(target).getLen() == Path(local).stat().st_size
        ):
            return uri
        source = jvm.org.apache.hadoop.fs.Path(Path(local).resolve().as_uri())
        fs.copyFromLocalFile(False, True, source, target)
        return uri

    def remove(self, uri: str) -> None:
        """Delete a file or directory under the shared location (a run's tables, once read)."""
        jvm = self.spark.sparkContext._jvm
        target = jvm.org.apache.hadoop.fs.Path(uri)
        target.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration()).delete(
            target, True
        )

    # --- statements -------------------------------------------------------------------------

    def _run(self, statement) -> _Result:
        from sqlglot import exp

        if isinstance(statement, exp.Create):
            name = statement.this.name if isinstance(statement.this, exp.Schema) else None
            name = name or statement.this.sql()
            select = dialect.to_spark(statement.expression)
            if statement.kind == "VIEW":
                self.spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {select}")
                self._views[name] = None
            else:
                self._view(name, self.spark.sql(select).localCheckpoint(eager=True))
            return _Result([], [])
        if isinstance(statement, exp.Drop):
            for table in statement.args.get("tables") or [statement.this]:
                self._drop(table.name)
            return _Result([], [])
        df = self.spark.sql(dialect.to_spark(statement))
        return _Result(df.columns, [tuple(row) for row in df.collect()])

    def _view(self, name: str, df) -> None:
        self._drop(name)
        df.createOrReplaceTempView(name)
        self._views[name] = df

    def _drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        df = self._views.pop(name, None)
        if df is not None:
            df.unpersist()

    def _list_table(self, values: list) -> str:
        name = f"__param_list_{next(self._lists)}"
        kind = pa.int64() if all(isinstance(v, int) for v in values) else pa.string()
        self.register(name, pa.table({"v": pa.array(values, kind)}))
        return name
