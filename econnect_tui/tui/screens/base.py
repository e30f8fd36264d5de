"""What every screen of the app shares: header, the mode bar and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.widgets import Footer, Header

from ..widgets.grid import DataGrid, GridPanel
from ..widgets.modebar import ModeBar

if TYPE_CHECKING:
    from ...app import EconnectApp


class EconnectScreen(Screen):
    """A full screen of a mode: header, content (compose_body), mode bar, footer."""

    MODE = "accueil"

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
            yield Footer(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def notify_error(self, message: str) -> None:
        self.notify(message, title="Erreur", severity="error", timeout=8)


class GridScreen(EconnectScreen):
    """A screen built around one grid, alone or in a GridPanel."""

    @property
    def panel(self) -> GridPanel:
        return self.query_one(GridPanel)

    @property
    def grid(self) -> DataGrid:
        return self.query_one(DataGrid)


class EconnectModal(ModalScreen[ScreenResultType]):
    @property
    def econnect(self) -> EconnectApp:
        return self.app  # type: ignore[return-value]

    @property
    def db(self) -> Database:
        return self.econnect.db
