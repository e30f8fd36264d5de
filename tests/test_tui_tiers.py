"""Tiers: clients and suppliers, the card (Général, Contacts) and the contact form."""

from __future__ import annotations

from econnect_tui.models.gc import TiersKind
from econnect_tui.store import tiers
from econnect_tui.tui.screens.confirm import ConfirmScreen
from econnect_tui.tui.screens.record_form import RecordFormScreen
from econnect_tui.tui.screens.tiers import TiersCardScreen, TiersScreen
from econnect_tui.tui.widgets.form import Form
from econnect_tui.tui.widgets.grid import DataGrid, GridRow
from tests.tui_helpers import SIZE, burst, make_app, type_text


def contact_names(db) -> list[tuple[str | None, str, str | None]]:
    return [
        (c.code, c.last_name, c.function) for c in tiers.contacts_of(db, TiersKind.CLIENT, "0701")
    ]


async def test_switch_kinds_open_a_client_edit_and_save(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        screen = app.screen
        assert isinstance(screen, TiersScreen)
        assert screen.grid.total_count == 50 and screen.sub_title == "Tiers › Clients"
        await pilot.press("f")
        assert screen.grid.total_count == 4 and screen.sub_title == "Tiers › Fournisseurs"
        assert screen.grid.cursor_key == "F001"
        await pilot.press("c")
        assert screen.kind is TiersKind.CLIENT and screen.grid.cursor_key == "0701"

        await pilot.press("enter")
        card = app.screen
        assert isinstance(card, TiersCardScreen) and card.code == "0701"
        # The code is read-only: the focus is on Civilité, its text selected (typing replaces).
        await type_text(pilot, "EARL")
        await pilot.press("tab", "end")
        await type_text(pilot, " Neuf")
        await pilot.press("ctrl+s")
        assert app.screen is screen and screen.grid.cursor_key == "0701"
        assert screen.grid.get_row_by_key("0701").cells[1] == "EARL du Moulin Neuf"

    saved = tiers.get_tiers(app.db, TiersKind.CLIENT, "0701")
    assert (saved.civility, saved.name) == ("EARL", "EARL du Moulin Neuf")
    assert saved.city == "Chartres"  # the fields not touched are kept


async def test_contacts_create_edit_delete(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", "enter", "ctrl+pagedown")
        card = app.screen
        assert isinstance(card, TiersCardScreen)
        grid = card.query_one("#contacts-grid", DataGrid)
        assert app.focused is grid and grid.row_count == 2

        # N: a new contact through the form (Code, Civilité, Nom…).
        await pilot.press("n")
        assert isinstance(app.screen, RecordFormScreen)
        await pilot.press("C", "3", "tab", "tab")
        await type_text(pilot, "Petit")
        await pilot.press("ctrl+s")
        assert app.screen is card and grid.row_count == 3
        assert grid.get_row_by_key(grid.cursor_key).cells[1] == "Petit"  # cursor on it
        assert ("C3", "Petit", None) in contact_names(app.db)

        # Enter: edit it (Fonction is the fifth field).
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, RecordFormScreen) and form.form_title == "Contact Petit"
        await pilot.press("tab", "tab", "tab", "tab")
        await type_text(pilot, "Comptable")
        await pilot.press("ctrl+s")
        assert ("C3", "Petit", "Comptable") in contact_names(app.db)

        # Suppr: asks first (Annuler by default), then deletes.
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        assert app.screen is card and grid.row_count == 3
        await pilot.press("delete", "right", "enter")
        assert app.screen is card and grid.row_count == 2

    assert contact_names(app.db) == [
        ("C2", "Durand", "Chef de culture"),
        ("C1", "Martin", "Gérant"),
    ]


async def test_new_client_has_no_contacts_until_saved(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", "n")
        card = app.screen
        assert isinstance(card, TiersCardScreen) and card.new
        await pilot.press("ctrl+pagedown", "n")  # N is not offered on a card not saved yet
        assert app.screen is card
        await pilot.press("ctrl+pageup")
        await type_text(pilot, "0999")
        await pilot.press("tab", "tab")
        await type_text(pilot, "Ferme Neuve")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TiersScreen) and app.screen.grid.cursor_key == "0999"
    assert tiers.get_tiers(app.db, TiersKind.CLIENT, "0999").name == "Ferme Neuve"


# ----------------------------------------------------------------------------- snapshots


def card(*keys: str):
    async def run_before(pilot) -> None:
        await pilot.press("f5")
        pilot.app.push_screen(TiersCardScreen(TiersKind.CLIENT, "0701"))
        await pilot.pause()
        if keys:
            await pilot.press(*keys)

    return run_before


def test_snapshot_tiers_list(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, press=["f5"])


def test_snapshot_tiers_card_general(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=card())


def test_snapshot_tiers_card_contacts(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=card("ctrl+pagedown"))


def test_snapshot_contact_form(snap_compare, tmp_path) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=SIZE, run_before=card("ctrl+pagedown", "enter")
    )


async def test_keys_typed_fast_go_to_the_field_focused_after_the_keys_before(tmp_path) -> None:
    """tmux send-keys « 9001 Tab SARL Test »: Tab moved the focus only after « SARL Test » had
    already gone into the Code field. BackSpace (an Input binding) comes in its place too."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", "n")
        card = app.screen
        assert isinstance(card, TiersCardScreen)
        await burst(pilot, *"9001", "tab", *"SARL", "space", *"Tesx", "backspace", "t")
        await burst(pilot, "tab", *"Dupont", "shift+tab", "shift+tab", "end", "2")
        form = card.query_one(Form)
        assert form.raw_values()["code"] == "90012"
        assert form.raw_values()["civility"] == "SARL Test"
        assert form.raw_values()["name"] == "Dupont"


async def test_the_list_is_built_from_the_stores_tuples(tmp_path, monkeypatch) -> None:
    """20,000 clients on a large database: the list reads tuples (`store.tiers.list_rows`),
    not a model each, once per kind shown; its rows are what the tiers hold."""
    app = make_app(tmp_path)
    reads = []

    def list_rows(db, kind):
        reads.append(kind)
        return read(db, kind)

    read = tiers.list_rows
    monkeypatch.setattr(tiers, "list_rows", list_rows)
    monkeypatch.setattr(tiers, "list_tiers", None)  # not called by the list
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        screen = app.screen
        assert isinstance(screen, TiersScreen) and reads == [TiersKind.CLIENT]
        await pilot.press("f")
        assert reads == [TiersKind.CLIENT, TiersKind.SUPPLIER]
        grid = screen.grid
        shown = [grid.get_row(i) for i in range(grid.row_count)]
        models = [tiers.get_tiers(app.db, TiersKind.SUPPLIER, row.key) for row in shown]
        assert [row.cells for row in shown] == [
            (
                t.code,
                t.name,
                " ".join(p for p in (t.postal_code, t.city) if p),
                t.family_code or "",
                t.phone or t.mobile or "",
            )
            for t in models
        ]
        assert [row.search for row in shown] == [GridRow(r.key, r.cells).search for r in shown]
