"""The CAMEO event ontology: names, Goldstein scores, quad classes and PLOVER equivalents.

Reads the packaged ``data/cameo.jsonl`` (built by ``scripts/build_data.py``; see
``data/README.md``). :func:`load_ontology` reads the file on every call; the caller keeps the
returned :class:`Ontology`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

DATA_PACKAGE = "communique"
DATA_DIR = "data"


def read_data_jsonl(name: str) -> Iterator[dict[str, Any]]:
    """The records of the packaged JSONL file ``communique/data/<name>``."""
    text = (resources.files(DATA_PACKAGE) / DATA_DIR / name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line:
            record: dict[str, Any] = json.loads(line)
            yield record


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code with its PLOVER equivalent (type, mode and context)."""

    code: str
    name: str
    goldstein: float
    root: str
    quad_class: int
    plover_type: str | None
    plover_mode: str | None
    plover_context: tuple[str, ...]
    description: str | None
    example: str | None


@dataclass(frozen=True)
class Ontology:
    """All CAMEO codes, keyed by code (``"044"``)."""

    codes: Mapping[str, CameoCode]

    def get(self, code: str) -> CameoCode:
        """The entry for ``code``; raises ``KeyError`` naming the code if it is not CAMEO."""
        try:
            return self.codes[code]
        except KeyError:
            raise KeyError(f"unknown CAMEO event code {code!r}") from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self.codes


def optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _cameo_code(rec: Mapping[str, Any]) -> CameoCode:
    return CameoCode(
        code=str(rec["code"]),
        name=str(rec["name"]),
        goldstein=float(rec["goldstein"]),
        root=str(rec["root"]),
        quad_class=int(rec["quad_class"]),
        plover_type=optional_str(rec["plover_type"]),
        plover_mode=optional_str(rec["plover_mode"]),
        plover_context=tuple(str(c) for c in rec["plover_context"]),
        description=optional_str(rec["description"]),
        example=optional_str(rec["example"]),
    )


def load_ontology() -> Ontology:
    """Read ``cameo.jsonl`` into an :class:`Ontology` (312 codes)."""
    codes = {entry.code: entry for entry in map(_cameo_code, read_data_jsonl("cameo.jsonl"))}
    return Ontology(codes=MappingProxyType(codes))
