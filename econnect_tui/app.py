"""The Textual application: its modes (one per F key), global keys, palette and help."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

from rich.text import Text
from sqlite_utils import Database
from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.driver import Driver
from textual.screen import ModalScreen, Screen
from textual.theme import ThemeProvider
from textual.widgets import Input

from . import paths
from .text import escape_controls
from .tui.commands import NO_THEME, EconnectCommands, Palette, PaletteCommand
from .tui.keymap import binding_ids, keys_file, load_keymap
from .tui.keyorder import OrderedKeysApp
from .tui.memory import HomePlace, Memory
from .tui.places import mode_of, reachable, remembered_now, reopen, seed_mapping_session
from .tui.screens.articles import ArticlesScreen
from .tui.screens.confirm import ConfirmScreen
from .tui.screens.documents import DocumentsScreen
from .tui.screens.help import HelpScreen, key_label
from .tui.screens.home import HomeScreen
from .tui.screens.mapping import open_mapping
from .tui.screens.settings import SettingsScreen
from .tui.screens.sync import SyncScreen, check_pending_at_opening, sync_palette_commands
from .tui.screens.tiers import TiersScreen
from .tui.terminal import (
    compact_driver,
    exit_on_ending_signals,
    lenient_key_decoding,
    show_control_characters,
)
from .tui.widgets.modebar import MODES as MODE_KEYS

MIN_WIDTH, MIN_HEIGHT = 80, 24  # the size every screen is designed and tested at
REMEMBER_AFTER = 1.0  # seconds after a key before the place is remembered (again at quitting)

FOOTER_KEY_NAMES = {
    "escape": "Échap",
    "delete": "Suppr",
    "insert": "Inser",
    "tab": "Tab",
    "shift+tab": "Maj+Tab",
    "space": "Espace",
}


log = logging.getLogger("econnect")
show_control_characters()  # every text of the application, whoever builds it


class EconnectApp(OrderedKeysApp):
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
    # One provider for ours and Textual's system commands: one order, accents ignored.
    COMMANDS = {EconnectCommands}
    BINDINGS = [
        Binding("f1", "help", "Aide", key_display="F1", priority=True, id="app.help"),
        # Our own palette binding: Textual's COMMAND_PALETTE_BINDING takes one key only (a
        # "ctrl+p,f10" there binds neither). F10 survives links that lose Ctrl.
        Binding(
            "ctrl+p,f10",
            "command_palette",
            "Commandes",
            show=False,
            priority=True,
            id="app.palette",
        ),
        *(
            # Not priority: a grid's own F2 (edit the cell) wins where it has focus.
            Binding(key, f"switch_mode('{mode}')", label, show=False, id=f"app.mode.{mode}")
            for mode, key, label in MODE_KEYS
        ),
        Binding("ctrl+q", "quit", "Quitter", show=False, priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        db: Database,
        db_path: Path | None = None,
        *,
        startup_checks: bool = False,
        keys: Path | None = None,
        memory: Memory | None = None,
    ) -> None:
        """`startup_checks`: look for data waiting for the connectors set to « À l'ouverture de
        l'application » and warn (seed 2.1.2). `run_app` turns it on; tests turn it on when
        they test it (otherwise the warning would cover the screen they drive). `keys`: the
        operator's keys file (`tui.keymap`), read at start. `memory`: where the operator was
        (`tui.memory`), reopened at start and remembered while the application runs; without
        it (the tests), the application opens on Accueil and remembers nothing."""
        self.memory = memory or Memory(None)
        self._place = HomePlace()
        try:
            self._place = reachable(db, self.memory.remembered.place)
        except Exception:  # whatever the database says, the application opens
            log.exception("remembered place")
        # The first mode shown is the remembered place's: Accueil is not built to be left at once.
        self.DEFAULT_MODE = mode_of(self._place)
        super().__init__()
        self.keys_path = keys
        self.keymap: dict[str, str] = {}
        self._keymap_problems: list[str] = []
        if keys is not None:
            self.keymap, self._keymap_problems = load_keymap(keys, set(binding_ids()))
            self.set_keymap(self.keymap)
        self._clashes_said: set[str] = set()
        self.db = db
        self.db_path = db_path
        self.startup_checks = startup_checks
        self.exiting = False  # set by exit(): workers' results are no longer shown
        self._crashed = False
        self._remember_timer = None
        self._too_small_said = False
        if self.memory.enabled:
            try:
                seed_mapping_session(self, self.memory.remembered)
            except Exception:
                log.exception("remembered correspondence choices")
        # Over SSH every animated frame is bytes on the wire: operators get instant changes.
        self.animation_level = "none"

    @property
    def last_connector(self) -> str | None:
        """The connector last chosen (remembered between sessions), for the dashboard's row."""
        return self.memory.remembered.connector

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, writing each run of one style once (`merge_style_runs`)."""
        return compact_driver(super().get_driver_class())

    async def on_mount(self) -> None:
        if not self.is_headless:
            exit_on_ending_signals(self)
        for problem in self._keymap_problems:
            log.warning("%s", problem)
            self.notify(problem, severity="warning", timeout=15)
        # The remembered place first: the warning about data waiting comes over it, as it came
        # over Accueil (pushed before, it would stay under the screens reopened).
        if not isinstance(self._place, HomePlace):
            try:
                await reopen(self, self._place)
            except Exception:  # never an error for a place: Accueil
                log.exception("reopening the remembered place")
                self.switch_mode("accueil")
        if self.startup_checks:
            check_pending_at_opening(self)

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, (events.Key, events.Paste, events.MouseDown))
            and not event.is_forwarded
            and self.memory.enabled
        ):
            self.remember_soon()
        await super().on_event(event)

    def remember_soon(self) -> None:
        """The place is remembered a moment after the keys that moved there, at most once per
        `REMEMBER_AFTER` while the operator types (and whatever the timer, when quitting)."""
        if self._remember_timer is None and not self.exiting:
            self._remember_timer = self.set_timer(REMEMBER_AFTER, self._remember)

    def _remember(self) -> None:
        self._remember_timer = None
        if self.exiting:
            return
        try:
            self.memory.save_soon(remembered_now(self))
        except Exception:
            log.exception("remembering the place")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A text field's cursor stays lit instead of blinking: a blinking cursor repainted its
        field twice a second for as long as it had the focus, bytes on the SSH link while the
        operator reads. Every field, Textual's own (the command palette's) included."""
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def on_app_blur(self, event: events.AppBlur) -> None:
        """The terminal window lost the focus (the operator went to another window): Textual
        takes the focus from the widget and restyles the screen for it, then gives it back
        when the window is chosen again, each time the whole screen written to the terminal
        (about 20 kB over SSH for a look at another window, sent just when the operator comes
        back to type). The application stays as it is; the terminal shows its window inactive."""
        event.prevent_default()

    def on_app_focus(self, event: events.AppFocus) -> None:
        event.prevent_default()

    def on_resize(self, event: events.Resize) -> None:
        self.say_when_too_small(event.size.width, event.size.height)

    def say_when_too_small(self, width: int, height: int) -> None:
        """Below 80×24 dialogs and footers are cut: said once each time the terminal shrinks
        below it (the keys all keep working)."""
        if width >= MIN_WIDTH and height >= MIN_HEIGHT:
            self._too_small_said = False
            return
        if self._too_small_said:
            return
        self._too_small_said = True
        self.notify(
            f"Terminal de {width}×{height} : l'application est prévue pour "
            f"{MIN_WIDTH}×{MIN_HEIGHT} au moins ; agrandissez la fenêtre.",
            severity="warning",
            timeout=10,
        )

    def exit(self, *args, **kwargs) -> None:  # type: ignore[override]
        if not self.exiting and not self._crashed and self.memory.enabled:
            try:
                self.memory.save_now(remembered_now(self))
            except Exception:
                log.exception("remembering the place")
        self.exiting = True
        super().exit(*args, **kwargs)

    def _handle_exception(self, error: Exception) -> None:
        # Textual prints the traceback (with local values) on the terminal only: the log keeps
        # it for support, the operator reads a French sentence (`_fatal_error`).
        log.error("Erreur inattendue de l'application", exc_info=error)
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        # The place it stopped on may be why: the next opening is on Accueil.
        self._crashed = True
        if self.memory.enabled:
            try:
                self.memory.save_now(
                    self.memory.remembered.model_copy(update={"place": HomePlace()})
                )
            except Exception:
                log.exception("forgetting the place")
        self.bell()
        message = crash_message(error=self._exception, db_path=self.db_path)
        self._exit_renderables.append(Text(escape_controls(message)))
        self._close_messages_no_wait()

    def notify(self, message, *, markup: bool = False, title: str = "", **kwargs) -> None:  # type: ignore[override]
        """Notifications carry codes and names typed by people or read from ETA files: never
        read them as markup (widgets and screens pass markup=True by default; it is ignored
        here on purpose), and their control characters are shown as codes."""
        super().notify(
            escape_controls(str(message)), markup=False, title=escape_controls(title), **kwargs
        )

    def get_key_display(self, binding: Binding) -> str:
        """The footer's key names, in French (« Échap », not « esc »), F keys and letters in
        capitals (as the keys moved by the operator's keys file come without a display)."""
        if binding.key_display:
            return binding.key_display
        if binding.key in FOOTER_KEY_NAMES:
            return FOOTER_KEY_NAMES[binding.key]
        if (binding.key[:1] == "f" and binding.key[1:].isdigit()) or len(binding.key) == 1:
            return binding.key.upper()
        return super().get_key_display(binding)

    def unsaved_changes(self) -> list[str]:
        """Where changes wait to be saved, in every mode's stack of screens (the screens that
        can hold some say so with `unsaved_changes()`)."""
        places = []
        for mode in self.MODES:
            try:
                stack = self.get_screen_stack(mode)
            except KeyError:  # a mode never opened
                continue
            for screen in stack:
                place = getattr(screen, "unsaved_changes", None)
                if place is not None and screen.is_mounted and (where := place()):
                    places.append(str(where))
        return places

    async def action_quit(self) -> None:
        """Ctrl+Q: quits at once, unless changes are not saved somewhere (then asks, Annuler by
        default, as Échap on a card does)."""
        places = self.unsaved_changes()
        if not places:
            self.exit()
            return
        if isinstance(self.screen, ConfirmScreen) and self.screen.id == "quit-question":
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit()

        question = (
            "Des modifications ne sont pas enregistrées ("
            + " ; ".join(places)
            + ").\nQuitter sans les enregistrer ?"
        )
        self.push_screen(ConfirmScreen(question, "Quitter", id="quit-question"), answered)

    def action_help_quit(self) -> None:
        """Ctrl+C (Textual's binding, kept: operators press it by reflex): says how to quit, in
        French and with the operator's quit key (Textual's own English notice, written with
        markup, showed its « [b] » tags here, where notifications are never markup)."""
        quit_keys = next(
            self.keys_of(binding) for binding in self.BINDINGS if binding.id == "app.quit"
        )
        self.notify(f"Ctrl+C ne quitte pas l'application : {key_label(quit_keys)} pour quitter.")

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        # One line per binding (its keys together), the focused widget's and the screen's first,
        # only bindings this application declares (not Textual's English ones: Input, scrolling).
        own: dict[tuple[str, str], str] = {}
        app_keys: dict[tuple[str, str], str] = {}
        # A footer label kept short for 80 columns gives its whole text as a tooltip.
        texts: dict[tuple[str, str], str] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            ident = (binding.action, binding.description)
            declared = _declared_bindings(type(active.node))
            if active.enabled and ident in declared and not _is_obvious(binding.action):
                keys = self.keys_of(declared[ident])
                (app_keys if active.node is self else own).setdefault(ident, keys)
                if declared[ident].tooltip:
                    texts[ident] = declared[ident].tooltip
        # The screen's keys that a focused widget shadows (Ctrl+PageDown in an Input) still work
        # when the widget has nothing to do with them: list them too.
        for ident, binding in _declared_bindings(type(screen)).items():
            if (
                ident not in own
                and "(" not in binding.action
                and not _is_obvious(binding.action)
                and screen.check_action(binding.action, ())
            ):
                own[ident] = self.keys_of(binding)
                if binding.tooltip:
                    texts[ident] = binding.tooltip
        own.pop(("app.help", "Aide"), None)  # a modal's footer copy of the app's F1
        lines = [(keys, texts.get(ident, ident[1])) for ident, keys in own.items()]
        if len(screen.focus_chain) > 1 and not any(
            "tab" in keys.split(",") for keys in own.values()
        ):
            lines.append(("tab,shift+tab", "Champ ou zone suivant / précédent"))
        # A window over the screen keeps the operator until it is closed: no change of space.
        if not isinstance(screen, ModalScreen):
            lines.append(("f2…f7", "Changer d'espace (barre du bas)"))
        lines += [(keys, description) for (_, description), keys in app_keys.items()]
        title = screen.sub_title or screen.title or self.title
        self.push_screen(HelpScreen(str(title), lines))

    def alt_key_in_use(self, key: str) -> bool:
        """No default key is an Alt key; the operator's keys file may give one."""
        return any(key in keys.split(",") for keys in self.keymap.values())

    def keys_of(self, binding: Binding) -> str:
        """The keys of a binding, the operator's own when the keys file gives them."""
        return self.keymap.get(binding.id, binding.key) if binding.id else binding.key

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node) -> None:
        """A key of the keys file already used on this screen: said once, in French."""
        for binding in clashed_bindings:
            if binding.key in self._clashes_said:
                continue
            self._clashes_said.add(binding.key)
            message = (
                f"Touche « {binding.key} » du fichier des touches déjà prise ici : "
                f"« {binding.description} » garde cette touche."
            )
            log.warning("%s", message)
            self.notify(message, severity="warning", timeout=15)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                Palette(placeholder="Rechercher une commande…", id="--command-palette")
            )

    def search_themes(self) -> None:
        """« Thème »: Textual's theme list, searched in French."""
        themes = Palette(
            providers=[ThemeProvider], placeholder="Rechercher un thème…", no_match=NO_THEME
        )
        self.push_screen(themes)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own palette commands, in French and only those an operator needs."""
        yield SystemCommand("Aide", "Les touches de l'écran en cours (F1)", self.action_help)
        yield SystemCommand(
            "Thème", "Changer les couleurs de l'application", self.action_change_theme
        )
        yield SystemCommand("Quitter", "Quitter l'application (Ctrl+Q)", self.action_quit)

    def palette_commands(self) -> Iterator[PaletteCommand]:
        for mode, key, label in MODE_KEYS:
            yield PaletteCommand(
                f"Aller à {label}",
                f"Ouvre l'espace {label} ({key.upper()})",
                lambda mode=mode: self.switch_mode(mode),
            )
        yield PaletteCommand(
            "Correspondance des articles",
            "Mettre à jour la correspondance des articles (codes articles externes)",
            lambda: open_mapping(self),
        )
        yield from sync_palette_commands(self)
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


@cache
def _declared_bindings(cls: type) -> dict[tuple[str, str], Binding]:
    """The bindings the econnect classes in `cls`'s MRO declare, by (action, description),
    the keys of several bindings with the same action and description joined (« enter,f2 »)."""
    found: dict[tuple[str, str], Binding] = {}
    for klass in cls.__mro__:
        if not klass.__module__.startswith("econnect_tui"):
            continue
        for binding in klass.__dict__.get("BINDINGS", ()):
            if not isinstance(binding, Binding):
                binding = Binding(*binding)
            if not binding.description:
                continue
            ident = (binding.action, binding.description)
            if ident in found:
                binding = replace(found[ident], key=f"{found[ident].key},{binding.key}")
            found[ident] = binding
    return found


def _is_obvious(action: str) -> bool:
    """Arrow keys and the F2–F7 modes (one line of their own) are left out of the help."""
    return action.startswith(("cursor_", "switch_mode"))


def crash_message(*, error: BaseException | None, db_path: Path | None) -> str:
    """What the operator reads on the terminal after the application stopped on a bug."""
    what = f" ({type(error).__name__} : {error})" if error is not None else ""
    where = ""
    if db_path is not None and paths.log_path_for(db_path).is_file():
        where = f" Le détail technique est dans {paths.log_path_for(db_path)}."
    return (
        f"L'application s'est arrêtée sur une erreur inattendue{what}. Ce qui était enregistré "
        f"est conservé.{where}"
    )


def run_app(db: Database, db_path: Path | None = None, *, fresh: bool = False) -> int:
    """Runs the application on the terminal; returns its exit status (1 after a crash, 128 +
    the signal's number when SIGHUP or SIGTERM ended it). It opens where the operator left it
    on this database, unless `fresh` (`econnect --accueil`): on Accueil."""
    lenient_key_decoding()
    memory = Memory.of_database(db_path, restore=not fresh)
    app = EconnectApp(db, db_path, startup_checks=True, keys=keys_file(), memory=memory)
    app.run()
    return app.return_code or 0
