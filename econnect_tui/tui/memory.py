"""What the application remembers between sessions, per OS user and per database: the place the
operator left (the screen; on a list, its `/` filter and the row under the cursor), the last
connector chosen, and the choices of « Mettre à jour la correspondance des articles ».

It lives in a small JSON file beside the database (`paths.memory_path_for`:
`econnect.db.marie.memory.json`, 0600), the user being the one the history records
(`sync.runs.operator`). The file is written whole (temporary file, fsync, rename) by a thread,
so a key never waits for the disk. Nothing here may stop the application: a file that cannot be
read is set aside (the application opens on Accueil), a folder that cannot be written leaves the
application without memory; each is said once in the log, never on screen.

This module holds the model and the file; `tui.places` knows the screens (which place each one
is, how to reopen it).
"""

from __future__ import annotations

import glob
import json
import logging
import os
import stat
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from .. import paths
from ..files import atomic_write_bytes
from ..models.gc import TiersKind
from ..models.reports import RunKind, RunStatus
from ..sync.mapping import ShowMode
from ..sync.runs import operator

log = logging.getLogger("econnect")

FILTER_LIMIT = 200  # characters of a list's `/` filter remembered
MAX_BYTES = 64_000  # far more than a memory holds: a bigger file is not ours to read
QUIT_WAIT = 2.0  # seconds quitting waits for the disk at most (a write, or the one before it)


class ListView(BaseModel):
    """A list as the operator left it: its `/` filter and the key of the row under the cursor."""

    filter: str = ""
    row: str | int | None = None

    @field_validator("filter")
    @classmethod
    def _one_line(cls, text: str) -> str:
        # What the one-line filter field can hold (a file edited by hand may hold anything),
        # cut: a filter pasted long is remembered by its start, not refused with the place.
        return "".join(c if c.isprintable() else " " for c in text[:FILTER_LIMIT])


class HomePlace(BaseModel):
    screen: Literal["home"] = "home"


class DashboardPlace(BaseModel):
    """Synchro › E-connecteur (the row is the last connector, `Remembered.connector`)."""

    screen: Literal["dashboard"] = "dashboard"


class MappingPlace(BaseModel):
    """The correspondence grid of a connector (its choices: `Remembered.mapping`)."""

    screen: Literal["mapping"] = "mapping"
    connector: str
    view: ListView = ListView()


class HistoryPlace(BaseModel):
    screen: Literal["history"] = "history"
    connector: str
    kind: RunKind | None = None
    state: RunStatus | None = None
    view: ListView = ListView()


class ArticlesPlace(BaseModel):
    screen: Literal["articles"] = "articles"
    view: ListView = ListView()


class TiersPlace(BaseModel):
    screen: Literal["tiers"] = "tiers"
    kind: TiersKind = TiersKind.CLIENT
    view: ListView = ListView()


class DocumentsPlace(BaseModel):
    screen: Literal["documents"] = "documents"
    view: ListView = ListView()


class SettingsPlace(BaseModel):
    """The Paramètres menu, on the entry last highlighted."""

    screen: Literal["settings"] = "settings"
    entry: str | None = None


class TablePlace(BaseModel):
    """One of Paramètres' tables (Dépôts, Unités…), by its menu entry."""

    screen: Literal["table"] = "table"
    table: str
    view: ListView = ListView()


class ConnectorsPlace(BaseModel):
    """The list of connectors, opened from Paramètres or from the dashboard's menu."""

    screen: Literal["connectors"] = "connectors"
    mode: Literal["parametres", "synchro"] = "parametres"
    view: ListView = ListView()


Place = Annotated[
    HomePlace
    | DashboardPlace
    | MappingPlace
    | HistoryPlace
    | ArticlesPlace
    | TiersPlace
    | DocumentsPlace
    | SettingsPlace
    | TablePlace
    | ConnectorsPlace,
    Field(discriminator="screen"),
]


class MappingChoices(BaseModel):
    mode: ShowMode = ShowMode.EXPORT
    filter_name: str | None = None


class Remembered(BaseModel):
    """The file's content. Each part is read on its own: one a newer version wrote differently
    is left aside, the others are kept."""

    place: Place = HomePlace()
    connector: str | None = None
    mapping: MappingChoices = MappingChoices()


class Memory:
    """The memory of one operator on one database. `path` None: an application that remembers
    nothing (the tests' default, like an unwritable folder); `restore` False: what the file
    holds is not read (`econnect --accueil`), what happens next is remembered."""

    def __init__(self, path: Path | None, *, restore: bool = True) -> None:
        self.path = path
        self.remembered = Remembered()
        self._written: Remembered | None = None  # what the file holds, when known
        if path is not None:
            _remove_stale_temporaries(path)
        if path is not None and restore:
            read = _read(path)
            if read is not None:
                self.remembered = self._written = read
        self._queued: Remembered | None = None
        self._lock = threading.Lock()  # one writer at a time, the newest state wins
        self._thread: threading.Thread | None = None
        self._failure_said = False

    @classmethod
    def of_database(
        cls, db_path: Path | None, user: str | None = None, *, restore: bool = True
    ) -> Memory:
        if db_path is None:
            return cls(None)
        return cls(paths.memory_path_for(db_path, user or operator()), restore=restore)

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def save_soon(self, remembered: Remembered) -> None:
        """Written by a thread when it changed: the caller (a key's handling) never waits."""
        self.remembered = remembered
        if self.path is None or remembered == self._queued or remembered == self._written:
            return
        self._queued = remembered
        self._start_writer(again=False)

    def save_now(self, remembered: Remembered) -> None:
        """Written before returning (quitting: the process is about to end), even when this
        process wrote the same already: another terminal of the same operator on the same
        database may have written its own place since, and the one quit last is found again.
        A disk that holds the write (or the one before it) longer than `QUIT_WAIT` does not
        hold the quitting up (nor a SIGHUP or SIGTERM): the file keeps what it had, as after a
        kill -9."""
        self.remembered = remembered
        if self.path is None:
            return
        self._queued = remembered
        writer = self._start_writer(again=True)
        writer.join(QUIT_WAIT)
        if writer.is_alive():
            log.warning("memory not written within %s s (slow disk): left as it was", QUIT_WAIT)

    def wait(self) -> None:
        """Until the last write asked is done (tests)."""
        if self._thread is not None:
            self._thread.join()

    def _start_writer(self, *, again: bool) -> threading.Thread:
        writer = threading.Thread(
            target=self._write_queued, kwargs={"again": again}, name="econnect-memory", daemon=True
        )
        self._thread = writer
        writer.start()
        return writer

    def _write_queued(self, *, again: bool) -> None:
        """Writes the newest state asked; one this process wrote already only when `again`."""
        with self._lock:
            remembered = self._queued
            if remembered is None or self.path is None:
                return
            if remembered == self._written and not again:
                return
            data = remembered.model_dump_json(indent=1).encode() + b"\n"
            try:
                atomic_write_bytes(self.path, data, private=True)
            except Exception as exc:  # in a thread: anything raised would be printed on screen
                if not self._failure_said:
                    self._failure_said = True
                    log.warning("memory not written, the application goes on without: %s", exc)
                return
            self._written = remembered


def _read(path: Path) -> Remembered | None:
    """The file's memory; None when there is none or it cannot be read (said in the log)."""
    try:
        # Not blocking, and only a regular file: a FIFO at that name must not hang the opening.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("memory %s not read: %s", path, exc)
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                log.warning("memory %s not read: not a regular file", path)
                return None
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        log.warning("memory %s not read: %s", path, exc)
        return None
    if len(data) > MAX_BYTES:
        log.warning("memory %s not read: larger than %d bytes", path, MAX_BYTES)
        return None
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError included; too deep
        log.warning("memory %s not read: %s", path, exc)
        return None
    if not isinstance(raw, dict):
        log.warning("memory %s not read: not a JSON object", path)
        return None
    kept = {}
    for name in Remembered.model_fields:
        if name not in raw:
            continue
        try:
            Remembered.model_validate({name: raw[name]})
        except ValidationError as exc:
            log.warning("memory %s: %s set aside (%s)", path, name, exc.errors()[0]["msg"])
            continue
        kept[name] = raw[name]
    return Remembered.model_validate(kept)


STALE_AFTER = 60  # seconds: a temporary file older than this was left by a process killed


def _remove_stale_temporaries(path: Path) -> None:
    """The temporary files a writer killed mid-way (kill -9, a write past `QUIT_WAIT`) left
    beside `path`; a recent one may be another terminal's write in progress and is left."""
    limit = time.time() - STALE_AFTER
    with suppress(OSError):
        for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
            with suppress(OSError):
                if tmp.lstat().st_mtime < limit:
                    tmp.unlink()
