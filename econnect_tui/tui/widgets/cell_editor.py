"""In-place cell editor for `DataGrid`: a transparent modal screen holding one compact `Input`.

The grid pushes a `CellEditor` over itself; the `Input` sits exactly on the cursor cell (the grid
computes the cell's region on screen, scroll offset included) and an error line appears under the
cell (over it on the last screen line) when the grid's commit hook refuses the value.

Keys inside the editor:
- Enter / Down: commit, then the grid moves down one row (same column).
- Up: commit, then move up one row.
- Tab / Shift+Tab: commit, then move to the next / previous editable cell.
- Escape: cancel (the value is unchanged), focus returns to the grid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

if TYPE_CHECKING:
    from econnect_tui.tui.widgets.grid import DataGrid

EditMove = Literal["down", "up", "next", "previous", "stay"]


class _CellInput(Input):
    """The editor's Input, with Enter shown as "Valider" in the footer."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Valider")]


class CellEditor(ModalScreen[None]):
    """Edit one grid cell in place. Created by `DataGrid.start_edit`, not by owners."""

    DEFAULT_CSS = """
    CellEditor {
        background: transparent;
        align: left top;
        overflow: hidden hidden;
        & > #cell-editor-input {
            position: absolute;
            height: 1;
            padding: 0 1;
            background: $surface-lighten-2;
            color: $foreground;
            text-style: bold;
            &:focus { background: $surface-lighten-2; }
            &:ansi {
                background: ansi_white;
                color: ansi_black;
            }
            &.-error {
                background: $error-muted;
                &:ansi {
                    background: ansi_red;
                    color: ansi_bright_white;
                }
            }
        }
        & > #cell-editor-error {
            position: absolute;
            display: none;
            width: auto;
            height: 1;
            padding: 0 1;
            background: $error;
            color: $text;
            text-style: bold;
            &:ansi {
                background: ansi_red;
                color: ansi_bright_white;
            }
        }
        & > #cell-editor-error.-visible {
            display: block;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "commit('down')", "Valider"),
        Binding("escape", "cancel", "Annuler"),
        Binding("tab", "commit('next')", "Suivant", priority=True),
        Binding(
            "shift+tab", "commit('previous')", "Valider et précédent", show=False, priority=True
        ),
        Binding("down", "commit('down')", "Valider et descendre", show=False),
        Binding("up", "commit('up')", "Valider et monter", show=False),
    ]

    def __init__(self, grid: DataGrid, value: str) -> None:
        super().__init__()
        self._grid = grid
        self._start_value = value
        self.input = _CellInput(
            value,
            compact=True,
            select_on_focus=False,
            id="cell-editor-input",
        )
        self.error_label = Static("", id="cell-editor-error", markup=False)
        self._done = False
        self._error = ""
        self._refused_value: str | None = None
        self._ready = False

    @property
    def grid(self) -> DataGrid:
        return self._grid

    @property
    def error(self) -> str:
        """The error currently shown (empty when none)."""
        return self._error

    def compose(self) -> ComposeResult:
        yield self.input
        yield self.error_label
        # The footer of the screen below would keep showing the grid's keys: cover it with ours.
        if self._grid.screen.query(Footer):
            yield Footer()

    def on_mount(self) -> None:
        self.input.cursor_position = len(self._start_value)
        self.place()
        self.input.focus()
        self._ready = True
        self._grid._pump_typeahead()

    def on_resize(self, event: events.Resize) -> None:
        self.place()

    def place(self) -> None:
        """Put the Input over the grid's cursor cell (and the error line next to it)."""
        region = self._grid.cursor_cell_screen_region()
        if region is None:
            region = Region(0, 0, max(10, self.size.width // 3), 1)
        self.input.styles.offset = (region.x, region.y)
        self.input.styles.width = max(region.width, 3)
        self._place_error(region)

    def _place_error(self, region: Region) -> None:
        message = self.error
        if not message:
            return
        screen_width, screen_height = self.size
        width = min(cell_len(message) + 4, max(screen_width, 1))
        x = max(0, min(region.x, screen_width - width))
        y = region.y + 1 if region.y + 1 < screen_height else region.y - 1
        self.error_label.styles.offset = (x, max(0, y))
        self.error_label.styles.max_width = screen_width

    def show_error(self, message: str) -> None:
        """Display a refusal from the commit hook; keeps the editor open with the typed text."""
        self._error = message
        self.error_label.update(f"✗ {message}")
        self.error_label.add_class("-visible")
        self.input.add_class("-error")
        self.place()
        self.input.focus()

    def clear_error(self) -> None:
        self._error = ""
        self.error_label.remove_class("-visible")
        self.input.remove_class("-error")

    def on_input_changed(self, event: Input.Changed) -> None:
        # The error describes the refused value: hide it as soon as the operator changes it.
        if self._error and event.value != self._refused_value:
            self.clear_error()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_commit("down")

    def on_key(self, event: events.Key) -> None:
        # Keys typed before the Input got focus (fast typists, barcode scanners) are not lost.
        if self.focused is not self.input and event.is_printable and event.character:
            event.stop()
            self.input.insert_text_at_cursor(event.character)
            self.input.focus()

    @property
    def ready(self) -> bool:
        """Mounted, its Input focused: typed-ahead keys can go in."""
        return self._ready

    def feed(self, text: str) -> None:
        """Inserts text typed ahead of the editor (see DataGrid._pump_typeahead)."""
        self.input.insert_text_at_cursor(text)

    def on_click(self, event: events.Click) -> None:
        # A click outside the cell cancels the edit, like Escape.
        if event.widget is self:
            self.action_cancel()

    def action_commit(self, move: EditMove = "down") -> None:
        if self._done:
            return
        value = self.input.value
        error = self._grid._commit_edit(value, move)
        if error:
            self._refused_value = value
            self.show_error(error)
            return
        self._close()

    def action_cancel(self) -> None:
        if self._done:
            return
        self._grid._cancel_edit()
        self._close()

    def _close(self) -> None:
        self._done = True
        self.dismiss(None)
