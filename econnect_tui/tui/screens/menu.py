"""Small modals of the Synchro screens: a menu of actions (the dashboard's « menu contextuel »
and « Options ») and a read-only text (the details of a row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..widgets.footer import KeysFooter
from .base import EconnectModal


@dataclass(frozen=True)
class MenuItem:
    id: str
    label: str
    help: str = ""


class ActionMenu(EconnectModal[str | None]):
    """Returns the chosen item's id (Enter), or None (Escape)."""

    BINDINGS = [
        Binding("enter", "choose", "Choisir"),
        Binding("escape", "close", "Fermer"),
    ]
    DEFAULT_CSS = """
    ActionMenu { align: center middle; }
    ActionMenu > Vertical {
        width: 64; height: auto; border: round $primary; background: $surface; padding: 0 1;
    }
    ActionMenu #menu-title { text-style: bold; height: 1; }
    ActionMenu OptionList {
        height: auto; margin-top: 1; border: none; padding: 0; background: $surface;
    }
    ActionMenu #menu-hint { color: $text-muted; height: 1; margin-top: 1; }
    """

    def __init__(self, title: str, items: Sequence[MenuItem]) -> None:
        super().__init__()
        self.menu_title = title
        self.items = list(items)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.menu_title, id="menu-title", markup=False)
            options = []
            for item in self.items:
                prompt = Text(item.label, style="bold")
                if item.help:
                    prompt.append(f"\n  {item.help}", style="dim")
                options.append(Option(prompt, id=item.id))
            yield OptionList(*options, id="menu-options", compact=True)
            yield Static("Entrée : choisir · ↑↓ : se déplacer · Échap : fermer", id="menu-hint")
        yield KeysFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(self.items[options.highlighted].id)

    def action_close(self) -> None:
        self.dismiss(None)


class TextScreen(EconnectModal[None]):
    """A title and a text to read (every message of a row); Escape or Enter closes."""

    BINDINGS = [
        Binding("escape,enter", "close", "Fermer"),
    ]
    DEFAULT_CSS = """
    TextScreen { align: center middle; }
    TextScreen > Vertical {
        width: 74; height: auto; max-height: 20;
        border: round $primary; background: $surface; padding: 0 1;
    }
    TextScreen #text-title { text-style: bold; height: auto; }
    TextScreen VerticalScroll { height: auto; max-height: 16; margin-top: 1; }
    """

    def __init__(self, title: str, text: str | Text) -> None:
        super().__init__()
        self.text_title = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.text_title, id="text-title", markup=False)
            with VerticalScroll():
                yield Static(self.text, id="text-body", markup=False)
        yield KeysFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
