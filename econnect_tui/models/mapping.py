"""Article correspondences: on one connector, a GC article ↔ the ETA software's article code."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Mapping(BaseModel):
    connector_code: str
    article_code: str
    external_code: str


class MappingChange(BaseModel):
    id: int
    connector_code: str
    article_code: str
    old_code: str | None
    new_code: str | None
    changed_by: str
    changed_at: datetime
    undone: bool = False
