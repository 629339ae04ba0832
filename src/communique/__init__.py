"""communique: raw world-news pages in, coded political events (CAMEO, PLOVER) out."""

__version__ = "0.1.0"
