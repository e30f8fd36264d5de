"""« Mettre à jour la correspondance des articles » and the article card's Correspondances tab,
driven with the keyboard only on the demo database (FACILI, SEMMAIS without correspondence,
SEMIS-MAIS waiting in reception)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Footer, Select

from econnect_tui.app import EconnectApp
from econnect_tui.db import open_db
from econnect_tui.models.gc import ArticleFilter
from econnect_tui.store import filters as filters_store
from econnect_tui.store import mappings as store
from econnect_tui.sync import mapping as service
from econnect_tui.sync.connectors import save_connector
from econnect_tui.sync.demo import demo_connector, load_demo
from econnect_tui.sync.mapping import ShowMode
from econnect_tui.sync.reception import preview
from econnect_tui.tui.screens.articles import ArticleCardScreen
from econnect_tui.tui.screens.mapping import MappingScreen, open_mapping
from econnect_tui.tui.screens.reception import ReceptionScreen
from econnect_tui.tui.screens.suggestions import SuggestionScreen
from econnect_tui.tui.widgets.article_picker import ArticlePicker
from econnect_tui.tui.widgets.cell_editor import CellEditor
from econnect_tui.tui.widgets.correspondences import (
    NOTHING_TO_UNDO,
    CorrespondencesTab,
    mapping_session,
)
from econnect_tui.tui.widgets.grid import DataGrid
from tests.tui_helpers import SIZE, notifications, post_burst, type_text

C = "FACILI"
DUPLICATE = "Le code FT-LAB est déjà utilisé par l'article LAB sur FACILI"


def demo(tmp_path: Path, *, second_connector: bool = False):
    db = open_db(tmp_path / "econnect.db")
    load_demo(db, tmp_path)
    preview(db, C)  # SEMIS-MAIS now waits in reception staging
    if second_connector:
        other = demo_connector(tmp_path / "eta2").model_copy(update={"code": "ETA2"})
        save_connector(db, other, new=True, create_folders=True)
    return db


def make_app(tmp_path: Path, **kw) -> EconnectApp:
    return EconnectApp(demo(tmp_path, **kw), tmp_path / "econnect.db")


def codes(app) -> dict[str, str]:
    return store.article_to_external(app.db, C)


def visible_keys(grid: DataGrid) -> list:
    return [grid.get_row(i).key for i in range(grid.row_count)]


async def opened(pilot) -> MappingScreen:
    open_mapping(pilot.app)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MappingScreen)
    return screen


def status(screen: MappingScreen) -> str:
    return screen.panel.status_text()


async def test_type_ten_codes_down_the_grid(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        grid = screen.grid
        assert app.focused is grid and screen.sub_title.endswith("FACILI")
        assert grid.cursor_column_key == "external"
        assert status(screen) == "30 articles · 1 article sans correspondance"
        first_ten = visible_keys(grid)[:10]
        for n in range(10):
            await pilot.press("Z", str(n), "enter")  # typing starts the edit, Enter saves
        assert grid.cursor_row == 10
    saved = codes(app)
    assert [saved[a] for a in first_ten] == [f"Z{n}" for n in range(10)]


async def test_slash_filter_then_undo_twice(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("slash", *"moisson", "enter")
        grid = screen.grid
        assert visible_keys(grid) == ["MOISBLE", "MOISCOLZA", "MOISMAIS"]
        assert app.focused is grid
        await pilot.press("enter", "ctrl+u", *"M-BLE", "enter")  # Enter edits the current code
        await pilot.press("delete", "enter")  # Suppr empties the code: no correspondence
        assert codes(app)["MOISBLE"] == "M-BLE" and "MOISCOLZA" not in codes(app)
        assert status(screen) == "3 / 30 articles · 2 articles sans correspondance"
        assert grid.get_row_by_key("MOISCOLZA").style == "missing"

        await pilot.press("u")
        assert codes(app)["MOISCOLZA"] == "FT-MOISCOLZA"
        assert grid.get_row_by_key("MOISCOLZA").cells[2] == "FT-MOISCOLZA"
        assert notifications(app)[-1] == "Annulé : FT-MOISCOLZA remis sur MOISCOLZA (FACILI)."
        await pilot.press("u")
        assert codes(app)["MOISBLE"] == "FT-MOISBLE"
        assert status(screen) == "3 / 30 articles · 1 article sans correspondance"
        await pilot.press("u")
        assert notifications(app)[-1] == NOTHING_TO_UNDO


async def test_duplicate_keeps_the_editor_open_with_the_sentence(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        screen.grid.select_key("SEMMAIS")
        await pilot.press(*"FT-LAB", "enter")
        editor = app.screen
        assert isinstance(editor, CellEditor)
        assert editor.error == DUPLICATE and editor.input.value == "FT-LAB"
        await pilot.press("escape")
        assert app.screen is screen and app.focused is screen.grid
    assert "SEMMAIS" not in codes(app) and codes(app)["LAB"] == "FT-LAB"


async def test_duplicate_in_a_burst_is_said_at_once_and_the_next_codes_kept_out(tmp_path) -> None:
    """A scanner's burst « FT-DECH⏎ZZZ1⏎ZZZ2⏎ » on BALRON: the refusal is shown at once, ZZZ1
    and ZZZ2 are saved nowhere and said ignored; the editor keeps FT-DECH for correction."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        screen.grid.select_key("BALRON")
        post_burst(app, "FT-DECH\rZZZ1\rZZZ2\r")
        for _ in range(3):
            await pilot.pause()
        editor = app.screen
        assert isinstance(editor, CellEditor) and editor.input.value == "FT-DECH"
        assert str(editor.error_label.render()).splitlines() == [
            "✗ Le code FT-DECH est déjà utilisé par l'article DECH sur FACILI",
            "2 saisies suivantes ignorées",
        ]
        assert editor.error_label.display and editor.error_label.region.width >= 66
        assert screen.grid.cursor_key == "BALRON"
    saved = codes(app)
    assert saved["BALRON"] == "FT-BALRON" and "ZZZ1" not in saved.values()
    assert "ZZZ2" not in saved.values()


async def test_undo_leaves_alone_the_changes_made_before_the_grid_opened(tmp_path) -> None:
    """A mapping made on the reception screen's picker is not the grid's to undo."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        app.push_screen(ReceptionScreen(C))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        reception = app.screen
        assert isinstance(reception, ReceptionScreen)
        reception.grid.select_key(("article", "SEMIS-MAIS"))
        await pilot.press("c")
        assert isinstance(app.screen, ArticlePicker) and app.screen.codes[0] == "SEMMAIS"
        await pilot.press("enter")
        await pilot.pause()
        assert codes(app)["SEMMAIS"] == "SEMIS-MAIS"

        screen = await opened(pilot)
        screen.grid.select_key("LAB")
        await pilot.press(*"FT-LAB2", "enter")
        await pilot.press("u")  # the grid's own change
        assert codes(app)["LAB"] == "FT-LAB"
        await pilot.press("u")  # nothing else of this screen
        assert codes(app)["SEMMAIS"] == "SEMIS-MAIS"
        assert notifications(app)[-1] == NOTHING_TO_UNDO


async def test_suggestion_accepted_with_one_key(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        screen.grid.select_key("SEMMAIS")
        await pilot.press("s")
        assert isinstance(app.screen, SuggestionScreen)
        assert app.screen.items[0].code == "SEMIS-MAIS"
        await pilot.press("enter")
        assert app.screen is screen
        assert screen.grid.get_row_by_key("SEMMAIS").cells[2] == "SEMIS-MAIS"
        assert status(screen) == "30 articles · aucun article sans correspondance"
        # Nothing waits any more: S says so instead of opening an empty list.
        await pilot.press("s")
        assert app.screen is screen
        assert "n'attend en réception sur FACILI" in notifications(app)[-1]
        await pilot.press("escape")  # leaving the screen loses nothing
        assert not isinstance(app.screen, MappingScreen)
    assert codes(app)["SEMMAIS"] == "SEMIS-MAIS"


async def test_filter_choice_and_connector_remembered(tmp_path) -> None:
    app = make_app(tmp_path, second_connector=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        # Two connectors: the screen asks which one first.
        connector = screen.query_one("#mapping-connector", Select)
        assert connector.display and app.focused is connector
        assert screen.connector == "ETA2"  # the first one, by code
        assert status(screen) == "30 articles · 30 articles sans correspondance"
        await pilot.press("enter", "down", "enter")  # ETA2 -> FACILI: the list follows
        assert screen.connector == "FACILI"
        assert status(screen) == "30 articles · 1 article sans correspondance"
        # « … correspondants au filtre » with Enter, without a filter: the list is asked for.
        await pilot.press("tab", "down", "enter")
        assert app.focused is screen.query_one("#mapping-filter", Select)
        await pilot.press("enter", "down", "enter")  # « Prestations de récolte »
        assert app.focused is screen.grid
        assert screen.shown_mode is ShowMode.FILTER
        assert "MOISBLE" in visible_keys(screen.grid) and "LAB" not in visible_keys(screen.grid)
        await pilot.press("escape")
        screen = await opened(pilot)  # back later: same connector, same choice, on the grid
        assert screen.connector == "FACILI" and screen.shown_filter == "Prestations de récolte"
        assert app.focused is screen.grid
        await pilot.press("o")
        assert app.focused is screen.query_one("#mapping-connector", Select)


async def test_codes_changed_elsewhere_show_when_coming_back(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("f4")  # to Articles, where the card's tab (or a script) maps SEMMAIS
        service.set_code(app.db, C, "SEMMAIS", "SEMIS-MAIS", "bob")
        await pilot.press("f3")
        assert app.screen is screen
        assert screen.grid.get_row_by_key("SEMMAIS").cells[2] == "SEMIS-MAIS"
        assert status(screen) == "30 articles · aucun article sans correspondance"
        screen.grid.select_key("LAB")
        await pilot.press("left", "left", "enter")  # Enter on the article: edits its code
        assert isinstance(app.screen, CellEditor)


async def test_palette_opens_the_screen(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10", *"correspondance des", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MappingScreen)
        assert app.current_mode == "synchro"


# The article card's tab -------------------------------------------------------------------------


class CardApp(App):
    """The tab alone, as the article card mounts it."""

    def __init__(self, db, article: str = "SEMMAIS") -> None:
        super().__init__()
        self.db = db
        self.article = article

    def compose(self) -> ComposeResult:
        yield CorrespondencesTab(self.article, self.db)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataGrid).focus()


async def test_card_tab_edit_duplicate_suggestion_undo(tmp_path) -> None:
    db = demo(tmp_path, second_connector=True)
    app = CardApp(db)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.query_one(DataGrid)
        assert visible_keys(grid) == ["ETA2", "FACILI"]
        assert grid.cursor_column_key == "external"
        await pilot.press(*"S-MAIS", "enter")  # ETA2, saved at once
        assert store.mappings_of_article(db, "SEMMAIS") == {"ETA2": "S-MAIS"}
        assert grid.cursor_key == "FACILI"
        await pilot.press(*"FT-LAB", "enter")
        assert isinstance(app.screen, CellEditor) and app.screen.error == DUPLICATE
        await pilot.press("escape", "s")
        assert isinstance(app.screen, SuggestionScreen)
        await pilot.press("enter")
        assert store.mappings_of_article(db, "SEMMAIS") == {"ETA2": "S-MAIS", C: "SEMIS-MAIS"}
        await pilot.press("u")
        assert store.mappings_of_article(db, "SEMMAIS") == {"ETA2": "S-MAIS"}
        assert grid.get_row_by_key(C).style == "missing"
        assert len(app.query_one(CorrespondencesTab).undo.changes) == 1


async def test_card_tab_undo_is_limited_to_the_card(tmp_path) -> None:
    """SEMMAIS mapped in the bulk grid, then its card opened: U on the card's tab has nothing
    of its own to undo, whatever the grid did."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        screen.grid.select_key("SEMMAIS")
        await pilot.press(*"SEMIS-MAIS", "enter")
        assert codes(app)["SEMMAIS"] == "SEMIS-MAIS"
        await pilot.press("escape", "f4")
        app.push_screen(ArticleCardScreen("SEMMAIS"))
        await pilot.pause()
        card = app.screen
        assert isinstance(card, ArticleCardScreen)
        await pilot.press("ctrl+pagedown", "ctrl+pagedown", "ctrl+pagedown")
        tab = card.query_one(CorrespondencesTab)
        assert app.focused is tab.grid
        await pilot.press("u")
        assert codes(app)["SEMMAIS"] == "SEMIS-MAIS"
        assert notifications(app)[-1] == NOTHING_TO_UNDO


# Snapshots (80x24) ------------------------------------------------------------------------------


@pytest.fixture
def snap_app(tmp_path):
    return make_app(tmp_path)


async def _open(pilot) -> None:
    open_mapping(pilot.app)
    await pilot.pause()


def test_snapshot_mapping_filled(snap_compare, snap_app) -> None:
    assert snap_compare(snap_app, terminal_size=SIZE, run_before=_open)


def test_snapshot_mapping_empty_filter(snap_compare, snap_app) -> None:
    filters_store.save_article_filter(
        snap_app.db, ArticleFilter(name="Articles ZZ", code_prefix="ZZ")
    )
    session = mapping_session(snap_app)
    session.mode, session.filter_name = ShowMode.FILTER, "Articles ZZ"
    assert snap_compare(snap_app, terminal_size=SIZE, run_before=_open)


def test_snapshot_mapping_editing(snap_compare, snap_app) -> None:
    async def run_before(pilot) -> None:
        await _open(pilot)
        pilot.app.screen.grid.select_key("SEMMAIS")
        await pilot.press(*"SEMIS-M")

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_mapping_duplicate_error(snap_compare, snap_app) -> None:
    async def run_before(pilot) -> None:
        await _open(pilot)
        pilot.app.screen.grid.select_key("SEMMAIS")
        await pilot.press(*"FT-LAB", "enter")

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_mapping_suggestions(snap_compare, snap_app) -> None:
    async def run_before(pilot) -> None:
        await _open(pilot)
        pilot.app.screen.grid.select_key("SEMMAIS")
        await pilot.press("s")

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_card_tab(snap_compare, tmp_path) -> None:
    app = CardApp(demo(tmp_path, second_connector=True), article="LAB")
    assert snap_compare(app, terminal_size=SIZE)


async def test_enter_on_the_filter_choice_asks_for_the_filter_without_an_error(tmp_path) -> None:
    """F3, M, « Mettre à jour la correspondance des articles », O, then Enter on « Afficher les
    articles correspondants au filtre »: it ran the filter at once and said « Choisissez un
    filtre… » before any could be chosen. It chooses the line and goes to the list; choosing
    a filter filters."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "m", "down", "down", "enter")
        screen = app.screen
        assert isinstance(screen, MappingScreen) and app.focused is screen.grid
        await pilot.press("o")
        assert app.focused is screen.query_one("#mapping-mode")
        await pilot.press("down", "enter")
        assert app.focused is screen.query_one("#mapping-filter", Select)
        assert screen.chosen_mode() is ShowMode.FILTER
        assert notifications(app) == []
        await pilot.press("enter", "down", "enter")
        assert app.focused is screen.grid
        assert (screen.shown_mode, screen.shown_filter) == (
            ShowMode.FILTER,
            "Prestations de récolte",
        )


async def test_the_cell_editor_follows_its_cell_when_the_terminal_is_resized(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        screen.grid.select_key("SEMMAIS")
        await pilot.press("F", "T")
        editor = app.screen
        assert isinstance(editor, CellEditor)
        for size in ((80, 24), (100, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            cell = screen.grid.cursor_cell_screen_region()
            assert editor.input.region.offset == cell.offset, size
        assert editor.input.value == "FT"


async def test_a_pasted_code_is_saved_in_its_normal_form_and_an_invisible_one_inside_is_said(
    tmp_path,
) -> None:
    # Issue 16: a code copied from a web page or a concatenated file comes with a BOM or a
    # no-break space around it, or a zero-width space inside that nobody sees.
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        screen.grid.select_key("SEMMAIS")
        screen.grid.post_message(events.Paste("\ufeffSEMIS-MAIS\u200b\n"))
        await pilot.pause()
        assert codes(app)["SEMMAIS"] == "SEMIS-MAIS"  # the code the reception waits for
        screen.grid.select_key("SEMMAIS")
        await pilot.press("enter", "ctrl+u")
        await type_text(pilot, "SEMIS\u200b-MAIS")
        await pilot.press("enter")
        editor = app.screen
        assert isinstance(editor, CellEditor)
        assert editor.error == (
            "Le code « SEMIS⟨U+200B⟩-MAIS » contient un caractère invisible en position 6"
            " (espace sans chasse, U+200B)."
        )
        await pilot.press("escape")
    assert codes(app)["SEMMAIS"] == "SEMIS-MAIS"
