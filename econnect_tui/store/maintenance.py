"""Database health and backups: SQLite's own checks and its online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .staging import path_of


def integrity_errors(db: Database, limit: int = 20) -> list[str]:
    rows = [r[0] for r in db.execute(f"PRAGMA integrity_check({limit})")]
    return [] if rows == ["ok"] else rows


def foreign_key_errors(db: Database) -> list[str]:
    return [
        f"{table} ligne {rowid} : référence absente dans {parent}"
        for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check")
    ]


def received_files_with_archive(db: Database) -> list[tuple[str, str, str]]:
    """(connector, file name, archive path) of every file received and moved."""
    cur = db.execute(
        "SELECT connector_code, name, archive_path FROM received_files"
        " WHERE status IN ('recu', 'rejete') AND archive_path IS NOT NULL"
    )
    return [(code, name, path_of(path)) for code, name, path in cur]


def undecided_lines_of_decided_files(db: Database) -> int:
    """Staged rows of files whose documents are all decided (a purge was interrupted)."""
    return db.execute(
        "SELECT count(*) FROM staged_lines l JOIN received_files f ON f.id = l.file_id"
        " WHERE f.status = 'recu' AND NOT EXISTS (SELECT 1 FROM document_versions v"
        " WHERE v.file_id = f.id AND v.outcome IS NULL)"
    ).fetchone()[0]


def unfinished_runs(db: Database) -> list[int]:
    """The ids of runs still marked running."""
    return [r[0] for r in db.execute("SELECT id FROM sync_runs WHERE status = 'en-cours'")]


def database_file(db: Database) -> Path | None:
    """The file of the main database (None in memory)."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def backup_to(db: Database, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while other processes write."""
    conn = sqlite3.connect(str(target))
    try:
        with conn:
            db.conn.backup(conn)
    finally:
        conn.close()
