"""The command line: a thin Typer shell over the library."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from spacy.language import Language

from communique import analytics
from communique.actors import ActorResources, resolve_text
from communique.config import Config
from communique.dedup import NearDuplicateIndex
from communique.dictionaries import DictionaryError
from communique.embedding import EmbeddingError, require_extra
from communique.export import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    ExportFormat,
    ImportFormat,
    export_events,
    import_events,
)
from communique.extract import extract_article
from communique.fetch import FetchConfig, Fetcher, default_cache_dir
from communique.ingest import InputError, iter_documents
from communique.model import Article
from communique.nlp import load_nlp
from communique.ontology import load_ontology
from communique.pipeline import Resources, Result, load_resources, process_documents
from communique.resolution import parse_request, resolution_dict, resolve
from communique.serialize import (
    actor_dict,
    article_dict,
    event_dict,
    stored_event_dict,
    toponym_dict,
)
from communique.store import (
    EventFilter,
    Store,
    StoreLockedError,
    check_not_locked,
    open_store,
)
from communique.user_dictionaries import load_user_dictionaries, user_actor_resources
from communique.workers import count_documents, default_workers, process_in_pool

app = typer.Typer(
    help="communique: raw news pages in, coded political events (CAMEO, PLOVER) out.",
    no_args_is_help=True,
    add_completion=False,
)
actors_app = typer.Typer(help="Actor resolution.", no_args_is_help=True)
app.add_typer(actors_app, name="actors")

_err = Console(stderr=True, soft_wrap=True)

Paths = Annotated[
    list[str],
    typer.Argument(help="Files, directories, .jsonl/.warc/.rss/.urls files, URLs or '-'."),
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        envvar="COMMUNIQUE_CACHE_DIR",
        help="HTTP cache directory (default: ~/.cache/communique/http).",
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Fetch URLs without the cache.")]
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB store file.")]
PublishedOpt = Annotated[
    str | None, typer.Option("--published", help="Publication date (YYYY-MM-DD) by default.")
]
ActorFilesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--actors",
        help="Your actors: YAML, CSV or a TABARI/PETRARCH actor file (repeatable).",
        exists=True,
        dir_okay=False,
    ),
]
AgentFilesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--agents",
        help="Your agent nouns: YAML, CSV or a TABARI/PETRARCH agents file (repeatable).",
        exists=True,
        dir_okay=False,
    ),
]
VerbFilesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--verbs",
        help="A PETRARCH verb dictionary, used before the packaged verbs (repeatable).",
        exists=True,
        dir_okay=False,
    ),
]
EmbeddingOpt = Annotated[
    bool,
    typer.Option(
        "--embedding-fallback",
        help="Code sentences the dictionary misses by the nearest CAMEO description "
        "(needs pip install 'communique[embed]').",
    ),
]


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def _report(error: InputError) -> None:
    _err.print(f"[red]error[/red]: {error.path}: {error.reason}", highlight=False, markup=True)


def _user_config(
    actors: list[Path] | None, agents: list[Path] | None, verbs: list[Path] | None = None
) -> Config:
    """The run's configuration with the dictionary files the user gave."""
    files = (tuple(actors or ()), tuple(agents or ()), tuple(verbs or ()))
    return Config(actor_files=files[0], agent_files=files[1], verb_files=files[2])


def _bad_dictionary(exc: DictionaryError | EmbeddingError) -> typer.Exit:
    _err.print(f"[red]error[/red]: {escape(str(exc))}", highlight=False)
    return typer.Exit(code=2)


def _warn(notes: Iterable[str]) -> None:
    for note in notes:
        _err.print(f"[yellow]warning[/yellow]: {escape(note)}", highlight=False)


def _load(config: Config) -> Resources:
    """Every resource, with the user's dictionaries; a bad dictionary file (or the embedding
    fallback without its extra) exits with 2."""
    try:
        res = load_resources(config)
    except (DictionaryError, EmbeddingError) as exc:
        raise _bad_dictionary(exc) from None
    _warn(res.dictionary_notes)
    return res


def _check_dictionaries(config: Config) -> Config:
    """Read the user's dictionaries once (a bad file exits with 2) without loading spaCy:
    with ``--workers`` above 1, the workers load the resources."""
    try:
        _warn(load_user_dictionaries(config, known_codes=load_ontology().codes).notes)
        if config.embedding_fallback:
            require_extra()
    except (DictionaryError, EmbeddingError) as exc:
        raise _bad_dictionary(exc) from None
    return config


def _results(
    paths: list[str],
    res: Resources | Config,
    published: date | None,
    counts: dict[str, int],
    *,
    skip: Callable[[Article], bool] | None = None,
    fetcher: Fetcher | None = None,
    workers: int = 1,
) -> Iterator[Result]:
    """Coded results, in input order: in this process given ``Resources``, else in a pool of
    ``workers`` processes (given the ``Config`` they load the resources from)."""
    items = iter_documents(paths, stdin=sys.stdin, fetcher=fetcher)
    outputs = (
        process_documents(items, res, default_published=published, skip=skip)
        if isinstance(res, Resources)
        else process_in_pool(items, res, workers=workers, default_published=published, skip=skip)
    )
    for item in outputs:
        if isinstance(item, InputError):
            counts["failed"] += 1
            _report(item)
        else:
            counts["ok"] += 1
            yield item


def _exit_status(counts: dict[str, int]) -> None:
    if counts["ok"] + counts.get("skipped", 0) == 0:
        _err.print("[red]nothing could be processed[/red]")
        raise typer.Exit(code=1)


def _print_json_lines(rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@app.command()
def code(
    paths: Paths,
    fmt: Annotated[str, typer.Option("--format", help="jsonl, json or table.")] = "jsonl",
    published: PublishedOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    actors: ActorFilesOpt = None,
    agents: AgentFilesOpt = None,
    verbs: VerbFilesOpt = None,
    embedding_fallback: EmbeddingOpt = False,
) -> None:
    """Code documents into events and print them (stateless; nothing is stored)."""
    _check_format(fmt, ("jsonl", "json", "table"))
    config = replace(_user_config(actors, agents, verbs), embedding_fallback=embedding_fallback)
    res = _load(config)
    counts = {"ok": 0, "failed": 0}
    with _fetcher(cache_dir, no_cache=no_cache) as fetcher:
        day = _date(published, "--published")
        results = _results(paths, res, day, counts, fetcher=fetcher)
        events = [event_dict(e) for r in results for e in r.events]
    if fmt == "json":
        sys.stdout.write(json.dumps(events, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "table":
        _print_table(events)
    else:
        _print_json_lines(events)
    _exit_status(counts)


@app.command()
def extract(
    paths: Paths,
    fmt: Annotated[str, typer.Option("--format", help="json (one object per line).")] = "json",
    published: PublishedOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Print each cleaned article and its metadata, without coding."""
    _check_format(fmt, ("json",))
    counts = {"ok": 0, "failed": 0}
    default = _date(published, "--published")
    with _fetcher(cache_dir, no_cache=no_cache) as fetcher:
        for item in iter_documents(paths, stdin=sys.stdin, fetcher=fetcher):
            if isinstance(item, InputError):
                counts["failed"] += 1
                _report(item)
                continue
            counts["ok"] += 1
            article = extract_article(item)
            if article.published is None and default is not None:
                article = replace(article, published=default)
            _print_json_lines([article_dict(article)])
    _exit_status(counts)


@app.command()
def places(
    paths: Paths,
    fmt: Annotated[str, typer.Option("--format", help="jsonl (one object per mention).")] = "jsonl",
    published: PublishedOpt = None,
) -> None:
    """Print every place-name mention with its offsets and its GeoNames resolution."""
    _check_format(fmt, ("jsonl",))
    res = load_resources(Config())
    counts = {"ok": 0, "failed": 0}
    for result in _results(paths, res, _date(published, "--published"), counts):
        doc_id = result.article.doc_id
        _print_json_lines(toponym_dict(doc_id, top) for top in result.toponyms)
    _exit_status(counts)


@contextmanager
def _fetcher(cache_dir: Path | None, *, no_cache: bool) -> Iterator[Fetcher]:
    """The run's HTTP fetcher: cached in ``cache_dir`` (or the default) unless ``no_cache``."""
    folder = None if no_cache else (cache_dir or default_cache_dir(os.environ))
    with Fetcher(FetchConfig(cache_dir=folder)) as fetcher:
        yield fetcher


def dedup_index_path(db: Path) -> Path:
    """Where ``ingest`` keeps the near-duplicate signatures of a store: beside it."""
    return db.with_name(f"{db.name}.minhash.jsonl")


@contextmanager
def _near_duplicates(db: Path, *, fresh: bool) -> Iterator[NearDuplicateIndex]:
    """The store's near-duplicate index (a new one for a new store), saved when done."""
    path = dedup_index_path(db)
    index = NearDuplicateIndex()
    if not fresh and path.is_file():
        try:
            index = NearDuplicateIndex.load(path)
        except (OSError, ValueError) as exc:
            _err.print(f"[yellow]warning[/yellow]: {path}: rebuilt ({exc})", highlight=False)
    try:
        yield index
    finally:
        index.save(path)


def catch_up(index: NearDuplicateIndex, store: Store) -> int:
    """Index the stored articles the index lacks (a run killed before it saved the index), in
    the order they were stored; returns how many were added."""
    con = store.connection
    ids = con.execute(
        "SELECT doc_id FROM articles WHERE length(text) > body_start ORDER BY ingested_at, doc_id"
    ).fetchall()
    missing = [str(row[0]) for row in ids if row[0] not in index]
    for doc_id in missing:
        row = con.execute(
            "SELECT substr(text, body_start + 1) FROM articles WHERE doc_id = ?", [doc_id]
        ).fetchone()
        index.add(doc_id, str(row[0]) if row else "")
    return len(missing)


def save_deduplicated(store: Store, result: Result, index: NearDuplicateIndex) -> bool:
    """Store a result, linked to the canonical article it nearly duplicates (wire copies)."""
    canonical = index.add(result.article.doc_id, result.article.body)
    return store.save(result, duplicate_of=canonical)


def _progress(*, quiet: bool) -> Progress:
    columns = (
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} articles/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    return Progress(*columns, console=_err, disable=quiet, transient=False)


@app.command()
def ingest(
    paths: Paths,
    db: DbOpt = Path("communique.duckdb"),
    published: PublishedOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    actors: ActorFilesOpt = None,
    agents: AgentFilesOpt = None,
    verbs: VerbFilesOpt = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Worker processes (default: all cores)."),
    ] = None,
    embedding_fallback: EmbeddingOpt = False,
) -> None:
    """Code documents and store articles, mentions and events in a DuckDB file."""
    _exit_if_locked(db)  # before the models load: fail fast
    config = replace(_user_config(actors, agents, verbs), embedding_fallback=embedding_fallback)
    total = count_documents(paths)
    workers = _worker_count(workers, total, config.batch_size)
    res = _load(config) if workers == 1 else _check_dictionaries(config)
    counts = {"ok": 0, "failed": 0, "skipped": 0}
    added = 0
    fresh = not db.exists()
    with (
        _open(db) as store,
        _progress(quiet=quiet) as progress,
        _fetcher(cache_dir, no_cache=no_cache) as fetcher,
        _near_duplicates(db, fresh=fresh) as index,
    ):
        catch_up(index, store)
        task = progress.add_task("ingest", total=total, rate="0.0")
        skip = _resume(store, counts)
        day = _date(published, "--published")
        results = _results(paths, res, day, counts, skip=skip, fetcher=fetcher, workers=workers)
        for result in results:
            added += int(save_deduplicated(store, result, index))
            elapsed = max(progress.tasks[0].elapsed or 1e-9, 1e-9)
            done = counts["ok"] + counts["failed"] + counts["skipped"]
            progress.update(task, completed=done, rate=f"{counts['ok'] / elapsed:.1f}")
        progress.update(task, completed=counts["ok"] + counts["failed"] + counts["skipped"])
        store.recluster()
        total_events, clusters = store.count("events"), store.count("event_clusters")
    _err.print(
        f"stored {added} new or changed articles ({counts['ok']} read, "
        f"{counts['skipped']} already stored, {counts['failed']} failed); "
        f"{total_events} events in {clusters} event clusters in {db}"
    )
    _exit_status(counts)


def _worker_count(asked: int | None, total: int | None, batch_size: int) -> int:
    """``--workers`` (default: all cores), but no more than there are batches to code."""
    workers = asked or default_workers()
    return workers if total is None else max(1, min(workers, -(-total // batch_size)))


def _resume(store: Store, counts: dict[str, int]) -> Callable[[Article], bool]:
    """Skip, before parsing, the articles a previous run already stored."""

    def stored(article: Article) -> bool:
        found = store.is_stored(article)
        counts["skipped"] += int(found)
        return found

    return stored


_TABLE_COLUMNS = ("date", "source", "cameo", "event", "plover", "target", "place", "conf", "verb")


def _row_cells(event: dict[str, Any]) -> list[str]:
    src, tgt, loc = event["source"], event["target"], event["location"]
    verb = event["offsets"]["verb"]
    start = event["offsets"]["sentence"][0]
    trigger = event["sentence"][verb[0] - start : verb[1] - start]
    return [
        str(event["date"] or ""),
        src["code"],
        event["cameo"],
        event["cameo_name"][:32],
        str(event["plover_type"] or ""),
        tgt["code"] if tgt else "",
        f"{loc['name']}, {loc['country']}" if loc else "",
        f"{event['confidence']:.2f}",
        trigger,
    ]


def _print_table(events: list[dict[str, Any]]) -> None:
    table = Table(*_TABLE_COLUMNS, title=f"{len(events)} events")
    for event in events:
        table.add_row(*_row_cells(event))
    Console(width=None if sys.stdout.isatty() else 160).print(table)


def _stored_event(row: dict[str, Any]) -> dict[str, Any]:
    """A store row in the same shape as ``communique code`` prints."""
    return stored_event_dict(row)


@app.command()
def events(
    db: DbOpt = Path("communique.duckdb"),
    source: Annotated[str | None, typer.Option(help="Source country or actor code.")] = None,
    target: Annotated[str | None, typer.Option(help="Target country or actor code.")] = None,
    cameo: Annotated[str | None, typer.Option(help="CAMEO code prefix, e.g. 04.")] = None,
    since: Annotated[str | None, typer.Option(help="First event date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Last event date (YYYY-MM-DD).")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many events.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """List stored events, filtered."""
    _check_format(fmt, ("table", "json", "csv"))
    if not db.exists():
        _err.print(f"[red]error[/red]: {db}: no such store (run `communique ingest` first)")
        raise typer.Exit(code=1)
    where = EventFilter(
        source=source,
        target=target,
        cameo=cameo,
        limit=limit,
        since=_date(since, "--since"),
        until=_date(until, "--until"),
    )
    with _open(db, read_only=True) as store:
        rows = store.events(where)
    _EVENT_PRINTERS[fmt](rows)


def _print_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)


_EVENT_PRINTERS: dict[str, Callable[[list[dict[str, Any]]], None]] = {
    "table": lambda rows: _print_table([_stored_event(r) for r in rows]),
    "json": lambda rows: _print_json_lines([_stored_event(r) for r in rows]),
    "csv": _print_csv,
}


# --- store analytics, exports and imports (thin shells over communique.analytics/export) ---

top_app = typer.Typer(help="Top actors and event types of a store.", no_args_is_help=True)
app.add_typer(top_app, name="top")

SourceOpt = Annotated[str | None, typer.Option(help="Source country or actor code.")]
TargetOpt = Annotated[str | None, typer.Option(help="Target country or actor code.")]
CameoOpt = Annotated[str | None, typer.Option(help="CAMEO code prefix, e.g. 04.")]
SinceOpt = Annotated[str | None, typer.Option(help="First event date (YYYY-MM-DD).")]
UntilOpt = Annotated[str | None, typer.Option(help="Last event date (YYYY-MM-DD).")]
LimitOpt = Annotated[int | None, typer.Option(help="At most this many rows.")]
RowsFmt = Annotated[str, typer.Option("--format", help="table, json or csv.")]


def _locked(exc: StoreLockedError) -> typer.Exit:
    _err.print(f"[red]error[/red]: {escape(str(exc))}", highlight=False)
    return typer.Exit(code=3)


def _exit_if_locked(db: Path) -> None:
    """Exit with 3 when another process is writing the store (DuckDB allows one writer)."""
    try:
        check_not_locked(db)
    except StoreLockedError as exc:
        raise _locked(exc) from None


def _open(db: Path, *, read_only: bool = False) -> Store:
    """Open the store; exit with 3 when another process is writing it."""
    try:
        return open_store(db, read_only=read_only)
    except StoreLockedError as exc:
        raise _locked(exc) from None


def _require_store(db: Path) -> None:
    if not db.exists():
        _err.print(f"[red]error[/red]: {db}: no such store (run `communique ingest` first)")
        raise typer.Exit(code=1)


def _period_filter(since: str | None, until: str | None) -> EventFilter:
    return EventFilter(since=_date(since, "--since"), until=_date(until, "--until"))


def _plain(row: Any) -> dict[str, Any]:
    """An analytics row as JSON-ready fields (its drill-down filter left out)."""
    fields = {k: getattr(row, k) for k in row.__dataclass_fields__ if k != "filter"}
    return {k: _plain_value(v) for k, v in fields.items()}


def _plain_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return round(value, 4) if isinstance(value, float) else value


def _print_rows(rows: list[dict[str, Any]], fmt: str, title: str) -> None:
    if fmt == "json":
        _print_json_lines(rows)
    elif fmt == "csv":
        _print_csv(rows)
    else:
        table = Table(*(rows[0] if rows else ()), title=f"{title}: {len(rows)} rows")
        for row in rows:
            table.add_row(*(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()))
        Console(width=None if sys.stdout.isatty() else 160).print(table)


def _open_for_clusters(db: Path) -> Store:
    """Open writable and bring the event clusters up to date."""
    _require_store(db)
    try:
        store = open_store(db)
        store.recluster()
    except StoreLockedError as exc:
        raise _locked(exc) from None
    except RuntimeError as exc:
        _err.print(f"[red]error[/red]: {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    return store


@app.command()
def dyad(
    source: Annotated[str, typer.Argument(help="Source country or actor code, e.g. CHN.")],
    target: Annotated[str, typer.Argument(help="Target country or actor code, e.g. IRN.")],
    db: DbOpt = Path("communique.duckdb"),
    by: Annotated[str, typer.Option(help="day, week, month or year.")] = "month",
    undirected: Annotated[bool, typer.Option(help="Count both directions.")] = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: RowsFmt = "table",
) -> None:
    """Timeline of a dyad: reports per period by QuadClass, mean and summed Goldstein."""
    _check_format(fmt, ("table", "json", "csv"))
    _check_choice(by, analytics.PERIODS, "--by")
    _require_store(db)
    with _open(db, read_only=True) as store:
        buckets = analytics.dyad_timeline(
            store,
            source,
            target,
            by=cast(analytics.Period, by),
            undirected=undirected,
            where=_period_filter(since, until),
        )
    _print_rows([_plain(b) for b in buckets], fmt, f"{source.upper()}-{target.upper()}")


@top_app.command("actors")
def top_actors(
    db: DbOpt = Path("communique.duckdb"),
    role: Annotated[str, typer.Option(help="source, target or either.")] = "either",
    level: Annotated[str, typer.Option(help="country or code.")] = "country",
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option(help="How many.")] = 10,
    fmt: RowsFmt = "table",
) -> None:
    """The actors in most reports."""
    _check_format(fmt, ("table", "json", "csv"))
    _check_choice(role, ("source", "target", "either"), "--role")
    _check_choice(level, ("country", "code"), "--level")
    _require_store(db)
    with _open(db, read_only=True) as store:
        rows = analytics.top_actors(
            store,
            role=cast(analytics.ActorRole, role),
            level=cast(analytics.ActorLevel, level),
            where=_period_filter(since, until),
            limit=limit,
        )
    _print_rows([_plain(r) for r in rows], fmt, "top actors")


@top_app.command("types")
def top_types(
    db: DbOpt = Path("communique.duckdb"),
    level: Annotated[str, typer.Option(help="root, code or plover.")] = "root",
    source: SourceOpt = None,
    target: TargetOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option(help="How many.")] = 10,
    fmt: RowsFmt = "table",
) -> None:
    """The CAMEO roots, CAMEO codes or PLOVER types with most reports."""
    _check_format(fmt, ("table", "json", "csv"))
    _check_choice(level, ("root", "code", "plover"), "--level")
    _require_store(db)
    where = _period_filter(since, until)
    where = EventFilter(source=source, target=target, since=where.since, until=where.until)
    with _open(db, read_only=True) as store:
        kind = cast(analytics.TypeLevel, level)
        rows = analytics.top_event_types(store, level=kind, where=where, limit=limit)
    _print_rows([_plain(r) for r in rows], fmt, "top event types")


@app.command()
def clusters(
    db: DbOpt = Path("communique.duckdb"),
    min_sources: Annotated[int, typer.Option(help="Reported by at least N outlets.")] = 0,
    source: SourceOpt = None,
    target: TargetOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = 20,
    fmt: RowsFmt = "table",
) -> None:
    """Events as reported across articles and outlets (GDELT-style de-duplication)."""
    _check_format(fmt, ("table", "json", "csv"))
    period = _period_filter(since, until)
    where = EventFilter(source=source, target=target, since=period.since, until=period.until)
    with _open_for_clusters(db) as store:
        found = analytics.clusters(store, where=where, min_sources=min_sources, limit=limit)
    rows = []
    for c in found:
        row = _plain(c)
        rep = row.pop("representative")
        rows.append(row | {"cameo": rep["cameo"], "sentence": rep["sentence"]})
    _print_rows(rows, fmt, "event clusters")


def _events_filter(
    source: str | None,
    target: str | None,
    cameo: str | None,
    period: tuple[str | None, str | None],
    limit: int | None,
) -> EventFilter:
    since, until = period
    return EventFilter(
        source=source,
        target=target,
        cameo=cameo,
        since=_date(since, "--since"),
        until=_date(until, "--until"),
        limit=limit,
    )


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="gdelt, plover, parquet or csv.")],
    output: Annotated[Path, typer.Option("--output", help="File (directory for parquet).")],
    db: DbOpt = Path("communique.duckdb"),
    header: Annotated[bool, typer.Option(help="GDELT: write a header row.")] = False,
    source: SourceOpt = None,
    target: TargetOpt = None,
    cameo: CameoOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Export stored events: GDELT 2.0 TSV, PLOVER JSON lines, Parquet or CSV."""
    _check_format(fmt, EXPORT_FORMATS)
    where = _events_filter(source, target, cameo, (since, until), limit)
    with _open_for_clusters(db) as store:
        try:
            kind = cast(ExportFormat, fmt)
            written = export_events(store, output, fmt=kind, where=where, header=header)
        except RuntimeError as exc:
            _err.print(f"[red]error[/red]: {exc}", highlight=False)
            raise typer.Exit(code=1) from None
    _err.print(f"wrote {written} rows to {output}")


@app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="A csv/plover file or a parquet directory.")],
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv or plover.")],
    db: DbOpt = Path("communique.duckdb"),
) -> None:
    """Load events exported by `communique export` into a store."""
    _check_format(fmt, IMPORT_FORMATS)
    try:
        with open_store(db) as store:
            added = import_events(store, path, fmt=cast(ImportFormat, fmt))
            store.recluster()
            total = store.count("events")
    except StoreLockedError as exc:
        raise _locked(exc) from None
    except RuntimeError as exc:
        _err.print(f"[red]error[/red]: {exc}", highlight=False)
        raise typer.Exit(code=1) from None
    _err.print(f"imported {added} new events from {path}; {total} events in {db}")


@app.command()
def spark(
    inputs: Annotated[list[str], typer.Option("--input", help="File or directory (repeatable).")],
    output: Annotated[str, typer.Option("--output", help="Parquet directory (any Spark path).")],
    master: Annotated[str, typer.Option("--master", help="Spark master URL.")] = "local[*]",
    partitions: Annotated[
        int | None,
        typer.Option(
            "--partitions",
            min=1,
            help="Spark partitions (default: one per input file, at most 4 per core).",
        ),
    ] = None,
    published: PublishedOpt = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace the output.")] = False,
    actors: ActorFilesOpt = None,
    agents: AgentFilesOpt = None,
    verbs: VerbFilesOpt = None,
) -> None:
    """Code documents on Spark into date-partitioned Parquet (the export schema; needs the
    [spark] extra). `communique import --format parquet` loads the result."""
    from communique.spark_job import SparkJob, run_job, session

    config = _check_dictionaries(_user_config(actors, agents, verbs))
    job = SparkJob(
        inputs=tuple(inputs),
        output=output,
        config=config,
        published=_date(published, "--published"),
        partitions=partitions,
        overwrite=overwrite,
    )
    try:
        spark_session = session(master)
    except ImportError:
        _err.print("[red]error[/red]: PySpark is not installed: pip install 'communique[spark]'")
        raise typer.Exit(code=1) from None
    try:
        report = run_job(spark_session, job)
    except Exception as exc:  # AnalysisException (output exists), Py4J errors: one line
        _err.print(f"[red]error[/red]: {escape(str(exc).splitlines()[0])}", highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        spark_session.stop()
    for line in report.failed:
        _err.print(f"[red]error[/red]: {escape(line)}", highlight=False)
    _err.print(
        f"wrote {report.events} events of {report.documents} documents"
        f" ({report.files} input files, {len(report.failed)} failed) to {output}"
    )
    _exit_status({"ok": report.documents, "failed": len(report.failed)})


def _check_choice(value: str, allowed: tuple[str, ...], option: str) -> None:
    if value not in allowed:
        raise typer.BadParameter(
            f"{value!r}: choose one of {', '.join(allowed)}", param_hint=option
        )


@actors_app.command("resolve")
def actors_resolve(
    text: Annotated[
        str | None, typer.Argument(help='An actor phrase, e.g. "Kenyan police".')
    ] = None,
    on: Annotated[str | None, typer.Option("--date", help="Resolve roles as of this date.")] = None,
    jsonl: Annotated[
        str | None,
        typer.Option("--jsonl", help="Resolve each {text, context?, date?} line ('-': stdin)."),
    ] = None,
    actors: ActorFilesOpt = None,
    agents: AgentFilesOpt = None,
) -> None:
    """Resolve actor phrases to their codes and print them as JSON (one object per line)."""
    if (text is None) == (jsonl is None):
        raise typer.BadParameter("give an actor phrase or --jsonl FILE", param_hint="TEXT")
    day = _date(on, "--date")
    try:
        res, notes = user_actor_resources(_user_config(actors, agents))
    except DictionaryError as exc:
        raise _bad_dictionary(exc) from None
    _warn(notes)
    nlp = load_nlp(Config())
    if jsonl is not None:
        _resolve_jsonl(jsonl, nlp, res, day)
        return
    actor = resolve_text(str(text), nlp, res, day=day)
    if actor is None:
        _err.print(f"[red]error[/red]: {text!r}: no actor found")
        raise typer.Exit(code=1)
    sys.stdout.write(json.dumps(actor_dict(actor), ensure_ascii=False) + "\n")


def _resolve_line(
    line: str, nlp: Language, res: ActorResources, day: date | None
) -> dict[str, Any]:
    """One JSON line resolved; ``ValueError`` (with the text, where known) when it is bad."""
    request = parse_request(line)
    if request.day is None:
        request = replace(request, day=day)
    return resolution_dict(request.text, resolve(request, nlp, res))


def _resolve_lines(
    lines: Iterable[str], name: str, nlp: Language, res: ActorResources, day: date | None
) -> dict[str, int]:
    counts = {"ok": 0, "failed": 0}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = _resolve_line(line, nlp, res, day)
            counts["ok"] += 1
        except ValueError as exc:
            counts["failed"] += 1
            _err.print(f"[red]error[/red]: {escape(f'{name}:{number}: {exc}')}", highlight=False)
            row = resolution_dict(None, None) | {"error": str(exc)}
        _print_json_lines([row])
    return counts


def _resolve_jsonl(source: str, nlp: Language, res: ActorResources, day: date | None) -> None:
    """Print one ``{text, country, agent, code, entity}`` per line (``error`` on bad lines)."""
    if source == "-":
        counts = _resolve_lines(sys.stdin, "<stdin>", nlp, res, day)
    else:
        try:
            with Path(source).open(encoding="utf-8") as handle:
                counts = _resolve_lines(handle, source, nlp, res, day)
        except (OSError, UnicodeDecodeError) as exc:
            _err.print(f"[red]error[/red]: {escape(f'{source}: {exc}')}", highlight=False)
            raise typer.Exit(code=1) from None
    _exit_status(counts)


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise typer.BadParameter(
            f"{fmt!r}: choose one of {', '.join(allowed)}", param_hint="--format"
        )


@app.command()
def serve(
    db: DbOpt = Path("communique.duckdb"),
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="Publish the store: no /ingest.")
    ] = False,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="COMMUNIQUE_API_TOKEN",
            help="Token the POST endpoints need (Authorization: Bearer TOKEN).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API (/api/v1, /openapi.json) and the dashboard (/) over a store."""
    import uvicorn  # only this command needs the server (imported here: a faster CLI)

    from communique.api import ApiSettings, create_app

    if read_only:
        _require_store(db)
    _open(db, read_only=read_only).close()  # fail now (exit 3) if another process writes it
    settings = ApiSettings(db=db, read_only=read_only, token=token or None)
    _err.print(f"serving {db} on http://{host}:{port}/ (API: /api/v1, schema: /openapi.json)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def main() -> None:
    app()
