"""The HTTP API and the dashboard: a thin FastAPI shell over the store, analytics and pipeline.

``create_app(ApiSettings(db=...))`` builds the app; ``communique serve`` runs it with uvicorn.
Everything is under ``/api/v1`` (schema at ``/openapi.json``); the dashboard is ``/``.

- The app opens the store once, writable unless ``read_only``, and gives each request its own
  cursor (DuckDB connections are not shared between threads). DuckDB lets one process write a
  file, and no other process open it meanwhile: while the server runs, store documents through
  ``POST /api/v1/ingest``; a ``read_only`` server may share the file with other read-only
  readers (``communique events``), never with a writer.
- Writes (``/ingest``) are serialised by one lock of the app; so is coding (``/code``,
  ``/ingest``): the spaCy resources load on the first such request, once per app.
- ``POST`` endpoints need the token when one is configured (``Authorization: Bearer TOKEN`` or
  ``X-API-Token: TOKEN``); ``/ingest`` answers 403 on a read-only server.
- Request bodies over ``max_body_bytes`` get 413; ``limit`` over ``max_page_size`` 422.
- The API builds no SQL: filters become an :class:`~communique.store.EventFilter`, whose values
  the store binds as parameters.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import secrets
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from communique import __version__, analytics
from communique.config import Config
from communique.ingest import InputError
from communique.model import Document
from communique.pipeline import Resources, load_resources, process_documents
from communique.serialize import article_dict, event_dict, stored_event_dict
from communique.store import EventFilter, Near, Store, open_store

__all__ = ["ApiSettings", "create_app"]

DASHBOARD = Path(__file__).parent / "dashboard"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Everything the app needs; passed to :func:`create_app`, never read from globals."""

    db: Path
    read_only: bool = False
    token: str | None = None  # when set, POST endpoints need it
    max_body_bytes: int = 2_000_000
    max_page_size: int = 1000
    default_page_size: int = 100
    max_documents: int = 50  # per /code or /ingest request
    config: Config = field(default_factory=Config)


# --- request and response models (the OpenAPI schema) ---


class DocumentIn(BaseModel):
    """A document to code: its text or HTML page (no URL is fetched)."""

    model_config = ConfigDict(extra="forbid")
    doc_id: str | None = Field(None, min_length=1, max_length=200)
    content: str = Field(min_length=1)
    kind: Literal["text", "html"] = "text"
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=1000)
    published: date | None = None


class DocumentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[DocumentIn] = Field(min_length=1)
    published: date | None = Field(None, description="Publication date by default.")


class DocumentError(BaseModel):
    doc_id: str
    error: str


class CodedDocument(BaseModel):
    article: dict[str, Any]
    events: list[dict[str, Any]]


class CodeOut(BaseModel):
    documents: list[CodedDocument]
    errors: list[DocumentError]


class IngestOut(BaseModel):
    stored: int  # new or changed articles
    unchanged: int
    errors: list[DocumentError]
    events: int  # events in the store afterwards


class EventsOut(BaseModel):
    events: list[dict[str, Any]]
    next_cursor: str | None
    limit: int


class ArticleOut(BaseModel):
    article: dict[str, Any]
    mentions: list[dict[str, Any]]
    events: list[dict[str, Any]]


# --- helpers ---


def _plain(value: Any) -> Any:
    """Analytics rows as JSON-ready values (drill-down filters as ``events`` query strings)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, EventFilter):
        return _filter_query(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _filter_query(where: EventFilter) -> dict[str, Any]:
    """The ``GET /events`` parameters that select an aggregate row's reports."""
    out: dict[str, Any] = {}
    for key, value in asdict(where).items():
        if value in (None, False, "") or key == "limit":
            continue
        if key == "near":
            out.update(lat=value["lat"], lon=value["lon"], km=value["km"])
        else:
            out[key] = value.isoformat() if isinstance(value, date) else value
    return out


def _encode_cursor(key: analytics.PageKey) -> str:
    day = key.event_date.isoformat() if key.event_date else None
    raw = json.dumps([day, key.doc_id, key.verb_start, key.event_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str) -> analytics.PageKey:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        day, doc_id, verb, event_id = json.loads(raw)
        if not (isinstance(doc_id, str) and isinstance(event_id, str) and type(verb) is int):
            raise TypeError("bad field types")
        return analytics.PageKey(
            date.fromisoformat(day) if day is not None else None, doc_id, verb, event_id
        )
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise HTTPException(422, "cursor: not a cursor of this API (use next_cursor)") from exc


def _check_limit(limit: int | None, settings: ApiSettings, *, default: int | None = None) -> int:
    """The page size asked for (422 over the limit), else the default (capped to the limit)."""
    if limit is None:
        return min(default or settings.default_page_size, settings.max_page_size)
    size = limit
    if size > settings.max_page_size:
        raise HTTPException(
            422, f"limit {size} is above the page-size limit of {settings.max_page_size}"
        )
    return size


def _csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _wants_csv(accept: str | None) -> bool:
    """CSV when the Accept header prefers text/csv to JSON (first listed wins)."""
    if not accept:
        return False
    for part in accept.split(","):
        kind = part.split(";")[0].strip().lower()
        if kind == "text/csv":
            return True
        if kind in ("application/json", "*/*", "application/*"):
            return False
    return False


# --- app state: the store, the coding resources, the locks ---


class _State:
    def __init__(self, settings: ApiSettings, resources: Resources | None) -> None:
        self.settings = settings
        self.store: Store | None = None
        self._resources = resources
        self._load_lock = threading.Lock()
        self.code_lock = threading.Lock()  # spaCy pipelines are not shared between threads
        self.write_lock = threading.Lock()  # one writer transaction at a time

    def open(self) -> None:
        self.store = open_store(self.settings.db, read_only=self.settings.read_only)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A store on a cursor of its own (a DuckDB connection per thread)."""
        if self.store is None:
            raise HTTPException(503, "the store is not open")
        cursor = self.store.connection.cursor()
        try:
            yield Store(cursor, path=self.settings.db, read_only=self.settings.read_only)
        finally:
            cursor.close()

    def resources(self) -> Resources:
        """The spaCy model and dictionaries, loaded on first use, once per app."""
        with self._load_lock:
            if self._resources is None:
                self._resources = load_resources(self.settings.config)
            return self._resources


def _code(state: _State, body: DocumentsIn) -> tuple[list[Any], list[DocumentError]]:
    settings = state.settings
    if len(body.documents) > settings.max_documents:
        raise HTTPException(
            413, f"{len(body.documents)} documents: at most {settings.max_documents} a request"
        )
    docs = [
        Document(
            doc_id=d.doc_id or f"doc{i}",
            content=d.content,
            kind=d.kind,
            url=d.url,
            title=d.title,
            published=d.published,
        )
        for i, d in enumerate(body.documents)
    ]
    res = state.resources()
    results: list[Any] = []
    errors: list[DocumentError] = []
    with state.code_lock:
        for item in process_documents(docs, res, default_published=body.published):
            if isinstance(item, InputError):
                errors.append(DocumentError(doc_id=item.path, error=item.reason))
            else:
                results.append(item)
    return results, errors


class _BodyLimit:
    """Answer 413 to a request body over ``limit`` bytes, declared or streamed."""

    def __init__(self, app: AsgiApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        detail = json.dumps({"detail": f"request body over the limit of {self.limit} bytes"})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": detail.encode("utf-8")})


_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


# --- the app ---


def create_app(settings: ApiSettings, *, resources: Resources | None = None) -> FastAPI:
    """The API and dashboard over the store ``settings.db`` (opened when the app starts).

    ``resources`` (already loaded) spares the first ``/code`` request loading them.
    """
    state = _State(settings, resources)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        state.open()
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="communique",
        version=__version__,
        summary="Coded political events (CAMEO, PLOVER) from news pages.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI would load from a CDN; the schema is at /openapi.json
        redoc_url=None,
    )
    app.state.communique = state

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    _add_routes(app, state)
    app.mount("/static", StaticFiles(directory=DASHBOARD), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(DASHBOARD / "index.html", media_type="text/html")

    app.add_middleware(_BodyLimit, limit=settings.max_body_bytes)
    return app


def _add_routes(app: FastAPI, state: _State) -> None:
    settings = state.settings

    def need_token(
        authorization: Annotated[str | None, Header()] = None,
        x_api_token: Annotated[str | None, Header()] = None,
    ) -> None:
        if settings.token is None:
            return
        given = x_api_token
        if authorization and authorization.lower().startswith("bearer "):
            given = authorization[7:].strip()
        if given is None or not secrets.compare_digest(
            given.encode("utf-8"), settings.token.encode("utf-8")
        ):
            raise HTTPException(
                401,
                "this endpoint needs the API token (Authorization: Bearer TOKEN or X-API-Token)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    Token = Depends(need_token)

    @app.post("/api/v1/code", dependencies=[Token])
    def code(body: DocumentsIn) -> CodeOut:
        """Code documents into events (the ``communique code`` contract); nothing is stored."""
        results, errors = _code(state, body)
        docs = [
            CodedDocument(article=article_dict(r.article), events=[event_dict(e) for e in r.events])
            for r in results
        ]
        return CodeOut(documents=docs, errors=errors)

    @app.post("/api/v1/ingest", dependencies=[Token])
    def ingest(body: DocumentsIn) -> IngestOut:
        """Code documents and store them (idempotent: an unchanged document is not stored
        twice; a changed one replaces its stored version); event clusters are brought up to
        date."""
        if settings.read_only:
            raise HTTPException(403, "the server is read-only (started with --read-only)")
        results, errors = _code(state, body)
        stored = 0
        with state.write_lock, state.reader() as store:
            for result in results:
                stored += int(store.save(result))
            store.recluster()
            total = store.count("events")
        return IngestOut(
            stored=stored, unchanged=len(results) - stored, errors=errors, events=total
        )

    _add_read_routes(app, state)


def _event_filter(
    *,
    source: Annotated[
        str | None, Query(max_length=64, description="Source country or code.")
    ] = None,
    target: Annotated[
        str | None, Query(max_length=64, description="Target country or code.")
    ] = None,
    cameo: Annotated[
        str | None, Query(pattern=r"^[0-9]{2,4}$", description="CAMEO code prefix.")
    ] = None,
    since: Annotated[date | None, Query(description="First event date (YYYY-MM-DD).")] = None,
    until: Annotated[date | None, Query(description="Last event date (YYYY-MM-DD).")] = None,
    undirected: Annotated[bool, Query(description="source/target match either way round.")] = False,
    actor_exact: Annotated[bool, Query(description="Match whole actor codes only.")] = False,
    cameo_exact: Annotated[bool, Query(description="cameo is a whole code, not a prefix.")] = False,
    quad_class: Annotated[int | None, Query(ge=1, le=4)] = None,
    plover_type: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z_]+$")] = None,
    text: Annotated[str | None, Query(max_length=200, description="Words in the sentence.")] = None,
    place: Annotated[
        str | None, Query(max_length=100, description="Country code or place name.")
    ] = None,
    cluster_id: Annotated[str | None, Query(max_length=64)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    km: Annotated[float | None, Query(gt=0, le=20000)] = None,
) -> EventFilter:
    located = (lat, lon, km)
    if any(v is not None for v in located) and any(v is None for v in located):
        raise HTTPException(422, "lat, lon and km go together (events within km of a point)")
    near = Near(lat, lon, km) if lat is not None and lon is not None and km is not None else None
    if since and until and since > until:
        raise HTTPException(422, f"since {since} is after until {until}")
    return EventFilter(
        source=source or None,
        target=target or None,
        cameo=cameo,
        since=since,
        until=until,
        undirected=undirected,
        actor_exact=actor_exact,
        cameo_exact=cameo_exact,
        quad_class=quad_class,
        plover_type=plover_type or None,
        text=text if text and text.strip() else None,
        place=place or None,
        cluster_id=cluster_id or None,
        near=near,
    )


def _dyad_filter(
    *,
    cameo: Annotated[
        str | None, Query(pattern=r"^[0-9]{2,4}$", description="CAMEO prefix.")
    ] = None,
    since: Annotated[date | None, Query(description="First event date (YYYY-MM-DD).")] = None,
    until: Annotated[date | None, Query(description="Last event date (YYYY-MM-DD).")] = None,
    undirected: Annotated[bool, Query(description="Count both directions.")] = False,
    actor_exact: Annotated[bool, Query(description="Match whole actor codes only.")] = False,
    place: Annotated[str | None, Query(max_length=100, description="Country or place.")] = None,
) -> EventFilter:
    """The filters of a dyad timeline (the dyad itself is in the path)."""
    return _event_filter(
        cameo=cameo,
        since=since,
        until=until,
        undirected=undirected,
        actor_exact=actor_exact,
        place=place,
    )


Filter = Annotated[EventFilter, Depends(_event_filter)]
DyadFilter = Annotated[EventFilter, Depends(_dyad_filter)]
Period = Literal["day", "week", "month", "year"]
_ACTOR = r"^[A-Za-z0-9]{3,32}$"


def _add_read_routes(app: FastAPI, state: _State) -> None:
    settings = state.settings

    @app.get(
        "/api/v1/events",
        response_model=EventsOut,
        responses={200: {"content": {"text/csv": {}}}},
    )
    def events(
        where: Filter,
        limit: Annotated[int | None, Query(ge=1, description="Page size.")] = None,
        cursor: Annotated[
            str | None, Query(max_length=2000, description="next_cursor of a page.")
        ] = None,
        accept: Annotated[str | None, Header()] = None,
    ) -> Any:
        """Stored events, filtered like ``communique events``, oldest first, a page at a time:
        pass ``next_cursor`` back as ``cursor`` for the next page. JSON, or CSV with
        ``Accept: text/csv`` (the next cursor is then in the ``X-Next-Cursor`` header)."""
        size = _check_limit(limit, settings)
        after = _decode_cursor(cursor) if cursor else None
        with state.reader() as store:
            page = analytics.events_page(store, where, size=size, after=after)
        nxt = _encode_cursor(page.next_key) if page.next_key else None
        if _wants_csv(accept):
            headers = {"X-Next-Cursor": nxt} if nxt else {}
            return Response(_csv(page.rows), media_type="text/csv", headers=headers)
        rows = [stored_event_dict(r) for r in page.rows]
        return JSONResponse(_plain({"events": rows, "next_cursor": nxt, "limit": size}))

    @app.get("/api/v1/dyads/{source}/{target}/timeline")
    def timeline(
        where: DyadFilter,
        source: Annotated[str, PathParam(pattern=_ACTOR)],
        target: Annotated[str, PathParam(pattern=_ACTOR)],
        by: Period = "month",
    ) -> Any:
        """Reports of ``source`` acting on ``target`` per period: counts by QuadClass, mean
        and summed Goldstein; each bucket's ``filter`` selects its reports in ``/events``."""
        with state.reader() as store:
            buckets = analytics.dyad_timeline(
                store, source, target, by=by, undirected=where.undirected, where=where
            )
        dyad = {"source": source.upper(), "target": target.upper(), "by": by}
        return _plain(dyad | {"buckets": buckets})

    @app.get("/api/v1/actors/top")
    def top_actors(
        where: Filter,
        role: Literal["source", "target", "either"] = "either",
        level: Literal["country", "code"] = "country",
        limit: Annotated[int | None, Query(ge=1, description="How many [10].")] = None,
    ) -> Any:
        """The actors in most reports."""
        size = _check_limit(limit, settings, default=10)
        with state.reader() as store:
            rows = analytics.top_actors(store, role=role, level=level, where=where, limit=size)
        return _plain({"actors": rows})

    @app.get("/api/v1/matrix")
    def matrix(
        where: Filter,
        countries: Annotated[
            str | None,
            Query(
                max_length=2000,
                pattern=r"^[A-Za-z]{3}(,[A-Za-z]{3})*$",
                description="Comma-separated ISO3 codes (both sides).",
            ),
        ] = None,
        min_events: Annotated[int, Query(ge=1)] = 1,
    ) -> Any:
        """Mean Goldstein score of every directed country pair."""
        chosen = countries.split(",") if countries else None
        with state.reader() as store:
            cells = analytics.goldstein_matrix(
                store, where=where, countries=chosen, min_events=min_events
            )
        return _plain({"cells": cells})

    @app.get("/api/v1/places")
    def places(
        where: Filter, limit: Annotated[int | None, Query(ge=1, description="[500]")] = None
    ) -> Any:
        """The places of the matching located reports, most reports first (for maps)."""
        size = _check_limit(limit, settings, default=500)
        with state.reader() as store:
            rows = analytics.event_places(store, where=where, limit=size)
        return _plain({"places": rows})

    @app.get("/api/v1/articles/{doc_id:path}", response_model=ArticleOut)
    def article(doc_id: str) -> Any:
        """A stored article with its mentions and events; every offset (``start_char``,
        ``offsets.source/verb/target``) is into ``article.text`` (the title, then the body)."""
        with state.reader() as store:
            view = analytics.article_view(store, doc_id)
        if view is None:
            raise HTTPException(404, f"no article {doc_id!r} in the store")
        events = [stored_event_dict(e) for e in view.events]
        return JSONResponse(
            _plain({"article": view.article, "mentions": view.mentions, "events": events})
        )
