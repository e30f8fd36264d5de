"""Small builders shared by the tests (real files, real SQLite databases)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from econnect_tui.db import open_db
from econnect_tui.sync.demo import load_sample_gc

ROOT = Path(__file__).resolve().parents[1]


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def demo_db(tmp_path: Path):
    db = open_db(tmp_path / "econnect.db")
    load_sample_gc(db)
    return db


def run_cli(*args: str, db: Path | None = None, input: str | None = None, env=None):
    """Runs the real `econnect` command in a subprocess; returns CompletedProcess."""
    full_env = dict(os.environ)
    full_env.pop("ECONNECT_DB", None)
    # Never touch the real user's data folder from a test.
    full_env.setdefault(
        "XDG_DATA_HOME", str(Path(os.environ.get("TMPDIR", "/tmp")) / "econnect-tests")
    )
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "econnect_tui"]
    if db is not None:
        cmd += ["--db", str(db)]
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, input=input, env=full_env, timeout=120
    )


@contextlib.contextmanager
def still_written(
    path: Path, chunk: Callable[[int], bytes], *, every: float = 0.1, clock: float | None = None
) -> Iterator[None]:
    """The ETA software writing `path` under its final name while the block runs: `chunk(n)`
    appended every `every` seconds (a real file, written by a thread). With `clock`, the file's
    dates are set that many seconds from now after each write (a share whose clock is ahead, or
    behind when negative)."""
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            with open(path, "ab") as f:
                f.write(chunk(n))
            if clock is not None:
                when = time.time() + clock
                os.utime(path, (when, when))
            n += 1
            stop.wait(every)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield
    finally:
        stop.set()
        writer.join()
