"""The command palette (Ctrl+P or F10): every mode and every action a screen offers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.system_commands import SystemCommandsProvider
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


class FoldedSearch(Provider):
    """A provider whose search ignores accents and case: « aller a parametres » finds « Aller à
    Paramètres », « theme » finds « Thème ». Every provider of the palette searches this way,
    ours and Textual's system commands alike."""

    def _commands(self) -> Iterable[PaletteCommand]:
        raise NotImplementedError

    async def search(self, query: str) -> Hits:
        folded = self.matcher(fold(query))
        matcher = self.matcher(query)
        for cmd in self._commands():
            score = folded.match(fold(cmd.title))
            if score > 0:
                title = matcher.highlight(cmd.title) if matcher.match(cmd.title) else cmd.title
                yield Hit(score, title, partial(cmd.run), help=cmd.help)


class SystemCommands(FoldedSearch, SystemCommandsProvider):
    """Textual's system commands (`App.get_system_commands`: Aide, Thème, Quitter), searched
    as ours are; in the app's COMMANDS instead of Textual's provider, so each is offered once.
    Their list without a query stays Textual's."""

    def _commands(self) -> Iterator[PaletteCommand]:
        for title, help_text, run, *_ in self.app.get_system_commands(self.screen):
            yield PaletteCommand(title, help_text, run)


class EconnectCommands(FoldedSearch):
    """Asks the app for its commands each time the palette opens, so they follow the data
    (one « Réceptionner X » per connector, for instance)."""

    def _commands(self) -> list[PaletteCommand]:
        return list(self.app.palette_commands())  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for cmd in self._commands():
            yield DiscoveryHit(cmd.title, partial(cmd.run), help=cmd.help)
