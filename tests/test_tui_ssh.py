"""What an operator meets over SSH: keys sent differently, a session dropped, the terminal."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from textual import events
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from econnect_tui.db import open_db
from econnect_tui.models.reports import RunStatus
from econnect_tui.sync.demo import load_demo
from econnect_tui.tui.screens.help import HelpScreen
from econnect_tui.tui.screens.history import HistoryScreen
from econnect_tui.tui.screens.mapping import MappingScreen, open_mapping
from econnect_tui.tui.screens.sync import SyncScreen
from econnect_tui.tui.widgets.connector_status import read_overviews
from tests.helpers import run_cli
from tests.tui_helpers import (
    SIZE,
    demo_app,
    footer_text,
    make_app,
    notifications,
    settle,
    terminal_writes,
)


async def test_ctrl_c_says_in_french_how_to_quit(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        assert app.is_running
        said = notifications(app)
        assert said == ["Ctrl+C ne quitte pas l'application : Ctrl+Q pour quitter."], said


async def test_ctrl_c_names_the_quit_key_of_the_keys_file(tmp_path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('[touches]\n"app.quit" = "f12"\n', encoding="utf-8")
    app = demo_app(tmp_path, keys=keys)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        assert notifications(app)[-1] == "Ctrl+C ne quitte pas l'application : F12 pour quitter."


async def test_escape_and_the_next_key_read_at_once_are_both_kept(tmp_path) -> None:
    """Échap then N typed while the app is busy (or sent in one SSH packet) reach the parser
    together and come as « alt+n »: the card closes, then N opens a new article."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "enter")
        card = app.screen
        assert "AMMONIT" in str(card.sub_title), card.sub_title
        app._driver.send_message(events.Key("alt+n", "n"))
        await pilot.pause()
        await pilot.pause()
        assert card not in app.screen_stack
        assert app.screen is not card and "Nouvel article" in str(app.screen.sub_title), (
            app.screen.sub_title
        )


async def test_an_alt_key_of_the_keys_file_is_left_whole(tmp_path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('[touches]\n"app.mode.synchro" = "alt+s"\n', encoding="utf-8")
    app = demo_app(tmp_path, keys=keys)
    async with app.run_test(size=SIZE) as pilot:
        app._driver.send_message(events.Key("alt+s", "s"))
        await pilot.pause()
        await pilot.pause()
        assert app.current_mode == "synchro"


def _reception_killed_mid_way(db_path: Path) -> None:
    """A reception's process taking the lock and starting its run, then killed (kill -9: its
    SSH session dropped, the operator's terminal closed)."""
    script = (
        "import os, signal\n"
        "from econnect_tui.db import open_db\n"
        "from econnect_tui.models.reports import RunKind\n"
        "from econnect_tui.store import history\n"
        "from econnect_tui.sync import locks\n"
        f"db = open_db({str(db_path)!r})\n"
        "assert locks.try_acquire(db, 'FACILI') is None\n"
        "run = history.start_run(db, 'FACILI', RunKind.RECEPTION, 'marie', 'vm', os.getpid())\n"
        "locks.attach_run(db, 'FACILI', run)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stderr


def test_status_and_history_do_not_say_en_cours_for_a_killed_reception(tmp_path) -> None:
    db_path = tmp_path / "econnect.db"
    load_demo(open_db(db_path), tmp_path)
    _reception_killed_mid_way(db_path)
    status = run_cli("status", db=db_path)
    assert "En cours" not in status.stdout, status.stdout
    assert status.stdout.startswith("FACILI  ✗ Interrompue  "), status.stdout
    listed = run_cli("history", "FACILI", db=db_path)
    newest = listed.stdout.splitlines()[0]
    assert "✗" in newest and "Réception interrompue (processus arrêté)" in newest, newest


async def test_dashboard_and_history_show_a_killed_reception_interrupted(tmp_path) -> None:
    app = demo_app(tmp_path)
    _reception_killed_mid_way(tmp_path / "econnect.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        state = str(app.screen.query_one(".cell-state", Static).render())
        assert state.startswith("✗ Interrompue"), state
        overview = read_overviews(app.db, with_pending=False)[0]
        assert overview.last_reception.status is RunStatus.ERROR
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.runs[0].status is RunStatus.ERROR
        assert "interrompue" in app.screen.runs[0].message
        await pilot.press("enter")  # its report says the same as the list
        await settle(pilot)
        assert app.screen.run.status is RunStatus.ERROR, app.screen.run
        assert "interrompue" in app.screen.run.message
        header = str(app.screen.query_one("#report-title", Static).render())
        assert "✗ Interrompue" in header, header


def test_a_reception_finished_between_two_reads_is_not_called_interrupted(tmp_path) -> None:
    """The run read « en cours », then the reception finished and let go of its lock before
    the lock was looked at: `status` said « interrompue » for a run that succeeded."""
    from econnect_tui.models.reports import RunKind
    from econnect_tui.store import history
    from econnect_tui.sync import locks

    db = open_db(tmp_path / "econnect.db")
    load_demo(db, tmp_path)
    run_id = history.start_run(db, "FACILI", RunKind.RECEPTION, "marie", "vm", 4242)
    read = history.get_run(db, run_id, with_rows=False)
    assert read.status is RunStatus.RUNNING
    history.finish_run(db, run_id, RunStatus.OK, "fini", {})
    shown = locks.as_shown(db, read)
    assert shown.status is RunStatus.OK and shown.message == "fini"


# ------------------------------------------------------------ the terminal, in a real pty


class Terminal:
    """`econnect` run in a real pseudo-terminal of 80×24, as sshd gives one."""

    def __init__(self, db_path: Path) -> None:
        import fcntl
        import os
        import pty
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "ECONNECT_KEYS": str(db_path) + ".keys"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "econnect_tui", "--db", str(db_path)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.output = b""
        self.taken = 0

    def read_until(self, marker: bytes, timeout: float = 30) -> None:
        import os
        import select
        import time

        end = time.monotonic() + timeout
        while marker not in self.output and time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:  # the process is gone and the pty closed
                    break
        assert marker in self.output, self.output[-2000:]

    def type(self, data: bytes) -> None:
        import os

        os.write(self.master, data)

    def settle(self, quiet: float = 0.4, first: float = 10.0) -> None:
        """Until the app has answered (its first bytes, waited for up to `first` seconds: on a
        loaded machine it may take longer than `quiet` to start) and then written nothing for
        `quiet` seconds."""
        import os
        import select

        if select.select([self.master], [], [], first)[0]:
            try:
                self.output += os.read(self.master, 65536)
            except OSError:
                return
        while select.select([self.master], [], [], quiet)[0]:
            try:
                self.output += os.read(self.master, 65536)
            except OSError:
                return

    def take(self) -> bytes:
        """What the app wrote since the last `take`."""
        taken = self.output[self.taken :]
        self.taken = len(self.output)
        return taken

    def resize(self, width: int) -> None:
        """The terminal window resized (the app has no controlling terminal here: told)."""
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, width, 0, 0))
        self.process.send_signal(signal.SIGWINCH)

    def wait(self, timeout: float = 60) -> int:
        """The app's exit status, reading what it writes meanwhile: a pty left unread fills up,
        and an app blocked writing its last screen never exits."""
        import os
        import select
        import time

        end = time.monotonic() + timeout
        try:
            while self.process.poll() is None and time.monotonic() < end:
                if select.select([self.master], [], [], 0.2)[0]:
                    try:
                        self.output += os.read(self.master, 65536)
                    except OSError:  # the pty closed: the app is ending
                        break
            code = self.process.wait(timeout=max(1.0, end - time.monotonic()))
        finally:
            try:
                while chunk := os.read(self.master, 65536):
                    self.output += chunk
            except OSError:
                pass
            os.close(self.master)
        return code

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")


class Xterm:
    """The screen of a terminal fed what the app writes: enough of xterm for Textual (cursor
    moves, SGR styles, text). Each cell holds its character and the style it was written in."""

    TOKEN = re.compile(
        r"\x1b\[([0-9;?<>=$]*)([@-~])"  # CSI
        r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC (the mouse pointer's shape)
        r"|\x1b[=>78]"
        r"|([\r\n])"
        r"|([^\x1b\r\n]+)"
    )

    def __init__(self, width: int = 80, height: int = 24) -> None:
        self.width, self.height = width, height
        self.cells = [[(" ", ())] * width for _ in range(height)]
        self.x = self.y = 0
        self.style: tuple[str, ...] = ()  # the SGR parameters given since the last reset

    def feed(self, data: bytes) -> None:
        from rich.cells import get_character_cell_size

        for match in self.TOKEN.finditer(data.decode("utf-8", errors="replace")):
            params, final, control, text = match.groups()
            if final == "H":
                row, _, column = (params or "1;1").partition(";")
                self.y, self.x = int(row or 1) - 1, int(column or 1) - 1
            elif final == "m":
                codes = tuple(params.split(";")) if params else ("0",)
                self.style = () if codes[0] == "0" else self.style + codes
            elif final == "J" and params == "2":
                self.cells = [[(" ", ())] * self.width for _ in range(self.height)]
            elif control == "\r":
                self.x = 0
            elif control == "\n":
                self.y = min(self.y + 1, self.height - 1)
            elif text:
                for character in text:
                    if 0 <= self.y < self.height and 0 <= self.x < self.width:
                        self.cells[self.y][self.x] = (character, self.style)
                    self.x += get_character_cell_size(character)

    def text(self) -> str:
        return "\n".join("".join(c for c, _ in row) for row in self.cells)


def test_the_terminal_shows_after_each_key_what_a_whole_repaint_shows(tmp_path) -> None:
    """The app writes only what changed (not the whole screen for a new focus, a window, a
    filter, nor each run of one colour in its own escape codes): after each key the terminal
    must show exactly what it shows once the app has repainted everything (resized and back)."""
    db_path = tmp_path / "econnect.db"
    load_demo(open_db(db_path), tmp_path)
    terminal = Terminal(db_path)
    try:
        screen = Xterm()
        terminal.read_until(b"Accueil")
        keys = [
            b"\x1b",  # the startup warning closed
            b"\x1bOS",  # F4 Articles
            b"/",  # the filter: the grid moves down a line
            b"s",
            b"\x1b\x1b",  # filter cleared and closed
            b"\r",  # a card
            b"\t",  # the next field
            b"\x1b",
            b"\x1bOP",  # F1 help, a window over the list
            b"\x1b",
            b"\x1bOR",  # F3 Synchro
            b"r",  # the reception: its rows come from a worker
        ]
        for key in keys:
            terminal.type(key)
            terminal.settle()
            screen.feed(terminal.take())
            shown = screen.text(), [row[:] for row in screen.cells]
            for width in (81, 80):
                terminal.resize(width)
                terminal.settle()
            screen.feed(terminal.take())
            assert (screen.text(), screen.cells) == shown, (key, screen.text())
        terminal.type(b"\x11")
        assert terminal.wait() == 0
        # Runs of one style follow one another without « reset, same style again » between them.
        same_style_again = re.search(rb"\x1b\[([0-9;]*)m[^\x1b]*\x1b\[0m\x1b\[\1m", terminal.output)
        assert same_style_again is None, same_style_again
    finally:
        if terminal.process.poll() is None:  # a check failed: leave no application behind
            terminal.process.kill()
            terminal.wait()


def test_a_latin1_terminal_types_its_accents_instead_of_ending_the_app(tmp_path) -> None:
    """PuTTY left in Latin-1 sends « é » as the byte 0xE9: Textual's strict UTF-8 reading of
    the keyboard ended the application on it."""
    db_path = tmp_path / "econnect.db"
    load_demo(open_db(db_path), tmp_path)
    terminal = Terminal(db_path)
    terminal.read_until(b"Accueil")
    terminal.type(b"\x1b")  # the startup warning
    terminal.type(b"\xe9")  # typed alone: it waits for the next key
    terminal.type(b"x")
    terminal.type(b"\x1b[12~")  # F2: still answering
    terminal.type(b"\x11")  # Ctrl+Q
    assert terminal.wait() == 0, terminal.text[-2000:]
    assert "Traceback" not in terminal.text and "Error" not in terminal.text


def test_a_hang_up_gives_the_terminal_back_and_says_so_in_the_status(tmp_path) -> None:
    """SIGHUP (the SSH link dropped) and SIGTERM (kill) end the app cleanly: the alternate
    screen is left and mouse reporting turned off, status 128 + the signal."""
    db_path = tmp_path / "econnect.db"
    load_demo(open_db(db_path), tmp_path)
    for number in (signal.SIGTERM, signal.SIGHUP):
        terminal = Terminal(db_path)
        terminal.read_until(b"Accueil")
        terminal.process.send_signal(number)
        assert terminal.wait() == 128 + number, terminal.text[-2000:]
        after = terminal.output.rpartition(b"\x1b[?1049h")[2]
        assert b"\x1b[?1049l" in after, after[-500:]  # the alternate screen left
        assert b"\x1b[?1000l" in after  # mouse reporting off


def test_runs_of_one_style_are_written_once() -> None:
    from econnect_tui.tui.terminal import merge_style_runs

    red, green = "\x1b[1;38;5;9;48;5;234m", "\x1b[38;5;2m"
    data = f"\x1b[3;1H{red}AB\x1b[0m{red}CD\x1b[0m{red} \x1b[0m{green}E\x1b[0m{red}F\x1b[0mG"
    assert merge_style_runs(data) == (f"\x1b[3;1H{red}ABCD \x1b[0m{green}E\x1b[0m{red}F\x1b[0mG")
    moved = f"{red}A\x1b[0m\x1b[4;1H{red}B\x1b[0m"  # a cursor move between them: both kept
    assert merge_style_runs(moved) == moved


async def test_runs_of_one_style_written_once_show_the_same_screen(tmp_path) -> None:
    from econnect_tui.tui.terminal import merge_style_runs

    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("f4", "f3", "f1"):
            await pilot.press(key)
            await settle(pilot)
            update = app.screen._compositor.render_update(
                full=True, screen_stack=app._background_screens
            )
            frame = update.render_segments(app.console)
            merged = merge_style_runs(frame)
            assert len(merged) < len(frame), key
            as_written, as_merged = Xterm(), Xterm()
            as_written.feed(frame.encode())
            as_merged.feed(merged.encode())
            assert as_merged.cells == as_written.cells, key


def test_lenient_key_decoding_keeps_utf8_whole_and_reads_other_bytes_as_windows_1252() -> None:
    from textual.drivers import linux_driver

    from econnect_tui.tui.terminal import lenient_key_decoding

    lenient_key_decoding()
    decode = linux_driver.getincrementaldecoder("utf-8")().decode
    assert decode("é".encode()[:1]) == ""  # half a UTF-8 letter waits for its end
    assert decode("é".encode()[1:]) == "é"
    assert decode(b"caf\xe9 \x80") == "café €"
    assert decode(b"\x81") == "\x81"  # undefined in Windows-1252: read as Latin-1


async def test_a_crash_is_logged_with_its_traceback_and_said_in_french(tmp_path) -> None:
    import logging

    import pytest

    from econnect_tui import paths
    from econnect_tui.app import crash_message

    db_path = tmp_path / "econnect.db"
    log_path = paths.setup_logging(db_path)
    app = demo_app(tmp_path)
    try:
        with pytest.raises(ZeroDivisionError):
            async with app.run_test(size=SIZE) as pilot:
                app.call_later(lambda: 1 / 0)
                await pilot.pause()
        assert app.return_code == 1
        logged = log_path.read_text(encoding="utf-8")
        assert "Erreur inattendue de l'application" in logged
        assert "Traceback" in logged and "ZeroDivisionError" in logged
        said = crash_message(error=ZeroDivisionError("division by zero"), db_path=db_path)
        assert said == (
            "L'application s'est arrêtée sur une erreur inattendue (ZeroDivisionError : "
            f"division by zero). Ce qui était enregistré est conservé. Le détail technique est "
            f"dans {log_path}."
        )
    finally:
        for handler in list(logging.getLogger("econnect").handlers):
            handler.close()
            logging.getLogger("econnect").removeHandler(handler)


async def test_a_terminal_below_80x24_is_said_once_each_time_it_shrinks(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        too_small = [n for n in notifications(app) if n.startswith("Terminal de")]
        assert too_small == [
            "Terminal de 60×20 : l'application est prévue pour 80×24 au moins ; agrandissez "
            "la fenêtre."
        ]
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert len([n for n in notifications(app) if n.startswith("Terminal de")]) == 1
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.resize_terminal(79, 24)
        await pilot.pause()
        assert notifications(app)[-1].startswith("Terminal de 79×24 :")
    app = make_app(tmp_path / "big")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not [n for n in notifications(app) if n.startswith("Terminal de")]


async def test_a_worker_result_for_a_closed_window_is_dropped_quietly(tmp_path, caplog) -> None:
    import asyncio
    import logging

    from econnect_tui.tui.screens.menu import TextScreen
    from econnect_tui.tui.threads import call_ui

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        window = TextScreen("Ligne 1", "texte")
        app.push_screen(window)
        await pilot.pause()
        window.dismiss(None)
        await pilot.pause()
        # A poll's result coming back for it (its callback: a method of the closed window).
        with caplog.at_level(logging.ERROR, logger="econnect"):
            await asyncio.to_thread(call_ui, app, window.action_close)
            await pilot.pause()
        assert not [r for r in caplog.records if "UI callback" in r.getMessage()]


# ------------------------------------------------ what the app writes to the terminal, idle


def _new_eta_file(tmp_path: Path) -> None:
    """A tiers file arrives in FACILI's import folder (old enough to be past the quiet period)."""
    path = tmp_path / "facili" / "import" / "ImportTiers_20261128_0900.csv"
    path.write_text("Type;CodeTiers;Nom\nClient;0777;EARL Tardive\n", encoding="utf-8")
    old = time.time() - 60
    os.utime(path, (old, old))


def _reception_cell(dashboard: SyncScreen) -> str:
    return str(dashboard.query_one(".cell-reception", Static).render())


async def test_a_dashboard_poll_finding_nothing_new_writes_nothing(tmp_path) -> None:
    """The dashboard looks into the import folders every 3 seconds: left open on an SSH
    session, it repainted its rows each time, unchanged."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, SyncScreen)
        assert "2 fichiers" in _reception_cell(dashboard)
        with terminal_writes(app) as writes:
            dashboard.poll()
            await settle(pilot)
        assert writes == []
        _new_eta_file(tmp_path)
        with terminal_writes(app) as writes:
            dashboard.poll()
            await settle(pilot)
        assert writes, "the new file is shown"
        assert "3 fichiers" in _reception_cell(dashboard)


async def test_the_dashboard_covered_by_another_screen_does_not_poll(tmp_path) -> None:
    """Under the correspondence grid (the reception, the history…) the dashboard polled on,
    and Textual repainted the whole screen covering it for each change it made to itself: a
    full screen written every 3 seconds over SSH. It looks again once back in view."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, SyncScreen)
        open_mapping(app)
        await settle(pilot)
        assert isinstance(app.screen, MappingScreen)
        _new_eta_file(tmp_path)
        with terminal_writes(app) as writes:
            dashboard.poll()
            await settle(pilot)
        assert writes == []
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dashboard
        assert "3 fichiers" in _reception_cell(dashboard)


async def test_text_fields_keep_a_steady_cursor(tmp_path) -> None:
    """A blinking cursor repainted its field twice a second for as long as it had the focus:
    the `/` filter left open, the command palette, a card's field."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        for keys in (("f4", "slash"), ("escape", "escape", "ctrl+p"), ("escape", "enter")):
            await pilot.press(*keys)
            await settle(pilot)
            field = app.focused
            assert isinstance(field, Input), (keys, field)
            painted: list[int] = []
            render_line = field.render_line

            def counting(y: int, render_line=render_line, painted=painted):
                painted.append(y)
                return render_line(y)

            field.render_line = counting  # type: ignore[method-assign]
            await pilot.pause(1.2)  # Textual blinks every 0.5 s
            assert painted == [], (keys, field)


# ------------------------------------------- what the app writes to the terminal, per key


async def test_moving_the_focus_repaints_the_two_fields_not_the_screen(tmp_path) -> None:
    """Textual repainted the whole screen each time the focus moved on it: each Tab between
    two fields of a card wrote every line of the screen to the terminal."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "enter")
        await settle(pilot)
        before = app.focused
        with terminal_writes(app) as writes:
            await pilot.press("tab")
            await settle(pilot)
        assert app.focused is not before
        assert writes, "the focus shown on the next field"
        assert not any(write.full for write in writes), writes


async def test_the_footer_is_rebuilt_only_when_its_keys_change(tmp_path) -> None:
    """Textual rebuilt a screen's footer each time the screen said its keys might have changed:
    opening a window over the screen (F1, a menu, Ctrl+P) rebuilt the footer underneath, and
    each rebuild wrote the window and the screen under it to the terminal once more."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        articles = app.screen
        keys = list(articles.query(FooterKey))
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is articles
        now = list(articles.query(FooterKey))
        assert len(now) == len(keys) and all(a is b for a, b in zip(now, keys))
        await pilot.press("slash")  # the filter: other keys, shown
        await settle(pilot)
        assert "Échap Effacer le filtre" in footer_text(app)


async def test_a_layout_of_the_screen_leaves_the_grid_s_scrollbar_alone(tmp_path) -> None:
    """Each layout of the screen (the footer's keys changing with the grid's column, a window
    opened) repainted the grid's scrollbar, though it had not moved: a column of the screen
    written again for a move to the next cell, the whole screen again under a window."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        open_mapping(app)
        await settle(pilot)
        assert isinstance(app.screen, MappingScreen)
        grid = app.screen.grid
        scrollbar = grid.vertical_scrollbar
        repaints: list[tuple] = []
        refresh = scrollbar.refresh

        def counting(*args, **kwargs):
            repaints.append(args)
            return refresh(*args, **kwargs)

        scrollbar.refresh = counting  # type: ignore[method-assign]
        before = footer_text(app)
        await pilot.press("left")  # from the external code to the label: other keys
        await settle(pilot)
        assert footer_text(app) != before
        assert repaints == []
        await pilot.press("end")  # the grid scrolls: its scrollbar moves
        await settle(pilot)
        assert repaints


async def test_a_grid_resized_by_the_layout_is_painted_once(tmp_path) -> None:
    """Opening the `/` filter above a list makes the list a line shorter: the layout paints
    it at its new size, then the grid painted itself whole again on its Resize event."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        grid = app.screen.grid
        painted: Counter[int] = Counter()
        render_line = grid.render_line

        def counting(y: int):
            painted[y] += 1
            return render_line(y)

        grid.render_line = counting  # type: ignore[method-assign]
        for key in ("slash", "escape"):  # the filter opened, then closed
            painted.clear()
            await pilot.press(key)
            await settle(pilot)
            assert painted and max(painted.values()) == 1, (key, painted)


async def test_the_terminal_window_losing_the_focus_changes_nothing_on_screen(tmp_path) -> None:
    """Textual answers the terminal's focus reports (the operator looking at another window,
    then coming back) by taking the focus from the widget and restyling the screen, and gives
    it back on return: the whole screen written twice for a look elsewhere."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        grid = app.focused
        assert grid is not None
        with terminal_writes(app) as writes:
            app.post_message(events.AppBlur())
            await settle(pilot)
            assert app.focused is grid
            app.post_message(events.AppFocus())
            await settle(pilot)
        assert writes == []
        assert app.focused is grid
        await pilot.press("down")  # the keys work as before
        assert app.screen.grid.cursor_row == 1
