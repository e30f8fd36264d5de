"""One reception per connector at a time, across processes (two operators, a cron job).

The lock is a row taken in an IMMEDIATE transaction, with the owner's pid, host and start time.
A lock whose process is gone (killed, crashed) is taken over, and the run it left unfinished
is marked interrupted. On Linux a pid that lives again in a process started after the lock was
taken (after a reboot, pids are reused) counts as gone too. A second reception waits a few
seconds, then gives up with a sentence saying who holds it.

Sends take no lock: a send whose process is gone (the same test, on the pid, host and start of
its history entry) is marked interrupted by the next run of its connector.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import Busy
from ..french import date_time
from ..models.reports import INTERRUPTED, INTERRUPTED_SEND, RunKind, RunStatus, SyncRun
from ..store import history
from ..store import locks as store
from .runs import host, operator

STALE_AFTER_SECONDS = 12 * 3600  # a lock of another machine older than this is taken over
# The lock's time is kept to the second and the boot time too: a process may seem to start a
# little after the lock it took.
START_TOLERANCE_SECONDS = 2.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_start(pid: int) -> float | None:
    """When the process started, in Unix time, from Linux's /proc; None when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        # fields after « (comm) »: the 3rd field of stat is their first, starttime the 22nd
        ticks = int(stat[stat.rindex(")") + 2 :].split()[19])
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, StopIteration, ValueError, IndexError):
        return None


def _started_after(pid: int, since: datetime | None) -> bool:
    if since is None:
        return False
    started = process_start(pid)
    return started is not None and started > since.timestamp() + START_TOLERANCE_SECONDS


def process_gone(pid: int | None, on_host: str | None, since: datetime | None) -> bool:
    """Whether the process `pid` of `on_host`, which recorded something (a lock, a run) at
    `since`, is gone: on this machine, dead or its pid now another process's; on another
    machine (nothing to ask), after STALE_AFTER_SECONDS."""
    if pid is not None and on_host == host():
        return not _alive(pid) or _started_after(pid, since)
    if since is None:
        return True
    return (datetime.now(since.tzinfo) - since).total_seconds() > STALE_AFTER_SECONDS


def _is_stale(owner: store.LockOwner) -> bool:
    try:
        since = datetime.fromisoformat(owner.started_at)
    except ValueError:
        since = None
    return process_gone(owner.pid, owner.host, since)


def describe(owner: store.LockOwner) -> str:
    try:
        since = date_time(datetime.fromisoformat(owner.started_at), seconds=True)
    except ValueError:
        since = owner.started_at
    where = "" if owner.host == host() else f" sur {owner.host}"
    return f"pid {owner.pid}{where}, {owner.user}, depuis {since}"


def busy_message(connector_code: str, owner: store.LockOwner) -> str:
    return f"Une réception est déjà en cours pour {connector_code} ({describe(owner)})."


def try_acquire(db: Database, connector_code: str) -> store.LockOwner | None:
    """Takes the lock; returns None when taken, else the live owner."""
    with write_transaction(db):
        owner = store.get_lock(db, connector_code)
        if owner is not None and not _is_stale(owner):
            return owner
        if owner is not None and owner.run_id is not None:
            store.mark_run_interrupted(db, owner.run_id)
        store.put_lock(db, connector_code, os.getpid(), host(), operator())
    return None


def current_owner(db: Database, connector_code: str) -> store.LockOwner | None:
    """The live holder of the lock, if any (for the dashboard: shown, not fought)."""
    owner = store.get_lock(db, connector_code)
    if owner is None or _is_stale(owner):
        return None
    return owner


def as_shown(db: Database, run: SyncRun | None) -> SyncRun | None:
    """`run` as the screens and `status`/`history` show it: a reception still marked running
    whose process is gone (killed, its SSH session dropped) and whose lock no live process
    holds is shown interrupted, as the next reception will mark it; a send whose process is
    gone too, as the next run of its connector will mark it; not « en cours » forever."""
    if run is None or run.status is not RunStatus.RUNNING:
        return run
    if run.kind is RunKind.SEND:
        if not process_gone(run.pid, run.host, run.started_at):
            return run
        message = INTERRUPTED_SEND
    else:
        owner = current_owner(db, run.connector_code)
        if owner is not None and owner.run_id in (None, run.id):
            return run
        message = INTERRUPTED
    # The run may have finished (and let go of its lock) since `run` was read.
    now = history.get_run(db, run.id, with_rows=False)
    if now.status is not RunStatus.RUNNING:
        return now
    return run.model_copy(update={"status": RunStatus.ERROR, "message": message})


def mark_dead_sends(db: Database, connector_code: str) -> list[int]:
    """Marks interrupted the connector's sends still « en cours » whose process is gone (killed
    mid-way); returns their ids. A live send, here or on another machine, is left running."""
    marked = []
    for run in history.running_runs(db, connector_code, RunKind.SEND):
        if process_gone(run.pid, run.host, run.started_at):
            with write_transaction(db):
                store.mark_run_interrupted(db, run.id, INTERRUPTED_SEND)
            marked.append(run.id)
    return marked


@contextlib.contextmanager
def reception_lock(db: Database, connector_code: str, wait: float = 5.0) -> Iterator[None]:
    deadline = time.monotonic() + wait
    while True:
        owner = try_acquire(db, connector_code)
        if owner is None:
            break
        if time.monotonic() >= deadline:
            raise Busy(busy_message(connector_code, owner))
        time.sleep(0.2)
    try:
        yield
    finally:
        with write_transaction(db):
            store.drop_lock(db, connector_code, os.getpid(), host())


def attach_run(db: Database, connector_code: str, run_id: int) -> None:
    with write_transaction(db):
        store.set_lock_run(db, connector_code, os.getpid(), run_id)
