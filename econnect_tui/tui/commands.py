"""The command palette (Ctrl+P or F10): every mode and every action a screen offers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from ..text import fold
from .terminal import QuietFocus


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], object]


NO_MATCH = "Aucune commande ne correspond"


NO_THEME = "Aucun thème ne correspond"


class Palette(QuietFocus, CommandPalette):
    """Textual's palette with its « no match » line in French: Textual writes that line in a
    private method, so this one replaces it (a test checks the French line is shown)."""

    def __init__(self, *args, no_match: str = NO_MATCH, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.no_match = no_match

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_match() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(self.no_match, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:  # discovery mode: nothing to say
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_match)


class EconnectCommands(Provider):
    """Every command of the palette, from one provider so its list comes in one order each
    time: the app's own, asked each time the palette opens so they follow the data (one
    « Réceptionner X » per connector, for instance), then Textual's system commands (Aide,
    Thème, Quitter; in the app's COMMANDS instead of Textual's provider, so each is offered
    once). Searched with accents and case ignored: « aller a parametres » finds « Aller à
    Paramètres », « theme » finds « Thème »."""

    def _system_commands(self, *, listed_only: bool) -> Iterator[PaletteCommand]:
        for title, help_text, run, listed in self.app.get_system_commands(self.screen):
            if listed or not listed_only:
                yield PaletteCommand(title, help_text, run)

    def _commands(self) -> list[PaletteCommand]:
        own = self.app.palette_commands()  # type: ignore[attr-defined]
        return [*own, *self._system_commands(listed_only=False)]

    async def discover(self) -> Hits:
        own = self.app.palette_commands()  # type: ignore[attr-defined]
        for cmd in [*own, *self._system_commands(listed_only=True)]:
            yield DiscoveryHit(cmd.title, partial(cmd.run), help=cmd.help)

    async def search(self, query: str) -> Hits:
        folded = self.matcher(fold(query))
        matcher = self.matcher(query)
        for cmd in self._commands():
            score = folded.match(fold(cmd.title))
            if score > 0:
                title = matcher.highlight(cmd.title) if matcher.match(cmd.title) else cmd.title
                yield Hit(score, title, partial(cmd.run), help=cmd.help)
