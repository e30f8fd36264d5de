"""The line above the footer that names the application's modes and the keys that open them."""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.widget import Widget

# (mode, key, label): the order of the F keys.
MODES: tuple[tuple[str, str, str], ...] = (
    ("accueil", "f2", "Accueil"),
    ("synchro", "f3", "Synchro"),
    ("articles", "f4", "Articles"),
    ("tiers", "f5", "Tiers"),
    ("documents", "f6", "Documents"),
    ("parametres", "f7", "Paramètres"),
)


class ModeBar(Widget):
    """« F2 Accueil  F3 Synchro … », the current mode highlighted; a click switches mode."""

    DEFAULT_CSS = """
    ModeBar {
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current
        self._spans: list[tuple[int, int, str]] = []

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        keymap: dict[str, str] = getattr(self.app, "keymap", {})
        for mode, key, label in MODES:
            start = len(text)
            # the operator's first key for it when the keys file gives one
            shown = keymap.get(f"app.mode.{mode}", key).split(",")[0]
            text.append(
                f" {shown.upper()} ", style="bold reverse" if mode == self.current else "bold"
            )
            text.append(f"{label} ", style="bold underline" if mode == self.current else "")
            self._spans.append((start, len(text), mode))
        return text

    def on_click(self, event: Click) -> None:
        for start, end, mode in self._spans:
            if start <= event.x < end:
                self.app.switch_mode(mode)
