"""What the application writes to the terminal: bytes at startup, while idle on each screen, and
per key — what an operator's SSH link has to carry.

Run: .venv/bin/python bench/bench_terminal.py [--idle 10] [--moves 30] [--dump FILE]
(or `python -m bench terminal`; about 2 minutes, most of it the idle windows).

The real `econnect` runs in a pseudo-terminal of 80x24 with TERM=xterm-256color (no
COLORTERM: 256 colours, as SSH sessions usually get), on a demo database made by `econnect
--db X init --demo` in a temporary folder (HOME and XDG folders there too, so no operator's
keys file is read; ECONNECT_SETTLE_SECONDS=0). The script plays the keys an operator types and
counts the bytes the application writes to the terminal after each one, until it has written
nothing for a short while (`--quiet`, 0.35 s; the figures of a repainting timer would then be
cut, which is why idle time is measured on its own, over `--idle` seconds). The terminal
answers none of the application's queries (a plain xterm: no synchronized output).

Bytes, not time: over a slow link (a 3G connection, a support session through two jumps) every
kilobyte written is ~10 ms at 1 Mbit/s, and a screen that repaints while nobody types keeps the
link busy. Figures are recorded in bench/README.md; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS, LINES = 80, 24

# What an xterm sends for each key.
KEYS = {
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    "f5": "\x1b[15~",
    "f6": "\x1b[17~",
    "f7": "\x1b[18~",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "end": "\x1b[F",
    "home": "\x1b[H",
    "enter": "\r",
    "escape": "\x1b",
    "tab": "\t",
    "backspace": "\x7f",
    "ctrl+p": "\x10",
    "ctrl+q": "\x11",
    # Focus reporting (Textual turns it on): the terminal window loses / regains the focus.
    "focus-out": "\x1b[O",
    "focus-in": "\x1b[I",
}


def mouse_move(column: int, line: int) -> str:
    """An xterm's report of the mouse moved, no button (SGR mode, 1-based)."""
    return f"\x1b[<35;{column};{line}M"


# In this order: the app opens on Accueil, measured last (coming back to it).
SCREENS = (
    ("f3", "Synchro (dashboard)"),
    ("f4", "Articles"),
    ("f5", "Tiers"),
    ("f6", "Documents"),
    ("f7", "Paramètres"),
    ("f2", "Accueil"),
)


@dataclass
class Terminal:
    """The application in a pseudo-terminal; a thread reads (and counts) what it writes."""

    process: subprocess.Popen
    master: int
    chunks: list[tuple[float, bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: bool = False

    @classmethod
    def start(cls, argv: list[str], env: dict[str, str]) -> Terminal:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))

        def controlling_terminal() -> None:  # the child's stdin becomes its terminal
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
            preexec_fn=controlling_terminal,
            close_fds=True,
        )
        os.close(slave)
        terminal = cls(process, master)
        threading.Thread(target=terminal._read, daemon=True).start()
        return terminal

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if not ready:
                    if self.process.poll() is not None:
                        break
                    continue
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the application closed the terminal
                break
            if not data:
                break
            with self.lock:
                self.chunks.append((time.monotonic(), data))
        self.done = True

    def mark(self) -> int:
        with self.lock:
            return len(self.chunks)

    def since(self, mark: int) -> bytes:
        with self.lock:
            return b"".join(data for _, data in self.chunks[mark:])

    def last_time(self) -> float:
        with self.lock:
            return self.chunks[-1][0] if self.chunks else 0.0

    def send(self, key: str) -> None:
        os.write(self.master, KEYS.get(key, key).encode())

    def wait_output(self, mark: int, limit: float) -> None:
        """Until something was written after `mark` (at most `limit` seconds)."""
        start = time.monotonic()
        while self.mark() == mark and time.monotonic() - start < limit and not self.done:
            time.sleep(0.02)

    def wait_quiet(self, quiet: float, limit: float) -> None:
        """Until nothing was written for `quiet` seconds (at most `limit` seconds)."""
        start = time.monotonic()
        while time.monotonic() - start < limit and not self.done:
            time.sleep(0.02)
            now = time.monotonic()
            if now - max(self.last_time(), start) >= quiet:
                return

    def output_of(self, key: str, quiet: float, limit: float = 15.0) -> bytes:
        mark = self.mark()
        self.send(key)
        self.wait_quiet(quiet, limit)
        return self.since(mark)

    def idle(self, seconds: float) -> bytes:
        mark = self.mark()
        time.sleep(seconds)
        return self.since(mark)

    def stop(self) -> None:
        try:
            self.send("ctrl+q")
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@dataclass
class Table:
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, what: str, count: str, note: str = "") -> None:
        self.rows.append((what, count, note))
        print(f"  {what}: {count} {note}", file=sys.stderr, flush=True)

    def bytes(self, what: str, data: bytes, note: str = "") -> None:
        self.add(what, f"{len(data):,}", note)

    def per_key(self, what: str, outputs: list[bytes]) -> None:
        sizes = [len(o) for o in outputs]
        self.add(
            what,
            f"{statistics.median(sizes):,.0f}",
            f"median of {len(sizes)} (min {min(sizes):,}, max {max(sizes):,})",
        )

    def markdown(self) -> str:
        lines = ["| action | bytes written | |", "|---|---:|---|"]
        lines += [f"| {what} | {count} | {note} |" for what, count, note in self.rows]
        return "\n".join(lines)


def environment(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "COLORTERM", "TMUX", "ECONNECT"))
    }
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env.update(
        TERM="xterm-256color",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        ECONNECT_SETTLE_SECONDS="0",
        PYTHONPATH=str(ROOT),
        LANG="C.UTF-8",
    )
    return env


def run(args: argparse.Namespace) -> Table:
    table = Table()
    quiet = args.quiet
    with tempfile.TemporaryDirectory(prefix="bench-terminal-") as tmp:
        home = Path(tmp)
        db = home / "demo" / "econnect.db"
        env = environment(home)
        command = [sys.executable, "-m", "econnect_tui", "--db", str(db)]
        subprocess.run([*command, "init", "--demo"], env=env, check=True, capture_output=True)
        terminal = Terminal.start(command, env)
        try:
            mark = terminal.mark()
            terminal.wait_output(mark, 60)  # Python starting, on a loaded machine: seconds
            terminal.wait_quiet(1.5, 60)
            table.bytes(
                "startup until idle (the « données en attente » warning on top)",
                terminal.since(mark),
            )
            table.bytes("close the startup warning (Échap)", terminal.output_of("escape", quiet))

            for key, name in SCREENS:
                mark = terminal.mark()
                terminal.send(key)
                terminal.wait_quiet(1.0, 30)
                table.bytes(f"{key.upper()} open {name}", terminal.since(mark))
                data = terminal.idle(args.idle)
                table.bytes(f"idle {args.idle:g} s on {name}", data)

            # Articles: a long list (32 demo articles: more than one screen).
            terminal.output_of("f4", 1.0)
            table.bytes(
                "F4 Articles: the terminal window loses then regains the focus",
                terminal.output_of("focus-out", quiet) + terminal.output_of("focus-in", quiet),
            )
            table.per_key(
                "F4 Articles: the mouse moved over the list, no key (per move)",
                [terminal.output_of(mouse_move(20, 3 + i), quiet) for i in range(10)],
            )
            terminal.output_of("home", quiet)
            moves = [terminal.output_of("down", quiet) for _ in range(args.moves)]
            table.per_key("F4 Articles: ↓ one row, within the page (first 10)", moves[:10])
            table.per_key("F4 Articles: ↓ one row, the list scrolls (last 10)", moves[-10:])
            table.per_key(
                "F4 Articles: ↑ one row, within the page",
                [terminal.output_of("up", quiet) for _ in range(5)],
            )
            table.bytes("F4 Articles: `/` opens the filter", terminal.output_of("/", quiet))
            typed = [terminal.output_of(c, quiet) for c in "sem"]
            table.per_key("F4 Articles: one character typed in the filter", typed)
            table.bytes(
                f"idle {args.idle:g} s with the filter open (its cursor)",
                terminal.idle(args.idle),
            )
            table.bytes(
                "F4 Articles: Backspace in the filter", terminal.output_of("backspace", quiet)
            )
            terminal.output_of("escape", quiet)
            terminal.output_of("escape", quiet)

            # A card: fields one under the other.
            table.bytes(
                "F4 Articles: Entrée opens the article card", terminal.output_of("enter", 1.0)
            )
            table.per_key(
                "article card: Tab to the next field",
                [terminal.output_of("tab", quiet) for _ in range(5)],
            )
            table.bytes("article card: Échap back to the list", terminal.output_of("escape", 1.0))

            # The correspondence grid: F3 › M › « Mettre à jour la correspondance des articles ».
            terminal.output_of("f3", 1.0)
            terminal.output_of("m", quiet)
            terminal.output_of("down", quiet)
            terminal.output_of("down", quiet)
            mark = terminal.mark()
            terminal.send("enter")
            terminal.wait_quiet(1.0, 30)
            table.bytes("open the correspondence grid (F3 › M › 3rd item)", terminal.since(mark))
            table.per_key(
                "correspondence grid: ↓ one row",
                [terminal.output_of("down", quiet) for _ in range(10)],
            )
            table.per_key(
                "correspondence grid: ← / → one cell",
                [terminal.output_of(k, quiet) for k in ("left", "right") * 3],
            )
            table.bytes(
                f"idle {args.idle:g} s on the correspondence grid", terminal.idle(args.idle)
            )
            terminal.output_of("escape", quiet)
            terminal.output_of("f2", 1.0)

            # Windows over a screen (on Articles).
            terminal.output_of("f4", 1.0)
            help_open = [terminal.output_of("f1", quiet)]
            help_close = [terminal.output_of("escape", quiet)]
            for _ in range(2):
                help_open.append(terminal.output_of("f1", quiet))
                help_close.append(terminal.output_of("escape", quiet))
            table.per_key("F1 help window: open", help_open)
            table.per_key("F1 help window: close (Échap)", help_close)
            table.bytes("Ctrl+P command palette: open", terminal.output_of("ctrl+p", quiet))
            table.bytes(
                f"idle {args.idle:g} s in the command palette (its cursor)",
                terminal.idle(args.idle),
            )
            table.bytes(
                "Ctrl+P command palette: close (Échap)", terminal.output_of("escape", quiet)
            )
        finally:
            if args.dump:
                Path(args.dump).write_bytes(terminal.since(0))
            terminal.stop()
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of each idle window")
    parser.add_argument("--moves", type=int, default=30, help="↓ presses in the Articles list")
    parser.add_argument(
        "--quiet", type=float, default=0.35, help="a key's output ends after this much silence"
    )
    parser.add_argument("--dump", help="write everything the application wrote to this file")
    args = parser.parse_args()
    table = run(args)
    print(table.markdown())


if __name__ == "__main__":
    main()
