"""Text helpers shared by every layer (pure)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def strip_accents(text: str) -> str:
    """« Épandage » -> « Epandage » (case kept)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return strip_accents(text).casefold()


def fold(text: str | None) -> str:
    """Accent- and case-insensitive form, for searching: « Épandage » -> « epandage »."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    return _fold_cached(text)
