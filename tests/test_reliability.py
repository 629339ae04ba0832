"""Reliability (issue 9): hostile and broken inputs, a killed ingest, two processes on one store.

The bad inputs are ``tests/data/bad/`` (built by ``scripts/build_bad_corpus.py``); the big ones
(a 4 MB line, a 5,000-word sentence, a 50 MB page) are made here in ``tmp_path``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from scripts.build_bad_corpus import FILES, build, huge_line, huge_page, long_sentence
from typer.testing import CliRunner, Result

from communique import cli
from communique.cli import app
from communique.pipeline import Resources
from tests.conftest import REPO, SEED

BAD = REPO / "tests" / "data" / "bad"
COMMUNIQUE = [str(Path(sys.executable).with_name("communique"))]

# What the batch must report, one line each, naming the file (and the line, for JSONL).
EXPECTED_ERRORS = {
    "binary.html": "binary content",
    "empty.txt": "empty document",
    "nul_bytes.txt": "binary content",
    "utf16_nobom.txt": "binary content",
    "truncated.txt.gz": "not a valid gzip file",
    "truncated.warc.gz": "truncated WARC",
    **{f"broken.jsonl:{line}": "" for line in range(2, 12)},
}
LANGUAGES = {"lang_fr.txt": "fr", "lang_ar.txt": "ar", "lang_zh.txt": "zh", "lang_ru.txt": "ru"}


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, resources: Resources) -> CliRunner:
    """The CLI in-process, with the session's models (loaded once) instead of fresh ones."""
    monkeypatch.setattr(cli, "load_resources", lambda config: resources)
    return CliRunner()


def _ingest(runner: CliRunner, db: Path, *paths: Path | str) -> Result:
    return runner.invoke(app, ["ingest", *map(str, paths), "--db", str(db), "--quiet"])


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _event_ids(db: Path, doc_id: str | None = None) -> set[str]:
    where = f" WHERE doc_id = '{doc_id}'" if doc_id else ""
    return {str(r[0]) for r in _rows(db, f"SELECT event_id FROM events{where}")}  # noqa: S608


def test_the_committed_corpus_is_what_the_script_builds(tmp_path: Path) -> None:
    built = {path.name: path.read_bytes() for path in build(tmp_path)}
    assert built == {name: (BAD / name).read_bytes() for name in FILES}
    assert (tmp_path / "README.md").read_text() == (BAD / "README.md").read_text()
    assert sum(p.stat().st_size for p in BAD.iterdir()) < 2_000_000


@dataclass(frozen=True)
class BadRun:
    db: Path
    result: Result  # of the ingest of the bad corpus
    seed_events: set[str]  # the seed article's events, stored before


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory, resources: Resources) -> Iterator[BadRun]:
    """The seed article stored, then the bad corpus and one more good article into the store."""
    db = tmp_path_factory.mktemp("bad") / "store.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "load_resources", lambda config: resources)
        first = _ingest(CliRunner(), db, SEED)
        assert first.exit_code == 0, first.stderr
        seed_events = _event_ids(db, str(SEED))
        good = REPO / "samples" / "002_kenya_protests.txt"
        yield BadRun(db, _ingest(CliRunner(), db, BAD, good), seed_events)


def test_bad_inputs_are_reported_one_line_each_and_the_batch_goes_on(bad_run: BadRun) -> None:
    result = bad_run.result
    assert result.exit_code == 0, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for where, reason in EXPECTED_ERRORS.items():
        [line] = [e for e in errors if e.startswith(f"error: {BAD / where}:")]
        assert reason in line
    assert len(errors) == len(EXPECTED_ERRORS)
    assert "Traceback" not in result.stderr
    stored = {str(r[0]) for r in _rows(bad_run.db, "SELECT doc_id FROM articles")}
    assert str(REPO / "samples" / "002_kenya_protests.txt") in stored
    for name in ("utf16_bom.txt", "nested_divs.html", "hostile.html", "invalid_utf8.txt"):
        assert str(BAD / name) in stored  # decoded or parsed, not rejected
    assert {"jsonl-good", "https://bad.example/warc-ok"} <= stored  # before the damage


def test_nothing_stored_before_is_lost(bad_run: BadRun) -> None:
    assert bad_run.seed_events
    assert _event_ids(bad_run.db, str(SEED)) == bad_run.seed_events
    orphans = "SELECT e.doc_id FROM events e ANTI JOIN articles a USING (doc_id)"
    assert not _rows(bad_run.db, orphans)


def test_other_languages_are_stored_with_their_language_and_no_events(bad_run: BadRun) -> None:
    for name, language in LANGUAGES.items():
        doc_id = str(BAD / name)
        sql = f"SELECT language FROM articles WHERE doc_id = '{doc_id}'"  # noqa: S608
        assert _rows(bad_run.db, sql) == [(language,)]
        assert _event_ids(bad_run.db, doc_id) == set()


def test_script_in_a_title_is_stored_as_its_literal_text(bad_run: BadRun) -> None:
    sql = f"SELECT title, text FROM articles WHERE doc_id = '{BAD / 'hostile.html'}'"  # noqa: S608
    [(title, text)] = _rows(bad_run.db, sql)
    assert title == "<script>alert('title')</script> Kenya police clash with protesters"
    assert "document.cookie" not in str(text)  # script elements are not article text
    assert "onerror" not in str(text)


def test_only_bad_inputs_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    names = ("empty.txt", "binary.html", "nul_bytes.txt", "utf16_nobom.txt", "truncated.txt.gz")
    result = _ingest(runner, tmp_path / "s.duckdb", *(BAD / n for n in names))
    assert result.exit_code == 1
    assert result.stderr.count("error: ") == len(names)
    assert "nothing could be processed" in result.stderr


def test_a_huge_single_line_is_rejected_quickly(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "huge_line.txt"
    page.write_text(huge_line(megabytes=4), encoding="utf-8")
    start = time.monotonic()
    result = _ingest(runner, tmp_path / "s.duckdb", page, SEED)
    assert time.monotonic() - start < 30
    assert result.exit_code == 0, result.stderr
    assert f"error: {page}: article text too long to parse" in result.stderr


@pytest.mark.slow
def test_a_sentence_of_5000_words_is_coded_in_bounded_time(
    runner: CliRunner, tmp_path: Path
) -> None:
    page = tmp_path / "long_sentence.txt"
    page.write_text(long_sentence(words=5000), encoding="utf-8")
    start = time.monotonic()
    result = _ingest(runner, tmp_path / "s.duckdb", page)
    assert time.monotonic() - start < 60
    assert result.exit_code == 0, result.stderr


@pytest.mark.slow
def test_a_50_mb_page_is_processed_or_rejected_in_bounded_time(
    runner: CliRunner, tmp_path: Path
) -> None:
    page = tmp_path / "huge.html"
    page.write_text(huge_page(megabytes=50), encoding="utf-8")
    start = time.monotonic()
    result = _ingest(runner, tmp_path / "s.duckdb", page, SEED)
    assert time.monotonic() - start < 300
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    if f"error: {page}" not in result.stderr:
        assert str(page) in {
            str(r[0]) for r in _rows(tmp_path / "s.duckdb", "SELECT doc_id FROM articles")
        }


def test_a_lost_near_duplicate_index_is_rebuilt_from_the_store(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A killed run never saves ``FILE.minhash.jsonl``; the next run indexes what is stored."""
    db = tmp_path / "s.duckdb"
    assert _ingest(runner, db, SEED).exit_code == 0
    cli.dedup_index_path(db).unlink()
    copy = tmp_path / "copy.txt"
    extra = "\n\nThe two officials spoke for more than an hour, a statement released later said."
    monday = "in Johannesburg on Monday."
    text = SEED.read_text(encoding="utf-8").replace(monday, monday + extra)
    copy.write_text(text, encoding="utf-8")
    done = _ingest(runner, db, copy)
    assert done.exit_code == 0, done.stderr
    assert "stored 1 new" in done.stderr, done.stderr
    sql = f"SELECT duplicate_of FROM articles WHERE doc_id = '{copy}'"  # noqa: S608
    assert _rows(db, sql) == [(str(SEED),)]
    assert _event_ids(db, str(copy)) == set()


# --- two processes on one store ---------------------------------------------------------------


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMUNIQUE, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_a_second_writer_fails_fast_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with duckdb.connect(str(db)):  # another process writing the store
        start = time.monotonic()
        writer = _cli("ingest", str(SEED), "--db", str(db), "--quiet")
        elapsed = time.monotonic() - start
        reader = _cli("events", "--db", str(db))
    message = f"error: {db}: is being written by another communique process"
    for done in (writer, reader):
        assert done.returncode == 3
        assert done.stderr.startswith(message)
        assert len(done.stderr.strip().splitlines()) == 1
    assert elapsed < 15  # before the models load


# --- a killed ingest --------------------------------------------------------------------------

COUNTRIES = [
    ("France", "Germany", "Paris"), ("Kenya", "Uganda", "Nairobi"), ("Japan", "China", "Tokyo"),
    ("Brazil", "Argentina", "Brasilia"), ("Egypt", "Sudan", "Cairo"),
    ("India", "Pakistan", "Delhi"),
    ("Russia", "Ukraine", "Moscow"), ("Turkey", "Greece", "Ankara"), ("Iran", "Iraq", "Tehran"),
    ("Nigeria", "Niger", "Abuja"),
]  # fmt: skip
TEMPLATES = [
    "{a} accused {b} on Monday of violating the ceasefire near {city}.",
    "The foreign minister of {a} met his counterpart from {b} in {city} on Tuesday.",
    "{b} rejected the demand of {a} and recalled its ambassador, officials said.",
]


def _numbered_articles(folder: Path, count: int) -> list[Path]:
    """``count`` distinct short articles (far from near duplicates of each other)."""
    folder.mkdir()
    paths = []
    for number in range(count):
        a, b, city = COUNTRIES[number % len(COUNTRIES)]
        first, second = (a, b) if number < len(COUNTRIES) else (b, a)
        lines = [t.format(a=first, b=second, city=city) for t in TEMPLATES]
        lines = lines[number // 20 :] + lines[: number // 20]
        text = f"Report {number}: talks {number * 7}\n\n" + " ".join(lines)
        text += f" Story {number} of the series, filed {number} hours after the first."
        paths.append(folder / f"{number:03d}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    return paths


def _consistent(db: Path) -> tuple[int, int]:
    """(articles, events) of a store that opens and whose events all have their article."""
    assert not _rows(db, "SELECT doc_id FROM events ANTI JOIN articles USING (doc_id)")
    assert not _rows(db, "SELECT doc_id FROM mentions ANTI JOIN articles USING (doc_id)")
    [(articles, events)] = _rows(
        db, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)"
    )
    return int(str(articles)), int(str(events))


def _kill_after_first_commits(db: Path, corpus: Path) -> None:
    """Start an ingest and SIGKILL it once its write-ahead log has grown past the schema."""
    args = [
        *COMMUNIQUE,
        "ingest",
        str(corpus),
        "--db",
        str(db),
        "--quiet",
        "--published",
        "2024-05-06",
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wal = Path(f"{db}.wal")
    deadline = time.monotonic() + 45
    first: int | None = None
    while time.monotonic() < deadline and process.poll() is None:
        size = wal.stat().st_size if wal.exists() else 0
        first = first or size or None
        if first and size > first:
            break
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.slow
def test_a_killed_ingest_leaves_a_consistent_store_and_a_rerun_completes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _numbered_articles(corpus, 30)
    killed, clean = tmp_path / "killed.duckdb", tmp_path / "clean.duckdb"
    _kill_after_first_commits(killed, corpus)
    articles, _ = _consistent(killed)
    assert articles < 30  # killed mid-run
    for db in (killed, clean):
        done = _cli("ingest", str(corpus), "--db", str(db), "--quiet", "--published", "2024-05-06")
        assert done.returncode == 0, done.stderr
    assert _consistent(killed) == _consistent(clean)
    assert _consistent(clean)[0] == 30
    assert _event_ids(killed) == _event_ids(clean)
