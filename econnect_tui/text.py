"""Text helpers shared by every layer (pure)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold(text: str | None) -> str:
    """Accent- and case-insensitive form, for searching: « Épandage » -> « epandage »."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    return _fold_cached(text)
