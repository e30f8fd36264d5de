"""The command palette (Ctrl+P or F10): every mode and every action a screen offers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..text import fold


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], object]


class EconnectCommands(Provider):
    """Asks the app for its commands each time the palette opens, so they follow the data
    (one « Réceptionner X » per connector, for instance)."""

    def _commands(self) -> list[PaletteCommand]:
        return list(self.app.palette_commands())  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for cmd in self._commands():
            yield DiscoveryHit(cmd.title, partial(cmd.run), help=cmd.help)

    async def search(self, query: str) -> Hits:
        # Accent-insensitive: « aller a parametres » finds « Aller à Paramètres ».
        folded = self.matcher(fold(query))
        matcher = self.matcher(query)
        for cmd in self._commands():
            score = folded.match(fold(cmd.title))
            if score > 0:
                title = matcher.highlight(cmd.title) if matcher.match(cmd.title) else cmd.title
                yield Hit(score, title, partial(cmd.run), help=cmd.help)
