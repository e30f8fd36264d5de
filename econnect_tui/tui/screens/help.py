"""F1: the keys of the screen the operator is on, with what they do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
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
    "insert": "Inser",
}


def key_label(key: str) -> str:
    """« ctrl+s,f9 » -> « Ctrl+S / F9 »; « f2…f7 » -> « F2…F7 »."""
    if "," in key:
        return " / ".join(key_label(k) for k in key.split(","))
    if "…" in key:
        return "…".join(key_label(k) for k in key.split("…"))
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
        width: 66; max-height: 22; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; margin-bottom: 1; }
    HelpScreen VerticalScroll { height: auto; max-height: 18; }
    """

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.help_title = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Aide — {self.help_title}", id="help-title")
            with VerticalScroll():
                # Content, not rich Text: its styles may use the theme's variables ($accent).
                width = max((len(key_label(k)) for k, _ in self.keys), default=4)
                parts: list[str | tuple[str, str]] = []
                for key, description in self.keys:
                    parts.append((f"{key_label(key):>{width}}", "bold $accent"))
                    parts.append(f"  {description}\n")
                parts.append(("\nÉchap ou F1 pour fermer.", "dim"))
                yield Static(Content.assemble(*parts))

    def action_dismiss(self) -> None:
        self.dismiss()
