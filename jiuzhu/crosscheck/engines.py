"""Where a month's checks run: DuckDB (embedded, the default) or Spark (a cluster).

Both engines give the run the same thing: a connection ``con`` with DuckDB's API (the checks'
SQL is written once, in DuckDB's dialect; on Spark it is transpiled, :mod:`.dialect`) holding
the run's tables — ``people``, ``recipients``, ``enrolments``, ``applications``, ``villages``
(export.py) and ``snap_<kind>`` for each registry snapshot — after ``prepare``; and ``close``.

- **DuckDB**: the operational columns are exported straight into the in-memory database (ADBC,
  the kept copy: export.py, mirror.py) and the snapshots are read where they are stored.
- **Spark**: the same export is made in a DuckDB of its own, then each table is written once as
  Parquet to JIUZHU_SPARK_SHARED_DIR (where every executor reads), as is each snapshot file;
  the Spark session reads them there. pyspark is imported only here, only for Spark.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from . import engine, export
from .snapshot_selectors import snapshot_file

__all__ = ["DuckDBEngine", "ENGINES", "SparkEngine", "open_engine"]

#: The tables export.export_county makes, which a Spark run reads as Parquet.
RUN_TABLES = ("people", "recipients", "enrolments", "applications", "villages")


class DuckDBEngine:
    name = "duckdb"

    def __init__(self):
        self.con = engine.connect()

    def describe(self) -> dict:
        return {"name": self.name}

    def prepare(self, *, run, snapshots, refused_since) -> dict:
        exported = export.export_county(
            self.con, county=run.county, month=run.month, refused_since=refused_since
        )
        for kind, snap in snapshots.items():
            self.con.execute(
                f"CREATE OR REPLACE VIEW snap_{kind} AS "
                f"SELECT * FROM read_parquet({engine.sql_literal(snapshot_file(snap))})"
            )
        return exported

    def close(self) -> None:
        self.con.close()  # with the kept copy attached, this writes it out (a checkpoint)


class SparkEngine:
    name = "spark"

    def __init__(self, master: str | None = None):
        from . import spark  # pyspark: the optional extra, imported for a Spark run only

        self._spark = spark
        self.con = spark.SparkConnection(spark.spark_session(master))
        self.master = self.con.spark.conf.get("spark.master")
        self._run_dir = ""

    def describe(self) -> dict:
        return {"name": self.name, "master": self.master}

    def prepare(self, *, run, snapshots, refused_since) -> dict:
        self._run_dir = self._spark.shared_uri("runs", f"run-{run.pk}")
        duck = engine.connect()
        try:
            exported = export.export_county(
                duck, county=run.county, month=run.month, refused_since=refused_since
            )
            with tempfile.TemporaryDirectory(prefix="jiuzhu-spark-") as tmp:
                for table in RUN_TABLES:
                    local = Path(tmp) / f"{table}.parquet"
                    duck.execute(
                        f"COPY (SELECT * FROM {table}) TO {engine.sql_literal(local)} "
                        "(FORMAT parquet)"
                    )
                    uri = f"{self._run_dir}/{table}.parquet"
                    self.con.read_parquet(table, self.con.publish(local, uri))
        finally:
            duck.close()
        for kind, snap in snapshots.items():
            path = Path(snapshot_file(snap))
            name = f"{snap.pk}-{snap.file_sha256[:12]}-{path.name}"
            uri = self._spark.shared_uri("snapshots", name)
            self.con.read_parquet(f"snap_{kind}", self.con.publish(path, uri, keep=True))
        return exported

    def close(self) -> None:
        """The run's views dropped and its tables deleted from the shared location (the
        snapshot copies stay for the next run)."""
        self.con.close()
        if self._run_dir:
            self.con.remove(self._run_dir)


ENGINES = ("duckdb", "spark")


def open_engine(name: str = "duckdb", master: str | None = None):
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(master)
    raise ValueError(f"unknown engine: {name}")
