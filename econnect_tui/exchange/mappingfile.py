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
