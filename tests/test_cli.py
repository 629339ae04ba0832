"""The CLI contract, run in-process with Typer's runner (and once as a real process)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.cli import app
from tests.conftest import REPO, SEED

EVENT_KEYS = {
    "doc_id", "sentence", "cameo", "cameo_name", "goldstein", "quad_class", "plover_type",
    "plover_mode", "source", "target", "date", "location", "confidence", "offsets",
}  # fmt: skip


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_code_seed_jsonl(runner: CliRunner) -> None:
    result = runner.invoke(app, ["code", str(SEED)])
    assert result.exit_code == 0, result.stderr
    events = _lines(result.stdout)
    assert all(set(e) >= EVENT_KEYS for e in events)
    meeting = next(e for e in events if e["cameo"] == "044")
    assert meeting["doc_id"] == str(SEED)
    assert meeting["source"] == {
        "text": "Wang Yi", "country": "CHN", "agent": "GOV", "code": "CHNGOV",
        "entity_id": None, "name": "Wang Yi",
    }  # fmt: skip
    assert meeting["date"] == "2023-07-24"
    assert meeting["location"]["name"] == "Johannesburg"  # type: ignore[index]
    assert meeting["offsets"]["verb"][1] - meeting["offsets"]["verb"][0] == 3  # type: ignore[index]


def test_code_reports_bad_inputs_and_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Syria accused Turkey of violating its sovereignty.\n")
    (tmp_path / "notes.xyz").write_text("hello")
    (tmp_path / "empty.txt").write_text("   \n")
    args = ["code", str(tmp_path), str(tmp_path / "notes.xyz"), "--published", "2024-01-02"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    [event] = _lines(result.stdout)
    assert (event["cameo"], event["date"]) == ("112", "2024-01-02")
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2  # files of other types inside a directory are skipped silently
    assert any("empty.txt" in line for line in errors)
    assert any("notes.xyz" in line and "unsupported" in line for line in errors)


def test_code_exits_non_zero_when_nothing_processed(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(app, ["code", str(tmp_path / "empty.txt")])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr


def test_bad_options(runner: CliRunner) -> None:
    assert runner.invoke(app, ["code", str(SEED), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["code", str(SEED), "--published", "July"]).exit_code == 2


def test_code_json_and_table(runner: CliRunner) -> None:
    as_json = runner.invoke(app, ["code", str(SEED), "--format", "json"])
    events = json.loads(as_json.stdout)
    assert events[0]["cameo"] == "044"
    table = runner.invoke(app, ["code", str(SEED), "--format", "table"])
    assert table.exit_code == 0
    assert "044" in table.stdout and "Johannesburg, ZAF" in table.stdout


def test_extract(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(SEED)])
    [article] = _lines(result.stdout)
    assert set(article) == {
        "doc_id", "title", "published", "section", "caption", "author", "language", "url", "text",
    }  # fmt: skip
    assert (article["title"], article["published"], article["section"]) == (
        "China and Iran Pledge to Deepen Cooperation",
        "2023-07-24",
        "World",
    )


def test_ingest_then_events(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    first = runner.invoke(app, ["ingest", str(SEED), "--db", str(db), "--quiet"])
    assert first.exit_code == 0, first.stderr
    again = runner.invoke(app, ["ingest", str(SEED), "--db", str(db), "--quiet"])
    assert "stored 0 new or changed articles" in again.stderr
    listed = runner.invoke(
        app, ["events", "--db", str(db), "--source", "CHN", "--target", "IRN", "--format", "json"]
    )
    rows = _lines(listed.stdout)
    codes = sorted({str(r["cameo"]) for r in rows})
    assert codes == ["032", "044", "110"]
    assert all(r["source"]["country"] == "CHN" for r in rows)  # type: ignore[index]
    as_csv = runner.invoke(app, ["events", "--db", str(db), "--cameo", "04", "--format", "csv"])
    [row] = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert (row["cameo"], row["location_name"], row["event_date"]) == (
        "044",
        "Johannesburg",
        "2023-07-24",
    )


def test_events_without_store(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no such store" in result.stderr


def test_actors_resolve(runner: CliRunner) -> None:
    police = runner.invoke(app, ["actors", "resolve", "Kenyan police"])
    assert json.loads(police.stdout)["code"] == "KENCOP"
    old = runner.invoke(app, ["actors", "resolve", "Abdelaziz Bouteflika", "--date", "1980-01-01"])
    assert json.loads(old.stdout)["code"] == "DZAELI"
    new = runner.invoke(app, ["actors", "resolve", "Abdelaziz Bouteflika", "--date", "2005-01-01"])
    assert json.loads(new.stdout)["code"] == "DZAGOV"
    missing = runner.invoke(app, ["actors", "resolve", "the weather"])
    assert missing.exit_code == 1


def test_stdin_as_a_real_process() -> None:
    exe = Path(sys.executable).parent / "communique"
    proc = subprocess.run(
        [str(exe), "code", "-", "--published", "2024-05-10"],
        input="Russian forces shelled Kharkiv on Tuesday.",
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    [event] = _lines(proc.stdout)
    assert (event["doc_id"], event["cameo"], event["date"]) == ("-", "190", "2024-05-07")
