"""The database as the interfaces open it: the CLI and the screens' worker threads reach the
connection through here, never `db` itself (the layers of docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from ..db import open_db


def open_database(path: Path | str, *, create: bool = False, migrate: bool = True) -> Database:
    """The database at `path`, brought up to date (`migrate`); created when missing only with
    `create`, else a French sentence saying to run « econnect init »."""
    return open_db(path, migrate=migrate, create=create)
