"""The pipeline on Spark: input files in, date-partitioned Parquet in the export schema out.

The driver lists the input files (directories walked as ``communique ingest`` walks them) and
spreads them over ``partitions`` Spark partitions. Each partition (``mapPartitions``) loads every
resource once (:func:`communique.pipeline.load_resources`), reads its files with
:func:`communique.ingest.iter_documents` and codes them with
:func:`communique.pipeline.process_documents`: the same code as one machine, so the same events
with the same ids. Rows are :func:`communique.export.export_rows`; the schema comes from
:func:`communique.export.export_column_types`; the output is partitioned by ``year``/``month`` of
the event date like ``communique export --format parquet``, so ``communique import --format
parquet`` loads it (and clusters the events) and DuckDB queries it as it is.

The unit of work is a file: a WARC, a JSONL file or a page. Split a big JSONL corpus into many
files. Input paths must be readable at the same path on every executor (a local disk in local
mode; NFS or a mounted bucket on a cluster); the output may be any path Spark writes
(``gs://``, ``s3a://``, ``hdfs://``).

Entry points: ``communique spark`` and ``spark-submit .../communique/spark_job.py`` (:func:`main`).
PySpark is imported only when a job runs (the ``[spark]`` extra).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from communique.config import Config
from communique.export import export_column_types, export_rows
from communique.ingest import InputError, input_files, iter_documents
from communique.pipeline import load_resources, process_documents

if TYPE_CHECKING:
    from pyspark import Accumulator
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType

__all__ = ["SparkJob", "code_partition", "main", "run_job", "session", "spark_schema"]

PARTITION_COLUMNS = ("year", "month")


@dataclass(frozen=True, slots=True)
class SparkJob:
    """One run: where documents come from and go to, and how the work is cut."""

    inputs: tuple[str, ...]
    output: str
    config: Config = field(default_factory=Config)
    published: date | None = None  # for documents that carry no date
    partitions: int | None = None  # default: one per input file, at most 4 x default parallelism
    overwrite: bool = False


@dataclass(frozen=True, slots=True)
class JobReport:
    files: int
    documents: int  # coded (Spark counts a retried task's documents again)
    events: int
    failed: tuple[str, ...]  # "path: reason" of the inputs that could not be coded


def code_partition(
    config: Config, published: date | None, coded: Accumulator[int] | None = None
) -> Callable[[Iterable[str]], Iterator[tuple[Any, ...]]]:
    """The ``mapPartitions`` function: file paths in, export rows (plus year, month) out;
    an input error becomes a row without ``event_id``, its ``doc_id`` the input's path and its
    ``rule`` the reason, which :func:`run_job` reports and does not write. ``coded``, a Spark
    accumulator, counts the documents coded."""
    columns = tuple(export_column_types())

    def run(paths: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        files = list(paths)
        if not files:
            return
        res = load_resources(config)  # once per partition
        outputs = process_documents(iter_documents(files), res, default_published=published)
        for item in outputs:
            if isinstance(item, InputError):
                failed = {"doc_id": item.path, "rule": item.reason}
                yield (*(failed.get(c) for c in columns), None, None)
                continue
            if coded is not None:
                coded.add(1)
            for row in export_rows(item):
                day = row["event_date"]
                month = (day.year, day.month) if day else (None, None)
                yield (*(row[c] for c in columns), *month)

    return run


_SPARK_TYPES = {
    "VARCHAR": "StringType",
    "INTEGER": "IntegerType",
    "BIGINT": "LongType",
    "DOUBLE": "DoubleType",
    "DATE": "DateType",
    "BOOLEAN": "BooleanType",
    "TIMESTAMP": "TimestampType",
}


def spark_schema() -> StructType:
    """The export columns with Spark types (from the DuckDB types), then ``year``, ``month``."""
    from pyspark.sql import types

    fields = [
        types.StructField(name, getattr(types, _SPARK_TYPES[kind])(), nullable=True)
        for name, kind in export_column_types().items()
    ]
    fields += [types.StructField(n, types.IntegerType(), nullable=True) for n in PARTITION_COLUMNS]
    return types.StructType(fields)


def _cast(kind: str) -> Callable[[Any], Any]:
    if kind == "DOUBLE":
        return lambda v: None if v is None else float(v)
    if kind in ("INTEGER", "BIGINT"):
        return lambda v: None if v is None else int(v)
    return lambda v: v


def _typed(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Python values as Spark's schema wants them (a Goldstein score of 3 as 3.0)."""
    casts = [_cast(kind) for kind in export_column_types().values()]
    casts += [_cast("INTEGER")] * len(PARTITION_COLUMNS)
    for row in rows:
        yield tuple(cast(value) for cast, value in zip(casts, row, strict=True))


def session(master: str = "local[*]", *, app_name: str = "communique") -> SparkSession:
    """A Spark session for local runs: no web UI, few shuffle partitions, loopback only."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers: this interpreter
    builder = SparkSession.builder.appName(app_name).master(master)
    settings = {
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.driver.memory": "1g",
    }
    if master.startswith("local"):
        settings |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def run_job(spark: SparkSession, job: SparkJob) -> JobReport:
    """Code ``job.inputs`` on ``spark`` and write Parquet to ``job.output``."""
    files = input_files(job.inputs)
    context = spark.sparkContext
    slices = job.partitions or min(max(len(files), 1), 4 * context.defaultParallelism)
    coded = context.accumulator(0)
    rows = (
        context.parallelize(files, slices)
        .mapPartitions(code_partition(job.config, job.published, coded))
        .mapPartitions(_typed)
    )
    frame = spark.createDataFrame(rows, schema=spark_schema()).cache()
    try:
        errors = frame.where(frame.event_id.isNull()).select("doc_id", "rule").collect()
        events = frame.where(frame.event_id.isNotNull())
        writer = events.write.partitionBy(*PARTITION_COLUMNS)
        writer.mode("overwrite" if job.overwrite else "errorifexists").parquet(job.output)
        count = events.count()
    finally:
        frame.unpersist()
    failed = tuple(f"{row['doc_id']}: {row['rule']}" for row in errors)
    return JobReport(files=len(files), documents=coded.value, events=count, failed=failed)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="spark_job.py", description="Code news documents on Spark into Parquet."
    )
    parser.add_argument("--input", action="append", required=True, help="file or directory")
    parser.add_argument("--output", required=True, help="Parquet directory (any Spark path)")
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--published", type=date.fromisoformat, default=None)
    parser.add_argument("--overwrite", action="store_true")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """``spark-submit`` entry point: the session comes from ``spark-submit`` (its master)."""
    from pyspark.sql import SparkSession

    args = _arguments(argv)
    job = SparkJob(
        inputs=tuple(args.input),
        output=args.output,
        published=args.published,
        partitions=args.partitions,
        overwrite=args.overwrite,
    )
    spark = SparkSession.builder.appName("communique").getOrCreate()
    try:
        report = run_job(spark, job)
    finally:
        spark.stop()
    for line in report.failed:
        sys.stderr.write(f"error: {line}\n")
    sys.stderr.write(f"{report.events} events of {report.documents} documents in {job.output}\n")


if __name__ == "__main__":  # spark-submit runs this file: use the package's module instead
    from communique.spark_job import main as package_main

    package_main()
