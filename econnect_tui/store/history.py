"""The synchronisation history (« Historique des synchronisations »)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import NamedTuple

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import NotFound
from ..models.reports import ItemType, ReportRow, RunFile, RunKind, RunStatus, SyncRun

_RUN_COLS = (
    "id, connector_code, kind, started_at, finished_at, user, host, pid, status, message, counts"
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _run(row) -> SyncRun:
    return SyncRun(
        id=row[0],
        connector_code=row[1],
        kind=RunKind(row[2]),
        started_at=row[3],
        finished_at=row[4],
        user=row[5],
        host=row[6],
        pid=row[7],
        status=RunStatus(row[8]),
        message=row[9],
        counts=json.loads(row[10] or "{}"),
    )


def start_run(
    db: Database, connector_code: str, kind: RunKind, user: str, host: str, pid: int
) -> int:
    with write_transaction(db):
        cur = db.execute(
            "INSERT INTO sync_runs (connector_code, kind, started_at, user, host, pid, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [connector_code, kind.value, now(), user, host, pid, RunStatus.RUNNING.value],
        )
        return cur.lastrowid


def add_files(db: Database, run_id: int, files: Iterable[RunFile]) -> None:
    with write_transaction(db):
        db.conn.executemany(
            "INSERT INTO sync_run_files (run_id, name, kind, sha256, size, rows, path, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, f.name, f.kind, f.sha256, f.size, f.rows, f.path, f.status) for f in files],
        )


def add_rows(db: Database, run_id: int, rows: Iterable[ReportRow]) -> None:
    add_row_values(
        db, run_id, [(r.file_name, r.type.value, r.identifier, int(r.ok), r.messages) for r in rows]
    )


def add_row_values(db: Database, run_id: int, rows: list[tuple[str, str, str, int, str]]) -> None:
    """Report rows as (file name, type, identifier, ok, messages): what a reception of
    thousands of documents writes without building a model per row."""
    with write_transaction(db):
        db.conn.executemany(
            "INSERT INTO sync_report_rows (run_id, file_name, type, identifier, ok, messages)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, *row) for row in rows],
        )


def finish_run(
    db: Database, run_id: int, status: RunStatus, message: str, counts: dict[str, int]
) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE sync_runs SET finished_at = ?, status = ?, message = ?, counts = ?"
            " WHERE id = ?",
            [now(), status.value, message, json.dumps(counts), run_id],
        )


def list_runs(
    db: Database, connector_code: str | None = None, kind: RunKind | None = None, limit: int = 500
) -> list[SyncRun]:
    """Newest first."""
    clauses, params = [], []
    if connector_code:
        clauses.append("connector_code = ?")
        params.append(connector_code.upper())
    if kind:
        clauses.append("kind = ?")
        params.append(kind.value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    cur = db.execute(
        f"SELECT {_RUN_COLS} FROM sync_runs {where} ORDER BY id DESC LIMIT ?", [*params, limit]
    )
    return [_run(r) for r in cur]


def running_runs(db: Database, connector_code: str, kind: RunKind) -> list[SyncRun]:
    """The connector's runs of `kind` still marked running (live, or left by a killed process)."""
    cur = db.execute(
        f"SELECT {_RUN_COLS} FROM sync_runs WHERE connector_code = ? AND kind = ?"
        " AND status = ? ORDER BY id",
        [connector_code.upper(), kind.value, RunStatus.RUNNING.value],
    )
    return [_run(r) for r in cur]


def last_run(db: Database, connector_code: str, kind: RunKind) -> SyncRun | None:
    runs = list_runs(db, connector_code, kind, limit=1)
    return runs[0] if runs else None


def get_run(
    db: Database, run_id: int, connector_code: str | None = None, *, with_rows: bool = True
) -> SyncRun:
    # past SQLite's integers (« --run 99999999999999999999 ») no run can exist
    in_range = -(2**63) <= run_id < 2**63
    sql = f"SELECT {_RUN_COLS} FROM sync_runs WHERE id = ?"
    row = db.execute(sql, [run_id]).fetchone() if in_range else None
    if row is None or (connector_code and row[1] != connector_code.upper()):
        raise NotFound(
            f"Aucune synchronisation n° {run_id}"
            + (f" pour le connecteur {connector_code.upper()}." if connector_code else ".")
        )
    run = _run(row)
    run.files = [
        RunFile(name=r[0], kind=r[1], sha256=r[2], size=r[3], rows=r[4], path=r[5], status=r[6])
        for r in db.execute(
            "SELECT name, kind, sha256, size, rows, path, status FROM sync_run_files"
            " WHERE run_id = ? ORDER BY id",
            [run_id],
        )
    ]
    if not with_rows:
        return run
    run.rows = list(iter_rows(db, run_id))
    return run


def iter_rows(db: Database, run_id: int) -> Iterator[ReportRow]:
    """A run's report rows in order, read lazily (a big reception has one per document)."""
    construct = ReportRow.model_construct
    for line in _iter_lines(db, run_id):
        yield construct(**line._asdict())


class ReportLine(NamedTuple):
    """A report row as the report screen reads it: what `ReportRow` holds, as a tuple (a
    reception of 100,000 documents has as many rows; a model each cost 0.6 s)."""

    file_name: str
    type: ItemType
    identifier: str
    ok: bool
    messages: str

    state = ReportRow.state  # « Etat », one definition for both


def report_lines(db: Database, run_id: int) -> list[ReportLine]:
    """A run's report rows in order, as tuples."""
    return list(_iter_lines(db, run_id))


def _iter_lines(db: Database, run_id: int) -> Iterator[ReportLine]:
    types = {t.value: t for t in ItemType}
    cur = db.conn.execute(
        "SELECT file_name, type, identifier, ok, messages FROM sync_report_rows"
        " WHERE run_id = ? ORDER BY id",
        [run_id],
    )
    return (ReportLine(r[0], types[r[1]], r[2], bool(r[3]), r[4]) for r in cur)
