"""A small store for the API and dashboard tests (hand-made results, no spaCy), with one
hostile article whose title and text carry markup that must never run."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import uvicorn

from communique.model import Location
from communique.pipeline import Result
from communique.store import open_store
from tests import factories as f

HOSTILE_ID = "hostile"
HOSTILE_TITLE = "<script>window.__pwned = 1</script>Hostile <b>title</b>"
HOSTILE_SENTENCE = (
    'CHN met IRN <img src=x onerror="window.__pwned = 2"> at <script>window.__pwned = 3</script>.'
)
KYIV = Location("Kyiv", "UKR", 50.45466, 30.5238, geonameid=703448, feature="city")

# (doc_id, source, target, CAMEO, day, place): sentences read "SRC met TGT ..." so that the
# offsets of the factories (source 0-3, verb 4-7, target 8-11) fall on the words.
ROWS = [
    ("a1", "CHN", "IRN", "042", date(2024, 1, 5), f.TEHRAN),
    ("a2", "CHN", "IRN", "057", date(2024, 1, 20), f.BEIJING),
    ("a3", "CHN", "IRN", "111", date(2024, 2, 3), f.TEHRAN),
    ("a4", "IRN", "CHN", "173", date(2024, 2, 14), f.ISFAHAN),
    ("a5", "CHN", "IRN", "190", date(2024, 3, 1), f.TEHRAN),
    ("a6", "RUS", "UKR", "190", date(2024, 3, 2), KYIV),
    ("a7", "USA", "RUS", "163", date(2024, 3, 9), None),
    ("a8", "CHN", "IRN", "036", None, None),
]


def _result(
    doc_id: str, src: str, tgt: str, cameo: str, day: date | None, place: Location | None
) -> Result:
    sentence = f"{src} met {tgt} in talks on {doc_id}."
    event = f.event(doc_id, src, tgt, cameo, day, place=place, sentence=sentence)
    return f.result(doc_id, [event], url=f"https://news.example.org/{doc_id}", published=day)


def hostile_result() -> Result:
    event = f.event(HOSTILE_ID, "CHN", "IRN", "042", date(2024, 1, 6), place=f.TEHRAN,
                    sentence=HOSTILE_SENTENCE)  # fmt: skip
    result = f.result(HOSTILE_ID, [event], published=date(2024, 1, 6))
    return replace(result, article=replace(result.article, title=HOSTILE_TITLE))


def build_store(path: Path) -> Path:
    """The test store at ``path``: 8 reports in 8 articles, and the hostile one."""
    with open_store(path) as store:
        for row in ROWS:
            store.save(_result(*row))
        store.save(hostile_result())
        store.recluster()
    return path


class LiveServer:
    """The app under uvicorn on 127.0.0.1 (a free port), in a thread; a context manager."""

    def __init__(self, app: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
