"""communique on Spark (local[2]): the same events as one machine, in the export's Parquet."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from communique.cli import app
from communique.export import export_column_types, export_events, import_events
from communique.ingest import InputError, iter_documents
from communique.pipeline import Resources, process_documents
from communique.store import EVENT_COLUMNS, open_store
from tests.conftest import REPO

pytest.importorskip("pyspark")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java")

DAY = date(2024, 3, 5)
PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>{body}</p></article></body></html>"
)
BODY = (
    "India and Pakistan agreed on Tuesday to resume talks on the disputed border region. "
    "Rebels attacked a police station in northern Mali on Monday, killing three officers."
)


def _warc(path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = [("Content-Type", "text/html; charset=utf-8")]
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    page = PAGE.format(title="Talks resume", body=BODY).encode("utf-8")
    record = writer.create_warc_record(
        "https://news.example/talks", "response", payload=io.BytesIO(page), http_headers=http
    )
    writer.write_record(record)
    path.write_bytes(out.getvalue())


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Text, HTML and JSONL samples, and a WARC: one file each, every input kind."""
    folder = tmp_path_factory.mktemp("spark-inputs")
    for name in ("000_china_iran.txt", "001_kharkiv_shelling.html", "004_world_briefs.jsonl"):
        shutil.copy(REPO / "samples" / name, folder / name)
    _warc(folder / "crawl.warc.gz")
    return [str(folder)]


@pytest.fixture(scope="module")
def single_machine(
    inputs: list[str], resources: Resources, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """What `communique ingest` and `communique export --format parquet` write."""
    folder = tmp_path_factory.mktemp("single")
    with open_store(folder / "store.duckdb") as store:
        for result in process_documents(iter_documents(inputs), resources, default_published=DAY):
            assert not isinstance(result, InputError)
            store.save(result)
        store.recluster()
        export_events(store, folder / "parquet", fmt="parquet")
    return folder / "parquet"


@pytest.fixture(scope="module")
def spark_output(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`communique spark` in local[2] mode, two partitions."""
    output = tmp_path_factory.mktemp("spark") / "parquet"
    args = ["spark", "--input", inputs[0], "--output", str(output), "--master", "local[2]"]
    args += ["--partitions", "2", "--published", DAY.isoformat()]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "events of 6 documents (4 input files, 0 failed)" in result.output
    return output


def _events(folder: Path) -> list[tuple[Any, ...]]:
    """Every column but the cluster (set only by a store), ``year`` and ``month`` last."""
    rows = duckdb.sql(
        "SELECT * EXCLUDE (cluster_id, year, month), year::INTEGER, month::INTEGER"
        " FROM read_parquet(?, hive_partitioning = true) ORDER BY event_id",
        params=[str(folder / "**" / "*.parquet")],
    ).fetchall()
    return [tuple(row) for row in rows]


def test_spark_output_equals_the_single_machine_output(
    single_machine: Path, spark_output: Path
) -> None:
    expected = _events(single_machine)
    assert len(expected) > 20
    assert _events(spark_output) == expected  # ids, codes, actors, dates, places, offsets...
    assert {r[1] for r in expected} >= {"https://news.example/talks", "briefs-2023-09-05-syria"}
    day = EVENT_COLUMNS.index("event_date")
    assert all((r[day].year, r[day].month) == r[-2:] for r in expected)  # year=, month=


def test_spark_output_has_the_export_schema_and_imports(spark_output: Path, tmp_path: Path) -> None:
    described = duckdb.sql(
        "DESCRIBE SELECT * EXCLUDE (year, month) FROM read_parquet(?, hive_partitioning = true)",
        params=[str(spark_output / "**" / "*.parquet")],
    ).fetchall()
    types = {str(name): str(kind) for name, kind, *_ in described}
    assert types == export_column_types()
    with open_store(tmp_path / "imported.duckdb") as store:
        added = import_events(store, spark_output, fmt="parquet")
        assert added == len(_events(spark_output))
        assert store.recluster() > 0
