"""The SQLite connection: opening the file (brought up to date by `migrations`) and the unit
of work (`write_transaction`).

Every connection runs in WAL mode with foreign keys on and a busy timeout; the file is created
0600 in a 0700 folder. The schema's migrations are applied in one IMMEDIATE transaction so two
processes opening a new file never race.

Money and quantities are stored as TEXT holding a canonical Decimal, never as REAL.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from sqlite_utils import Database

from . import faults
from .errors import UserError, describe
from .migrations import migrations
from .text import fold

BUSY_TIMEOUT_MS = 5000

sqlite3.register_adapter(Decimal, str)


def open_db(path: Path | str, *, migrate: bool = True, create: bool = True) -> Database:
    """Open (and create, and migrate) the database at `path`."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise UserError(f"La base de données {path} n'existe pas (lancez « econnect init »).")
        _create_private_file(path)
    try:
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        db = Database(conn)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        # 32 MB of page cache (default 2 MB): a big reception rereads what it just staged.
        conn.execute("PRAGMA cache_size=-32000")
        conn.create_function("fold", 1, fold, deterministic=True)
        if migrate:
            apply_migrations(db)
    except sqlite3.DatabaseError as exc:
        raise UserError(
            f"Impossible d'ouvrir la base de données {path} : {describe(exc)}."
        ) from exc
    return db


def _create_private_file(path: Path) -> None:
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def apply_migrations(db: Database) -> None:
    """Brings the schema up to date, or refuses a database a newer econnect has migrated:
    this code would write into tables it does not know. Checked at every opening, also when
    nothing of ours is pending (a newer version applies all of ours, then its own)."""
    if not _pending_after_refusing_newer(db):
        return
    with write_transaction(db):
        # again under the write lock: another process may have migrated meanwhile
        if _pending_after_refusing_newer(db):
            migrations.apply(db)
            faults.checkpoint("migrations")  # the crash tests: killed here, nothing is kept


def _pending_after_refusing_newer(db: Database) -> bool:
    known = {m.name for m in migrations._migrations}
    applied = [m.name for m in migrations.applied(db)]
    newer = [name for name in applied if name not in known]
    if newer:
        raise UserError(
            "La base de données a été mise à jour par une version plus récente d'econnect"
            f" (migration {newer[0]} inconnue) : ouvrez-la avec cette version ou une plus"
            " récente."
        )
    return not known <= set(applied)


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One unit of work. Takes the write lock at once (BEGIN IMMEDIATE) so a transaction never
    fails half-way on a lock upgrade; nested calls become savepoints."""
    conn = db.conn
    if conn.in_transaction:
        # One fixed name: SQLite pairs ROLLBACK TO/RELEASE with the innermost savepoint of
        # that name, so nesting works and a document costs two short statements.
        conn.execute("SAVEPOINT econnect")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO econnect")
                conn.execute("RELEASE econnect")
            raise
        else:
            conn.execute("RELEASE econnect")
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
