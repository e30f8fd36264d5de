"""Several people on one database file: a second operator (or a script) writes through its own
connection while a screen shows what it read earlier. Nobody's work may be overwritten without
a word: the screen says what changed and who, writes nothing, and shows the current value."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from econnect_tui.app import EconnectApp
from econnect_tui.db import open_db
from econnect_tui.store import connectors as connectors_store
from econnect_tui.store import mappings as store
from econnect_tui.sync import mapping as service
from econnect_tui.sync.demo import load_demo
from econnect_tui.sync.reception import preview
from econnect_tui.tui.screens.connector_wizard import ConnectorWizardScreen, open_wizard
from econnect_tui.tui.screens.mapping import MappingScreen, open_mapping
from econnect_tui.tui.screens.reception import ReceptionScreen
from econnect_tui.tui.widgets.article_picker import ArticlePicker
from econnect_tui.tui.widgets.cell_editor import CellEditor
from tests.tui_helpers import SIZE, notifications, type_text

C = "FACILI"


def demo(tmp_path: Path) -> EconnectApp:
    db = open_db(tmp_path / "econnect.db")
    load_demo(db, tmp_path)
    app = EconnectApp(db, tmp_path / "econnect.db")
    app.animation_level = "none"
    return app


def other_operator(tmp_path: Path):
    """Another process's connection on the same file."""
    return open_db(tmp_path / "econnect.db", migrate=False, create=False)


async def test_grid_does_not_overwrite_a_code_another_operator_saved(tmp_path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        open_mapping(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        grid = screen.grid
        grid.select_key("LAB")
        assert grid.get_row_by_key("LAB").cells[2] == "FT-LAB"

        bob = other_operator(tmp_path)
        service.set_code(bob, C, "LAB", "LAB-BOB", "bob")
        bob.close()

        await pilot.press(*"LAB-ALICE", "enter")
        editor = app.screen
        assert isinstance(editor, CellEditor)  # refused: the editor stays open, text kept
        assert editor.input.value == "LAB-ALICE"
        assert editor.error.startswith("L'article LAB a été modifié entre-temps par bob le ")
        assert editor.error.endswith(
            ": son code est maintenant LAB-BOB sur FACILI. Rien n'a été enregistré ; "
            "validez de nouveau pour le remplacer par LAB-ALICE."
        )
        assert store.article_to_external(app.db, C)["LAB"] == "LAB-BOB"
        # The grid under the editor shows bob's code now.
        assert grid.get_row_by_key("LAB").cells[2] == "LAB-BOB"

        # Alice, told, confirms: her code replaces bob's.
        await pilot.press("enter")
        assert app.screen is screen
        assert store.article_to_external(app.db, C)["LAB"] == "LAB-ALICE"
        assert grid.get_row_by_key("LAB").cells[2] == "LAB-ALICE"


async def test_grid_edits_of_different_rows_both_kept(tmp_path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        open_mapping(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        bob = other_operator(tmp_path)
        service.set_code(bob, C, "DECH", "DECH-BOB", "bob")
        bob.close()
        screen.grid.select_key("LAB")
        await pilot.press(*"LAB-ALICE", "enter")
        assert app.screen is screen
    saved = store.article_to_external(app.db, C)
    assert saved["LAB"] == "LAB-ALICE" and saved["DECH"] == "DECH-BOB"


async def open_reception(pilot) -> ReceptionScreen:
    app = pilot.app
    await pilot.press("f3")
    await pilot.pause()
    app.push_screen(ReceptionScreen(C))
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ReceptionScreen)
    return screen


async def test_reception_picker_does_not_take_a_code_another_operator_changed(tmp_path) -> None:
    """Alice's reception shows FT-LAB ↔ LAB; bob gives LAB another code meanwhile. Alice
    choosing SEMMAIS for FT-LAB used to remove LAB's code first (bob's, unseen) and map in a
    second step: bob's code was lost without a word."""
    app = demo(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        reception = await open_reception(pilot)
        bob = other_operator(tmp_path)
        service.set_code(bob, C, "LAB", "LAB-BOB", "bob")
        bob.close()

        reception.grid.select_key(("article", "FT-LAB"))
        await pilot.press("c")
        assert isinstance(app.screen, ArticlePicker)
        await pilot.press(*"SEMMAIS")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is reception
        saved = store.article_to_external(app.db, C)
        assert saved["LAB"] == "LAB-BOB" and "SEMMAIS" not in saved
        assert notifications(app)[-1].startswith(
            "L'article LAB a été modifié entre-temps par bob le "
        )
        # The screen now shows what bob did: FT-LAB has no correspondence any more.
        assert reception.grid.get_row_by_key(("article", "FT-LAB")).style == "missing"


async def test_reception_picker_moves_a_code_in_one_step(tmp_path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        reception = await open_reception(pilot)
        reception.grid.select_key(("article", "FT-LAB"))
        await pilot.press("c", *"SEMMAIS")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        saved = store.article_to_external(app.db, C)
        assert saved["SEMMAIS"] == "FT-LAB" and "LAB" not in saved


async def retype_export(pilot, wizard: ConnectorWizardScreen, text: str) -> None:
    wizard.row("chemin_export").editor.focus()
    await pilot.press("end", "ctrl+u")
    await type_text(pilot, text)


async def test_wizard_does_not_overwrite_a_connector_saved_meanwhile(tmp_path) -> None:
    """Alice edits FACILI's export folder in the wizard; bob (another TUI, or `econnect
    connector import`) turns contacts off meanwhile. Alice's « Terminer » wrote every setting
    as her screen had read them: bob's change was undone without a word."""
    app = demo(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        wizard = open_wizard(app, "FACILI")
        await pilot.pause()
        assert isinstance(app.screen, ConnectorWizardScreen)
        await retype_export(pilot, wizard, str(elsewhere))

        bob = other_operator(tmp_path)
        theirs = connectors_store.require_connector(bob, "FACILI")
        theirs.send.contacts = False
        connectors_store.save_connector(bob, theirs, new=False)
        bob.close()

        await pilot.press("ctrl+s")
        assert app.screen is wizard  # refused once, the fields as typed
        message = str(wizard.query_one("#wizard-message", Static).render())
        assert message.startswith("Le connecteur « FACILI » a été modifié par ailleurs le ")
        assert "rien n'a été enregistré" in message
        stored = connectors_store.require_connector(app.db, "FACILI")
        assert not stored.send.contacts and stored.export_path != str(elsewhere)

        await pilot.press("ctrl+s")  # told, alice confirms her version
        assert app.screen is not wizard
    stored = connectors_store.require_connector(app.db, "FACILI")
    assert stored.export_path == str(elsewhere) and stored.send.contacts


async def test_wizard_saves_when_nobody_else_changed_the_connector(tmp_path) -> None:
    app = demo(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        wizard = open_wizard(app, "FACILI")
        await pilot.pause()
        await retype_export(pilot, wizard, str(elsewhere))
        await pilot.press("ctrl+s")
        assert app.screen is not wizard
    assert connectors_store.require_connector(app.db, "FACILI").export_path == str(elsewhere)


async def test_a_suggestion_taken_does_not_overwrite_a_code_another_operator_saved(
    tmp_path,
) -> None:
    """S then Enter saved the suggestion over whatever the article held by then."""
    app = demo(tmp_path)
    preview(app.db, C)  # SEMIS-MAIS now waits in reception staging: S suggests it
    async with app.run_test(size=SIZE) as pilot:
        open_mapping(app)
        await pilot.pause()
        screen = app.screen
        screen.grid.select_key("SEMMAIS")
        assert screen.grid.get_row_by_key("SEMMAIS").cells[2] == ""
        await pilot.press("s")
        bob = other_operator(tmp_path)
        service.set_code(bob, C, "SEMMAIS", "SEMMAIS-BOB", "bob")
        bob.close()
        await pilot.press("enter")  # the first suggestion, SEMIS-MAIS
        assert app.screen is screen
        assert store.article_to_external(app.db, C)["SEMMAIS"] == "SEMMAIS-BOB"
        said = notifications(app)[-1]
        assert said.startswith("L'article SEMMAIS a été modifié entre-temps par bob le "), said
        assert screen.grid.get_row_by_key("SEMMAIS").cells[2] == "SEMMAIS-BOB"


def test_the_same_code_saved_by_both_operators_is_no_conflict(tmp_path) -> None:
    db = open_db(tmp_path / "econnect.db")
    load_demo(db, tmp_path)
    bob = other_operator(tmp_path)
    service.set_code(bob, C, "SEMMAIS", "SEMIS-MAIS", "bob")
    bob.close()
    # Alice saw no code and saves the one bob saved: nothing to tell, nothing to write.
    assert service.set_code(db, C, "SEMMAIS", "SEMIS-MAIS", "alice", expected="") is None
