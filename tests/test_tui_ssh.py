"""What an operator meets over SSH: keys sent differently, a session dropped, the terminal."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from textual import events
from textual.widgets import Static

from econnect_tui.db import open_db
from econnect_tui.models.reports import RunStatus
from econnect_tui.sync.demo import load_demo
from econnect_tui.tui.screens.history import HistoryScreen
from econnect_tui.tui.widgets.connector_status import read_overviews
from tests.helpers import run_cli
from tests.tui_helpers import SIZE, demo_app, make_app, notifications, settle


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
    assert "En cours" not in status.stdout and "✗" in status.stdout, status.stdout
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
        assert "En cours" not in state and "✗" in state, state
        overview = read_overviews(app.db, with_pending=False)[0]
        assert overview.last_reception.status is RunStatus.ERROR
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.runs[0].status is RunStatus.ERROR
        assert "interrompue" in app.screen.runs[0].message
