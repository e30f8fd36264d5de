"""A fast, lazy, keyboard-first grid (`DataGrid`) and its panel with filter and status line.

`DataGrid` is a Line API widget: it keeps the rows in a plain Python list and renders only the
lines on screen, so opening or filtering 50,000 rows costs list work, not widget work (a Textual
`DataTable` measures every cell and blocks the event loop for seconds at that size).

Rows are `GridRow(key, cells, search, style)`. `search` is the accent-insensitive lowercase text
the filter looks into (`fold()` of the words to find); when left empty it is derived from the
cells. Keys must be unique (a later duplicate hides an earlier one in key lookups).

Editing (columns with `editable=True`): Enter, F2, Delete/Backspace or a printable character opens
a `CellEditor` over the cell. On commit the grid calls `commit_hook(row_key, column_key, text)`
synchronously:

- it returns None when the value is accepted (and saved by the owner). If the owner called
  `replace_row(key, ...)` during the hook, that row is shown as is (the way to update other cells,
  the row style or `search`); otherwise the grid puts the new text in the cell itself (and
  re-derives `search` when it was derived from the cells).
- it returns a French error message when the value is refused: the editor stays open with the
  typed text and shows the message. Keys typed ahead behind a refused value (a scanner's next
  codes) are never entered: the editor counts them under the message.

Without a hook, edits are accepted and only kept in memory. After an accepted commit the grid
posts `CellEdited` and moves: down one row after Enter (to type a column of codes in one go),
to the next editable cell after Tab. An unchanged value is not sent to the hook.

Rows replaced with `replace_row` stay visible under the current filter until the filter (or the
rows) change again, so a row does not vanish under the cursor while the operator edits it.
"""

from __future__ import annotations

import gc
import re
import threading
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from econnect_tui import french
from econnect_tui.errors import failure_reason
from econnect_tui.text import escape_controls, fold, fold_all
from econnect_tui.tui.widgets.cell_editor import CellEditor, EditMove

__all__ = [
    "ROW_MARKERS",
    "CommitHook",
    "DataGrid",
    "GridColumn",
    "GridPanel",
    "GridRow",
    "bulk_allocation",
    "fold",
    "format_count",
]

CommitHook = Callable[[Hashable, str, str], "str | None"]
"""(row key, column key, new text) -> None when accepted, else a French error message."""

ROW_MARKERS: dict[str, str] = {
    "missing": "!",
    "error": "✗",
    "warning": "!",
    "ok": "✓",
    "new": "+",
    "muted": " ",
}
"""Row style names the grid knows, with the marker shown in the left gutter. Each has the
component classes `datagrid--row-<name>` (whole row) and `datagrid--marker-<name>` (marker)."""

_GUTTER = 1  # marker column on the left of every line
_PAD = 1  # blank cells on each side of a cell's text
# Unicode blocks of combining diacritical marks (a fast path for unicodedata.combining).
_COMBINING_BLOCKS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
# A cell is one line: its line breaks and tabs are spaces; any other control character is
# shown as its code (`escape_controls`), never sent to the terminal.
_LINE_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def _one_line(text: str) -> str:
    return escape_controls(text.translate(_LINE_BREAKS))


def _one_line_text(text: Text) -> Text:
    """`_one_line` of a styled cell, each piece keeping its style."""
    plain = text.plain
    flat = plain.translate(_LINE_BREAKS)
    if flat.isprintable():
        text = text.copy()
        text.plain = flat
        return text
    cuts = sorted({cut for i, ch in enumerate(flat) if not ch.isprintable() for cut in (i, i + 1)})
    shown = Text(style=text.style, end="")
    for piece in text.divide(cuts):
        escaped = _one_line(piece.plain)
        if escaped != piece.plain:
            piece = Text(escaped, spans=[Span(0, len(escaped), s.style) for s in piece.spans])
        shown.append_text(piece)
    return shown


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _derived_search(cells: Sequence[str | Text]) -> str:
    return fold(" ".join(_plain(cell) for cell in cells))


_bulk_lock = threading.Lock()
_bulk_users = 0
_bulk_reenable = False


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """No cyclic garbage collection while a screen reads and builds tens of thousands of rows:
    they all live on, and the collector's passes over them cost as much as building them
    (50,000 correspondence rows: 80 ms instead of 150-250; 200,000 documents: seconds).
    Counted: a worker thread's use and the UI thread's may overlap; the last one out puts the
    collector back as the first one in found it."""
    global _bulk_users, _bulk_reenable
    with _bulk_lock:
        if _bulk_users == 0:
            _bulk_reenable = gc.isenabled()
            gc.disable()
        _bulk_users += 1
    try:
        yield
    finally:
        with _bulk_lock:
            _bulk_users -= 1
            if _bulk_users == 0 and _bulk_reenable:
                gc.enable()


def format_count(number: int) -> str:
    """French thousands separator (no-break space): 50000 -> '50 000'."""
    return french.count(number)


@dataclass(frozen=True)
class GridColumn:
    key: str
    label: str
    width: int | None = None
    """Fixed width of the text; None = share the remaining width (at least `min_width`)."""
    min_width: int = 4
    align: Literal["left", "right", "center"] = "left"
    editable: bool = False


@dataclass(frozen=True, slots=True)
class GridRow:
    key: Hashable
    cells: tuple[str | Text, ...]
    search: str = ""
    """Folded text the filter looks into; empty = derived from the cells."""
    style: str = ""
    """Optional row style name, one of ROW_MARKERS (e.g. "missing")."""

    def __post_init__(self) -> None:
        if not self.search:
            object.__setattr__(self, "search", _derived_search(self.cells))


def folded_rows(
    keys: Sequence[Hashable], cells: Sequence[tuple[str, ...]], styles: Sequence[str]
) -> list[GridRow]:
    """Rows of plain-text cells whose search texts are folded in one pass over the whole list
    (`fold_all`), where `GridRow` would fold each row apart: a list of tens of thousands."""
    searches = fold_all([" ".join(row) for row in cells])
    return list(map(GridRow, keys, cells, searches, styles))


@dataclass
class _Styles:
    """Rich styles of one render pass."""

    base: Style
    header: Style
    header_editable: Style
    cursor: Style
    cursor_cell: Style
    empty: Style
    rows: dict[str, Style]
    markers: dict[str, Style]


class DataGrid(ScrollView, can_focus=True):
    """Lazy grid rendering only the visible lines. See the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "activate", "Ouvrir"),
        Binding("enter", "edit", "Modifier", show=False),
        # Typing or Enter edits too: kept out of the footer (F2 is also the mode bar's Accueil).
        Binding("f2", "edit", "Modifier", show=False, id="grid.edit"),
        Binding("delete,backspace", "clear_cell", "Effacer", show=False),
        Binding("up", "cursor_up", "Ligne précédente", show=False),
        Binding("down", "cursor_down", "Ligne suivante", show=False),
        Binding("pageup", "cursor_page_up", "Page précédente", show=False),
        Binding("pagedown", "cursor_page_down", "Page suivante", show=False),
        Binding("home,ctrl+home", "cursor_first", "Première ligne", show=False),
        Binding("end,ctrl+end", "cursor_last", "Dernière ligne", show=False),
        Binding("left", "cursor_left", "Colonne précédente", show=False),
        Binding("right", "cursor_right", "Colonne suivante", show=False),
        Binding("tab", "next_cell", "Cellule suivante", show=False),
        Binding("shift+tab", "previous_cell", "Cellule précédente", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datagrid--header",
        "datagrid--header-editable",
        "datagrid--cursor",
        "datagrid--cursor-cell",
        "datagrid--empty",
        *(f"datagrid--row-{name}" for name in ROW_MARKERS),
        *(f"datagrid--marker-{name}" for name in ROW_MARKERS),
    }

    DEFAULT_CSS = """
    DataGrid {
        height: 1fr;
        min-height: 3;
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;

        & > .datagrid--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .datagrid--header-editable {
            color: $text-accent;
            text-style: bold underline;
        }
        & > .datagrid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .datagrid--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .datagrid--cursor-cell {
            background: $foreground 15%;
            text-style: bold;
        }
        &:focus > .datagrid--cursor-cell {
            background: $accent;
            color: $text;
            text-style: bold;
        }
        & > .datagrid--empty {
            color: $text-muted;
            text-style: italic;
        }
        & > .datagrid--row-missing { color: $text-warning; }
        & > .datagrid--row-warning { color: $text-warning; }
        & > .datagrid--row-error { color: $text-error; }
        & > .datagrid--row-ok { }
        & > .datagrid--row-new { color: $text-success; }
        & > .datagrid--row-muted { color: $text-muted; }
        & > .datagrid--marker-missing { color: $warning; text-style: bold; }
        & > .datagrid--marker-warning { color: $warning; text-style: bold; }
        & > .datagrid--marker-error { color: $error; text-style: bold; }
        & > .datagrid--marker-ok { color: $success; }
        & > .datagrid--marker-new { color: $success; text-style: bold; }
        & > .datagrid--marker-muted { color: $text-muted; }

        &:ansi {
            & > .datagrid--header {
                background: ansi_blue;
                color: ansi_bright_white;
            }
            & > .datagrid--header-editable {
                color: ansi_bright_yellow;
            }
            &:focus > .datagrid--cursor-cell {
                background: ansi_yellow;
                color: ansi_black;
            }
        }
    }
    """

    class _GridMessage(Message):
        """A message of this grid; `control` makes `@on(DataGrid.X, "#id")` selectors work."""

        def __init__(self, grid: DataGrid) -> None:
            super().__init__()
            self.grid = grid

        @property
        def control(self) -> DataGrid:
            return self.grid

    class CursorMoved(_GridMessage):
        """The cursor moved to another row (or the row under it changed key)."""

        def __init__(self, grid: DataGrid, index: int, key: Hashable | None) -> None:
            super().__init__(grid)
            self.index = index
            self.key = key

    class RowActivated(_GridMessage):
        """Enter on a non-editable cell (or a double click)."""

        def __init__(self, grid: DataGrid, index: int, key: Hashable) -> None:
            super().__init__(grid)
            self.index = index
            self.key = key

    class CellEdited(_GridMessage):
        """An edit was accepted by the commit hook (posted after the grid shows it)."""

        def __init__(
            self, grid: DataGrid, key: Hashable, column_key: str, old: str, new: str
        ) -> None:
            super().__init__(grid)
            self.key = key
            self.column_key = column_key
            self.old = old
            self.new = new

    class RowsChanged(_GridMessage):
        """The number of visible or total rows changed (set_rows or filter)."""

        def __init__(self, grid: DataGrid, visible: int, total: int) -> None:
            super().__init__(grid)
            self.visible = visible
            self.total = total

    reserved_keys: frozenset[str] = frozenset({"slash"})
    """Key names (Textual's: "slash", "n", "question_mark"...) that never start an edit on an
    editable cell, left to the owner's bindings (`/` = filter). Every other printable key starts
    editing there, like a spreadsheet, even when a screen binds it: an owner binding plain letters
    next to an editable grid adds them here (`grid.reserved_keys |= {"n"}`). Space never starts
    an edit."""

    def __init__(
        self,
        columns: Iterable[GridColumn] = (),
        rows: Iterable[GridRow] = (),
        *,
        empty_text: str = "Aucune ligne",
        commit_hook: CommitHook | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._empty_text = empty_text
        self._empty_filter_text = "Aucune ligne ne correspond au filtre « {filter} »"
        self.commit_hook: CommitHook | None = commit_hook
        self._columns: tuple[GridColumn, ...] = ()
        self._rows: list[GridRow] = []
        self._key_index: dict[Hashable, int] = {}
        self._visible: list[int] | None = None  # indices into _rows; None = every row
        self._filter_text = ""
        self._filter_words: tuple[str, ...] = ()
        self._cursor_row = 0
        self._cursor_column = 0
        self._last_cursor_key: Hashable | None = None
        self._wanted_key: Hashable | None = None  # select_key(when_shown=True) not found yet
        self._column_layout: tuple[int, list[int], list[int]] | None = None
        self._new_size = False
        self._virtual_size_laid_out: Size | None = None
        self._editing: tuple[Hashable, int] | None = None
        self._editor: CellEditor | None = None
        self._typeahead: deque[str] = deque()
        self._typeahead_time: float | None = None  # when the last typed-ahead key came
        self._had_rows = False
        self._styles_memo: tuple[tuple[object, ...], _Styles] | None = None
        self.set_columns(columns)
        if rows:
            self.set_rows(rows)

    # ------------------------------------------------------------------ data

    @property
    def empty_text(self) -> str:
        """Centered message when the grid has no rows."""
        return self._empty_text

    @empty_text.setter
    def empty_text(self, text: str) -> None:
        self._empty_text = text
        self.refresh()

    @property
    def empty_filter_text(self) -> str:
        """Centered message when the filter hides every row ({filter} = the filter text)."""
        return self._empty_filter_text

    @empty_filter_text.setter
    def empty_filter_text(self, text: str) -> None:
        self._empty_filter_text = text
        self.refresh()

    @property
    def columns(self) -> tuple[GridColumn, ...]:
        return self._columns

    def set_columns(self, columns: Iterable[GridColumn]) -> None:
        self._columns = tuple(columns)
        self._column_layout = None
        self._cursor_column = min(self._cursor_column, max(len(self._columns) - 1, 0))
        self._update_virtual_size()
        self.refresh()

    def column_index(self, column_key: str) -> int:
        """Index of a column by key (ValueError when unknown)."""
        for index, column in enumerate(self._columns):
            if column.key == column_key:
                return index
        raise ValueError(f"unknown column {column_key!r}")

    def set_rows(self, rows: Iterable[GridRow]) -> None:
        """Replace every row; the filter is applied again and the cursor stays on its key."""
        key = self.cursor_key
        self._rows = list(rows)
        self._key_index = {row.key: index for index, row in enumerate(self._rows)}
        if self._wanted_key is not None and self._wanted_key in self._key_index:
            key, self._wanted_key = self._wanted_key, None
        self._compute_visible()
        self._after_rows_changed(key)

    def replace_row(self, key: Hashable, row: GridRow) -> None:
        """Replace one row in O(1) and refresh its line only (KeyError when the key is unknown).

        The row keeps its place even if it no longer matches the filter."""
        index = self._key_index[key]
        if row.key != key:
            del self._key_index[key]
            self._key_index[row.key] = index
        self._rows[index] = row
        position = self._position_of_index(index)
        if position is not None:
            self.refresh_line(position + 1)
            if position == self._cursor_row:
                self._last_cursor_key = row.key

    def get_row(self, index: int) -> GridRow:
        """Visible row at `index` (IndexError when out of range)."""
        if index < 0:
            raise IndexError(index)
        if self._visible is None:
            return self._rows[index]
        return self._rows[self._visible[index]]

    def get_row_by_key(self, key: Hashable) -> GridRow | None:
        index = self._key_index.get(key)
        return None if index is None else self._rows[index]

    def index_of_key(self, key: Hashable) -> int | None:
        """Visible index of a key, None when unknown or filtered out."""
        index = self._key_index.get(key)
        return None if index is None else self._position_of_index(index)

    @property
    def row_count(self) -> int:
        """Number of visible rows (after the filter)."""
        return len(self._rows) if self._visible is None else len(self._visible)

    @property
    def total_count(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> Sequence[GridRow]:
        """Every row, filter ignored (do not mutate: use set_rows / replace_row)."""
        return self._rows

    # ---------------------------------------------------------------- filter

    @property
    def filter_text(self) -> str:
        return self._filter_text

    @filter_text.setter
    def filter_text(self, text: str) -> None:
        self.apply_filter(text)

    def apply_filter(self, text: str) -> None:
        """Show only rows whose `search` contains every word of `fold(text)`."""
        words = tuple(fold(text).split())
        self._filter_text = text
        if words == self._filter_words:
            return
        key = self.cursor_key
        self._filter_words = words
        self._compute_visible()
        self._after_rows_changed(key, fallback_first=True)

    def _compute_visible(self) -> None:
        if not self._filter_words:
            self._visible = None
            return
        rows = self._rows
        # One plain comprehension per word, the longest (most selective) first.
        words = sorted(self._filter_words, key=len, reverse=True)
        first = words[0]
        visible = [index for index, row in enumerate(rows) if first in row.search]
        for word in words[1:]:
            visible = [index for index in visible if word in rows[index].search]
        self._visible = visible

    def _position_of_index(self, index: int) -> int | None:
        visible = self._visible
        if visible is None:
            return index
        position = bisect_left(visible, index)
        if position < len(visible) and visible[position] == index:
            return position
        return None

    def _after_rows_changed(self, key: Hashable | None, fallback_first: bool = False) -> None:
        position = self.index_of_key(key) if key is not None else None
        if position is None:
            position = 0 if fallback_first else self._cursor_row
        self._cursor_row = max(0, min(position, self.row_count - 1))
        self._update_virtual_size()
        self.refresh()
        self._scroll_cursor_into_view()
        self._notify_cursor()
        self.post_message(self.RowsChanged(self, self.row_count, self.total_count))
        if (self.row_count > 0) != self._had_rows:
            self._had_rows = self.row_count > 0
            self.refresh_bindings()

    # ---------------------------------------------------------------- cursor

    @property
    def cursor_row(self) -> int:
        return self._cursor_row

    @property
    def cursor_column(self) -> int:
        return self._cursor_column

    @property
    def cursor_key(self) -> Hashable | None:
        if not self.row_count:
            return None
        return self.get_row(self._cursor_row).key

    @property
    def cursor_column_key(self) -> str | None:
        return self._columns[self._cursor_column].key if self._columns else None

    @property
    def has_editable_columns(self) -> bool:
        return any(column.editable for column in self._columns)

    @property
    def is_editing(self) -> bool:
        return self._editing is not None

    @property
    def editor(self) -> CellEditor | None:
        """The open cell editor, if any."""
        return self._editor if self._editing is not None else None

    def move_cursor(
        self, row: int | None = None, column: int | None = None, *, scroll: bool = True
    ) -> None:
        """Move the cursor (values are clamped); scrolls it into view."""
        old_row, old_column = self._cursor_row, self._cursor_column
        if row is not None:
            self._cursor_row = max(0, min(row, self.row_count - 1))
            if self._cursor_row != old_row:
                self._wanted_key = None  # the operator moved on: not taken back there later
        if column is not None and self._columns:
            self._cursor_column = max(0, min(column, len(self._columns) - 1))
        if (old_row, old_column) == (self._cursor_row, self._cursor_column):
            if scroll:
                self._scroll_cursor_into_view()
            return
        self.refresh_line(old_row + 1)
        self.refresh_line(self._cursor_row + 1)
        if scroll:
            self._scroll_cursor_into_view()
        if old_column != self._cursor_column and self._columns:
            was = self._columns[old_column].editable if old_column < len(self._columns) else None
            if was != self._columns[self._cursor_column].editable:
                self.refresh_bindings()
        self._notify_cursor()

    def select_key(self, key: Hashable, *, when_shown: bool = False) -> bool:
        """Move the cursor to the row of `key`; False when unknown or filtered out. With
        `when_shown`, a key not among the rows yet is selected by the `set_rows` that brings it
        (a list still being read), unless the cursor was moved meanwhile."""
        position = self.index_of_key(key)
        if position is None:
            if when_shown and key not in self._key_index:
                self._wanted_key = key
            return False
        self.move_cursor(row=position)
        return True

    def _notify_cursor(self) -> None:
        key = self.cursor_key
        if key != self._last_cursor_key or not self.row_count:
            self._last_cursor_key = key
            self.post_message(self.CursorMoved(self, self._cursor_row, key))

    @property
    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        if not self.is_mounted:
            return
        height = self._page_height
        top = round(self.scroll_y)
        row = self._cursor_row
        if row < top:
            self.scroll_to(y=row, animate=False, force=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, force=True)
        if not self._columns:
            return
        width = self.scrollable_content_region.width
        widths, offsets = self._layout(width)
        start = offsets[self._cursor_column]
        end = min(start + widths[self._cursor_column] + 2 * _PAD, self.virtual_size.width)
        left = round(self.scroll_x)
        if start - _GUTTER < left:
            self.scroll_to(x=max(0, start - _GUTTER), animate=False, force=True)
        elif end > left + width:
            self.scroll_to(x=end - width, animate=False, force=True)

    # --------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "activate":
            return self.row_count > 0 and not self._columns[self._cursor_column].editable
        if action == "edit":
            return self.row_count > 0 and self.has_editable_columns
        if action in ("next_cell", "previous_cell"):
            return self.has_editable_columns
        if action == "clear_cell":
            return self.row_count > 0 and self._columns[self._cursor_column].editable
        return True

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor_row + 1)

    def action_cursor_page_up(self) -> None:
        page = self._page_height
        self.scroll_to(y=max(0, round(self.scroll_y) - page), animate=False, force=True)
        self.move_cursor(row=self._cursor_row - page)

    def action_cursor_page_down(self) -> None:
        page = self._page_height
        self.scroll_to(y=round(self.scroll_y) + page, animate=False, force=True)
        self.move_cursor(row=self._cursor_row + page)

    def action_cursor_first(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_last(self) -> None:
        self.move_cursor(row=self.row_count - 1)

    def action_cursor_left(self) -> None:
        self.move_cursor(column=self._cursor_column - 1)

    def action_cursor_right(self) -> None:
        self.move_cursor(column=self._cursor_column + 1)

    def action_next_cell(self) -> None:
        self._move_to_editable(+1)

    def action_previous_cell(self) -> None:
        self._move_to_editable(-1)

    def action_activate(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowActivated(self, self._cursor_row, key))

    def action_edit(self) -> None:
        if not self._columns[self._cursor_column].editable:
            editable = [i for i, column in enumerate(self._columns) if column.editable]
            if not editable:
                return
            self.move_cursor(column=editable[0])
        self.start_edit()

    def action_clear_cell(self) -> None:
        self.start_edit("")

    def _move_to_editable(self, step: int) -> bool:
        """Next/previous editable cell, wrapping to the next/previous row. False at the ends."""
        editable = [i for i, column in enumerate(self._columns) if column.editable]
        if not editable or not self.row_count:
            return False
        row, column = self._cursor_row, self._cursor_column
        if step > 0:
            after = [i for i in editable if i > column]
            if after:
                self.move_cursor(column=after[0])
                return True
            if row + 1 < self.row_count:
                self.move_cursor(row=row + 1, column=editable[0])
                return True
        else:
            before = [i for i in editable if i < column]
            if before:
                self.move_cursor(column=before[-1])
                return True
            if row > 0:
                self.move_cursor(row=row - 1, column=editable[-1])
                return True
        return False

    def on_key(self, event: events.Key) -> None:
        # Keys that arrive while an editor is still opening (fast typing, a barcode scanner,
        # tmux send-keys) are typed ahead: replayed in order once it is ready, never lost.
        pending = self._editing is not None and not (self._editor and self._editor.ready)
        if (self._typeahead or pending) and (
            event.key == "enter" or (event.is_printable and event.character)
        ):
            event.stop()
            event.prevent_default()
            self._typeahead.append("\r" if event.key == "enter" else event.character)
            self._typeahead_time = event.time
            self._pump_typeahead()
            return
        # Spreadsheet behaviour: a printable character on an editable cell starts editing with it.
        if (
            self._editing is None
            and event.is_printable
            and event.character
            and event.character != " "
            and event.key not in self.reserved_keys
            and self.row_count
            and self._columns
            and self._columns[self._cursor_column].editable
        ):
            event.stop()
            event.prevent_default()
            self.start_edit(event.character)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1 or not self.row_count:
            return
        row = offset.y - 1 + round(self.scroll_y)
        if row >= self.row_count:
            return
        x = offset.x + round(self.scroll_x)
        widths, offsets = self._layout(self.scrollable_content_region.width)
        column = self._cursor_column
        for index, start in enumerate(offsets):
            if start <= x < start + widths[index] + 2 * _PAD:
                column = index
                break
        self.move_cursor(row=row, column=column)
        if event.chain == 2:
            if self._columns and self._columns[self._cursor_column].editable:
                self.start_edit()
            else:
                self.action_activate()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Each layout of the screen gives a ScrollView its region's size as `virtual_size`,
        # never the grid's own (rows x columns, `_update_virtual_size`): ScrollView took every
        # layout for a change and repainted the scrollbar, and under a window (F1, a menu) that
        # repaint became the whole screen written again. While the grid's own size is the one
        # the last layout saw, it is compared with itself: only a real change counts. (Textual
        # 8.2: ScrollView._size_updated reads `virtual_size` only for that comparison; check it
        # on an upgrade.)
        if self.virtual_size == self._virtual_size_laid_out:
            virtual_size = self.virtual_size
        self._virtual_size_laid_out = self.virtual_size
        self._new_size = size != self._size
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self, event: events.Resize) -> None:
        self._column_layout = None
        # A new size (the `/` filter opened above the grid, the terminal resized) was painted
        # whole by the layout that gave it (ScrollView marks itself dirty then): painting it
        # again here wrote every line twice. Only a new container (a scrollbar shown) needs it.
        if not self._new_size:
            self.refresh()
        self._scroll_cursor_into_view()

    # --------------------------------------------------------------- editing

    def start_edit(self, initial: str | None = None) -> bool:
        """Open the editor on the cursor cell; `initial` replaces the value (None = keep it)."""
        if self._editing is not None or not self.row_count or not self._columns:
            return False
        column = self._cursor_column
        if not self._columns[column].editable:
            return False
        self._scroll_cursor_into_view()
        row = self.get_row(self._cursor_row)
        value = _plain(row.cells[column]) if column < len(row.cells) else ""
        if initial is not None:
            value = initial
        self._editing = (row.key, column)
        self._editor = CellEditor(self, value)
        self.app.push_screen(self._editor)
        return True

    def cursor_cell_screen_region(self) -> Region | None:
        """Screen region of the cursor cell (padding included), clipped to the grid's content.

        Virtual position minus the scroll offset, plus the content region's offset on screen."""
        if not self.row_count or not self._columns:
            return None
        content = self.scrollable_content_region
        widths, offsets = self._layout(content.width)
        column = self._cursor_column
        scroll_x, scroll_y = self.scroll_offset
        region = Region(
            content.x + offsets[column] - scroll_x,
            content.y + 1 + self._cursor_row - scroll_y,
            widths[column] + 2 * _PAD,
            1,
        )
        return region.intersection(content)

    def _commit_edit(self, value: str, move: EditMove) -> str | None:
        """Called by the editor. Returns an error message, or None when accepted."""
        if self._editing is None:
            return None
        key, column_index = self._editing
        row = self.get_row_by_key(key)
        if row is None:  # the rows were reloaded under the editor
            self._editing = None
            self.notify("La ligne n'existe plus : modification abandonnée.", severity="warning")
            return None
        column = self._columns[column_index]
        old = _plain(row.cells[column_index]) if column_index < len(row.cells) else ""
        if value != old:
            if self.commit_hook is not None:
                try:
                    error = self.commit_hook(key, column.key, value)
                except Exception as exc:  # keep the operator's text instead of crashing
                    self.log.error(f"commit_hook failed on {key!r}/{column.key}: {exc!r}")
                    error = f"Enregistrement impossible : {failure_reason(exc)}"
                if error:
                    return error
            current = self.get_row_by_key(key)
            if current is row:  # the owner did not replace the row: show the value ourselves
                cells = list(row.cells)
                cells.extend([""] * (column_index + 1 - len(cells)))
                cells[column_index] = value
                derived = row.search == _derived_search(row.cells)
                self.replace_row(
                    key, GridRow(key, tuple(cells), "" if derived else row.search, row.style)
                )
            self.post_message(self.CellEdited(self, key, column.key, old, value))
        self._editing = None
        self.focus()
        if move == "down":
            self.move_cursor(row=self._cursor_row + 1)
        elif move == "up":
            self.move_cursor(row=self._cursor_row - 1)
        elif move == "next":
            self._move_to_editable(+1)
        elif move == "previous":
            self._move_to_editable(-1)
        return None

    def _cancel_edit(self) -> None:
        self._editing = None
        self._typeahead.clear()
        self.focus()

    def on_paste(self, event: events.Paste) -> None:
        """A pasted column of codes (one per line, e.g. copied from a spreadsheet) fills the
        column downwards from the cursor, each line saved through the commit hook; an empty
        line leaves its row as it is."""
        if self._editing is not None or not self.row_count or not self._columns:
            return
        if not self._columns[self._cursor_column].editable:
            return
        event.stop()
        for line in event.text.splitlines():
            value = line.strip()
            if value:
                self._typeahead.extend(value)
                self._typeahead.append("\r")
            else:
                self._typeahead.append("\n")  # skip this row
        self._typeahead_time = event.time
        self._pump_typeahead()

    def type_ahead(self, event: events.Key) -> bool:
        """A key for the grid that reached its closing editor: replayed here, in order."""
        if event.key == "enter":
            self._typeahead.append("\r")
        elif event.is_printable and event.character:
            self._typeahead.append(event.character)
        else:
            return False
        self._typeahead_time = event.time
        self._pump_typeahead()
        return True

    def _pump_typeahead(self) -> None:
        """Replays typed-ahead keys in order: characters into the open editor (or opening one,
        like typing on the cell), Enter committing it. Resumed by each editor when ready."""
        while self._typeahead:
            if self._editing is not None:
                editor = self._editor
                if editor is None or not editor.ready:
                    return
                key = self._typeahead.popleft()
                if key != "\r":
                    editor.feed(key)
                    continue
                editor.action_commit("down")
                if self._editing is not None:
                    # Refused: the editor keeps the value and says why; what was typed after it
                    # is counted there, never saved (it was meant for the following rows).
                    editor.ignore_typed_ahead(self._typeahead, self._typeahead_time)
                    self._typeahead.clear()
                    return
            else:
                key = self._typeahead.popleft()
                if key == "\n":
                    self.move_cursor(row=self._cursor_row + 1)
                elif key != "\r" and not self.start_edit(key):
                    self._typeahead.clear()
                    return

    # ------------------------------------------------------------- rendering

    def _min_content_width(self) -> int:
        return _GUTTER + sum(
            (column.width if column.width is not None else column.min_width) + 2 * _PAD
            for column in self._columns
        )

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._min_content_width(), self.row_count + 1)

    def _layout(self, available: int) -> tuple[list[int], list[int]]:
        """Text widths and x offsets (cell start, padding included) of the columns."""
        cache = self._column_layout
        if cache is not None and cache[0] == available:
            return cache[1], cache[2]
        columns = self._columns
        flexible = [i for i, column in enumerate(columns) if column.width is None]
        widths = [
            column.width if column.width is not None else column.min_width for column in columns
        ]
        # The last column's right padding goes to the text: the edge or the scrollbar already
        # separates it (« Statut / Correspondance Gestion Commerciale » fits at 80 columns).
        spare = available - self._min_content_width() + _PAD
        if flexible and spare > 0:
            share, extra = divmod(spare, len(flexible))
            for rank, index in enumerate(flexible):
                widths[index] += share + (1 if rank < extra else 0)
        offsets = []
        x = _GUTTER
        for width in widths:
            offsets.append(x)
            x += width + 2 * _PAD
        self._column_layout = (available, widths, offsets)
        return widths, offsets

    def notify_style_update(self) -> None:
        self._styles_memo = None
        super().notify_style_update()

    def _grid_styles(self) -> _Styles:
        # Textual clears its component style cache on every refresh: keep ours until the CSS,
        # the focus or the theme change.
        key = (self.has_focus, self.app.theme, self.app.ansi_color)
        memo = self._styles_memo
        if memo is not None and memo[0] == key:
            return memo[1]
        styles = self._compute_grid_styles()
        if styles is None:
            # Component styles are gone while the app tears down (or not applied yet): paint
            # plain and keep no memo.
            base = self.rich_style
            plain = dict.fromkeys(ROW_MARKERS, base)
            return _Styles(base, base, base, base, base, base, plain, plain)
        self._styles_memo = (key, styles)
        return styles

    def _compute_grid_styles(self) -> _Styles | None:
        # Full component styles: they resolve `auto` colours and alpha against the background
        # (partial ones do not). Overlays that must keep the background under them (markers,
        # editable header labels) only take the foreground of theirs.
        if not set(self.COMPONENT_CLASSES) <= self._component_styles.keys():
            return None
        get = self.get_component_rich_style
        return _Styles(
            base=self.rich_style,
            header=get("datagrid--header"),
            header_editable=_foreground(get("datagrid--header-editable")),
            cursor=get("datagrid--cursor"),
            cursor_cell=get("datagrid--cursor-cell"),
            empty=get("datagrid--empty"),
            rows={name: get(f"datagrid--row-{name}") for name in ROW_MARKERS},
            markers={name: _foreground(get(f"datagrid--marker-{name}")) for name in ROW_MARKERS},
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass_styles = self._grid_styles()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        styles = getattr(self, "_pass_styles", None) or self._grid_styles()
        width = self.size.width
        content_width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            segments = self._header_segments(content_width, styles)
            return Strip(segments).crop_extend(scroll_x, scroll_x + width, styles.header)
        if not self.row_count:
            return self._empty_line(y, width, styles)
        index = y - 1 + scroll_y
        if index >= self.row_count:
            return Strip.blank(width, styles.base)
        segments = self._row_segments(index, content_width, styles)
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, styles.base)

    def _empty_line(self, y: int, width: int, styles: _Styles) -> Strip:
        height = self.scrollable_content_region.height
        if y != max(1, height // 2):
            return Strip.blank(width, styles.base)
        if self._filter_words and self._rows:
            message = self.empty_filter_text.format(filter=self._filter_text.strip())
        else:
            message = self.empty_text
        if cell_len(message) > width:
            message = set_cell_size(message, max(width - 1, 0)) + "…"
        left = (width - cell_len(message)) // 2
        right = width - left - cell_len(message)
        return Strip(
            [
                Segment(" " * left, styles.base),
                Segment(message, styles.base + styles.empty),
                Segment(" " * right, styles.base),
            ]
        )

    def _header_segments(self, width: int, styles: _Styles) -> list[Segment]:
        widths, _ = self._layout(width)
        segments = [Segment(" " * _GUTTER, styles.header)]
        for column, text_width in zip(self._columns, widths, strict=True):
            style = styles.header + styles.header_editable if column.editable else styles.header
            segments.append(_cell_segment(column.label, text_width, column.align, style))
        return segments

    def _row_segments(self, index: int, width: int, styles: _Styles) -> list[Segment]:
        widths, _ = self._layout(width)
        row = self.get_row(index)
        is_cursor = index == self._cursor_row
        style = styles.base
        marker = " " * _GUTTER
        marker_style = style
        if row.style in ROW_MARKERS:
            style = style + styles.rows[row.style]
            marker = ROW_MARKERS[row.style]
        if is_cursor:
            style = style + styles.cursor
        marker_style = style + styles.markers[row.style] if row.style in ROW_MARKERS else style
        segments = [Segment(marker, marker_style)]
        cells = row.cells
        count = len(cells)
        cursor_column = self._cursor_column if is_cursor else -1
        for column_index, column in enumerate(self._columns):
            cell = cells[column_index] if column_index < count else ""
            cell_style = style
            if column_index == cursor_column and column.editable:
                cell_style = style + styles.cursor_cell
            if isinstance(cell, Text):
                segments.extend(
                    _text_segments(cell, widths[column_index], column.align, cell_style, self)
                )
            else:
                segments.append(_cell_segment(cell, widths[column_index], column.align, cell_style))
        return segments


def _foreground(style: Style) -> Style:
    """The colour and text attributes of `style`, without its background."""
    return Style(
        color=style.color,
        bold=style.bold,
        italic=style.italic,
        underline=style.underline,
        reverse=style.reverse,
    )


def _fit(text: str, width: int, align: str) -> str:
    """Truncate with an ellipsis or pad `text` to exactly `width` cells."""
    text = _one_line(text)
    length = len(text) if text.isascii() else cell_len(text)
    if length > width:
        if width <= 0:
            return ""
        return set_cell_size(text, width - 1) + "…"
    if length == width:
        return text
    gap = width - length
    if align == "right":
        return " " * gap + text
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


def _cell_segment(text: str, width: int, align: str, style: Style) -> Segment:
    pad = " " * _PAD
    return Segment(pad + _fit(text, width, align) + pad, style)


def _text_segments(
    text: Text, width: int, align: str, style: Style, widget: DataGrid
) -> list[Segment]:
    text = _one_line_text(text)
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    text.align(align, width)  # type: ignore[arg-type]
    pad = Segment(" " * _PAD, style)
    rendered = Segment.apply_style(text.render(widget.app.console), style)
    return [pad, *rendered, pad]


class _FilterInput(Input):
    """The panel's filter: Down/Enter go back to the grid, Escape clears and hides."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Valider"),
        Binding("down", "done", "Retour à la liste", show=False),
        Binding("escape", "clear", "Effacer le filtre"),
    ]

    def __init__(self, panel: GridPanel, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._panel = panel

    def action_done(self) -> None:
        self._panel.close_filter(clear=False)

    def action_clear(self) -> None:
        self._panel.close_filter(clear=True)


class GridPanel(Vertical):
    """A DataGrid with a `/` filter line above it and a status line under it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash,ctrl+f", "open_filter", "Filtrer", key_display="/", id="grid.filter"),
        Binding("escape", "clear_filter", "Effacer le filtre", show=False),
    ]

    DEFAULT_CSS = """
    GridPanel {
        height: 1fr;
        & > .grid-panel--filter-bar {
            display: none;
            height: 1;
            background: $surface;
            &.-visible { display: block; }
            & > .grid-panel--filter-label {
                width: auto;
                padding: 0 1;
                color: $text-accent;
                text-style: bold;
            }
            & > .grid-panel--filter {
                width: 1fr;
                padding: 0 1;
                background: $surface-lighten-1;
                &:focus { background: $surface-lighten-2; }
                &:ansi { background: ansi_default; }
            }
        }
        & > .grid-panel--status {
            height: 1;
            padding: 0 1;
            background: $panel;
            color: $foreground;
            &:ansi {
                background: ansi_default;
                color: ansi_default;
            }
        }
    }
    """

    def __init__(
        self,
        columns: Iterable[GridColumn] = (),
        rows: Iterable[GridRow] = (),
        *,
        empty_text: str = "Aucune ligne",
        commit_hook: CommitHook | None = None,
        unit: tuple[str, str] = ("ligne", "lignes"),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.unit = unit
        """(singular, plural) counted in the status line."""
        self.grid = DataGrid(
            columns, rows, empty_text=empty_text, commit_hook=commit_hook, id="grid"
        )
        self.filter_input = _FilterInput(
            self,
            placeholder="Filtrer (code ou libellé)…",
            compact=True,
            classes="grid-panel--filter",
            id="grid-filter",
        )
        self.filter_bar = Horizontal(
            Static("Filtre :", classes="grid-panel--filter-label"),
            self.filter_input,
            classes="grid-panel--filter-bar",
        )
        self.status = Static("", classes="grid-panel--status", id="grid-status", markup=False)
        self._status_extra = ""

    def compose(self) -> ComposeResult:
        yield self.filter_bar
        yield self.grid
        yield self.status

    def on_mount(self) -> None:
        self.update_status()

    @property
    def status_extra(self) -> str:
        return self._status_extra

    @status_extra.setter
    def status_extra(self, text: str) -> None:
        self._status_extra = text
        self.update_status()

    def status_text(self) -> str:
        grid = self.grid
        singular, plural = self.unit
        total = grid.total_count
        unit = singular if total <= 1 else plural
        if grid.filter_text.strip():
            text = f"{format_count(grid.row_count)} / {format_count(total)} {unit}"
        else:
            text = f"{format_count(total)} {unit}"
        if self._status_extra:
            text = f"{text} · {self._status_extra}"
        return text

    def update_status(self) -> None:
        self.status.update(self.status_text())

    def on_data_grid_rows_changed(self, event: DataGrid.RowsChanged) -> None:
        self.update_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.grid.filter_text)
        return True

    @property
    def filter_visible(self) -> bool:
        return self.filter_bar.has_class("-visible")

    def action_open_filter(self) -> None:
        self.filter_bar.add_class("-visible")
        self.filter_input.focus()
        self.filter_input.cursor_position = len(self.filter_input.value)

    def action_clear_filter(self) -> None:
        self.close_filter(clear=True)

    def restore_view(self, filter_text: str, key: Hashable | None) -> None:
        """The list as the operator left it: `filter_text` in the `/` filter (its line shown
        when not empty) and the cursor on `key`, now or once a list still being read brings it
        (`select_key(when_shown=True)`). The focus stays where it is."""
        with self.filter_input.prevent(Input.Changed):
            self.filter_input.value = filter_text
        self.filter_bar.set_class(bool(filter_text.strip()), "-visible")
        self.grid.apply_filter(filter_text)
        if key is not None:
            self.grid.select_key(key, when_shown=True)
        self.refresh_bindings()

    def close_filter(self, *, clear: bool) -> None:
        """Back to the grid; `clear` empties the filter (and hides its line)."""
        if clear:
            with self.filter_input.prevent(Input.Changed):
                self.filter_input.value = ""
            self.grid.apply_filter("")
        if not self.filter_input.value.strip():
            self.filter_bar.remove_class("-visible")
        self.grid.focus()
        self.refresh_bindings()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.filter_input:
            event.stop()
            self.grid.apply_filter(event.value)
            self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.filter_input:
            event.stop()
            self.close_filter(clear=False)
