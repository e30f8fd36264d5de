"""The correspondence file (`econnect mapping export|import`): `CodeArticle;CodeArticleExterne`."""

from __future__ import annotations

from .csvfile import Column, Layout

MAPPING_HEADER = ("CodeArticle", "CodeArticleExterne")
MAPPING_LAYOUT = Layout(
    (
        Column("CodeArticle", required=True),
        Column("CodeArticleExterne", required=True, aliases=("CodeExterne",)),
    )
)

_FORMULA_START = ("=", "+", "-", "@")  # what a code can start with that a spreadsheet runs


def code_cell(code: str) -> str:
    """A code as the file writes it: with a leading `'` when, past its own leading `'`, it starts
    like a formula (`=X` -> `'=X`, and `'=X` -> `''=X`), so `read_code` gives every code back,
    one starting with `'` included."""
    return "'" + code if code.lstrip("'").startswith(_FORMULA_START) else code


def read_code(cell: object) -> str:
    """A code as read from the file, trimmed: the `'` `code_cell` (or a spreadsheet) put before
    a formula-looking code removed (`'-X` -> `-X`, `''=X` -> `'=X`)."""
    text = str(cell or "").strip()
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        text = text[1:]
    return text
