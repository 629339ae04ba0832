"""The CAMEO event ontology: names, Goldstein scores, quad classes and PLOVER equivalents.

Reads the packaged ``data/cameo.jsonl`` (built by ``scripts/build_data.py``; see
``data/README.md``). :func:`load_ontology` reads the file on every call; the caller keeps the
returned :class:`Ontology`.
"""

from __future__ import annotations

import json
import re
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

    def describe(self, code: str) -> CodeInfo:
        """What an event with ``code`` carries: CAMEO's entry, or a user's own code.

        A code that is not CAMEO (a user verb dictionary's WEIS ``223`` or ``174K``) keeps its
        spelling and gets the name ``"user code"``, no Goldstein score and no PLOVER type or
        mode; its QuadClass is its CAMEO root's only when it is 3-4 digits (and an optional
        letter) under a root 01-20 (``1717`` -> 4), else None. Raises ``KeyError`` for a code
        that is neither (see :func:`is_user_code`).
        """
        entry = self.codes.get(code)
        if entry is not None:
            return CodeInfo(
                entry.code, entry.name, entry.goldstein, entry.quad_class,
                entry.plover_type, entry.plover_mode, cameo=True,
            )  # fmt: skip
        if not is_user_code(code):
            raise KeyError(f"unknown event code {code!r}")
        root = self.codes.get(code[:2])
        under_root = root is not None and root.code == root.root and len(code) > 2
        quad = root.quad_class if root is not None and under_root else None
        return CodeInfo(code, USER_CODE_NAME, None, quad, None, None, cameo=False)


USER_CODE_NAME = "user code"
_USER_CODE = re.compile(r"\d{2,4}[A-Za-z]?")


def is_user_code(code: str) -> bool:
    """A code a user verb dictionary may give: 2-4 digits and an optional letter (``174K``)."""
    return _USER_CODE.fullmatch(code) is not None


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """The event-code facts an event carries (see :meth:`Ontology.describe`)."""

    code: str
    name: str
    goldstein: float | None  # None: a user code (no Goldstein score)
    quad_class: int | None  # None: a user code outside the CAMEO roots
    plover_type: str | None
    plover_mode: str | None
    cameo: bool  # False: a user dictionary's own code, emitted as written


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
