"""Small builders shared by the tests (real files, real SQLite databases)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from econnect_tui.db import open_db
from econnect_tui.sync.demo import load_sample_gc

ROOT = Path(__file__).resolve().parents[1]


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def _invisible(char: str) -> bool:
    return char.isspace() or char < " " or char == "\x7f" or unicodedata.category(char) == "Cf"


def read_back(text: str) -> str:
    """A text as every reader gives it (docs/format.md, « Textes »), written here from the
    rule and not from econnect_tui.normal: NFC, line breaks LF, invisible characters (spaces,
    C0 controls, format characters) removed at both ends."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def demo_db(tmp_path: Path):
    db = open_db(tmp_path / "econnect.db")
    load_sample_gc(db)
    return db


def run_cli(
    *args: str,
    db: Path | None = None,
    input: str | None = None,
    env=None,
    encoding="utf-8",
    timeout: float = 120,
):
    """Runs the real `econnect` command in a subprocess; returns CompletedProcess (its output
    read in `encoding`)."""
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
        [*cmd, *args],
        capture_output=True,
        encoding=encoding,
        input=input,
        env=full_env,
        timeout=timeout,
    )


def run_in_terminal(*args: str, db: Path | None = None, env=None, timeout: float = 120):
    """Runs `econnect` with stdin, stdout and stderr on a real pseudo-terminal of 80×24; returns
    (exit status, every byte the terminal received). On a terminal click strips nothing: this
    is what the operator's screen gets."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    full_env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
    full_env.pop("ECONNECT_DB", None)
    cmd = [sys.executable, "-m", "econnect_tui"]
    if db is not None:
        cmd += ["--db", str(db)]
    process = subprocess.Popen([*cmd, *args], stdin=slave, stdout=slave, stderr=slave, env=full_env)
    os.close(slave)
    output = b""
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            if select.select([master], [], [], 0.2)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the process is gone and the pty closed
                    break
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                break
        code = process.wait(timeout=max(1.0, end - time.monotonic()))
    finally:
        os.close(master)
    return code, output


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


@contextlib.contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A real disk of `size` (tmpfs) mounted on the new folder `mount`, unmounted after; the
    test is skipped without the right to mount."""
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)
