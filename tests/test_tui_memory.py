"""The place an operator left, found again at the next opening: per OS user and per database,
written beside the database (`tui.memory`), reopened without writing anything and without ever
failing (`tui.places`). Driven with the keyboard at 80×24 on the demo, each session quitting
with Ctrl+Q as an operator does, the next one a new application on the same database."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from econnect_tui import app as app_module
from econnect_tui import cli as cli_module
from econnect_tui import paths
from econnect_tui.app import EconnectApp
from econnect_tui.cli import cli
from econnect_tui.db import open_db
from econnect_tui.models.gc import TiersKind
from econnect_tui.models.reports import RunKind
from econnect_tui.store import documents as documents_store
from econnect_tui.store import history
from econnect_tui.sync.connectors import delete_connector, save_connector
from econnect_tui.sync.demo import demo_connector, load_demo
from econnect_tui.sync.mapping import ShowMode
from econnect_tui.tui import memory as memory_module
from econnect_tui.tui.memory import (
    ArticlesPlace,
    ListView,
    MappingChoices,
    MappingPlace,
    Memory,
    Remembered,
)
from econnect_tui.tui.screens import documents as documents_screen
from econnect_tui.tui.screens.articles import ArticleCardScreen, ArticlesScreen
from econnect_tui.tui.screens.documents import DocumentsScreen
from econnect_tui.tui.screens.help import HelpScreen
from econnect_tui.tui.screens.history import HistoryScreen
from econnect_tui.tui.screens.home import HomeScreen
from econnect_tui.tui.screens.mapping import MappingScreen, open_mapping
from econnect_tui.tui.screens.reception import ReceptionScreen, open_reception
from econnect_tui.tui.screens.settings import SettingsScreen, TableEditorScreen
from econnect_tui.tui.screens.sync import PendingWarningScreen, SyncScreen, open_history
from econnect_tui.tui.screens.tiers import TiersScreen
from econnect_tui.tui.widgets.correspondences import mapping_session
from econnect_tui.tui.widgets.grid import GridPanel
from tests.tui_helpers import SIZE, notifications, settle

MARIE = "marie"
RECOLTE = "Prestations de récolte"  # the demo's article filter


def demo(tmp_path: Path, *, second_connector: bool = False):
    db = open_db(tmp_path / "econnect.db")
    load_demo(db, tmp_path)
    if second_connector:
        other = demo_connector(tmp_path / "eta2").model_copy(update={"code": "ETA2"})
        save_connector(db, other, new=True, create_folders=True)
    return db


def app_of(tmp_path: Path, db, user: str = MARIE, **options) -> EconnectApp:
    """The application as `econnect` opens it for `user` (without the startup warning unless
    asked, as elsewhere in the tests)."""
    db_path = tmp_path / "econnect.db"
    memory = Memory.of_database(db_path, user, restore=options.pop("restore", True))
    app = EconnectApp(db, db_path, memory=memory, **options)
    app.animation_level = "none"
    return app


def memory_file(tmp_path: Path, user: str = MARIE) -> Path:
    return paths.memory_path_for(tmp_path / "econnect.db", user)


def remember(tmp_path: Path, remembered: Remembered, user: str = MARIE) -> None:
    """`remembered` in the memory file as quitting writes it, waiting for the disk however
    slow (quitting waits QUIT_WAIT at most)."""
    memory = Memory.of_database(tmp_path / "econnect.db", user)
    memory.save_now(remembered)
    memory.wait()


def panel(app: EconnectApp) -> GridPanel:
    return app.screen.query_one(GridPanel)


def errors(app: EconnectApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


# ------------------------------------------------------------------------------ found again


async def test_the_correspondence_grid_is_found_again_as_it_was_left(tmp_path) -> None:
    db = demo(tmp_path, second_connector=True)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        session = mapping_session(app)
        session.mode, session.filter_name = ShowMode.FILTER, RECOLTE
        open_mapping(app, "FACILI")  # the dashboard's second row (ETA2 comes first)
        await settle(pilot)
        await pilot.press("slash", *"mois", "enter", "down")
        screen = app.screen
        assert isinstance(screen, MappingScreen) and screen.connector == "FACILI"
        shown = [screen.grid.get_row(i).key for i in range(screen.grid.row_count)]
        row = screen.grid.cursor_key
        assert len(shown) > 1 and row == shown[1]
        await pilot.press("ctrl+q")

    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        assert app.current_mode == "synchro" and isinstance(app.screen_stack[0], SyncScreen)
        assert screen.connector == "FACILI" and screen.sub_title.endswith("FACILI")
        assert screen.chosen_mode() is ShowMode.FILTER and screen.chosen_filter() == RECOLTE
        assert screen.grid.filter_text == "mois" and screen.panel.filter_visible
        assert [screen.grid.get_row(i).key for i in range(screen.grid.row_count)] == shown
        assert screen.grid.cursor_key == row and app.focused is screen.grid
        assert notifications(app) == []
        await pilot.press("escape", "escape")  # the filter, then the screen
        dashboard = app.screen
        assert isinstance(dashboard, SyncScreen) and dashboard.focused_code() == "FACILI"


async def test_another_operator_opens_on_accueil_and_leaves_the_first_one_s_place(
    tmp_path,
) -> None:
    db = demo(tmp_path)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "slash", *"moisson", "enter")
        await pilot.press("ctrl+q")

    paul = app_of(tmp_path, db, user="paul")
    async with paul.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert paul.current_mode == "accueil" and isinstance(paul.screen, HomeScreen)
        await pilot.press("f6", "ctrl+q")

    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticlesScreen) and app.screen.grid.filter_text == "moisson"
    assert sorted(p.name for p in tmp_path.glob("*.memory.json")) == [
        "econnect.db.marie.memory.json",
        "econnect.db.paul.memory.json",
    ]
    mode = stat.S_IMODE(memory_file(tmp_path).stat().st_mode)
    assert mode == 0o600


async def test_the_lists_are_found_again_with_their_filter_and_row(tmp_path) -> None:
    db = demo(tmp_path)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", "f", "slash", *"centre", "enter")
        assert app.screen.grid.cursor_key == "F003"
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TiersScreen) and screen.kind is TiersKind.SUPPLIER
        assert screen.sub_title == "Tiers › Fournisseurs"
        assert screen.grid.filter_text == "centre" and screen.grid.cursor_key == "F003"
        await pilot.press("f4", "slash", *"semences", "enter", "down", "down")
        row = app.screen.grid.cursor_key
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticlesScreen)
        assert app.screen.grid.filter_text == "semences" and app.screen.grid.cursor_key == row


async def test_a_document_is_found_again_when_the_list_comes_from_a_worker(
    tmp_path, monkeypatch
) -> None:
    """A long Documents list shows its newest page at once and the rest when read: the row left
    is selected when it comes, unless the operator moved meanwhile."""
    monkeypatch.setattr(documents_screen, "FIRST_PAGE", 2)
    db = demo(tmp_path)
    oldest = documents_store.list_rows(db)[-1].id
    assert len(documents_store.list_rows(db)) > 2
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("end")
        assert app.screen.grid.cursor_key == oldest
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DocumentsScreen)
        assert app.screen.grid.cursor_key == oldest


async def test_a_connector_s_history_and_the_dashboard_row_are_found_again(tmp_path) -> None:
    db = demo(tmp_path, second_connector=True)
    runs = [r.id for r in history.list_runs(db, "FACILI") if r.kind is RunKind.RECEPTION]
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        open_history(app, "FACILI")
        await settle(pilot)
        await pilot.press("t")  # Réception
        app.screen.grid.select_key(runs[-1])
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen) and screen.code == "FACILI"
        assert screen.kind is RunKind.RECEPTION and screen.grid.cursor_key == runs[-1]
        assert "Type (T) : Réception" in screen.panel.status_text()
        await pilot.press("escape")  # the dashboard, on the history's connector (2nd row)
        assert app.screen.focused_code() == "FACILI"
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen) and app.screen.focused_code() == "FACILI"
        await pilot.press("up", "ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.focused_code() == "ETA2"


async def test_a_table_of_parametres_is_found_again(tmp_path) -> None:
    db = demo(tmp_path)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7", "down", "down", "down", "down")
        menu_entry = app.screen.query_one("#settings-menu").highlighted
        await pilot.press("enter")
        table = app.screen
        assert isinstance(table, TableEditorScreen)
        await pilot.press("slash", *"hect", "enter")
        row = table.grid.cursor_key
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TableEditorScreen) and screen.editor.key == table.editor.key
        assert screen.grid.filter_text == "hect" and screen.grid.cursor_key == row
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#settings-menu").highlighted == menu_entry


# --------------------------------------------------------------------------- nothing that writes


async def test_a_reception_a_card_and_windows_are_not_reopened_the_screen_under_them_is(
    tmp_path,
) -> None:
    db = demo(tmp_path, second_connector=True)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        open_reception(app, "FACILI")
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [SyncScreen]
        assert app.screen.focused_code() == "FACILI"  # the reception's, not the first row
        # A card with a change, quit without saving (« Quitter » asked): its list, on its row.
        await pilot.press("f4")
        app.screen.grid.select_key("LAB")
        await pilot.press("enter", "tab", "ctrl+a", *"Labour profond")
        assert isinstance(app.screen, ArticleCardScreen)
        await pilot.press("ctrl+q", "right", "enter")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [ArticlesScreen]
        assert app.screen.grid.cursor_key == "LAB"


async def test_the_warning_at_the_opening_comes_over_the_place_found_again(tmp_path) -> None:
    db = demo(tmp_path)  # FACILI warns at the opening: files wait
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        open_mapping(app)
        await settle(pilot)
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db, startup_checks=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PendingWarningScreen)
        assert isinstance(app.screen_stack[-2], MappingScreen)
        await pilot.press("enter")  # « Plus tard »
        assert isinstance(app.screen, MappingScreen) and app.focused is app.screen.grid
    app = app_of(tmp_path, db, startup_checks=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right", "enter")  # « Ouvrir la réception »
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen) and app.screen.code == "FACILI"


# --------------------------------------------------------------------------- degrading quietly


async def test_a_deleted_connector_s_grid_gives_the_dashboard(tmp_path) -> None:
    db = demo(tmp_path, second_connector=True)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        open_mapping(app, "ETA2")
        await settle(pilot)
        await pilot.press("ctrl+q")
    delete_connector(db, "ETA2")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [SyncScreen]
        assert app.screen.focused_code() == "FACILI"
        assert notifications(app) == []
        # The correspondence screen no longer takes the deleted connector for the last one.
        open_mapping(app)
        await settle(pilot)
        assert app.screen.connector == "FACILI"


async def test_a_database_replaced_keeps_what_it_still_has(tmp_path) -> None:
    """A new database in the same file (restored, made again): a row gone leaves the cursor on
    the first row, a filter finding nothing says so, a connector gone gives the dashboard."""
    db = demo(tmp_path)
    remember(
        tmp_path,
        Remembered(
            place=ArticlesPlace(view=ListView(filter="", row="GONE")),
            connector="OLD",
            mapping=MappingChoices(mode=ShowMode.FILTER, filter_name="Disparu"),
        ),
    )
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticlesScreen) and app.screen.grid.cursor_row == 0
        open_mapping(app)
        await settle(pilot)
        screen = app.screen
        assert screen.connector == "FACILI" and screen.chosen_mode() is ShowMode.EXPORT
        assert errors(app) == []
    remember(tmp_path, Remembered(place=MappingPlace(connector="OLD"), connector="OLD"))
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [SyncScreen]
        assert app.screen.focused_code() == "FACILI" and notifications(app) == []


@pytest.mark.parametrize(
    "content",
    [
        b"{ pas du JSON",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'{"place": {"screen": "articles", "view": {"row": [1, 2]}}}',
        b'{"place": {"screen": "history", "connector": "FACILI", "state": "en-cours"}}',
        b" " * 70_000,
        b"[" * 5_000,  # deeper than json's recursion limit: RecursionError, not ValueError
    ],
    ids=[
        "not-json",
        "not-utf8",
        "not-an-object",
        "wrong-shape",
        "running-state",
        "too-large",
        "too-deep",
    ],
)
async def test_a_corrupt_memory_opens_quietly_and_is_written_again(tmp_path, content) -> None:
    db = demo(tmp_path)
    memory_file(tmp_path).write_bytes(content)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # A history « en cours » is no state its T/S keys cycle through: shown with every state.
        if isinstance(app.screen, HistoryScreen):
            assert app.screen.state is None
            await pilot.press("s")
        else:
            assert isinstance(app.screen, HomeScreen)
        assert notifications(app) == []
        await pilot.press("f4", "ctrl+q")
    assert json.loads(memory_file(tmp_path).read_text())["place"]["screen"] == "articles"


async def test_a_filter_edited_by_hand_is_put_back_on_one_line(tmp_path) -> None:
    db = demo(tmp_path)
    memory_file(tmp_path).write_text(
        json.dumps({"place": {"screen": "articles", "view": {"filter": "moisson\n\x1b[2J"}}})
    )
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticlesScreen)
        assert panel(app).filter_input.value == "moisson  [2J"


async def test_a_filter_too_long_to_remember_is_remembered_cut(tmp_path) -> None:
    db = demo(tmp_path)
    typed = "semences " * 30  # 270 characters, pasted
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "slash")
        panel(app).filter_input.value = typed
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticlesScreen)
        assert panel(app).filter_input.value == typed[: memory_module.FILTER_LIMIT]


async def test_a_place_of_a_newer_version_is_set_aside_the_connector_kept(tmp_path) -> None:
    db = demo(tmp_path, second_connector=True)
    memory_file(tmp_path).write_text(
        json.dumps({"place": {"screen": "tableau-de-bord-v3"}, "connector": "FACILI", "x": 1})
    )
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen.focused_code() == "FACILI"  # not the first row, ETA2


async def test_an_unreadable_and_unwritable_memory_leaves_the_application_without_memory(
    tmp_path,
) -> None:
    """Something that is not a file where the memory goes (the tests run as root, whom file
    modes do not stop): neither read nor written, the application works without it."""
    db = demo(tmp_path)
    memory_file(tmp_path).mkdir()
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f4", "f5")
        app._remember()
        app.memory.wait()
        await pilot.press("ctrl+q")
    assert app.return_code == 0 and notifications(app) == []
    assert memory_file(tmp_path).is_dir() and list(tmp_path.glob(".*.tmp")) == []
    fifo = memory_file(tmp_path, "paul")
    os.mkfifo(fifo)
    app = app_of(tmp_path, db, user="paul")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_after_a_crash_the_next_opening_is_on_accueil(tmp_path) -> None:
    db = demo(tmp_path, second_connector=True)
    app = app_of(tmp_path, db)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3", "down", "f4")
            app._remember()
            app.memory.wait()
            assert json.loads(memory_file(tmp_path).read_text())["place"]["screen"] == "articles"
            app.call_later(lambda: 1 / 0)
            await pilot.pause()
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen.focused_code() == "FACILI"  # the last connector is kept


# ------------------------------------------------------------------------- writing, starting fresh


@pytest.fixture
def slow_disk(monkeypatch) -> threading.Event:
    """A disk that holds every write of the memory file until the event is set."""
    disk = threading.Event()
    write = memory_module.atomic_write_bytes

    def slow_write(path, data, **options):
        disk.wait(10)
        write(path, data, **options)

    monkeypatch.setattr(memory_module, "atomic_write_bytes", slow_write)
    return disk


async def test_the_place_is_written_a_moment_after_the_keys_and_never_holds_them_up(
    tmp_path, monkeypatch, slow_disk
) -> None:
    """A process killed (kill -9, a power cut) still finds the place of a moment before; a slow
    disk never holds a key up: the file is written by a thread."""
    monkeypatch.setattr(app_module, "REMEMBER_AFTER", 0.05)
    db = demo(tmp_path)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause(0.2)  # remembered: the write waits for the disk
        started = time.monotonic()
        await pilot.press("f5", "f6")
        assert isinstance(app.screen, DocumentsScreen)
        assert time.monotonic() - started < 2
        assert not memory_file(tmp_path).exists()
        await pilot.pause(0.2)  # remembered again: waits for the first write
        slow_disk.set()
        app.memory.wait()  # the newest
        assert json.loads(memory_file(tmp_path).read_text())["place"]["screen"] == "documents"


async def test_a_slow_disk_does_not_hold_quitting_up(tmp_path, monkeypatch, slow_disk) -> None:
    """Quitting writes the place, waiting at most QUIT_WAIT for a disk that holds the write:
    Ctrl+Q (and a SIGHUP or SIGTERM, which quit the same way) ends the application."""
    monkeypatch.setattr(app_module, "REMEMBER_AFTER", 0.05)
    monkeypatch.setattr(memory_module, "QUIT_WAIT", 0.2)
    db = demo(tmp_path)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause(0.2)  # remembered: the write waits for the disk
        started = time.monotonic()
        await pilot.press("f5", "ctrl+q")
        assert time.monotonic() - started < 2
    assert app.return_code == 0 and not memory_file(tmp_path).exists()
    slow_disk.set()  # the disk comes back before the process ends: the newest place is written
    app.memory.wait()
    assert json.loads(memory_file(tmp_path).read_text())["place"]["screen"] == "tiers"


async def test_of_two_terminals_of_one_operator_the_one_quit_last_is_found_again(
    tmp_path,
) -> None:
    """Two terminals of the same OS user on the same database share one memory file: quitting
    writes its place even when this terminal wrote the same already, before the other one
    wrote its own."""
    db = demo(tmp_path)
    first = app_of(tmp_path, db)
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        first._remember()
        first.memory.wait()  # written: Articles
        second = app_of(tmp_path, db)
        async with second.run_test(size=SIZE) as other:
            await other.press("f5", "ctrl+q")  # written: Tiers
        assert json.loads(memory_file(tmp_path).read_text())["place"]["screen"] == "tiers"
        assert isinstance(first.screen, ArticlesScreen)
        await pilot.press("ctrl+q")  # the last one quit, on Articles
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticlesScreen)


async def test_starting_fresh_opens_on_accueil_and_remembers_from_there(tmp_path) -> None:
    db = demo(tmp_path, second_connector=True)
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "down", "f4")
        await pilot.press("ctrl+q")
    app = app_of(tmp_path, db, restore=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen.focused_code() == "ETA2"  # the first row, not the last connector
        await pilot.press("f5", "ctrl+q")
    app = app_of(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TiersScreen)


def test_econnect_accueil_starts_fresh_and_is_refused_with_a_command(tmp_path, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(app_module, "run_app", lambda db, path, **kw: calls.append(kw) or 0)
    # CliRunner's streams are no terminal, which the application refuses (test_output.py)
    monkeypatch.setattr(cli_module, "_require_terminal", lambda: None)
    db_path = str(tmp_path / "econnect.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_path, "--accueil"]).exit_code == 0
    assert runner.invoke(cli, ["--db", db_path]).exit_code == 0
    assert calls == [{"fresh": True}, {"fresh": False}]
    refused = runner.invoke(cli, ["--db", db_path, "--accueil", "status"])
    assert refused.exit_code == 2
    assert "--accueil" in refused.output and "sans commande" in refused.output


async def test_the_tests_applications_remember_nothing(tmp_path) -> None:
    """Without a memory (every other test), nothing is read or written beside the database."""
    db = demo(tmp_path)
    memory_file(tmp_path, "x").write_text('{"place": {"screen": "articles"}}')
    app = EconnectApp(db, tmp_path / "econnect.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f4", "ctrl+q")
    assert [p.name for p in tmp_path.glob("*.memory.json")] == ["econnect.db.x.memory.json"]


def test_temporaries_left_by_a_killed_writer_are_removed_at_the_next_opening(tmp_path) -> None:
    target = memory_file(tmp_path)
    stale = target.with_name(f".{target.name}.0badf00d.tmp")
    writing = target.with_name(f".{target.name}.5eedc0de.tmp")  # another terminal, now
    paul = memory_file(tmp_path, "paul")
    other_user = paul.with_name(f".{paul.name}.0ldf11e5.tmp")
    for tmp in (stale, writing, other_user):
        tmp.write_text("{")
    old = time.time() - memory_module.STALE_AFTER - 5
    os.utime(stale, (old, old))
    os.utime(other_user, (old, old))
    Memory.of_database(tmp_path / "econnect.db", MARIE)
    assert not stale.exists()
    assert writing.exists() and other_user.exists()


def test_the_memory_file_is_named_after_the_database_and_the_user(tmp_path) -> None:
    db_path = tmp_path / "base.db"
    assert paths.memory_path_for(db_path, "marie") == tmp_path / "base.db.marie.memory.json"
    assert paths.memory_path_for(db_path, "AD\\marie d").name == "base.db.AD_marie_d.memory.json"
    assert paths.memory_path_for(db_path, "../x").name == "base.db._x.memory.json"
    assert paths.memory_path_for(db_path, "uid 1000").name == "base.db.uid_1000.memory.json"


# ------------------------------------------------------------------------------ snapshot (80×24)


def test_snapshot_reopened_on_the_correspondence_grid(snap_compare, tmp_path) -> None:
    db = demo(tmp_path)
    remember(
        tmp_path,
        Remembered(
            place=MappingPlace(connector="FACILI", view=ListView(filter="mois", row="MOISCOLZA")),
            connector="FACILI",
        ),
    )
    assert snap_compare(app_of(tmp_path, db), terminal_size=SIZE, run_before=settle)
