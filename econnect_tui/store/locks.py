"""Reception locks: one row per connector being received, with its owner."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from ..models.reports import INTERRUPTED
from .history import now


@dataclass(frozen=True)
class LockOwner:
    connector_code: str
    pid: int
    host: str
    user: str
    started_at: str
    run_id: int | None


def get_lock(db: Database, connector_code: str) -> LockOwner | None:
    row = db.execute(
        "SELECT connector_code, pid, host, user, started_at, run_id FROM reception_locks"
        " WHERE connector_code = ?",
        [connector_code],
    ).fetchone()
    return LockOwner(*row) if row else None


def put_lock(db: Database, connector_code: str, pid: int, host: str, user: str) -> None:
    """Inside the caller's IMMEDIATE transaction (the check and the take are one step)."""
    db.execute(
        "INSERT INTO reception_locks (connector_code, pid, host, user, started_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(connector_code) DO UPDATE SET pid = excluded.pid,"
        " host = excluded.host, user = excluded.user, started_at = excluded.started_at,"
        " run_id = NULL",
        [connector_code, pid, host, user, now()],
    )


def set_lock_run(db: Database, connector_code: str, pid: int, run_id: int) -> None:
    db.execute(
        "UPDATE reception_locks SET run_id = ? WHERE connector_code = ? AND pid = ?",
        [run_id, connector_code, pid],
    )


def drop_lock(db: Database, connector_code: str, pid: int, host: str) -> None:
    db.execute(
        "DELETE FROM reception_locks WHERE connector_code = ? AND pid = ? AND host = ?",
        [connector_code, pid, host],
    )


def mark_run_interrupted(db: Database, run_id: int, message: str = INTERRUPTED) -> None:
    db.execute(
        "UPDATE sync_runs SET status = 'erreur', finished_at = ?, message = ?"
        " WHERE id = ? AND status = 'en-cours'",
        [now(), message, run_id],
    )
