"""DataGrid / GridPanel: navigation, filter, spreadsheet-like editing, snapshots at 80x24."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Hashable

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Footer

from econnect_tui.tui.widgets.cell_editor import BURST_GAP, CellEditor
from econnect_tui.tui.widgets.grid import (
    DataGrid,
    GridColumn,
    GridPanel,
    GridRow,
    fold,
    format_count,
)
from tests.tui_helpers import post_burst

COLUMNS = [
    GridColumn("code", "Code ETA", width=9),
    GridColumn("label", "Libellé"),
    GridColumn("gc", "Code GC", width=10, editable=True),
]

LABELS = [
    "Blé tendre semence",
    "Orge d'hiver",
    "Engrais azoté 27 %",
    "Fioul non routier",
    "Prestation moisson blé dur",
    "Épandage lisier",
    "Maïs grain",
    "Désherbage mécanique",
]


def make_rows(count: int) -> list[GridRow]:
    rows = []
    for i in range(count):
        label = LABELS[i % len(LABELS)]
        gc = "" if i % 5 == 0 else f"GC{i:05d}"
        code = f"A{i:05d}"
        rows.append(
            GridRow(
                key=i,
                cells=(code, label, gc),
                search=fold(f"{code} {label}"),
                style="missing" if not gc else "",
            )
        )
    return rows


class GridApp(App):
    """A screen with one GridPanel and a footer, recording the grid's messages."""

    def __init__(
        self,
        rows: list[GridRow],
        columns: list[GridColumn] | None = None,
        hook=None,
        empty_text: str = "Aucun article",
    ) -> None:
        super().__init__()
        self._rows = rows
        self._columns = COLUMNS if columns is None else columns
        self._hook = hook
        self._empty_text = empty_text
        self.activated: list[tuple[int, Hashable]] = []
        self.edited: list[tuple[Hashable, str, str, str]] = []
        self.moved: list[tuple[int, Hashable]] = []

    def compose(self) -> ComposeResult:
        yield GridPanel(
            self._columns,
            self._rows,
            empty_text=self._empty_text,
            commit_hook=self._hook,
            unit=("article", "articles"),
        )
        yield Footer()

    def on_mount(self) -> None:
        self.grid.focus()

    @property
    def grid(self) -> DataGrid:
        return self.query_one(DataGrid)

    @property
    def panel(self) -> GridPanel:
        return self.query_one(GridPanel)

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        self.activated.append((event.index, event.key))

    def on_data_grid_cell_edited(self, event: DataGrid.CellEdited) -> None:
        self.edited.append((event.key, event.column_key, event.old, event.new))

    def on_data_grid_cursor_moved(self, event: DataGrid.CursorMoved) -> None:
        self.moved.append((event.index, event.key))


class Store:
    """A commit hook refusing anything that does not look like a GC code."""

    def __init__(self) -> None:
        self.saved: list[tuple[Hashable, str, str]] = []

    def __call__(self, key: Hashable, column: str, value: str) -> str | None:
        if value and not value.upper().startswith("GC"):
            return f"« {value} » n'est pas un code de la gestion commerciale"
        self.saved.append((key, column, value))
        return None


def line_text(grid: DataGrid, index: int) -> str:
    """Text of the visible row `index` as rendered (it must be on screen)."""
    return grid.render_line(index + 1 - grid.scroll_offset.y).text


def screen_text(app: App) -> str:
    """The screenshot's SVG with its no-break spaces turned back into spaces."""
    return app.export_screenshot().replace("&#160;", " ")


# ----------------------------------------------------------------------------- helpers


def test_fold_is_accent_and_case_insensitive() -> None:
    assert fold("Blé ÉPANDAGE Maïs") == "ble epandage mais"
    assert fold("Œuf ﬁoul") == "œuf fioul"
    assert fold("ABC-12") == "abc-12"


def test_format_count_uses_french_separator() -> None:
    assert format_count(50000) == "50\u00a0000"
    assert format_count(1234567) == "1\u00a0234\u00a0567"
    assert format_count(12) == "12"


def test_row_search_defaults_to_folded_cells() -> None:
    row = GridRow("k", ("A1", Text("Blé dur"), "GC1"))
    assert row.search == "a1 ble dur gc1"


# -------------------------------------------------------------------------- navigation


async def test_navigation_keys() -> None:
    app = GridApp(make_rows(1000))
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        assert grid.cursor_row == 0 and grid.cursor_key == 0
        await pilot.press("down", "down", "down")
        assert grid.cursor_row == 3
        await pilot.press("up")
        assert grid.cursor_row == 2
        await pilot.press("pagedown")
        page = grid.scrollable_content_region.height - 1
        assert grid.cursor_row == 2 + page
        await pilot.press("pageup")
        assert grid.cursor_row == 2
        await pilot.press("end")
        assert grid.cursor_row == 999 and grid.cursor_key == 999
        assert grid.scroll_offset.y == 1000 - page
        await pilot.press("home")
        assert grid.cursor_row == 0 and grid.scroll_offset.y == 0
        await pilot.press("ctrl+end")
        assert grid.cursor_row == 999
        await pilot.press("ctrl+home")
        assert grid.cursor_row == 0
        await pilot.press("right", "right", "right")
        assert grid.cursor_column == 2
        await pilot.press("left")
        assert grid.cursor_column == 1
        await pilot.pause()
        assert app.moved[-1] == (0, 0)


async def test_enter_on_read_only_cell_activates_row() -> None:
    app = GridApp(make_rows(20))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.activated == [(1, 1)]
        assert not app.grid.is_editing


async def test_tab_moves_between_editable_cells_and_wraps() -> None:
    columns = [
        GridColumn("code", "Code", width=8),
        GridColumn("gc", "Code GC", width=8, editable=True),
        GridColumn("label", "Libellé"),
        GridColumn("unit", "Unité", width=6, editable=True),
    ]
    rows = [GridRow(i, (f"A{i}", "", "x", "")) for i in range(5)]
    app = GridApp(rows, columns)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.press("tab")
        assert (grid.cursor_row, grid.cursor_column) == (0, 1)
        await pilot.press("tab")
        assert (grid.cursor_row, grid.cursor_column) == (0, 3)
        await pilot.press("tab")
        assert (grid.cursor_row, grid.cursor_column) == (1, 1)
        await pilot.press("shift+tab")
        assert (grid.cursor_row, grid.cursor_column) == (0, 3)


async def test_tab_leaves_a_read_only_grid() -> None:
    columns = [GridColumn("code", "Code", width=8), GridColumn("label", "Libellé")]
    app = GridApp([GridRow(i, (f"A{i}", "x")) for i in range(5)], columns)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        # No editable cell: the grid does not claim Tab, which goes on to the screen (focus).
        assert not grid.check_action("next_cell", ())
        await pilot.press("tab")
        assert (grid.cursor_row, grid.cursor_column) == (0, 0)


async def test_click_moves_cursor() -> None:
    app = GridApp(make_rows(50))
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        # Line 0 is the header: screen line 4 of the grid is row 3; x=75 is in "Code GC".
        await pilot.click(DataGrid, offset=(75, 4))
        assert (grid.cursor_row, grid.cursor_column) == (3, 2)


# ------------------------------------------------------------------------------ filter


async def test_filter_is_accent_insensitive_and_multi_word() -> None:
    app = GridApp(make_rows(800))
    async with app.run_test(size=(80, 24)) as pilot:
        grid, panel = app.grid, app.panel
        await pilot.press("slash")
        assert panel.filter_visible
        assert app.focused is panel.filter_input
        await pilot.press(*"BLE")
        # "Blé tendre semence" and "Prestation moisson blé dur": 2 labels out of 8.
        assert grid.row_count == 200
        assert all("ble" in grid.get_row(i).search for i in range(grid.row_count))
        await pilot.press("space", *"dur")
        assert grid.row_count == 100
        assert {grid.get_row(i).cells[1] for i in range(grid.row_count)} == {
            "Prestation moisson blé dur"
        }
        await pilot.pause()
        assert panel.status_text() == "100 / 800 articles"
        # Enter goes back to the grid and keeps the filter.
        await pilot.press("enter")
        assert app.focused is grid
        assert grid.row_count == 100 and panel.filter_visible
        # Escape in the grid clears the filter.
        await pilot.press("escape")
        assert grid.row_count == 800 and not panel.filter_visible


async def test_filter_escape_clears_and_down_returns() -> None:
    app = GridApp(make_rows(100))
    async with app.run_test(size=(80, 24)) as pilot:
        grid, panel = app.grid, app.panel
        await pilot.press("ctrl+f", *"epandage")
        assert grid.row_count == 12
        await pilot.press("down")
        assert app.focused is grid and grid.row_count == 12
        await pilot.press("slash")
        assert app.focused is panel.filter_input
        await pilot.press("escape")
        assert app.focused is grid
        assert grid.row_count == 100 and grid.filter_text == ""
        assert not panel.filter_visible


async def test_cursor_kept_on_key_after_filter_and_set_rows() -> None:
    app = GridApp(make_rows(800))
    async with app.run_test(size=(80, 24)):
        grid = app.grid
        assert grid.select_key(409)  # label index 1: "Orge d'hiver"
        grid.apply_filter("orge")
        assert grid.cursor_key == 409
        assert grid.get_row(grid.cursor_row).key == 409
        grid.apply_filter("hiver orge")  # same rows, words in another order
        assert grid.cursor_key == 409
        grid.apply_filter("mais")  # 409 filtered out: first match
        assert grid.cursor_row == 0 and grid.cursor_key == 6
        grid.apply_filter("")
        assert grid.cursor_key == 6
        grid.select_key(700)
        grid.set_rows(list(reversed(make_rows(800))))
        assert grid.cursor_key == 700 and grid.cursor_row == 99
        assert not grid.select_key("absent")


async def test_a_row_wanted_before_the_list_is_read_is_selected_when_it_comes() -> None:
    """A list reopened where the operator left it, still being read (the Documents' first page,
    then the whole list from a worker): the row is selected once it is among the rows."""
    app = GridApp(make_rows(100))
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        assert not grid.select_key(650, when_shown=True)
        assert grid.cursor_key == 0
        grid.set_rows(make_rows(800))
        assert grid.cursor_key == 650
        # Wanted again, but the operator moves before the list comes: left where they went.
        grid.set_rows(make_rows(100))
        grid.select_key(0)
        assert not grid.select_key(750, when_shown=True)
        await pilot.press("down")
        grid.set_rows(make_rows(800))
        assert grid.cursor_key == 1
        # Without `when_shown`, a key not there is not waited for.
        assert not grid.select_key(900)
        grid.set_rows(make_rows(1000))
        assert grid.cursor_key == 1


async def test_restore_view_shows_the_filter_and_keeps_the_focus_on_the_grid() -> None:
    app = GridApp(make_rows(100))
    async with app.run_test(size=(80, 24)) as pilot:
        grid, panel = app.grid, app.panel
        panel.restore_view("orge", 49)
        await pilot.pause()
        assert panel.filter_visible and panel.filter_input.value == "orge"
        assert grid.row_count == 13 and grid.cursor_key == 49
        assert app.focused is grid
        await pilot.press("escape")  # clears it, as a filter typed here
        assert grid.row_count == 100 and not panel.filter_visible and grid.cursor_key == 49
        panel.restore_view("", None)
        assert not panel.filter_visible and grid.cursor_key == 49


def test_filter_50k_rows_is_fast() -> None:
    grid = DataGrid(COLUMNS)
    grid.set_rows(make_rows(50_000))
    start = time.perf_counter()
    grid.apply_filter("blé dur")
    elapsed = time.perf_counter() - start
    assert grid.row_count == 6_250
    assert elapsed < 0.3, elapsed


# ----------------------------------------------------------------------------- editing


async def test_typing_a_code_then_enter_saves_and_moves_down() -> None:
    store = Store()
    app = GridApp(make_rows(30), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.press("right", "right", *"GC777")
        assert isinstance(app.screen, CellEditor)
        assert app.screen.input.value == "GC777"  # the first key replaced the value
        await pilot.press("enter")
        await pilot.pause()
        assert store.saved == [(0, "gc", "GC777")]
        assert grid.get_row(0).cells[2] == "GC777"
        assert "GC777" in line_text(grid, 0)
        assert (grid.cursor_row, grid.cursor_column) == (1, 2)
        assert app.focused is grid and not grid.is_editing
        assert app.edited == [(0, "gc", "", "GC777")]


async def test_a_burst_of_keys_is_never_lost() -> None:
    """A barcode scanner (or tmux send-keys) delivers a code and Enter at once, before the
    editor is even mounted: every character and the Enter must reach it."""
    from textual import events

    store = Store()
    app = GridApp(make_rows(30), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        for ch in "GC4242":
            app.post_message(events.Key(ch, ch))
        app.post_message(events.Key("enter", "\r"))
        for ch in "GC9":
            app.post_message(events.Key(ch, ch))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert store.saved == [(0, "gc", "GC4242"), (1, "gc", "GC9")]
        assert app.grid.cursor_row == 2 and not app.grid.is_editing


async def test_a_refusal_in_a_burst_is_shown_at_once_and_the_rest_ignored() -> None:
    """A refused code typed fast: its reason is shown at once in the editor, which keeps the
    refused value; the codes typed after it are counted as ignored, never saved elsewhere."""
    store = Store()
    app = GridApp(make_rows(30), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        post_burst(app, "XYZ\rGC1\rGC2\r")
        for _ in range(3):
            await pilot.pause()
        editor = app.screen
        assert isinstance(editor, CellEditor)
        assert editor.input.value == "XYZ"
        assert editor.error == "« XYZ » n'est pas un code de la gestion commerciale"
        assert editor.ignored_entries == 2
        label = editor.error_label
        assert str(label.render()).splitlines() == [
            "✗ « XYZ » n'est pas un code de la gestion commerciale",
            "2 saisies suivantes ignorées",
        ]
        assert label.display and label.region.width >= 55 and label.region.height == 2
        assert label.region.y == editor.input.region.y + 1
        assert store.saved == [] and app.grid.cursor_row == 0
        # Keys of the same burst reaching the editor itself once it shows the refusal (the
        # scanner's next packet) are ignored too.
        last_key = editor._last_ignored
        assert last_key is not None
        post_burst(app, "GC3\r", at=last_key + BURST_GAP / 2)
        await pilot.pause()
        assert editor.input.value == "XYZ" and editor.ignored_entries == 3
        assert app.screen is editor and store.saved == []
        # The operator's own correction, after reading, is taken.
        await asyncio.sleep(BURST_GAP * 1.5)
        await pilot.press("backspace", "backspace", "backspace", *"GC1", "enter")
        await pilot.pause()
        assert store.saved == [(0, "gc", "GC1")]
        assert not isinstance(app.screen, CellEditor) and app.grid.cursor_row == 1


async def test_keys_typed_before_a_refusal_in_an_open_editor_are_ignored() -> None:
    """The editor already open (F2), a scanner sends a refused code and the next one."""
    store = Store()
    app = GridApp(make_rows(30), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right", "f2", "ctrl+u")
        editor = app.screen
        assert isinstance(editor, CellEditor)
        post_burst(app, "XYZ\rGC5")
        for _ in range(3):
            await pilot.pause()
        assert app.screen is editor and editor.input.value == "XYZ"
        assert editor.ignored_entries == 1
        assert str(editor.error_label.render()).endswith("\n1 saisie suivante ignorée")
        assert store.saved == []


async def test_a_burst_into_an_open_editor_saves_each_code_on_its_row() -> None:
    """Enter commits what was typed before it, not the keys queued behind it."""
    store = Store()
    app = GridApp(make_rows(30), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right", "f2", "ctrl+u")
        post_burst(app, "GC1\rGC2\r")
        for _ in range(4):
            await pilot.pause()
        assert store.saved == [(0, "gc", "GC1"), (1, "gc", "GC2")]
        assert app.grid.cursor_row == 2 and not app.grid.is_editing


async def test_pasting_a_column_of_codes_fills_it_downwards() -> None:
    from textual import events

    store = Store()
    app = GridApp(make_rows(30), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        app.grid.post_message(events.Paste("GC1\r\nGC2\n\nGC4\n"))
        for _ in range(6):
            await pilot.pause()
        assert store.saved == [(0, "gc", "GC1"), (1, "gc", "GC2"), (3, "gc", "GC4")]
        assert app.grid.cursor_row == 4 and not app.grid.is_editing


async def test_ten_codes_down_a_column_with_the_keyboard_only() -> None:
    store = Store()
    app = GridApp(make_rows(40), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.press("down", "down", "tab")
        for n in range(10):
            await pilot.press(*f"GC9{n}", "enter")
        await pilot.pause()
        assert [saved[2] for saved in store.saved] == [f"GC9{n}" for n in range(10)]
        assert [grid.get_row(i).cells[2] for i in range(2, 12)] == [f"GC9{n}" for n in range(10)]
        assert grid.cursor_row == 12 and grid.cursor_column == 2
        assert len(app.edited) == 10


async def test_refused_value_keeps_editor_open_with_error() -> None:
    store = Store()
    app = GridApp(make_rows(30), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.press("tab", "f2")
        editor = app.screen
        assert isinstance(editor, CellEditor)
        await pilot.press("ctrl+u", *"XYZ", "enter")  # ctrl+u: delete to the line start
        await pilot.pause()
        assert app.screen is editor
        assert editor.input.value == "XYZ"
        assert editor.error == "« XYZ » n'est pas un code de la gestion commerciale"
        assert editor.error_label.display
        assert editor.error_label.region.y == editor.input.region.y + 1
        assert grid.get_row(0).cells[2] == "" and store.saved == []
        # Correcting the text hides the error; the new value is accepted.
        await pilot.press("backspace", "backspace", "backspace", *"GC1")
        assert editor.error == ""
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, CellEditor)
        assert grid.get_row(0).cells[2] == "GC1"


async def test_escape_cancels_edit() -> None:
    store = Store()
    app = GridApp(make_rows(30), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.press("down", "tab", *"GC42")
        assert isinstance(app.screen, CellEditor)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CellEditor)
        assert app.focused is grid
        assert grid.get_row(1).cells[2] == "GC00001"
        assert store.saved == [] and app.edited == []
        assert (grid.cursor_row, grid.cursor_column) == (1, 2)


async def test_tab_in_editor_commits_then_moves_to_next_editable_cell() -> None:
    columns = [
        GridColumn("code", "Code", width=8),
        GridColumn("gc", "Code GC", width=8, editable=True),
        GridColumn("unit", "Unité", width=6, editable=True),
        GridColumn("label", "Libellé"),
    ]
    saved = []

    def hook(key: Hashable, column: str, value: str) -> None:
        saved.append((key, column, value))

    app = GridApp([GridRow(i, (f"A{i}", "", "", "x")) for i in range(5)], columns, hook=hook)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.press("tab", *"GC1", "tab", *"KG", "tab", *"GC2", "tab")
        await pilot.pause()
        assert saved == [(0, "gc", "GC1"), (0, "unit", "KG"), (1, "gc", "GC2")]
        assert (grid.cursor_row, grid.cursor_column) == (1, 2)
        assert not grid.is_editing


async def test_delete_offers_to_clear_the_cell() -> None:
    store = Store()
    app = GridApp(make_rows(30), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.press("down", "tab", "delete")
        assert isinstance(app.screen, CellEditor) and app.screen.input.value == ""
        await pilot.press("enter")
        await pilot.pause()
        assert store.saved == [(1, "gc", "")]
        assert grid.get_row(1).cells[2] == ""


async def test_slash_on_editable_cell_opens_the_filter_not_the_editor() -> None:
    app = GridApp(make_rows(30))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "slash")
        assert not isinstance(app.screen, CellEditor)
        assert app.focused is app.panel.filter_input


async def test_hook_may_replace_the_row_itself() -> None:
    app = GridApp(make_rows(30))

    def hook(key: Hashable, column: str, value: str) -> None:
        row = app.grid.get_row_by_key(key)
        assert row is not None
        app.grid.replace_row(key, GridRow(key, (row.cells[0], row.cells[1], value.upper())))

    app._hook = hook
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        assert grid.get_row(0).style == "missing"
        await pilot.press("tab", *"gc5", "enter")
        await pilot.pause()
        assert grid.get_row(0).cells[2] == "GC5" and grid.get_row(0).style == ""


async def test_hook_exception_is_shown_as_an_error() -> None:
    def hook(key: Hashable, column: str, value: str) -> None:
        raise sqlite3.OperationalError("database is locked")

    app = GridApp(make_rows(10), hook=hook)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", *"GC1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CellEditor)
        assert app.screen.error == (  # in French, not SQLite's English
            "Enregistrement impossible : erreur de base de données (elle est verrouillée par "
            "un autre programme)"
        )


async def test_editing_far_down_puts_the_input_over_the_cursor_cell() -> None:
    store = Store()
    app = GridApp(make_rows(50_000), hook=store)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.press("end", "tab")
        assert grid.cursor_row == 49_999
        assert grid.select_key(30_000)
        await pilot.press("up", "f2")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, CellEditor)
        assert grid.cursor_row == 29_999
        scroll_y = grid.scroll_offset.y
        assert 0 <= 29_999 - scroll_y < grid.scrollable_content_region.height - 1
        cursor_line = grid.content_region.y + 1 + grid.cursor_row - scroll_y
        region = editor.input.region
        assert region.y == cursor_line
        assert grid.content_region.contains_region(region)
        _widths, offsets = grid._layout(grid.scrollable_content_region.width)
        assert region.x == grid.content_region.x + offsets[2]
        assert editor.input.value == "GC29999"
        await pilot.press("ctrl+u", *"GC30", "enter")
        await pilot.pause()
        assert store.saved == [(29_999, "gc", "GC30")]
        assert grid.cursor_row == 30_000
        assert "GC30" in line_text(grid, 29_999)


async def test_replace_row_refreshes_its_line() -> None:
    app = GridApp(make_rows(100))
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.press("down", "down")
        grid.replace_row(5, GridRow(5, ("A00005", "Libellé changé", "GC-NEW")))
        await pilot.pause()
        assert "Libellé changé" in line_text(grid, 5)
        assert "GC-NEW" in screen_text(app)
        assert grid.cursor_row == 2 and grid.total_count == 100
        with pytest.raises(KeyError):
            grid.replace_row("absent", GridRow("absent", ("x",)))


async def test_replaced_row_stays_visible_under_the_filter() -> None:
    app = GridApp(make_rows(100))
    async with app.run_test(size=(80, 24)):
        grid = app.grid
        grid.apply_filter("orge")
        key = grid.get_row(3).key
        grid.replace_row(key, GridRow(key, ("Z", "Avoine", "GC")))
        assert grid.get_row(3).cells[1] == "Avoine"
        grid.apply_filter("orge ")  # same words: unchanged
        assert grid.get_row(3).key == key
        grid.apply_filter("orge d")
        assert grid.index_of_key(key) is None


async def test_empty_grid_shows_message() -> None:
    app = GridApp([])
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        await pilot.pause()
        assert grid.row_count == 0 and grid.cursor_key is None
        assert "Aucun article" in screen_text(app)
        await pilot.press("enter", "f2", "down", "end")
        assert not grid.is_editing and app.activated == []


async def test_filter_without_match_shows_message() -> None:
    app = GridApp(make_rows(10))
    async with app.run_test(size=(80, 24)) as pilot:
        app.grid.apply_filter("zzz")
        await pilot.pause()
        assert app.grid.row_count == 0
        assert "correspond" in screen_text(app)


# --------------------------------------------------------------------------- snapshots

SNAP_COLUMNS = [
    GridColumn("code", "Code ETA", width=9),
    GridColumn("label", "Libellé"),
    GridColumn("unit", "Unité", width=5, align="center"),
    GridColumn("price", "Prix HT", width=9, align="right"),
    GridColumn("gc", "Code GC", width=10, editable=True),
]


def snap_rows() -> list[GridRow]:
    rows = []
    for i in range(60):
        label = LABELS[i % len(LABELS)]
        if i % 7 == 3:
            label += " conditionnement big-bag 600 kg livraison comprise"
        gc = "" if i % 4 == 1 else f"GC-{100 + i}"
        cells = (f"ETA{i:04d}", label, "kg" if i % 2 else "ha", f"{12.5 * i:,.2f}", gc)
        rows.append(GridRow(i, cells, style="missing" if not gc else ""))
    return rows


class SnapApp(GridApp):
    def __init__(self, rows: list[GridRow] | None = None) -> None:
        super().__init__(snap_rows() if rows is None else rows, SNAP_COLUMNS, hook=Store())

    def on_mount(self) -> None:
        super().on_mount()
        missing = sum(1 for row in self._rows if row.style == "missing")
        self.panel.status_extra = f"{missing} articles sans correspondance"


def test_snapshot_grid(snap_compare) -> None:
    assert snap_compare(SnapApp(), terminal_size=(80, 24), press=["down", "down", "tab"])


def test_snapshot_grid_filtered(snap_compare) -> None:
    assert snap_compare(SnapApp(), terminal_size=(80, 24), press=["slash", *"ble", "enter"])


def test_snapshot_grid_editing_with_error(snap_compare) -> None:
    assert snap_compare(
        SnapApp(),
        terminal_size=(80, 24),
        press=["end", "up", "up", "tab", *"X12", "enter"],
    )


def test_snapshot_grid_empty(snap_compare) -> None:
    assert snap_compare(SnapApp([]), terminal_size=(80, 24))


async def test_a_line_painted_while_styles_are_gone_does_not_raise() -> None:
    # At teardown Textual may paint a grid whose component styles are already gone: the app
    # must close without a traceback, and the next pass with styles paints them again.
    app = GridApp(make_rows(5))
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.grid
        saved = dict(grid._component_styles)
        grid._component_styles.clear()
        grid._styles_memo = None
        grid._pass_styles = None
        header, first = grid.render_lines(Region(0, 0, grid.size.width, 2))
        assert "Code ETA" in header.text
        assert "Blé tendre" in first.text
        assert grid._styles_memo is None
        grid._component_styles.update(saved)
        styled = grid.get_component_rich_style("datagrid--header")
        assert grid._grid_styles().header == styled
        await pilot.pause()


def test_overlapping_bulk_allocations_keep_the_collector_off_until_the_last_ends() -> None:
    import gc

    from econnect_tui.tui.widgets.grid import bulk_allocation

    assert gc.isenabled()
    first, second = bulk_allocation(), bulk_allocation()
    first.__enter__()
    second.__enter__()  # a worker's read while the UI thread builds rows
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the worker is still building
    second.__exit__(None, None, None)
    assert gc.isenabled()
