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

from collections.abc import Iterable
from time import monotonic
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from ..terminal import FieldInput, QuietFocus
from .footer import KeysFooter

if TYPE_CHECKING:
    from econnect_tui.tui.widgets.grid import DataGrid

EditMove = Literal["down", "up", "next", "previous", "stay"]

BURST_GAP = 0.1
"""Seconds between two keys of one burst (a scanner, a paste typed by tmux): a key coming later
than that after a refusal is the operator's own."""


_COMMIT_KEYS: dict[str, EditMove] = {
    "enter": "down",
    "down": "down",
    "up": "up",
    "tab": "next",
    "shift+tab": "previous",
}
"""Keys of the editor that commit (also its BINDINGS, for the footer and F1), and the move."""


def ignored_text(count: int) -> str:
    """« 2 saisies suivantes ignorées »: entries typed after a refused value."""
    if count == 1:
        return "1 saisie suivante ignorée"
    return f"{count} saisies suivantes ignorées"


class _CellInput(FieldInput):
    """The editor's Input, with Enter shown as "Valider" in the footer."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Valider")]

    def _on_key(self, event: events.Key) -> None:
        # Before Input's own handler (prevent_default skips it).
        screen = self.screen
        if isinstance(screen, CellEditor) and screen.take_key(event):
            event.stop()
            event.prevent_default()


class CellEditor(QuietFocus, ModalScreen[None]):
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
            height: auto;
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
        Binding("tab", "commit('next')", "Suivant"),
        Binding("shift+tab", "commit('previous')", "Valider et précédent", show=False),
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
        # Keys typed before a refusal was shown (a scanner, a burst): ignored, and counted.
        self._refused_at: float | None = None
        self._last_ignored: float | None = None
        self._ignored_entries = 0
        self._ignored_open = False  # characters ignored since the last ignored Enter

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
            yield KeysFooter()

    def on_mount(self) -> None:
        self.input.cursor_position = len(self._start_value)
        self.place()
        self.input.focus()
        self._ready = True
        self._grid._pump_typeahead()

    def on_resize(self, event: events.Resize) -> None:
        self.place()
        # The screen below lays its grid out again after this event: place once more then.
        self.call_after_refresh(self.place)

    def place(self) -> None:
        """Put the Input over the grid's cursor cell (and the error line next to it)."""
        region = self._grid.cursor_cell_screen_region()
        if region is None:
            region = Region(0, 0, max(10, self.size.width // 3), 1)
        self.input.styles.offset = (region.x, region.y)
        self.input.styles.width = max(region.width, 3)
        self._place_error(region)

    def _error_lines(self) -> list[str]:
        lines = [f"✗ {self._error}"]
        if self._ignored_entries:
            lines.append(ignored_text(self._ignored_entries))
        return lines

    def _place_error(self, region: Region) -> None:
        if not self.error:
            return
        lines = self._error_lines()
        # Before the first layout the screen has no size yet: place against the app's.
        screen_width, screen_height = self.size if self.size.width else self.app.size
        width = min(max(cell_len(line) for line in lines) + 2, max(screen_width, 1))
        x = max(0, min(region.x, screen_width - width))
        below = region.y + len(lines) < screen_height
        y = region.y + 1 if below else region.y - len(lines)
        self.error_label.styles.offset = (x, max(0, y))
        self.error_label.styles.max_width = screen_width

    def show_error(self, message: str) -> None:
        """Display a refusal from the commit hook; keeps the editor open with the typed text."""
        self._error = message
        self._refused_at = monotonic()
        self._last_ignored = None
        self._ignored_entries = 0
        self._ignored_open = False
        self._show_error_lines()
        self.input.add_class("-error")
        self.input.focus()

    def _show_error_lines(self) -> None:
        self.error_label.update("\n".join(self._error_lines()))
        self.error_label.add_class("-visible")
        self.place()

    def clear_error(self) -> None:
        self._error = ""
        self._refused_at = None
        self._ignored_entries = 0
        self.error_label.remove_class("-visible")
        self.input.remove_class("-error")

    @property
    def ignored_entries(self) -> int:
        """Entries (values, Enter-terminated or not) typed after the refused one and ignored."""
        return self._ignored_entries

    def ignore_typed_ahead(self, keys: Iterable[str], last_time: float | None) -> None:
        """Keys the grid had typed ahead behind a refused value: counted, never entered."""
        for key in keys:
            if key == "\n":  # a pasted empty line: a row to skip, not an entry
                self._ignored_open = False
            else:
                self._count_ignored(key == "\r")
        if last_time is not None:
            self._last_ignored = last_time
        if self._ignored_entries:
            self._show_error_lines()

    def ignores(self, event: events.Key) -> bool:
        """True for a key of the burst that hit a refusal: typed before the refusal was shown,
        or following such a key closely (a scanner does not stop to read)."""
        if self._refused_at is None or not (event.key == "enter" or event.is_printable):
            return False
        last = self._last_ignored
        if event.time > self._refused_at and (last is None or event.time - last > BURST_GAP):
            self._refused_at = None  # the operator's own keys from now on
            return False
        self._last_ignored = event.time
        self._count_ignored(event.key == "enter")
        self._show_error_lines()
        return True

    def _count_ignored(self, is_enter: bool) -> None:
        if is_enter:
            if not self._ignored_open:
                self._ignored_entries += 1
            self._ignored_open = False
        elif not self._ignored_open:
            self._ignored_open = True
            self._ignored_entries += 1

    def on_input_changed(self, event: Input.Changed) -> None:
        # The error describes the refused value: hide it as soon as the operator changes it.
        # The current value, not the event's: typed-ahead keys post stale Changed events.
        if self._error and self.input.value != self._refused_value:
            self.clear_error()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_commit("down")

    def on_key(self, event: events.Key) -> None:
        # Keys typed before the Input got focus (fast typists, barcode scanners) are not lost.
        if self.focused is self.input:
            return
        if self.take_key(event):
            event.stop()
            event.prevent_default()
        elif event.is_printable and event.character:
            event.stop()
            self.input.insert_text_at_cursor(event.character)
            self.input.focus()

    def take_key(self, event: events.Key) -> bool:
        """Handles the keys that commit, in the order they come: as bindings they would run
        only once the key bubbled up to the app, after the keys queued behind it had gone into
        the Input (« FT-DECH⏎ZZZ1⏎ » committing « FT-DECHZZZ1 »)."""
        if self._done:  # committed and closing: the keys are for the following rows
            return self._grid.type_ahead(event)
        if self.ignores(event):
            return True
        move = _COMMIT_KEYS.get(event.key)
        if move is None:
            return False
        self.action_commit(move)
        return True

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
