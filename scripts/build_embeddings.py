"""Write ``src/communique/data/cameo_labels.npz``: the embedding of every CAMEO code's label.

The embedding fallback (``communique.embedding``) embeds each code's label text (the fields
named in ``data/embedding.json``) with the packaged model; shipping the table saves that
work at every load. The file holds ``codes``, ``vectors`` (float32, unit length) and the
``digest`` of the texts: a load whose texts differ (a rebuilt ``cameo.jsonl``, other fields)
ignores it and embeds the labels itself. Rerun after ``scripts/build_data.py`` or after
changing ``label_fields``. Needs the extra: ``pip install 'communique[embed]'``.

Usage: python scripts/build_embeddings.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from communique import embedding
from communique.ontology import load_ontology

OUT = Path(__file__).resolve().parents[1] / "src" / "communique" / "data" / embedding.LABELS_FILE


def main() -> None:
    ontology = load_ontology()
    settings = embedding.load_settings()
    encoder = embedding.load_encoder()
    codes = sorted(ontology.codes)
    texts = [embedding.label_text(ontology, code, settings.label_fields) for code in codes]
    vectors = embedding.embed(encoder, texts, settings)
    digest = embedding.label_digest(texts)
    with OUT.open("wb") as handle:
        np.savez_compressed(handle, codes=np.array(codes), vectors=vectors, digest=np.array(digest))
    sys.stdout.write(f"{OUT}: {len(codes)} codes x {vectors.shape[1]} dimensions\n")


if __name__ == "__main__":
    main()
