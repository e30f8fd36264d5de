"""Paramètres: the menu and the generic table editor (units, sites, article filters)."""

from __future__ import annotations

from textual.widgets import OptionList, Select

from econnect_tui.store import filters, reference
from econnect_tui.store.reference import RefKind
from econnect_tui.tui.screens.confirm import ConfirmScreen
from econnect_tui.tui.screens.record_form import RecordFormScreen
from econnect_tui.tui.screens.settings import MENU_KEYS, SettingsScreen, TableEditorScreen
from tests.tui_helpers import SIZE, make_app, notifications, screen_text, type_text

MENU = list(MENU_KEYS)


async def open_table(pilot, key: str) -> TableEditorScreen:
    """F7, then the menu entry `key` chosen with the arrows and Enter."""
    app = pilot.app
    await pilot.press("f7")
    menu = app.screen.query_one(OptionList)
    await pilot.press(*["down"] * (MENU.index(key) - (menu.highlighted or 0)), "enter")
    assert isinstance(app.screen, TableEditorScreen)
    assert app.screen.editor.key == key
    return app.screen


async def test_units_create_edit_and_delete(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_table(pilot, "unites")
        assert table.grid.total_count == 8

        await pilot.press("n", "Z", "Z", "tab")
        await type_text(pilot, "Zeta")
        await pilot.press("enter")  # Enter on the last field saves
        assert app.screen is table and table.grid.cursor_key == "ZZ"
        assert reference.get_record(app.db, RefKind.UNITS, "ZZ").label == "Zeta"

        # Enter edits: the code is read-only, the label focused with its text selected.
        await pilot.press("enter")
        assert isinstance(app.screen, RecordFormScreen)
        await type_text(pilot, "Zêta")
        await pilot.press("ctrl+s")
        assert reference.get_record(app.db, RefKind.UNITS, "ZZ").label == "Zêta"

        # Suppr on a unit the articles use: confirmed, then refused in French.
        await pilot.press("home", "down")
        assert table.grid.cursor_key == "HA"
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("right", "enter")
        await pilot.pause()
        assert (
            "Impossible de supprimer l'unité « HA » : ce code est encore utilisé par 14 articles."
            in notifications(app)
        )
        assert reference.get_record(app.db, RefKind.UNITS, "HA") is not None

        # Suppr on the new one: Annuler by default, then deleted.
        await pilot.press("end", "delete", "enter")
        assert reference.get_record(app.db, RefKind.UNITS, "ZZ") is not None
        await pilot.press("delete", "right", "enter")
        assert reference.get_record(app.db, RefKind.UNITS, "ZZ") is None
        assert table.grid.total_count == 8

        await pilot.press("escape")
        assert isinstance(app.screen, SettingsScreen)


async def test_new_site_chooses_its_company_in_a_select(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_table(pilot, "sites")
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        select = form.query_one("#field-company_code Select", Select)
        assert select.value == "ETA1"  # the only company, chosen already
        await type_text(pilot, "ORL")
        await pilot.press("tab")
        await type_text(pilot, "Orléans")
        await pilot.press("tab")
        assert app.focused is select
        await pilot.press("enter", "enter", "ctrl+s")  # open the list, keep ETA1, save
        assert isinstance(app.screen, TableEditorScreen)
    site = reference.get_record(app.db, RefKind.SITES, "ORL")
    assert (site.name, site.company_code) == ("Orléans", "ETA1")


async def test_article_filter_with_families(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_table(pilot, "filtres-articles")
        await pilot.press("n")
        assert "Familles d'articles : DIVERS, FOURN, FOURRAGE, RECOLTE" in screen_text(app)
        await type_text(pilot, "Foins")
        await pilot.press("tab")
        await type_text(pilot, "FOURRAGE,XX")
        await pilot.press("ctrl+s")
        assert "Famille inconnue : XX." in screen_text(app)  # the form stays open
        await pilot.press("backspace", "backspace", "backspace", "ctrl+s")
        assert app.screen is table and table.grid.cursor_key == "Foins"
    saved = filters.get_article_filter(app.db, "Foins")
    assert saved.families == ["FOURRAGE"] and saved.active is None


# ----------------------------------------------------------------------------- snapshots


def test_snapshot_settings_menu(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, press=["f7"])


def test_snapshot_table_editor(snap_compare, tmp_path) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=SIZE, press=["f7", "down", "down", "enter"]
    )


def test_snapshot_new_site_form(snap_compare, tmp_path) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=SIZE, press=["f7", "down", "down", "enter", "n"]
    )


def test_snapshot_article_filter_form(snap_compare, tmp_path) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=SIZE, press=["f7", "end", "up", "enter", "n"]
    )


async def test_escape_on_a_new_untouched_site_or_depot_leaves_at_once(tmp_path) -> None:
    """Their Entreprise / Site shows its first choice: not a change, Échap does not ask."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("sites", "depots"):
            table = await open_table(pilot, key)
            await pilot.press("n")
            assert isinstance(app.screen, RecordFormScreen)
            await pilot.press("escape")
            assert app.screen is table, key
            await pilot.press("escape")
