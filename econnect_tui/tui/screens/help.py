"""F1: the keys of the screen the operator is on, with what they do."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from .base import EconnectModal

KEY_NAMES = {
    "escape": "Échap",
    "enter": "Entrée",
    "tab": "Tab",
    "shift+tab": "Maj+Tab",
    "delete": "Suppr",
    "backspace": "Retour arrière",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "Page préc.",
    "pagedown": "Page suiv.",
    "home": "Début",
    "end": "Fin",
    "slash": "/",
    "space": "Espace",
    "question_mark": "?",
}


def key_label(key: str) -> str:
    parts = key.split("+")
    out = []
    for part in parts:
        if part in KEY_NAMES:
            out.append(KEY_NAMES[part])
        elif part == "ctrl":
            out.append("Ctrl")
        elif part == "shift":
            out.append("Maj")
        elif part == "alt":
            out.append("Alt")
        else:
            out.append(part.upper() if len(part) <= 3 else part)
    return "+".join(out)


class HelpScreen(EconnectModal):
    """Lists (key, description) pairs gathered from the screen below when F1 was pressed."""

    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Fermer"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 64; max-height: 20; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; margin-bottom: 1; }
    HelpScreen VerticalScroll { height: auto; max-height: 16; }
    """

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.help_title = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Aide — {self.help_title}", id="help-title")
            with VerticalScroll():
                text = Text()
                width = max((len(key_label(k)) for k, _ in self.keys), default=4)
                for key, description in self.keys:
                    text.append(f"{key_label(key):>{width}}", style="bold $accent")
                    text.append(f"  {description}\n")
                text.append("\nÉchap ou F1 pour fermer.", style="dim")
                yield Static(text)

    def action_dismiss(self) -> None:
        self.dismiss()
