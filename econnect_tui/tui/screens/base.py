"""What every screen of the app shares: header, the mode bar and the footer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlite_utils import Database
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.widget import Widget
from textual.widgets import Header, TabbedContent

from ..terminal import QuietFocus
from ..widgets.footer import KeysFooter
from ..widgets.grid import DataGrid, GridPanel
from ..widgets.modebar import ModeBar

if TYPE_CHECKING:
    from ...app import EconnectApp


def notify_error(target: App | Widget, message: str) -> None:
    """An error on screen, titled « Erreur » and left long enough to be read."""
    target.notify(message, title="Erreur", severity="error", timeout=8)


class EconnectScreen(QuietFocus, Screen):
    """A full screen of a mode: header, content (compose_body), mode bar, footer."""

    MODE = "accueil"

    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._reloads_pending: set[Callable[[], object]] = set()  # asked, not yet run

    @property
    def econnect(self) -> EconnectApp:
        return self.app  # type: ignore[return-value]

    @property
    def db(self) -> Database:
        return self.econnect.db

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield from self.compose_body()
        with Vertical(id="bottom-bars"):
            yield ModeBar(self.MODE)
            yield KeysFooter(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def reload_once(self, reload: Callable[[], object]) -> None:
        """`reload` soon, once for all the ScreenResume of one showing: a screen that reads
        its data when shown does it there, not in on_mount too (pushing a screen sends a
        ScreenResume after its mount, and a first switch to a mode sends two). The Documents
        list of a large database was read three times on its first F6."""
        if reload in self._reloads_pending:
            return
        self._reloads_pending.add(reload)

        def run() -> None:
            self._reloads_pending.discard(reload)
            reload()

        self.call_later(run)

    def notify_error(self, message: str) -> None:
        notify_error(self, message)


class GridScreen(EconnectScreen):
    """A screen built around one grid, alone or in a GridPanel."""

    @property
    def panel(self) -> GridPanel:
        return self.query_one(GridPanel)

    @property
    def grid(self) -> DataGrid:
        return self.query_one(DataGrid)


class CardScreen(EconnectScreen):
    """A record's card: tabs (TABS, ids of its TabbedContent's panes) the operator moves
    through with Ctrl+PgDn / Ctrl+PgUp, the content of the tab shown taking the focus."""

    BINDINGS = [
        Binding(
            "ctrl+pagedown,ctrl+right", "next_tab", "Onglet suivant", show=False, id="card.next_tab"
        ),
        Binding(
            "ctrl+pageup,ctrl+left",
            "previous_tab",
            "Onglet précédent",
            show=False,
            id="card.previous_tab",
        ),
    ]
    TABS: tuple[str, ...] = ()

    def tab_names(self) -> tuple[str, ...]:
        """The tabs the card offers now."""
        return self.TABS

    def focus_tab(self, tab: str) -> None:
        """Focus the content of a tab just shown."""

    def action_next_tab(self) -> None:
        self._move_tab(1)

    def action_previous_tab(self) -> None:
        self._move_tab(-1)

    def _move_tab(self, step: int) -> None:
        names = self.tab_names()
        index = (names.index(self.query_one(TabbedContent).active) + step) % len(names)
        self.show_tab(names[index])

    def show_tab(self, tab: str) -> None:
        """Activate a tab and focus its content (focus would stay on the hidden tab)."""
        self.query_one(TabbedContent).active = tab
        self.focus_tab(tab)

    def unsaved_changes(self) -> str | None:
        """Where changes wait for Ctrl+S (said when quitting), None when there are none."""
        return None

    def action_close(self) -> None:
        from .confirm import leave_asking_first  # confirm.py builds on this module

        leave_asking_first(
            self,
            self.unsaved_changes() is not None,
            "Fermer la fiche sans enregistrer les modifications ?",
            "Fermer",
        )


_MODAL_HELP = Binding("f1", "app.help", "Aide", key_display="F1", id="app.help")


class EconnectModal(QuietFocus, ModalScreen[ScreenResultType]):
    def __init_subclass__(cls, **kwargs) -> None:
        # The app's F1 works here too (priority), but a modal's footer shows only the modal's
        # own bindings: each window gets « F1 Aide », last, as on the full screens.
        if "BINDINGS" in cls.__dict__:
            cls.BINDINGS = [*cls.BINDINGS, _MODAL_HELP]
        super().__init_subclass__(**kwargs)  # Textual merges the bindings there

    @property
    def econnect(self) -> EconnectApp:
        return self.app  # type: ignore[return-value]

    @property
    def db(self) -> Database:
        return self.econnect.db
