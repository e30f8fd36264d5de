"""Where data lives: the database (platformdirs' user data folder unless --db / ECONNECT_DB), and
beside the database it belongs to, the log file and each operator's memory of the application
(`tui.memory`)."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "econnect"
LOG_NAME = "econnect.log"
log = logging.getLogger("econnect")


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "econnect.db"


def log_path_for(db_path: Path) -> Path:
    return db_path.parent / LOG_NAME


def memory_path_for(db_path: Path, user: str) -> Path:
    """`econnect.db.marie.memory.json`: where the application remembers, for the OS user
    `user`, the place it left on this database. The user's name is kept to letters, digits and
    `._-` (a domain account's « \\ », the « uid 1000 » of a user without a name)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", user).lstrip(".") or "_"
    return db_path.parent / f"{db_path.name}.{safe}.memory.json"


def ensure_private_dir(path: Path) -> None:
    """Create a folder readable by its owner only (0700); an existing folder is left as is."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)


SQLITE_HEADER = b"SQLite format 3\x00"


def is_database_file(path: Path) -> bool:
    """An SQLite file (by its first bytes), without opening it as a database."""
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def setup_logging(db_path: Path, *, create: bool = True) -> Path | None:
    """Technical details go to a 0600 rotating log beside the database; returns its path.

    Without `create` (every command but those that create the database), the log is written
    only beside an existing SQLite file: a mistyped `--db` leaves no folder and no log behind.
    When there is no log, details are dropped rather than printed over the French sentence."""
    path = log_path_for(db_path)
    if not create and not is_database_file(db_path):
        _use_handler(logging.NullHandler())
        return None
    try:
        ensure_private_dir(path.parent)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        _use_handler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(message)s"))
    _use_handler(handler)
    return path


def _use_handler(handler: logging.Handler) -> None:
    for old in list(log.handlers):
        log.removeHandler(old)
        old.close()
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
