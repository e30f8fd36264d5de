"""Where data lives: the database (platformdirs' user data folder unless --db / ECONNECT_DB), and
beside the database it belongs to, the log file and each operator's memory of the application
(`tui.memory`)."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import stat
import sys
from pathlib import Path

import platformdirs

from .errors import UserError, os_reason
from .text import escape_controls

APP_NAME = "econnect"
LOG_NAME = "econnect.log"
log = logging.getLogger("econnect")


NO_HOME = (
    "Dossier personnel introuvable (ni HOME ni compte utilisateur) : indiquez la base de "
    "données avec --db ou ECONNECT_DB."
)


def default_db_path() -> Path:
    """The user's data folder; a service account without HOME nor passwd entry has none."""
    try:
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "econnect.db"
    except (RuntimeError, KeyError, OSError) as exc:
        raise UserError(NO_HOME) from exc


def expand_user(path: Path) -> Path:
    """`~/x.db` in the user's home; without a home to put it in, a French sentence."""
    try:
        return path.expanduser()
    except (RuntimeError, KeyError, OSError) as exc:
        raise UserError(NO_HOME) from exc


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


def refuse_special_database(path: Path) -> None:
    """A `--db` that exists and is not a regular file (a FIFO would block the opening forever,
    a device be written over) is refused in one sentence."""
    try:
        found = path.stat()
    except (OSError, ValueError):  # absent (created later), or unreachable: said on opening
        return
    if not stat.S_ISREG(found.st_mode):
        raise UserError(
            f"{path} n'est pas un fichier ordinaire : indiquez le fichier de la base de données "
            "(--db)."
        )


def is_database_file(path: Path) -> bool:
    """An SQLite file (by its first bytes), without opening it as a database; never a FIFO,
    which would wait for a writer."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except (OSError, ValueError):
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
        handler = LogFile(path)
    except (OSError, ValueError):
        _use_handler(logging.NullHandler())
        return None
    _use_handler(handler)
    return path


class LogFormatter(logging.Formatter):
    """One line per record (a traceback's lines follow), control characters shown as codes: a
    name read from an ETA file cannot forge log lines nor drive the terminal of whoever reads
    the log with `tail`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(process)d %(levelname)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


class LogFile(logging.handlers.RotatingFileHandler):
    """The log file: created 0600 at every rotation as at the first (whatever the umask), and
    never a reason for a command to fail. A record that cannot be written (disk full, file
    removed) is dropped: the first failure is said once on stderr, in French, and the
    command goes on to its own outcome."""

    def __init__(self, path: Path) -> None:
        self.failed = False
        super().__init__(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8", errors="backslashreplace"
        )
        self.setFormatter(LogFormatter())

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        if self.failed:
            return
        self.failed = True
        error = sys.exc_info()[1]
        reason = os_reason(error) if isinstance(error, OSError) else "erreur d'écriture"
        try:
            sys.stderr.write(
                escape_controls(f"Journal {self.baseFilename} non écrit : {reason}.") + "\n"
            )
            sys.stderr.flush()
        except Exception:  # stderr closed too: nothing left to tell
            pass


def _use_handler(handler: logging.Handler) -> None:
    for old in list(log.handlers):
        log.removeHandler(old)
        old.close()
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
