"""The command line: a thin Typer shell over the library."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from communique.actors import load_actor_resources, resolve_text
from communique.config import Config
from communique.extract import extract_article
from communique.ingest import InputError, iter_documents
from communique.nlp import load_nlp
from communique.pipeline import Resources, Result, load_resources, process_documents
from communique.serialize import actor_dict, article_dict, event_dict
from communique.store import EventFilter, open_store

app = typer.Typer(
    help="communique: raw news pages in, coded political events (CAMEO, PLOVER) out.",
    no_args_is_help=True,
    add_completion=False,
)
actors_app = typer.Typer(help="Actor resolution.", no_args_is_help=True)
app.add_typer(actors_app, name="actors")

_err = Console(stderr=True, soft_wrap=True)

Paths = Annotated[list[str], typer.Argument(help="Files, directories, .jsonl files or '-'.")]
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB store file.")]
PublishedOpt = Annotated[
    str | None, typer.Option("--published", help="Publication date (YYYY-MM-DD) by default.")
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


def _results(
    paths: list[str], res: Resources, published: date | None, counts: dict[str, int]
) -> Iterator[Result]:
    items = iter_documents(paths, stdin=sys.stdin)
    for item in process_documents(items, res, default_published=published):
        if isinstance(item, InputError):
            counts["failed"] += 1
            _report(item)
        else:
            counts["ok"] += 1
            yield item


def _exit_status(counts: dict[str, int]) -> None:
    if counts["ok"] == 0:
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
) -> None:
    """Code documents into events and print them (stateless; nothing is stored)."""
    _check_format(fmt, ("jsonl", "json", "table"))
    res = load_resources(Config())
    counts = {"ok": 0, "failed": 0}
    events = [
        event_dict(e)
        for r in _results(paths, res, _date(published, "--published"), counts)
        for e in r.events
    ]
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
) -> None:
    """Print each cleaned article and its metadata, without coding."""
    _check_format(fmt, ("json",))
    counts = {"ok": 0, "failed": 0}
    default = _date(published, "--published")
    for item in iter_documents(paths, stdin=sys.stdin):
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


def _progress(*, quiet: bool) -> Progress:
    columns = (
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} articles/s"),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=_err, disable=quiet, transient=False)


@app.command()
def ingest(
    paths: Paths,
    db: DbOpt = Path("communique.duckdb"),
    published: PublishedOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Code documents and store articles, mentions and events in a DuckDB file."""
    res = load_resources(Config())
    counts = {"ok": 0, "failed": 0}
    added = 0
    with open_store(db) as store, _progress(quiet=quiet) as progress:
        task = progress.add_task("ingest", total=None, rate="0.0")
        for result in _results(paths, res, _date(published, "--published"), counts):
            added += int(store.save(result))
            elapsed = max(progress.tasks[0].elapsed or 1e-9, 1e-9)
            progress.update(task, advance=1, rate=f"{counts['ok'] / elapsed:.1f}")
        total_events = store.count("events")
    _err.print(
        f"stored {added} new or changed articles ({counts['ok']} read, "
        f"{counts['failed']} failed); {total_events} events in {db}"
    )
    _exit_status(counts)


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

    def actor(prefix: str) -> dict[str, Any] | None:
        if row[f"{prefix}_code"] is None:
            return None
        keys = ("text", "country", "agent", "code", "entity", "name")
        return {("entity_id" if k == "entity" else k): row[f"{prefix}_{k}"] for k in keys}

    loc = None
    if row["location_name"] is not None:
        loc = {
            "name": row["location_name"],
            "country": row["location_country"],
            "lat": row["lat"],
            "lon": row["lon"],
            "geonameid": row["geonameid"],
            "feature": row["location_feature"],
        }

    def span(name: str) -> list[int] | None:
        start = row[f"{name}_start"]
        return None if start is None else [start, row[f"{name}_end"]]

    offsets = {n: span(n) for n in ("sentence", "source", "verb", "target")}
    plain = (
        "event_id",
        "doc_id",
        "sentence",
        "cameo",
        "cameo_name",
        "goldstein",
        "quad_class",
        "plover_type",
        "plover_mode",
        "date_source",
        "date_precision",
        "confidence",
        "rule",
    )
    event = {k: row[k] for k in plain}
    date_value = row["event_date"]
    event.update(
        source=actor("source"),
        target=actor("target"),
        location=loc,
        offsets=offsets,
        date=date_value.isoformat() if date_value else None,
    )
    return event


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
    with open_store(db, read_only=True) as store:
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


@actors_app.command("resolve")
def actors_resolve(
    text: Annotated[str, typer.Argument(help='An actor phrase, e.g. "Kenyan police".')],
    on: Annotated[str | None, typer.Option("--date", help="Resolve roles as of this date.")] = None,
) -> None:
    """Resolve one actor phrase to its codes and print it as JSON."""
    actor = resolve_text(text, load_nlp(Config()), load_actor_resources(), day=_date(on, "--date"))
    if actor is None:
        _err.print(f"[red]error[/red]: {text!r}: no actor found")
        raise typer.Exit(code=1)
    sys.stdout.write(json.dumps(actor_dict(actor), ensure_ascii=False) + "\n")


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise typer.BadParameter(
            f"{fmt!r}: choose one of {', '.join(allowed)}", param_hint="--format"
        )


def main() -> None:
    app()
