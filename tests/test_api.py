"""The HTTP API in-process (FastAPI's TestClient) over a real DuckDB store."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from communique import api, cli
from communique.api import ApiSettings, create_app
from communique.model import Document
from communique.pipeline import Resources, code_document
from communique.serialize import event_dict
from communique.store import open_store
from tests.api_store import HOSTILE_ID, HOSTILE_TITLE, LiveServer, build_store

TOKEN = "s3cret-token"  # noqa: S105 - a test token
SAMPLE = (Path(__file__).resolve().parent.parent / "samples" / "000_china_iran.txt").read_text()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("api") / "store.duckdb")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    app = create_app(ApiSettings(db=db, read_only=True, max_page_size=5, max_body_bytes=10_000))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory, resources: Resources) -> Iterator[TestClient]:
    """A writable server with a token, over an empty store."""
    db = tmp_path_factory.mktemp("api-w") / "store.duckdb"
    app = create_app(ApiSettings(db=db, token=TOKEN), resources=resources)
    with TestClient(app) as c:
        yield c


def _ids(body: dict[str, Any]) -> list[str]:
    return [e["doc_id"] for e in body["events"]]


def test_events_pages_with_a_cursor(client: TestClient) -> None:
    first = client.get("/api/v1/events", params={"limit": 4}).json()
    assert _ids(first) == ["a1", "hostile", "a2", "a3"]
    assert first["limit"] == 4
    second = client.get("/api/v1/events", params={"limit": 4, "cursor": first["next_cursor"]})
    assert _ids(second.json()) == ["a4", "a5", "a6", "a7"]
    third = client.get(
        "/api/v1/events", params={"limit": 4, "cursor": second.json()["next_cursor"]}
    )
    assert (_ids(third.json()), third.json()["next_cursor"]) == (["a8"], None)  # undated last


def test_events_filters_match_the_cli(client: TestClient) -> None:
    def ids(**params: Any) -> list[str]:
        return _ids(client.get("/api/v1/events", params=params | {"limit": 5}).json())

    assert client.get("/api/v1/events", params={"cameo": "1"}).status_code == 422  # 2-4 digits
    assert ids(source="CHN", target="IRN", cameo="19") == ["a5"]
    assert ids(source="irn", undirected=True, since="2024-02-01") == ["a3", "a4", "a5"]
    assert ids(since="2024-03-01", until="2024-03-05") == ["a5", "a6"]
    assert ids(quad_class=4, place="Kyiv") == ["a6"]
    assert ids(plover_type="assault", place="ukr") == ["a6"]
    assert ids(text="talks a7") == ["a7"]
    assert ids(lat=50.45, lon=30.52, km=10) == ["a6"]


def test_event_json_has_the_code_contract_and_offsets(client: TestClient) -> None:
    event = client.get("/api/v1/events", params={"limit": 1}).json()["events"][0]
    assert event["offsets"] == {
        "sentence": [0, 27],
        "source": [0, 3],
        "verb": [4, 7],
        "target": [8, 11],
    }
    assert (event["cameo"], event["quad_class"], event["plover_type"]) == ("042", 1, "CONSULT")
    assert event["location"]["name"] == "Tehran"
    assert (event["source"]["code"], event["target"]["code"], event["date"]) == (
        "CHN",
        "IRN",
        "2024-01-05",
    )


def test_events_as_csv_by_accept_header(client: TestClient) -> None:
    response = client.get("/api/v1/events", params={"limit": 2}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].startswith("event_id,doc_id,sentence,")
    assert [line.split(",")[1] for line in lines[1:]] == ["a1", "hostile"]
    assert response.headers["x-next-cursor"]


def test_timeline_top_actors_matrix_places(client: TestClient) -> None:
    timeline = client.get("/api/v1/dyads/CHN/IRN/timeline").json()
    assert [(b["period"], b["events"], b["quad1"], b["quad4"]) for b in timeline["buckets"]] == [
        ("2024-01-01", 3, 3, 0),
        ("2024-02-01", 1, 0, 0),
        ("2024-03-01", 1, 0, 1),
    ]
    assert timeline["buckets"][0]["filter"] == {
        "source": "CHN",
        "target": "IRN",
        "since": "2024-01-01",
        "until": "2024-01-31",
    }
    both = client.get("/api/v1/dyads/chn/irn/timeline", params={"undirected": True, "by": "year"})
    assert [b["events"] for b in both.json()["buckets"]] == [6]
    top = client.get("/api/v1/actors/top", params={"limit": 2}).json()["actors"]
    assert [(a["key"], a["events"]) for a in top] == [("CHN", 7), ("IRN", 7)]
    cells = client.get("/api/v1/matrix", params={"countries": "CHN,IRN"}).json()["cells"]
    assert [(c["source"], c["target"], c["events"]) for c in cells] == [
        ("CHN", "IRN", 6),
        ("IRN", "CHN", 1),
    ]
    places = client.get("/api/v1/places", params={"limit": 2}).json()["places"]
    assert [(p["name"], p["events"]) for p in places] == [("Tehran", 4), ("Beijing", 1)]


def test_article_with_offsets_for_highlighting(client: TestClient) -> None:
    body = client.get(f"/api/v1/articles/{HOSTILE_ID}").json()
    text = body["article"]["text"]
    assert body["article"]["title"] == HOSTILE_TITLE  # data, returned as it is (JSON)
    offsets = body["events"][0]["offsets"]
    spans = [text[s:e] for s, e in (offsets["source"], offsets["verb"], offsets["target"])]
    assert spans == ["CHN", "met", "IRN"]


def test_clear_4xx_errors(client: TestClient) -> None:
    cases = [
        ("/api/v1/articles/nope", 404, "no article 'nope' in the store"),
        ("/api/v1/events?cursor=not-a-cursor", 422, "cursor: not a cursor of this API"),
        ("/api/v1/events?since=2024-02-01&until=2024-01-01", 422, "since 2024-02-01 is after"),
        ("/api/v1/events?lat=50", 422, "lat, lon and km go together"),
        ("/api/v1/dyads/CHN/IRN/timeline?by=hour", 422, None),
        ("/api/v1/dyads/C%27N/IRN/timeline", 422, None),
        ("/api/v1/events?since=yesterday", 422, None),
        ("/api/v1/events?quad_class=9", 422, None),
        ("/api/v1/matrix?countries=CHN;DROP", 422, None),
    ]
    for path, status, detail in cases:
        response = client.get(path)
        assert response.status_code == status, path
        if detail:
            assert response.json()["detail"].startswith(detail), path


def test_page_size_limit(client: TestClient) -> None:
    over = client.get("/api/v1/events", params={"limit": 6})
    assert (over.status_code, over.json()["detail"]) == (
        422,
        "limit 6 is above the page-size limit of 5",
    )
    assert client.get("/api/v1/events", params={"limit": 0}).status_code == 422
    assert len(client.get("/api/v1/events").json()["events"]) == 5  # the default, capped
    assert client.get("/api/v1/actors/top", params={"limit": 6}).status_code == 422


def test_body_size_limit(client: TestClient) -> None:
    big = {"documents": [{"content": "x" * 20_000}]}
    response = client.post("/api/v1/code", json=big)
    assert response.status_code == 413
    assert response.json()["detail"] == "request body over the limit of 10000 bytes"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"documents": [{"content": "'
        for _ in range(20):
            yield b"x" * 1000
        yield b'"}]}'

    streamed = client.post(
        "/api/v1/code", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


def test_validation_of_documents(writer: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    cases = [
        {},
        {"documents": []},
        {"documents": [{"content": ""}]},
        {"documents": [{"content": "x", "kind": "pdf"}]},
        {"documents": [{"content": "x", "published": "last week"}]},
        {"documents": [{"content": "x", "unknown": 1}]},
    ]
    for body in cases:
        assert writer.post("/api/v1/code", json=body, headers=auth).status_code == 422, body
    not_json = writer.post("/api/v1/code", content=b"{", headers=auth)
    assert not_json.status_code == 422


def test_read_only_server_refuses_ingest(client: TestClient) -> None:
    response = client.post("/api/v1/ingest", json={"documents": [{"content": "x"}]})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_token_guards_write_endpoints(writer: TestClient) -> None:
    body = {"documents": [{"doc_id": "d", "content": SAMPLE}]}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-API-Token": "wrong"}):
        response = writer.post("/api/v1/ingest", json=body, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert writer.post("/api/v1/code", json=body).status_code == 401
    assert writer.get("/api/v1/events").status_code == 200  # reads need no token


def test_code_and_ingest_through_the_pipeline(writer: TestClient, resources: Resources) -> None:
    auth = {"X-API-Token": TOKEN}
    docs = {
        "documents": [
            {"doc_id": "samples/china-iran.txt", "content": SAMPLE},
            {"doc_id": "empty", "content": "<html><body></body></html>", "kind": "html"},
        ],
        "published": "2023-07-24",
    }
    coded = writer.post("/api/v1/code", json=docs, headers=auth).json()
    assert [d["article"]["doc_id"] for d in coded["documents"]] == ["samples/china-iran.txt"]
    assert coded["errors"] == [
        {"doc_id": "empty", "error": "no article text found after extraction"}
    ]
    events = coded["documents"][0]["events"]
    doc = Document("samples/china-iran.txt", SAMPLE, "text", published=date(2023, 7, 24))
    expected = [event_dict(e) for e in code_document(doc, resources).events]
    assert events == json.loads(json.dumps(expected)) and len(events) > 3  # `communique code`
    first = writer.post("/api/v1/ingest", json=docs, headers=auth).json()
    assert (first["stored"], first["unchanged"], first["events"]) == (1, 0, len(events))
    again = writer.post("/api/v1/ingest", json=docs, headers={"Authorization": f"Bearer {TOKEN}"})
    assert (again.json()["stored"], again.json()["unchanged"]) == (0, 1)  # idempotent
    stored = writer.get("/api/v1/articles/samples%2Fchina-iran.txt").json()  # ids with /
    assert [e["cameo"] for e in stored["events"]] == [e["cameo"] for e in events]


def test_no_sql_in_the_api_and_injection_is_data(client: TestClient, db: Path) -> None:
    source = inspect.getsource(api)
    assert "execute(" not in source and "SELECT " not in source  # filters go to the store
    hostile = "CHN' OR '1'='1"
    for params in ({"source": hostile}, {"text": "'; DROP TABLE events; --"}, {"place": hostile}):
        response = client.get("/api/v1/events", params=params)
        assert (response.status_code, response.json()["events"]) == (200, []), params
    assert client.get("/api/v1/articles/x' OR '1'='1").status_code == 404
    with open_store(db, read_only=True) as store:
        assert store.count("events") == 9


def test_openapi_schema_and_security_headers(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {
        "/api/v1/code",
        "/api/v1/ingest",
        "/api/v1/events",
        "/api/v1/dyads/{source}/{target}/timeline",
        "/api/v1/actors/top",
        "/api/v1/matrix",
        "/api/v1/places",
        "/api/v1/articles/{doc_id}",
    } <= set(schema["paths"])
    page = client.get("/")
    assert page.status_code == 200 and "<title>communique dashboard</title>" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/vendor/chart.umd.min.js").status_code == 200


def test_serve_refuses_a_missing_store_when_read_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli.app, ["serve", "--db", str(tmp_path / "no.duckdb"), "--read-only"]
    )
    assert result.exit_code == 1
    assert "no such store" in result.output


def test_serve_stops_with_3_when_another_process_writes_the_store(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    open_store(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(cli.app, ["serve", "--db", str(db)])
        assert result.exit_code == 3
        assert "is being written by another communique process" in result.output
    finally:
        holder.kill()
        holder.wait()


HOLD = (  # another process that holds the store open for writing
    "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
    " time.sleep(60)"
)


def test_reads_go_on_while_the_server_ingests(tmp_path: Path, resources: Resources) -> None:
    db = build_store(tmp_path / "live.duckdb")
    samples = Path(__file__).resolve().parent.parent / "samples"
    docs = [
        {
            "doc_id": p.name,
            "content": p.read_text(),
            "kind": "html" if p.suffix == ".html" else "text",
        }
        for p in sorted(samples.glob("00[0-3]_*"))
    ]
    app = create_app(ApiSettings(db=db), resources=resources)
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as http:
        answers: list[httpx.Response] = []
        writer = threading.Thread(
            target=lambda: answers.append(http.post("/api/v1/ingest", json={"documents": docs}))
        )
        writer.start()
        reads = []
        while writer.is_alive():
            reads.append(http.get("/api/v1/events", params={"limit": 5}).status_code)
        writer.join()
        assert answers[0].status_code == 200
        assert (answers[0].json()["stored"], answers[0].json()["events"] > 9) == (4, True)
        assert reads and set(reads) == {200}  # every read answered during the ingest


def test_no_page_loads_from_a_cdn(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404 and client.get("/api/docs").status_code == 404
    page = client.get("/").text
    assert "http://" not in page and "https://" not in page  # every script and style is ours
