"""Parallel ingest: batches of documents coded in a pool of worker processes.

Documents stream in from :func:`communique.ingest.iter_documents` (a generator) in batches of
``config.batch_size``; at most ``2 * workers`` batches are in flight in each of the two stages,
so memory stays constant whatever the corpus size. Each worker loads every resource once
(:func:`communique.pipeline.load_resources`, in the pool initializer). A batch goes through
the pool twice: the workers extract its articles (:func:`communique.pipeline.process_documents`,
which also vets them), the calling process drops those that ``skip`` says are stored already
(it owns the store: DuckDB has one writer), and the workers parse and analyse the rest
(:func:`communique.pipeline.process_articles`). Results (frozen dataclasses) are pickled back and
yielded in input order (an input error as soon as its batch is extracted), so the caller gets
the same store as from a single-process run.

Workers are started with ``spawn`` (no state forked from the caller's threads). Nothing here
prints, and no state lives at module level beyond the one per-process ``Resources`` that the
initializer stores in each worker.
"""

from __future__ import annotations

import gzip
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

from communique.config import Config
from communique.ingest import InputError
from communique.model import Article, Document
from communique.pipeline import (
    Resources,
    Result,
    load_resources,
    process_articles,
    process_documents,
)

__all__ = ["count_documents", "default_workers", "process_in_pool"]

Item = Document | InputError
Output = Result | InputError


class _Worker:
    """The resources of one worker process (set once by the pool initializer)."""

    resources: Resources | None = None


def default_workers() -> int:
    """All cores: ``os.cpu_count()`` (1 when unknown)."""
    return os.cpu_count() or 1


def _init_worker(config: Config) -> None:
    _Worker.resources = load_resources(config)


def _resources() -> Resources:
    if _Worker.resources is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("worker resources were not loaded")
    return _Worker.resources


def _extract_batch(batch: list[Item], default_published: date | None) -> list[Article | InputError]:
    """Stage 1: the batch's articles (extracted and vetted as in one process), or errors."""
    articles: list[Article | InputError] = []

    def keep(article: Article) -> bool:
        articles.append(article)
        return True  # "skip" it: process_documents then parses nothing

    outputs = process_documents(batch, _resources(), default_published=default_published, skip=keep)
    errors = [o for o in outputs if isinstance(o, InputError)]  # nothing else comes out
    return [*errors, *articles]


def _code_batch(articles: list[Article]) -> list[Result]:
    """Stage 2: parse and analyse."""
    return list(process_articles(articles, _resources()))


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def process_in_pool(
    items: Iterable[Item],
    config: Config,
    *,
    workers: int,
    default_published: date | None = None,
    skip: Callable[[Article], bool] | None = None,
) -> Iterator[Output]:
    """Like :func:`~communique.pipeline.process_documents`, in ``workers`` processes.

    Results come back in input order; ``skip`` (e.g. ``Store.is_stored``) is called here,
    between extraction and parsing, so that a rerun parses only what it has not stored.
    """
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(config,)) as pool:
        extracting: deque[AsyncResult[list[Article | InputError]]] = deque()
        coding: deque[AsyncResult[list[Result]]] = deque()
        for batch in _batches(items, config.batch_size):
            extracting.append(pool.apply_async(_extract_batch, (batch, default_published)))
            if len(extracting) >= 2 * workers:
                yield from _to_code(extracting.popleft().get(), skip, pool, coding)
            if len(coding) >= 2 * workers:
                yield from coding.popleft().get()
        while extracting:
            yield from _to_code(extracting.popleft().get(), skip, pool, coding)
        while coding:
            yield from coding.popleft().get()


def _to_code(
    extracted: list[Article | InputError],
    skip: Callable[[Article], bool] | None,
    pool: Pool,
    coding: deque[AsyncResult[list[Result]]],
) -> Iterator[InputError]:
    """Yield the batch's input errors and send its articles not to ``skip`` to be coded."""
    articles: list[Article] = []
    for item in extracted:
        if isinstance(item, InputError):
            yield item
        elif skip is None or not skip(item):
            articles.append(item)
    if articles:
        coding.append(pool.apply_async(_code_batch, (articles,)))


def count_documents(paths: Iterable[str]) -> int | None:
    """How many documents ``paths`` hold, counted cheaply (files, JSONL lines); ``None``
    when that is unknown without reading them through (stdin, URLs, WARC, feeds, lists)."""
    total = 0
    for path in paths:
        count = _count_path(Path(path)) if path != "-" and "://" not in path else None
        if count is None:
            return None
        total += count
    return total


def _count_path(path: Path) -> int | None:
    if path.is_dir():
        files = (Path(folder, name) for folder, _, names in os.walk(path) for name in names)
        counts = [_count_file(f) for f in files if not _hidden(f, path)]
        return None if None in counts else sum(c or 0 for c in counts)
    return _count_file(path) if path.is_file() else 1  # a missing path is one error


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _count_file(path: Path) -> int | None:
    suffix = Path(path.name.lower().removesuffix(".gz")).suffix
    if suffix in (".html", ".htm", ".txt"):
        return 1
    if suffix == ".jsonl":
        return _count_lines(path)
    if suffix in (".warc", ".rss", ".atom", ".xml", ".urls"):
        return None
    return 0  # passed over in directories


def _count_lines(path: Path) -> int | None:
    try:
        with (gzip.open if path.name.lower().endswith(".gz") else open)(path, "rb") as stream:
            return sum(1 for line in stream if line.strip()) or 1
    except (OSError, EOFError):
        return 1
