"""A small modal listing suggested codes, best first: Enter accepts the highlighted one, Escape
closes. Used for the external codes waiting in reception for a GC article (the bulk
correspondence screen, the article card's Correspondances tab) and, the other way round, for
the GC articles close to an external code (the reception)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..widgets.footer import KeysFooter
from .base import EconnectModal


@dataclass(frozen=True)
class SuggestionItem:
    value: str  # what the modal returns when chosen (a code)
    code: str
    label: str
    note: str = ""  # right-aligned, dim (« 2 documents », « déjà FT-LAB »)


class SuggestionScreen(EconnectModal[str | None]):
    """Returns the chosen item's value, or None (Escape)."""

    BINDINGS = [
        Binding("enter", "accept", "Associer", show=True),
        Binding("escape", "close", "Fermer"),
    ]
    DEFAULT_CSS = """
    SuggestionScreen { align: center middle; }
    SuggestionScreen > Vertical {
        width: 70; height: auto; max-height: 18;
        border: round $primary; background: $surface; padding: 0 1;
    }
    SuggestionScreen #suggestion-title { text-style: bold; height: auto; }
    SuggestionScreen #suggestion-subtitle { color: $text-muted; height: auto; }
    SuggestionScreen OptionList {
        height: auto; max-height: 10; margin: 1 0 0 0; border: none; padding: 0;
        background: $surface;
    }
    SuggestionScreen #suggestion-hint { color: $text-muted; margin-top: 1; height: 1; }
    """

    def __init__(self, title: str, subtitle: str, items: Sequence[SuggestionItem]) -> None:
        super().__init__()
        self.suggestion_title = title
        self.subtitle = subtitle
        self.items = list(items)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.suggestion_title, id="suggestion-title", markup=False)
            yield Static(self.subtitle, id="suggestion-subtitle", markup=False)
            yield OptionList(*self._options(), id="suggestions", compact=True)
            yield Static(
                "Entrée : associer ce code · ↑↓ : choisir · Échap : fermer", id="suggestion-hint"
            )
        # Cover the footer of the screen below, whose keys do not apply here.
        yield KeysFooter(compact=True, show_command_palette=False)

    def _options(self) -> list[Option]:
        width = 64
        code_width = min(max((cell_len(i.code) for i in self.items), default=4), 20)
        note_width = max((cell_len(i.note) for i in self.items), default=0)
        options = []
        for index, item in enumerate(self.items):
            label_width = max(width - code_width - note_width - 4, 8)
            label = item.label
            if cell_len(label) > label_width:
                label = set_cell_size(label, label_width - 1) + "…"
            line = Text()
            line.append(set_cell_size(item.code, code_width), style="bold")
            line.append("  ")
            line.append(set_cell_size(label, label_width))
            if note_width:
                line.append("  ")
                line.append(item.note.rjust(note_width), style="dim")
            options.append(Option(line, id=str(index)))
        return options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.items else None
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.items[int(event.option.id or 0)].value)

    def action_accept(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss(self.items[index].value)

    def action_close(self) -> None:
        self.dismiss(None)
