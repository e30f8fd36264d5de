"""What thread workers of the TUI share: their own database connection, and a safe way back to
the UI thread.

SQLite connections are not shared across threads for writes (a reception in a worker would
interleave its transactions with the screen's): a worker opens its own connection on the app's
database file with `worker_db(app)` and closes it when done. Results go back with `call_ui`,
which gives up quietly when the app stopped or is stopping meanwhile (the operator quit during a
poll).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from sqlite_utils import Database
from textual.app import App
from textual.dom import DOMNode

from ..sync.database import open_database

log = logging.getLogger("econnect")


@contextlib.contextmanager
def worker_db(app: App) -> Iterator[Database]:
    """A connection of the worker's own on the app's database file (the app's connection when
    the app was given no file path, as some tests do)."""
    path = getattr(app, "db_path", None)
    if path is None:
        yield app.db  # type: ignore[attr-defined]
        return
    db = open_database(path, migrate=False, create=False)
    try:
        yield db
    finally:
        db.close()


def call_ui(app: App, callback: Callable[..., Any], *args: Any) -> bool:
    """Runs `callback(*args)` on the UI thread and waits for it; False when the app is gone."""
    if not app.is_running:
        return False

    def unless_exiting(*args: Any) -> Any:
        # Quitting (Ctrl+Q, a hang-up) may come while the call waits: a window pushed then
        # would be mounted half-way through the app's teardown.
        if getattr(app, "exiting", False):
            return None
        # A screen closed while its worker ran (the operator left the dashboard during a poll):
        # nothing left to show the result on.
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, DOMNode) and not owner.is_attached:
            return None
        return callback(*args)

    try:
        app.call_from_thread(unless_exiting, *args)
    except RuntimeError:  # the app stopped between the check and the call
        return False
    except Exception:  # the screen it was for was closed meanwhile: nothing to show
        log.exception("UI callback from a worker failed")
        return False
    return True
