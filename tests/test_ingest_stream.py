"""JSONL is streamed line by line: a large file is read in flat memory, line numbers stay right."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest

from communique.ingest import InputError, iter_documents

_RECORDS = 25_000
_BAD_LINE = 23_457
_BODY = "The minister met the envoy in the capital on Tuesday to discuss the ceasefire. " * 26


def _write_jsonl(path: Path) -> int:
    """About 50 MB of records, one invalid line at ``_BAD_LINE`` and a blank line after it."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as out:
        for number in range(1, _RECORDS + 1):
            if number == _BAD_LINE:
                out.write('{"id": "broken", "text": \n\n')
                continue
            out.write(json.dumps({"id": f"d{number}", "text": _BODY}) + "\n")
    return path.stat().st_size


def _consume(path: Path) -> tuple[int, list[InputError], int]:
    """Documents read, errors and the peak of Python allocations while reading them."""
    count, errors = 0, []
    tracemalloc.start()
    try:
        for item in iter_documents([str(path)]):
            if isinstance(item, InputError):
                errors.append(item)
            else:
                count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, errors, peak


@pytest.mark.parametrize("name", ["big.jsonl", "big.jsonl.gz"])
def test_large_jsonl_streams_in_flat_memory(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _write_jsonl(path)
    raw_size = _RECORDS * (len(_BODY) + 20)
    assert raw_size > 50_000_000
    count, errors, peak = _consume(path)
    assert count == _RECORDS - 1
    assert [(e.path, e.reason.split(":")[0]) for e in errors] == [
        (f"{path}:{_BAD_LINE}", "invalid JSON")
    ]
    assert peak < 5_000_000, f"peak {peak} bytes while reading {raw_size} bytes"


def test_truncated_gzip_jsonl_keeps_the_lines_before(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": f"d{n}", "text": _BODY}) + "\n" for n in range(200))
    data = gzip.compress(lines.encode("utf-8"))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(iter_documents([str(path)]))
    assert items
    assert all(not isinstance(item, InputError) for item in items[:-1])
    last = items[-1]
    assert isinstance(last, InputError)
    assert (last.path, last.reason.startswith("not a valid gzip file")) == (str(path), True)


def test_utf16_jsonl_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    text = json.dumps({"id": "w1", "text": _BODY}) + "\n"
    path.write_bytes(text.encode("utf-16"))
    [doc] = list(iter_documents([str(path)]))
    assert not isinstance(doc, InputError)
    assert doc.doc_id == "w1"
