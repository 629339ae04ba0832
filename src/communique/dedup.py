"""Near-duplicate articles (syndicated wire copies) by MinHash LSH (datasketch).

An article's *shingles* are the overlapping runs of ``shingle_size`` words of its cleaned body
(lowercased, punctuation dropped), so boilerplate the extractor removed does not count and a
copy with a different title, dateline or footer still matches. Each body gets a MinHash
signature (``num_perm`` values, fixed ``seed``: the same text always gives the same
signature); an LSH index finds earlier articles whose estimated Jaccard similarity is at
least ``threshold``, and the new article is linked to the *canonical* one: the earliest
added article of its group.

Signatures are plain lists of ints (:meth:`NearDuplicateIndex.signature`), so a store can keep
them; :meth:`NearDuplicateIndex.save` and :meth:`NearDuplicateIndex.load` keep a whole index in
a JSON-lines file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from datasketch import LeanMinHash, MinHash, MinHashLSH

__all__ = ["DedupConfig", "NearDuplicateIndex", "shingles"]

_SCHEME = "affine32"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class DedupConfig:
    threshold: float = 0.8  # estimated Jaccard similarity of shingle sets to link two articles
    num_perm: int = 128
    shingle_size: int = 4  # words
    seed: int = 1


def shingles(text: str, *, size: int) -> set[str]:
    """The word ``size``-grams of ``text`` (lowercased); one shingle for a shorter text."""
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


class NearDuplicateIndex:
    """The articles seen so far, to link each new one to its canonical near-duplicate."""

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        self._lsh = MinHashLSH(threshold=self.config.threshold, num_perm=self.config.num_perm)
        self._hashes: dict[str, LeanMinHash] = {}
        self._order: dict[str, int] = {}
        self._canonical: dict[str, str] = {}  # duplicate -> its canonical article

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._hashes

    def signature(self, text: str) -> list[int] | None:
        """The MinHash signature of a body, None when it has no words."""
        found = shingles(text, size=self.config.shingle_size)
        if not found:
            return None
        minhash = MinHash(num_perm=self.config.num_perm, seed=self.config.seed, scheme=_SCHEME)
        minhash.update_batch([s.encode("utf-8") for s in sorted(found)])
        return [int(v) for v in minhash.hashvalues]

    def add(self, doc_id: str, text: str) -> str | None:
        """Index a body; the canonical doc_id it duplicates, else None (it is an original).

        Adding a doc_id again changes nothing and answers as the first time did.
        """
        if doc_id in self._hashes:
            return self.canonical_of(doc_id)
        signature = self.signature(text)
        return None if signature is None else self.add_signature(doc_id, signature)

    def add_signature(self, doc_id: str, signature: Sequence[int]) -> str | None:
        """Index a signature made by :meth:`signature` (e.g. kept by a store)."""
        if doc_id in self._hashes:
            return self.canonical_of(doc_id)
        lean = LeanMinHash(seed=self.config.seed, hashvalues=list(signature), scheme=_SCHEME)
        canonical = self._match(lean)
        self._insert(doc_id, lean, canonical)
        return canonical

    def canonical_of(self, doc_id: str) -> str | None:
        """The canonical article of an indexed one; None when it is an original."""
        return self._canonical.get(doc_id)

    def _match(self, lean: LeanMinHash) -> str | None:
        """The canonical article of the earliest indexed article similar enough."""
        similar = [
            key
            for key in self._lsh.query(lean)
            if self._hashes[key].jaccard(lean) >= self.config.threshold
        ]
        if not similar:
            return None
        first = str(min(similar, key=self._order.__getitem__))
        return self._canonical.get(first, first)

    def _insert(self, doc_id: str, lean: LeanMinHash, canonical: str | None) -> None:
        self._lsh.insert(doc_id, lean)
        self._hashes[doc_id] = lean
        self._order[doc_id] = len(self._order)
        if canonical is not None:
            self._canonical[doc_id] = canonical

    # --- persistence -------------------------------------------------------------------

    def entries(self) -> Iterator[tuple[str, str | None, list[int]]]:
        """``(doc_id, canonical or None, signature)`` in the order they were added."""
        for doc_id in sorted(self._order, key=self._order.__getitem__):
            hashes = [int(v) for v in self._hashes[doc_id].hashvalues]
            yield doc_id, self._canonical.get(doc_id), hashes

    def save(self, path: Path) -> None:
        """Write the index to a JSON-lines file: a header with the config, one line each."""
        lines = [json.dumps({"config": asdict(self.config), "scheme": _SCHEME})]
        lines += [
            json.dumps({"id": d, "canonical": c, "signature": s}) for d, c, s in self.entries()
        ]
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> NearDuplicateIndex:
        """An index written by :meth:`save`; raises ``ValueError`` for a file that is not one."""
        try:
            header, *records = path.read_text(encoding="utf-8").splitlines()
            index = cls(DedupConfig(**json.loads(header)["config"]))
            for line in records:
                index._restore(json.loads(line))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: not a near-duplicate index ({exc})") from None
        return index

    def _restore(self, record: dict[str, Any]) -> None:
        lean = LeanMinHash(seed=self.config.seed, hashvalues=record["signature"], scheme=_SCHEME)
        canonical = record["canonical"]
        self._insert(str(record["id"]), lean, str(canonical) if canonical else None)
