"""The Textual application: its modes (one per F key), global keys, palette and help."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette

from .tui.commands import EconnectCommands, PaletteCommand
from .tui.screens.articles import ArticlesScreen
from .tui.screens.documents import DocumentsScreen
from .tui.screens.help import HelpScreen
from .tui.screens.home import HomeScreen
from .tui.screens.settings import SettingsScreen
from .tui.screens.sync import SyncScreen
from .tui.screens.tiers import TiersScreen
from .tui.widgets.modebar import MODES as MODE_KEYS


class EconnectApp(App):
    TITLE = "E-connecteur Facilitime"
    CSS_PATH = "app.tcss"
    MODES = {
        "accueil": HomeScreen,
        "synchro": SyncScreen,
        "articles": ArticlesScreen,
        "tiers": TiersScreen,
        "documents": DocumentsScreen,
        "parametres": SettingsScreen,
    }
    DEFAULT_MODE = "accueil"
    COMMANDS = App.COMMANDS | {EconnectCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p,f10"
    BINDINGS = [
        Binding("f1", "help", "Aide", key_display="F1", priority=True),
        *(
            # Not priority: a grid's own F2 (edit the cell) wins where it has focus.
            Binding(key, f"switch_mode('{mode}')", label, show=False)
            for mode, key, label in MODE_KEYS
        ),
        Binding("ctrl+q", "quit", "Quitter", show=False, priority=True),
    ]

    def __init__(self, db: Database, db_path: Path | None = None) -> None:
        super().__init__()
        self.db = db
        self.db_path = db_path

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        seen: dict[str, str] = {}
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.description and active.enabled and key not in seen:
                seen[key] = binding.description
        keys = sorted(seen.items(), key=lambda kv: (not kv[0].startswith("f"), kv[0]))
        keys += [
            ("ctrl+p", "Palette de commandes (aussi F10)"),
            ("ctrl+q", "Quitter"),
        ]
        title = self.screen.sub_title or self.screen.title or self.title
        self.push_screen(HelpScreen(str(title), keys))

    def palette_commands(self) -> Iterator[PaletteCommand]:
        for mode, key, label in MODE_KEYS:
            yield PaletteCommand(
                f"Aller à {label}",
                f"Ouvre l'espace {label} ({key.upper()})",
                lambda mode=mode: self.switch_mode(mode),
            )
        screen_commands = getattr(self.working_screen, "palette_commands", None)
        if screen_commands:
            yield from screen_commands()

    @property
    def working_screen(self):
        """The screen the operator works on, under the palette or the help when they are open."""
        for screen in reversed(self.screen_stack):
            if not isinstance(screen, (CommandPalette, HelpScreen)):
                return screen
        return self.screen


def run_app(db: Database, db_path: Path | None = None) -> None:
    EconnectApp(db, db_path).run()
