"""The correspondence file (`econnect mapping export|import`): `CodeArticle;CodeArticleExterne`."""

from __future__ import annotations

from .csv import Column, ColumnKind, Layout

MAPPING_HEADER = ("CodeArticle", "CodeArticleExterne")
# Codes: read in the normal form of every code (exchange.csv, normal.py), as the reception reads the
# external codes of the documents, so a code a document holds is the code this file gives.
MAPPING_LAYOUT = Layout(
    (
        Column("CodeArticle", ColumnKind.CODE, required=True),
        Column("CodeArticleExterne", ColumnKind.CODE, required=True, aliases=("CodeExterne",)),
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
